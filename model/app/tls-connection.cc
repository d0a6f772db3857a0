/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-connection.h"

#include "ns3/log.h"
#include "ns3/ns3-compat.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/trace-source-accessor.h"

#include <algorithm>
#include <map>
#include <utility>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsConnection");

namespace
{
uint64_t g_live = 0; //!< connections alive (simulations are single-threaded)
uint64_t g_peak = 0; //!< most alive at once

/**
 * Connects `cb` to (or disconnects it from) the trace source `name` of `socket`, as
 * ObjectBase::TraceConnectWithoutContext does, with the accessor looked up once per TypeId:
 * TypeId::LookupTraceSourceByName copies every candidate's description while it walks the
 * TypeId hierarchy, ~20,000 instructions a call, six calls a connection.
 * @return false if the socket has no such trace source
 */
bool
TraceSocket(Ptr<Socket> socket, const std::string& name, const CallbackBase& cb, bool connect)
{
    static std::map<std::pair<uint16_t, std::string>, Ptr<const TraceSourceAccessor>> accessors;
    TypeId tid = socket->GetInstanceTypeId();
    auto key = std::make_pair(tid.GetUid(), name);
    auto it = accessors.find(key);
    if (it == accessors.end())
    {
        it = accessors.emplace(key, tid.LookupTraceSourceByName(name)).first;
    }
    if (!it->second)
    {
        return false;
    }
    return connect ? it->second->ConnectWithoutContext(PeekPointer(socket), cb)
                   : it->second->DisconnectWithoutContext(PeekPointer(socket), cb);
}
} // namespace

TlsConnection::TlsConnection(Ptr<Socket> socket,
                             std::shared_ptr<TlsContext> context,
                             Ptr<TlsCostModel> costModel,
                             Ptr<TlsCpu> cpu)
    : m_socket(socket)
    , m_context(std::move(context))
    , m_costModel(costModel)
    , m_cpu(cpu)
{
    NS_LOG_FUNCTION(this << socket);
    g_peak = std::max(g_peak, ++g_live);
    m_socket->SetRecvCallback(MakeCallback(&TlsConnection::OnRecv, this));
    m_socket->SetSendCallback(MakeCallback(&TlsConnection::OnSend, this));
    m_socket->SetCloseCallbacks(MakeCallback(&TlsConnection::OnNormalClose, this),
                                MakeCallback(&TlsConnection::OnErrorClose, this));
    TraceSocket(m_socket, "Tx", MakeCallback(&TlsConnection::OnTcpTx, this), true);
    TraceSocket(m_socket, "Rx", MakeCallback(&TlsConnection::OnTcpRx, this), true);
    TraceSocket(m_socket, "State", MakeCallback(&TlsConnection::OnTcpState, this), true);
}

TlsConnection::~TlsConnection()
{
    NS_LOG_FUNCTION(this);
    --g_live;
    Detach();
    m_engine.reset();
}

void
TlsConnection::Detach()
{
    m_pumpEvent.Cancel();
    DisconnectSocket();
    m_listener = Listener();
    m_record = nullptr;
}

void
TlsConnection::DisconnectSocket()
{
    if (m_socket)
    {
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
        m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                    MakeNullCallback<void, Ptr<Socket>>());
        TraceSocket(m_socket, "Tx", MakeCallback(&TlsConnection::OnTcpTx, this), false);
        TraceSocket(m_socket, "Rx", MakeCallback(&TlsConnection::OnTcpRx, this), false);
        TraceSocket(m_socket, "State", MakeCallback(&TlsConnection::OnTcpState, this), false);
    }
}

void
TlsConnection::OnTcpState(TcpSocket::TcpStates_t /* oldState */, TcpSocket::TcpStates_t newState)
{
    // CLOSED after TIME_WAIT, LAST_ACK, a reset or a failed connect: TCP drops the socket
    // right after this trace (TcpSocketBase::DeallocateEndPoint), not to be used again.
    if (newState == TcpSocket::CLOSED && m_socketClosed && !compat::IsPending(m_socketGoneEvent))
    {
        // Not from inside the socket's own trace, which this disconnects.
        m_socketGoneEvent
            = Simulator::ScheduleNow(&TlsConnection::ReleaseSocket, Ptr<TlsConnection>(this));
    }
}

