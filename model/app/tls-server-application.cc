/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-server-application.h"

#include "ns3/tls-request-header.h"

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include "ns3/tcp-profile.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsServerApplication");

NS_OBJECT_ENSURE_REGISTERED(TlsServerApplication);

namespace
{
/// Ended connections kept while their close completes; older ones are released.
const size_t MAX_CLOSING = 256;
} // namespace

TypeId
TlsServerApplication::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TlsServerApplication")
              .SetParent<TlsApplication>()
              .SetGroupName("Tls")
              .AddConstructor<TlsServerApplication>()
              .AddAttribute("Port",
                            "TCP port to listen on",
                            UintegerValue(443),
                            MakeUintegerAccessor(&TlsServerApplication::m_port),
                            MakeUintegerChecker<uint16_t>())
              .AddTraceSource(
                  "HandshakeComplete",
                  "The server finished a TLS handshake",
                  MakeTraceSourceAccessor(&TlsServerApplication::m_handshakeCompleteTrace),
                  "ns3::TlsClientApplication::RecordTracedCallback")
              .AddTraceSource(
                  "HandshakeFailed",
                  "A server-side handshake failed",
                  MakeTraceSourceAccessor(&TlsServerApplication::m_handshakeFailedTrace),
                  "ns3::TlsClientApplication::RecordTracedCallback")
              .AddTraceSource("HandshakeMessage",
                              "A TLS message was sent or read by this server",
                              MakeTraceSourceAccessor(&TlsServerApplication::m_messageTrace),
                              "ns3::TlsClientApplication::MessageTracedCallback")
              .AddTraceSource("Accept",
                              "A TCP connection was accepted",
                              MakeTraceSourceAccessor(&TlsServerApplication::m_acceptTrace),
                              "ns3::TlsServerApplication::AcceptTracedCallback");
    return tid;
}

TlsServerApplication::TlsServerApplication()
{
    NS_LOG_FUNCTION(this);
}

TlsServerApplication::~TlsServerApplication()
{
    NS_LOG_FUNCTION(this);
}

uint32_t
TlsServerApplication::GetAccepted() const
{
    return m_accepted;
}

uint32_t
TlsServerApplication::GetCompleted() const
{
    return m_completed;
}

uint32_t
TlsServerApplication::GetFailed() const
{
    return m_failed;
}

uint32_t
TlsServerApplication::GetOpen() const
{
    return m_sessions.size();
}

void
TlsServerApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_context = MakeContext(TlsContext::SERVER);
    m_listener = Listen(InetSocketAddress(Ipv4Address::GetAny(), m_port));
    if (GetNode()->GetObject<Ipv6>())
    {
        m_listener6 = Listen(Inet6SocketAddress(Ipv6Address::GetAny(), m_port));
    }
}

Ptr<Socket>
TlsServerApplication::Listen(const Address& local)
{
    Ptr<Socket> socket = CreateSocket(); // accepted sockets inherit the attributes
    int r = socket->Bind(local);
    NS_ABORT_MSG_IF(r != 0, "cannot bind TLS server to port " << m_port);
    socket->Listen();
    socket->SetAcceptCallback(MakeCallback(&TlsServerApplication::OnConnectionRequest, this),
                              MakeCallback(&TlsServerApplication::OnAccept, this));
    // Sockets forked from a TcpLinuxSocket listener report here until accepted (SYN-ACK, ACK).
    socket->TraceConnectWithoutContext(
        "Tx", MakeCallback(&TlsServerApplication::OnTcpSegment, this).Bind(true));
    socket->TraceConnectWithoutContext(
        "Rx", MakeCallback(&TlsServerApplication::OnTcpSegment, this).Bind(false));
    return socket;
}

void
TlsServerApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    for (Ptr<Socket> socket : {m_listener, m_listener6})
    {
        if (socket)
        {
            socket->Close();
            socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
        }
    }
}

void
TlsServerApplication::DoDispose()
{
    for (auto& s : m_sessions)
    {
        s.second.connection->Detach();
    }
    m_sessions.clear();
    for (auto& c : m_closing)
    {
        c->Detach();
    }
    m_closing.clear();
    m_listener = nullptr;
    m_listener6 = nullptr;
    TlsApplication::DoDispose();
}

bool
TlsServerApplication::OnConnectionRequest(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    if (Ptr<TlsHandshakeRecord> record = m_recordLookup.IsNull() ? nullptr : m_recordLookup(from))
    {
        record->AddServerSyn(Simulator::Now());
    }
    return true; // accept every connection, as a null callback does
}

