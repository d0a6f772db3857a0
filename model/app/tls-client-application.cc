/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-client-application.h"

#include "ns3/tls-request-header.h"

#include "ns3/address.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include "ns3/tcp-profile.h"

#include <openssl/ssl.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsClientApplication");

NS_OBJECT_ENSURE_REGISTERED(TlsClientApplication);

namespace
{
/// Finished connections kept while their close completes; older ones are released.
const size_t MAX_CLOSING = 64;
} // namespace

TypeId
TlsClientApplication::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TlsClientApplication")
              .SetParent<TlsApplication>()
              .SetGroupName("Tls")
              .AddConstructor<TlsClientApplication>()
              .AddAttribute("Remote",
                            "The server's address and port",
                            AddressValue(),
                            MakeAddressAccessor(&TlsClientApplication::m_remote),
                            MakeAddressChecker())
              .AddAttribute("Handshakes",
                            "Number of connections to open, one after another",
                            UintegerValue(1),
                            MakeUintegerAccessor(&TlsClientApplication::m_handshakes),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("Interval",
                            "Pause between the end of one connection and the start of the next",
                            TimeValue(MilliSeconds(100)),
                            MakeTimeAccessor(&TlsClientApplication::m_interval),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("Timeout",
                            "A connection not done after this long fails with error 'timeout'",
                            TimeValue(Seconds(30)),
                            MakeTimeAccessor(&TlsClientApplication::m_timeout),
                            MakeTimeChecker(Time(1)))
              .AddAttribute(
                  "EarlyData",
                  "The first EarlyData bytes of the request are sent as TLS 1.3 0-RTT data on "
                  "resumed connections (the request is at least this long)",
                  UintegerValue(0),
                  MakeUintegerAccessor(&TlsClientApplication::m_earlyData),
                  MakeUintegerChecker<uint32_t>())
              .AddAttribute("RequestSize",
                            "Bytes of application request sent after the handshake (0: none)",
                            UintegerValue(0),
                            MakeUintegerAccessor(&TlsClientApplication::m_requestSize),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("ResponseSize",
                            "Bytes the server is asked to answer with",
                            UintegerValue(0),
                            MakeUintegerAccessor(&TlsClientApplication::m_responseSize),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("ClientIndex",
                            "Index written into the 'client' column of the records",
                            UintegerValue(0),
                            MakeUintegerAccessor(&TlsClientApplication::m_clientIndex),
                            MakeUintegerChecker<uint32_t>())
              .AddTraceSource(
                  "ConnectionStart",
                  "A connection was opened (Connect() called, client address "
                  "known); its record is filled as the connection goes. "
                  "TlsTrackerHelper keeps it and joins the server's side to it",
                  MakeTraceSourceAccessor(&TlsClientApplication::m_connectionStartTrace),
                  "ns3::TlsClientApplication::ConnectionStartTracedCallback")
              .AddTraceSource(
                  "HandshakeComplete",
                  "The client finished a TLS handshake",
                  MakeTraceSourceAccessor(&TlsClientApplication::m_handshakeCompleteTrace),
                  "ns3::TlsClientApplication::RecordTracedCallback")
              .AddTraceSource(
                  "HandshakeFailed",
                  "A connection failed (TLS alert, verification, TCP, timeout)",
                  MakeTraceSourceAccessor(&TlsClientApplication::m_handshakeFailedTrace),
                  "ns3::TlsClientApplication::RecordTracedCallback")
              .AddTraceSource("ConnectionDone",
                              "A connection ended and its record is complete: fired once the "
                              "client is done and the server's side is final too (server "
                              "handshake complete or failed, or its connection ended); after "
                              "Timeout at the latest",
                              MakeTraceSourceAccessor(&TlsClientApplication::m_connectionDoneTrace),
                              "ns3::TlsClientApplication::RecordTracedCallback")
              .AddTraceSource("HandshakeMessage",
                              "A TLS message was sent or read by this client",
                              MakeTraceSourceAccessor(&TlsClientApplication::m_messageTrace),
                              "ns3::TlsClientApplication::MessageTracedCallback")
              .AddTraceSource("StateTransition",
                              "The client changed state",
                              MakeTraceSourceAccessor(&TlsClientApplication::m_stateTrace),
                              "ns3::TlsClientApplication::StateTransitionTracedCallback");
    return tid;
}

TlsClientApplication::TlsClientApplication()
{
    NS_LOG_FUNCTION(this);
}

TlsClientApplication::~TlsClientApplication()
{
    SSL_SESSION_free(m_session);
}

std::string
TlsClientApplication::GetStateString(State state)
{
    switch (state)
    {
        case NOT_STARTED:
            return "NOT_STARTED";
        case CONNECTING:
            return "CONNECTING";
        case HANDSHAKING:
            return "HANDSHAKING";
        case ESTABLISHED:
            return "ESTABLISHED";
        case WAITING:
            return "WAITING";
        case STOPPED:
            return "STOPPED";
    }
    return "UNKNOWN";
}

void
TlsClientApplication::SwitchToState(State state)
{
    std::string oldState = GetStateString(m_state);
    m_state = state;
    NS_LOG_INFO(this << " " << oldState << " -> " << GetStateString(state));
    m_stateTrace(oldState, GetStateString(state));
}

std::vector<Ptr<TlsHandshakeRecord>>
TlsClientApplication::GetRecords() const
{
    std::vector<Ptr<TlsHandshakeRecord>> records = m_records;
    if (m_record)
    {
        records.push_back(m_record);
    }
    return records;
}

void
TlsClientApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_context = MakeContext(TlsContext::CLIENT);
    StartConnection();
}

void
TlsClientApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_nextEvent.Cancel();
    if (m_record)
    {
        Finish("stopped");
    }
    SwitchToState(STOPPED);
}

void
TlsClientApplication::DoDispose()
{
    m_nextEvent.Cancel();
    m_timeoutEvent.Cancel();
    if (m_connection)
    {
        m_connection->Detach();
        m_connection = nullptr;
    }
    for (auto& c : m_closing)
    {
        c->Detach();
    }
    m_closing.clear();
    for (auto& [record, fallback] : m_waitingForServer)
    {
        fallback.Cancel();
        record->onServerFinal = Callback<void>();
    }
    m_waitingForServer.clear();
    TlsApplication::DoDispose();
}

void
TlsClientApplication::StartConnection()
{
    NS_LOG_FUNCTION(this << m_started);
    Ptr<Socket> socket = CreateSocket();
    if (InetSocketAddress::IsMatchingType(m_remote))
    {
        socket->Bind();
    }
    else
    {
        socket->Bind6();
    }
    m_record = Create<TlsHandshakeRecord>();
    m_record->conn = m_started++;
    m_record->client = m_clientIndex;
    m_responseBytes = 0;
    m_connection = Create<TlsConnection>(socket, m_context, m_costModel, m_cpu);
    TlsConnection::Listener listener;
    listener.handshakeDone = MakeCallback(&TlsClientApplication::OnHandshakeDone, this);
    listener.data = MakeCallback(&TlsClientApplication::OnData, this);
    listener.failed = MakeCallback(&TlsClientApplication::OnFailed, this);
    listener.peerClosed = MakeCallback(&TlsClientApplication::OnPeerClosed, this);
    listener.message = MakeCallback(&TlsClientApplication::OnMessage, this);
    m_connection->SetListener(listener);
    m_connection->SetRecord(m_record);
    socket->SetConnectCallback(MakeCallback(&TlsClientApplication::OnConnected, this),
                               MakeCallback(&TlsClientApplication::OnConnectFailed, this));
    SwitchToState(CONNECTING);
    m_record->connectTime = Simulator::Now();
    socket->Connect(m_remote);
    socket->GetSockName(m_record->clientAddress);
    m_connectionStartTrace(m_record);
    m_timeoutEvent = Simulator::Schedule(m_timeout, &TlsClientApplication::OnTimeout, this);
}

void
TlsClientApplication::OnConnected(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this);
    m_record->tcpDone = Simulator::Now();
    SwitchToState(HANDSHAKING);
    bool wantsRequest = m_requestSize > 0 || m_earlyData > 0 || m_responseSize > 0;
    // The first EarlyData bytes of the request go as 0-RTT data: the request is at least that long.
    m_requestTotal
        = wantsRequest ? std::max({TlsRequestHeader::SIZE, m_requestSize, m_earlyData}) : 0;
    m_request.assign(m_requestTotal, 'q');
    if (wantsRequest)
    {
        TlsRequestHeader::Write(m_request.data(), m_requestTotal, m_responseSize);
    }
    std::vector<uint8_t> early;
    if (m_session && !SSL_SESSION_is_resumable(m_session))
    {
        // OpenSSL marks a session not resumable when a connection that used it ended badly
        // (SSL_CTX_remove_session): like a real client, fall back to a full handshake.
        NS_LOG_INFO("session no longer resumable: full handshake");
        SSL_SESSION_free(m_session);
        m_session = nullptr;
    }
    SSL_SESSION* session = m_resumption != TlsConfig::RESUME_NONE ? m_session : nullptr;
    if (session && m_earlyData > 0 && SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION
        && SSL_SESSION_get_max_early_data(session) >= m_earlyData)
    {
        early.assign(m_request.begin(), m_request.begin() + m_earlyData);
        m_request.erase(m_request.begin(), m_request.begin() + m_earlyData);
        m_record->earlyDataSent = true;
    }
    m_connection->Start(session, std::move(early));
}