void
TlsConnection::ReleaseSocket()
{
    m_socketGoneEvent = EventId(); // the executed event owns a reference to this connection
    NS_LOG_DEBUG(this << " socket closed: released");
    DisconnectSocket();
    m_socket = nullptr; // frees it (~6 KB): TCP has let go of it, only this kept it
    if (!m_engine)
    {
        // Nothing can report anything any more (ReleaseIfDone): drop the owner's callbacks
        // (a server's are bound to the socket) and the record.
        m_listener = Listener();
        m_record = nullptr;
    }
}

void
TlsConnection::SetListener(const Listener& listener)
{
    m_listener = listener;
}

void
TlsConnection::SetRecord(Ptr<TlsHandshakeRecord> record)
{
    m_record = record;
}

void
TlsConnection::Start(SSL_SESSION* session, std::vector<uint8_t> earlyData)
{
    NS_LOG_FUNCTION(this);
    m_engine = std::make_unique<TlsEngine>(m_context);
    m_engine->SetCpuTiming(m_costModel && m_costModel->NeedsCpuTime());
    m_engine->SetSession(session);
    m_engine->SetEarlyData(std::move(earlyData));
    if (m_context->GetRole() == TlsContext::CLIENT)
    {
        Pump(); // ClientHello
    }
    else
    {
        OnRecv(m_socket); // bytes may have arrived with the final ACK of the TCP handshake
    }
}

void
TlsConnection::Write(const std::vector<uint8_t>& data)
{
    m_pendingWrites.insert(m_pendingWrites.end(), data.begin(), data.end());
    Pump();
}

void
TlsConnection::Close()
{
    NS_LOG_FUNCTION(this);
    m_shutdownRequested = true;
    m_closeWhenSent = true;
    Pump();
}

void
TlsConnection::Abort()
{
    NS_LOG_FUNCTION(this);
    m_closeWhenSent = true;
    SendPending();
}

void
TlsConnection::Pump()
{
    if (!m_engine)
    {
        return;
    }
    Time now = Simulator::Now();
    if (now < m_busyUntil)
    {
        // One connection's steps never overlap: run when the current one is done.
        if (!compat::IsPending(m_pumpEvent))
        {
            // The event holds a reference (an owner may release the connection meanwhile);
            // RunDeferredPump drops the EventId when it fires, so no cycle outlives it.
            m_pumpEvent = Simulator::Schedule(
                m_busyUntil - now, &TlsConnection::RunDeferredPump, Ptr<TlsConnection>(this));
        }
        return;
    }
    auto result = std::make_shared<StepResult>();
    result->start = now;
    TlsEngine::State before = m_engine->GetState();
    m_engine->Receive(m_rxPending.data(), m_rxPending.size());
    if (!m_pendingWrites.empty())
    {
        m_engine->Write(m_pendingWrites.data(), m_pendingWrites.size());
    }
    bool wasPeerClosed = m_engine->IsPeerClosed();
    m_engine->Advance();
    if (m_shutdownRequested)
    {
        m_engine->Shutdown();
    }
    result->messages = m_engine->TakeMessages();
    uint64_t out = m_engine->TakeOutput(result->output);
    m_engine->TakeApplicationData(result->data);
    TlsEngine::State after = m_engine->GetState();
    result->peerClosed = m_engine->IsPeerClosed() && !wasPeerClosed;
    uint64_t cpuNanoseconds = m_engine->TakeCpuNanoseconds();
    m_rxPending.clear();
    m_pendingWrites.clear();
    m_shutdownRequested = false;
    result->established = before == TlsEngine::HANDSHAKING && after == TlsEngine::ESTABLISHED;
    result->failed = after == TlsEngine::FAILED && before != TlsEngine::FAILED;
    if (result->messages.empty() && result->output.empty() && result->data.empty()
        && !result->established && !result->failed && !result->peerClosed)
    {
        SendPending(); // nothing to do: a partial record, not a step
        return;
    }
    TlsCostStep step;
    step.engine = m_engine.get();
    step.messages = result->messages;
    step.cpuNanoseconds = cpuNanoseconds;
    step.bytesOut = out;
    step.established = result->established;
    Time cost = m_costModel ? m_costModel->GetCost(step) : Time(0);
    Time finish = m_cpu ? m_cpu->Run(now, cost) : now + cost;
    m_cpuTime += m_cpu ? m_cpu->GetDuration(cost) : cost; // CPU time, not queueing
    m_busyUntil = finish;
    if (finish == now)
    {
        Apply(result);
    }
    else
    {
        // The event holds a reference: an owner may release the connection meanwhile.
        ++m_appliesPending;
        Simulator::Schedule(
            finish - now, &TlsConnection::ApplyScheduled, Ptr<TlsConnection>(this), result);
    }
}