void
TlsServerApplication::OnTcpSegment(bool sent,
                                   Ptr<const Packet> packet,
                                   const TcpHeader& header,
                                   Ptr<const TcpSocketBase> socket)
{
    Ptr<Socket> s(const_cast<TcpSocketBase*>(PeekPointer(socket)));
    Address peer;
    if (m_sessions.count(s) || socket->GetPeerName(peer) != 0)
    {
        return; // accepted (its TlsConnection records it), or the listener itself
    }
    Ptr<TlsHandshakeRecord> record = m_recordLookup.IsNull() ? nullptr : m_recordLookup(peer);
    // An accepted socket keeps the listener's traces: once its session ended (closing, e.g.
    // the server's tickets sent after the client's close_notify), its TlsConnection still
    // records its segments; recording them here too made first transmissions "segment" rows.
    if (record && !record->serverAccepted)
    {
        uint32_t seq = header.GetSequenceNumber().GetValue();
        if (sent)
        {
            bool again = std::any_of(record->segments.begin(),
                                     record->segments.end(),
                                     [](const TcpSegmentTiming& t)
                                     { return !t.fromClient && t.name == "SYN-ACK"; });
            record->AddTcpSent(
                false, header.GetFlags(), seq, packet->GetSize(), again, Simulator::Now());
        }
        else
        {
            record->AddTcpReceived(
                false, header.GetFlags(), seq, packet->GetSize(), Simulator::Now());
        }
    }
}

void
TlsServerApplication::SetRecordLookup(RecordLookup lookup)
{
    m_recordLookup = lookup;
}

void
TlsServerApplication::OnAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    ++m_accepted;
    m_acceptTrace(socket, from);
    Session& session = m_sessions[socket];
    session.record = m_recordLookup.IsNull() ? nullptr : m_recordLookup(from);
    if (!session.record)
    {
        session.record = Create<TlsHandshakeRecord>(); // a client outside ns3tls
        session.record->clientAddress = from;
    }
    session.connection = Create<TlsConnection>(socket, m_context, m_costModel, m_cpu);
    TlsConnection::Listener listener;
    listener.handshakeDone = MakeCallback(&TlsServerApplication::OnHandshakeDone, this, socket);
    listener.data = MakeCallback(&TlsServerApplication::OnData, this, socket);
    listener.failed = MakeCallback(&TlsServerApplication::OnFailed, this, socket);
    listener.peerClosed = MakeCallback(&TlsServerApplication::OnPeerClosed, this, socket);
    listener.message = MakeCallback(&TlsServerApplication::OnMessage, this, socket);
    session.connection->SetListener(listener);
    session.record->serverAccepted = true;
    session.connection->SetRecord(session.record);
    session.connection->Start();
}

void
TlsServerApplication::UpdateRecord(Session& session)
{
    const TlsEngine* e = session.connection->GetEngine();
    Ptr<TlsHandshakeRecord> r = session.record;
    if (e)
    {
        r->serverBytes = e->GetBytesWritten();
    }
    r->serverRetransmissions = session.connection->GetRetransmissions();
    r->serverCpu = session.connection->GetCpuTime();
}

void
TlsServerApplication::OnHandshakeDone(Ptr<Socket> socket)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
    {
        return;
    }
    Session& s = it->second;
    s.done = true;
    ++m_completed;
    s.record->serverDone = Simulator::Now();
    s.record->serverHandshakeBytes = s.connection->GetEngine()->GetHandshakeBytesWritten();
    UpdateRecord(s);
    NS_LOG_INFO("server handshake complete with " << s.record->clientAddress);
    m_handshakeCompleteTrace(s.record);
    s.record->SetServerFinal();
}

void
TlsServerApplication::OnData(Ptr<Socket> socket, const std::vector<uint8_t>& data)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
    {
        return;
    }
    Session& s = it->second;
    for (size_t i = 0; i < data.size() && s.header.size() < TlsRequestHeader::SIZE; ++i)
    {
        s.header.push_back(data[i]);
    }
    s.requestBytes += data.size();
    if (s.responded || s.header.size() < TlsRequestHeader::SIZE)
    {
        return;
    }
    uint32_t requestLength = 0;
    uint32_t responseLength = 0;
    TlsRequestHeader::Read(s.header.data(), requestLength, responseLength);
    if (s.requestBytes >= requestLength)
    {
        s.responded = true;
        if (responseLength > 0)
        {
            s.connection->Write(std::vector<uint8_t>(responseLength, 'r'));
        }
    }
    UpdateRecord(s);
}

void
TlsServerApplication::OnMessage(Ptr<Socket> socket, const TlsMessage& message, Time time)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
    {
        return;
    }
    Session& s = it->second;
    if (const TlsMessageTiming* t = s.record->AddMessage(false, message, time))
    {
        m_messageTrace(*t);
    }
    UpdateRecord(s);
}

void
TlsServerApplication::OnFailed(Ptr<Socket> socket)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
    {
        return;
    }
    Session& s = it->second;
    UpdateRecord(s);
    if (!s.done)
    {
        ++m_failed;
        m_handshakeFailedTrace(s.record);
    }
    s.record->SetServerFinal();
    EndSession(socket, false);
}

void
TlsServerApplication::OnPeerClosed(Ptr<Socket> socket)
{
    EndSession(socket, false);
}

void
TlsServerApplication::EndSession(Ptr<Socket> socket, bool graceful)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
    {
        return;
    }
    UpdateRecord(it->second);
    it->second.record->SetServerFinal();
    Ptr<TlsConnection> c = it->second.connection;
    m_sessions.erase(it);
    if (graceful)
    {
        c->Close();
    }
    else
    {
        c->Abort(); // the client closes first: answer its FIN without close_notify
    }
    m_closing.push_back(c);
    if (m_closing.size() > MAX_CLOSING)
    {
        m_closing.front()->Detach();
        m_closing.pop_front();
    }
}

} // namespace ns3