void
TlsClientApplication::OnConnectFailed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this);
    Finish("tcp: connection failed");
}

void
TlsClientApplication::OnHandshakeDone()
{
    NS_LOG_FUNCTION(this);
    const TlsEngine* e = m_connection->GetEngine();
    m_record->clientDone = Simulator::Now();
    m_record->ok = true;
    m_record->version = e->GetVersion();
    m_record->cipher = e->GetCipher();
    m_record->group = e->GetGroup();
    m_record->resumed = e->IsResumed();
    m_record->helloRetry = e->HadHelloRetryRequest();
    m_record->earlyDataAccepted = e->GetEarlyDataStatus() == TlsEngine::EARLY_ACCEPTED;
    m_record->clientHandshakeBytes = e->GetHandshakeBytesWritten();
    SwitchToState(ESTABLISHED);
    m_handshakeCompleteTrace(m_record);
    if (!m_request.empty())
    {
        // (Rejected 0-RTT data is resent by the engine before this.)
        m_connection->Write(m_request);
        m_request.clear();
    }
    CheckDone();
}

void
TlsClientApplication::OnData(const std::vector<uint8_t>& data)
{
    if (m_responseBytes == 0 && !data.empty())
    {
        m_record->firstResponseByte = Simulator::Now();
    }
    m_responseBytes += data.size();
    CheckDone();
}