void
TlsConnection::RunDeferredPump()
{
    // An executed event still owns its arguments: an EventId kept after it fired would keep
    // this connection alive through the event's Ptr (a reference cycle).
    m_pumpEvent = EventId();
    Pump();
}

void
TlsConnection::ApplyScheduled(std::shared_ptr<StepResult> result)
{
    --m_appliesPending;
    Apply(result);
}

void
TlsConnection::Apply(std::shared_ptr<StepResult> result)
{
    // The owner's callbacks below may read the engine: it stays until they are done.
    ++m_applyDepth;
    Time now = Simulator::Now();
    for (const auto& m : result->messages)
    {
        if (!m_listener.message.IsNull())
        {
            m_listener.message(m, m.sent ? now : result->start);
        }
    }
    if (!result->output.empty())
    {
        if (m_txOffset == m_txQueue.size())
        {
            m_txQueue.swap(result->output);
            m_txOffset = 0;
        }
        else
        {
            m_txQueue.insert(m_txQueue.end(), result->output.begin(), result->output.end());
        }
        SendPending();
    }
    if (result->established && !m_listener.handshakeDone.IsNull())
    {
        m_listener.handshakeDone();
    }
    if (!result->data.empty() && !m_listener.data.IsNull())
    {
        m_listener.data(result->data);
    }
    if (result->failed && !m_failedReported)
    {
        m_failedReported = true;
        m_closeWhenSent = true; // after the alert
        SendPending();
        if (!m_listener.failed.IsNull())
        {
            m_listener.failed();
        }
    }
    if (result->peerClosed && !m_listener.peerClosed.IsNull())
    {
        m_listener.peerClosed();
    }
    --m_applyDepth;
    ReleaseIfDone();
}

void
TlsConnection::SendPending()
{
    while (m_txOffset < m_txQueue.size() && !m_socketClosed)
    {
        uint32_t available = m_socket->GetTxAvailable();
        if (available == 0)
        {
            return; // OnSend resumes
        }
        uint32_t n = std::min<size_t>(available, m_txQueue.size() - m_txOffset);
        int sent = m_socket->Send(Create<Packet>(m_txQueue.data() + m_txOffset, n));
        if (sent <= 0)
        {
            return;
        }
        m_txOffset += sent;
        if (m_record)
        {
            (m_context->GetRole() == TlsContext::CLIENT ? m_record->clientSent
                                                        : m_record->serverSent)
                += sent;
        }
    }
    if (m_txOffset == m_txQueue.size())
    {
        m_txQueue.clear();
        m_txOffset = 0;
        if (m_closeWhenSent && !m_socketClosed && !compat::IsPending(m_pumpEvent)
            && Simulator::Now() >= m_busyUntil)
        {
            m_socketClosed = true;
            m_socket->Close();
            ReleaseIfDone();
        }
    }
}

void
TlsConnection::ReleaseIfDone()
{
    if (!m_engine || m_applyDepth > 0 || !m_inputEnded || !m_socketClosed
        || m_txOffset < m_txQueue.size() || m_appliesPending > 0 || compat::IsPending(m_pumpEvent)
        || Simulator::Now() < m_busyUntil || !m_engine->CanDestroyQuietly())
    {
        return;
    }
    NS_LOG_DEBUG(this << " connection over: engine released");
    m_engine.reset();
    std::vector<uint8_t>().swap(m_rxPending);
    std::vector<uint8_t>().swap(m_txQueue);
    std::vector<uint8_t>().swap(m_pendingWrites);
    m_txOffset = 0;
}

void
TlsConnection::OnRecv(Ptr<Socket> socket)
{
    if (!m_engine)
    {
        return; // the server starts TLS on accept, which comes before any data
    }
    while (Ptr<Packet> p = socket->Recv())
    {
        uint32_t size = p->GetSize();
        if (size == 0)
        {
            break;
        }
        size_t offset = m_rxPending.size();
        m_rxPending.resize(offset + size);
        p->CopyData(m_rxPending.data() + offset, size); // fed to the engine by Pump()
        if (m_record)
        {
            (m_context->GetRole() == TlsContext::CLIENT ? m_record->clientReceived
                                                        : m_record->serverReceived)
                += size;
        }
    }
    Pump();
}