void
TlsClientApplication::OnMessage(const TlsMessage& message, Time time)
{
    if (const TlsMessageTiming* t = m_record->AddMessage(true, message, time))
    {
        m_messageTrace(*t);
    }
    if (!message.sent && message.handshakeType == SSL3_MT_NEWSESSION_TICKET)
    {
        CheckDone();
    }
}

void
TlsClientApplication::OnClosingMessage(Ptr<TlsHandshakeRecord> record,
                                       const TlsMessage& message,
                                       Time time)
{
    if (const TlsMessageTiming* t = record->AddMessage(true, message, time))
    {
        m_messageTrace(*t);
    }
}

void
TlsClientApplication::OnFailed()
{
    NS_LOG_FUNCTION(this);
    const TlsEngine* e = m_connection->GetEngine();
    std::string error = e && !e->GetError().empty() ? e->GetError() : m_connection->GetTcpError();
    Finish(error.empty() ? "failed" : error);
}

void
TlsClientApplication::OnPeerClosed()
{
    NS_LOG_FUNCTION(this);
    if (m_state == HANDSHAKING || m_state == CONNECTING)
    {
        Finish("tcp: closed by peer during handshake");
    }
    else if (m_state == ESTABLISHED)
    {
        Finish(m_responseBytes < m_responseSize ? "closed by peer before the response" : "");
    }
}

void
TlsClientApplication::OnTimeout()
{
    NS_LOG_FUNCTION(this);
    std::string phase = m_state == CONNECTING    ? "tcp connect"
                        : m_state == HANDSHAKING ? "handshake"
                                                 : "response";
    Finish("timeout: " + phase);
}

void
TlsClientApplication::CheckDone()
{
    if (m_state != ESTABLISHED || m_responseBytes < m_responseSize)
    {
        return;
    }
    // To resume next time, keep the connection until a session (TLS 1.3: a ticket) arrived.
    // A resumed TLS 1.2 handshake announces no new session: the one it used stays valid.
    const TlsEngine* e = m_connection->GetEngine();
    bool needSession = m_resumption != TlsConfig::RESUME_NONE && m_started < m_handshakes
                       && !(e->IsResumed() && !e->IsTls13());
    if (needSession && e->GetSessionsReceived() == 0)
    {
        return;
    }
    Finish("");
}

void
TlsClientApplication::ConnectionDone(Ptr<TlsHandshakeRecord> record)
{
    auto it = m_waitingForServer.find(record);
    if (it == m_waitingForServer.end())
    {
        return;
    }
    it->second.Cancel();
    m_waitingForServer.erase(it);
    record->onServerFinal = Callback<void>();
    m_connectionDoneTrace(record);
}

void
TlsClientApplication::Finish(const std::string& error)
{
    NS_LOG_FUNCTION(this << error);
    m_timeoutEvent.Cancel();
    Ptr<TlsHandshakeRecord> record = m_record;
    m_record = nullptr;
    record->endTime = Simulator::Now();
    // The handshake's outcome (ok, error) and what failed afterwards (post_error) are separate.
    (record->ok ? record->postError : record->error) = error;
    const TlsEngine* e = m_connection->GetEngine();
    if (e)
    {
        record->clientBytes = e->GetBytesWritten();
        if (e->GetSession() && m_resumption != TlsConfig::RESUME_NONE && error.empty()
            && SSL_SESSION_is_resumable(e->GetSession()))
        {
            SSL_SESSION_free(m_session);
            m_session = e->GetSession();
            SSL_SESSION_up_ref(m_session);
        }
    }
    record->clientRetransmissions = m_connection->GetRetransmissions();
    record->clientCpu = m_connection->GetCpuTime();
    // Messages of the closing connection (close_notify, late tickets) still go to its record.
    TlsConnection::Listener closing;
    closing.message = MakeCallback(&TlsClientApplication::OnClosingMessage, this, record);
    m_connection->SetListener(closing);
    if (error.empty())
    {
        m_connection->Close();
    }
    else
    {
        if (!record->ok)
        {
            m_handshakeFailedTrace(record);
        }
        m_connection->Abort();
    }
    m_closing.push_back(m_connection);
    if (m_closing.size() > MAX_CLOSING)
    {
        m_closing.front()->Detach();
        m_closing.pop_front();
    }
    m_connection = nullptr;
    m_records.push_back(record);
    if (record->serverFinal || record->tcpDone.IsStrictlyNegative())
    {
        m_connectionDoneTrace(record); // no server side to wait for
    }
    else
    {
        // TLS 1.3: the client is done half a round trip before the server reads its Finished.
        record->onServerFinal = MakeCallback(&TlsClientApplication::ConnectionDone, this, record);
        m_waitingForServer[record]
            = Simulator::Schedule(m_timeout, &TlsClientApplication::ConnectionDone, this, record);
    }
    SwitchToState(WAITING);
    if (m_started < m_handshakes && m_state != STOPPED)
    {
        m_nextEvent = Simulator::Schedule(m_interval, &TlsClientApplication::StartConnection, this);
    }
}

} // namespace ns3