void
TlsConnection::OnSend(Ptr<Socket> /* socket */, uint32_t /* available */)
{
    SendPending();
}

void
TlsConnection::OnNormalClose(Ptr<Socket> /* socket */)
{
    NS_LOG_FUNCTION(this);
    Time now = Simulator::Now();
    if (now < m_busyUntil || compat::IsPending(m_pumpEvent))
    {
        // Bytes that arrived before the FIN (e.g. an alert) are still being processed: report
        // the close after them, as a real reader sees data before end-of-file.
        Simulator::Schedule(std::max(m_busyUntil - now, Time(1)),
                            &TlsConnection::OnNormalClose,
                            Ptr<TlsConnection>(this),
                            m_socket);
        return;
    }
    if (!m_listener.peerClosed.IsNull())
    {
        m_listener.peerClosed();
    }
    m_inputEnded = true;
    ReleaseIfDone();
}

void
TlsConnection::OnErrorClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this);
    m_socketClosed = true;
    m_tcpError = socket->GetErrno() == Socket::ERROR_NOTCONN ? "tcp: connection timed out"
                                                             : "tcp: connection reset";
    if (!m_failedReported && !m_listener.failed.IsNull())
    {
        m_failedReported = true;
        m_listener.failed();
    }
    m_inputEnded = true;
    ReleaseIfDone();
}

void
TlsConnection::OnTcpTx(Ptr<const Packet> packet,
                       const TcpHeader& header,
                       Ptr<const TcpSocketBase> /* socket */)
{
    uint32_t length = packet->GetSize();
    uint8_t flags = header.GetFlags();
    NS_LOG_DEBUG(this << " tx " << TcpHeader::FlagsToString(flags) << " seq "
                      << header.GetSequenceNumber() << " ack " << header.GetAckNumber() << " len "
                      << length);
    if (flags & (TcpHeader::SYN | TcpHeader::FIN))
    {
        length += 1;
    }
    if (length == 0)
    {
        if (m_record)
        {
            m_record->AddTcpSent(m_context->GetRole() == TlsContext::CLIENT,
                                 flags,
                                 header.GetSequenceNumber().GetValue(),
                                 0,
                                 false,
                                 Simulator::Now());
        }
        return; // pure ACK
    }
    SequenceNumber32 end = header.GetSequenceNumber() + length;
    bool retransmission = m_sentAny && end <= m_highestTx;
    if (retransmission)
    {
        ++m_retransmissions;
        NS_LOG_LOGIC("retransmission up to " << end);
    }
    else
    {
        m_highestTx = end;
        m_sentAny = true;
    }
    if (m_record)
    {
        m_record->AddTcpSent(m_context->GetRole() == TlsContext::CLIENT,
                             flags,
                             header.GetSequenceNumber().GetValue(),
                             packet->GetSize(),
                             retransmission,
                             Simulator::Now());
    }
}

void
TlsConnection::OnTcpRx(Ptr<const Packet> packet,
                       const TcpHeader& header,
                       Ptr<const TcpSocketBase> /* socket */)
{
    if (m_record)
    {
        m_record->AddTcpReceived(m_context->GetRole() == TlsContext::CLIENT,
                                 header.GetFlags(),
                                 header.GetSequenceNumber().GetValue(),
                                 packet->GetSize(),
                                 Simulator::Now());
    }
}

const TlsEngine*
TlsConnection::GetEngine() const
{
    return m_engine.get();
}

Ptr<Socket>
TlsConnection::GetSocket() const
{
    return m_socket;
}

Time
TlsConnection::GetCpuTime() const
{
    return m_cpuTime;
}

uint32_t
TlsConnection::GetRetransmissions() const
{
    return m_retransmissions;
}

const std::string&
TlsConnection::GetTcpError() const
{
    return m_tcpError;
}

uint64_t
TlsConnection::GetLiveCount()
{
    return g_live;
}

uint64_t
TlsConnection::GetPeakCount()
{
    return g_peak;
}

void
TlsConnection::ResetPeakCount()
{
    g_peak = g_live;
}

} // namespace ns3
