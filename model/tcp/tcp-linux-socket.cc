/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tcp-linux-socket.h"

#include "ns3/boolean.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/ns3-compat.h"
#include "ns3/object-factory.h"
#include "ns3/rtt-estimator.h"
#include "ns3/simulator.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-linux-cwnd-validation.h"
#include "ns3/tcp-recovery-ops.h"
#include "ns3/tcp-tx-buffer.h"
#include "ns3/type-id.h"

#include <array>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TcpLinuxSocket");

NS_OBJECT_ENSURE_REGISTERED(TcpLinuxSocket);

TypeId
TcpLinuxSocket::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TcpLinuxSocket")
                            .SetParent<TcpSocketBase>()
                            .SetGroupName("TlsTcp")
                            .AddConstructor<TcpLinuxSocket>()
                            .AddAttribute("TailLossProbe",
                                          "Probe a lost tail as Linux does (RFC 8985 section 7)",
                                          BooleanValue(true),
                                          MakeBooleanAccessor(&TcpLinuxSocket::m_tlp),
                                          MakeBooleanChecker())
                            .AddAttribute("HashedDemux",
                                          "Deliver this connection's segments through the "
                                          "node's hash table (TcpLinuxDemux) instead of ns-3's "
                                          "endpoint list scan; same result, O(1) per packet",
                                          BooleanValue(true),
                                          MakeBooleanAccessor(&TcpLinuxSocket::m_hashedDemux),
                                          MakeBooleanChecker());
    return tid;
}

NS3TLS_DEFINE_GET_INSTANCE_TYPE_ID(TcpLinuxSocket)

TcpLinuxSocket::TcpLinuxSocket(const TcpLinuxSocket& sock)
    : TcpSocketBase(sock)
    , m_tlp(sock.m_tlp)
    , m_hashedDemux(sock.m_hashedDemux)
    , m_demux(sock.m_demux)
{
    // An accepted socket reports its segments to the listener's "Tx"/"Rx" sinks, so that a
    // server sees its SYN-ACK and the handshake's ACK before Accept (TcpSocketBase's copy
    // leaves them empty). Tracing only: no effect on the simulation.
    m_txTrace = sock.m_txTrace;
    m_rxTrace = sock.m_rxTrace;
}

TcpLinuxSocket::~TcpLinuxSocket()
{
    if (m_demux && m_indexedEndPoint)
    {
        m_demux->Remove(this, m_indexedKey);
    }
}

Ptr<TcpLinuxSocket>
TcpLinuxSocket::Create(Ptr<Node> node)
{
    Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
    NS_ABORT_MSG_IF(!tcp, "node " << node->GetId() << " has no TCP");
    TypeIdValue rttType;
    TypeIdValue congestionType;
    TypeIdValue recoveryType;
    tcp->GetAttribute("RttEstimatorType", rttType);
    tcp->GetAttribute("SocketType", congestionType);
    tcp->GetAttribute("RecoveryType", recoveryType);
    // Copying a prototype skips the attribute construction of the socket and its parts
    // (most of the cost of a new socket); Fork() makes accepted sockets the same way.
    // One prototype per simulation and TCP variant: the attribute defaults are read once.
    static std::map<std::array<uint16_t, 3>, Ptr<TcpLinuxSocket>> prototypes;
    std::array<uint16_t, 3> variant{
        rttType.Get().GetUid(), congestionType.Get().GetUid(), recoveryType.Get().GetUid()};
    Ptr<TcpLinuxSocket>& prototype = prototypes[variant];
    if (!prototype)
    {
        if (prototypes.size() == 1)
        {
            Simulator::ScheduleDestroy(+[]() { prototypes.clear(); });
        }
        prototype = CreateObject<TcpLinuxSocket>();
        ObjectFactory factory;
        factory.SetTypeId(rttType.Get());
        prototype->SetRtt(factory.Create<RttEstimator>());
        factory.SetTypeId(congestionType.Get());
        prototype->SetCongestionControlAlgorithm(
            CreateObject<TcpLinuxCwndValidation>(factory.Create<TcpCongestionOps>()));
        factory.SetTypeId(recoveryType.Get());
        prototype->SetRecoveryAlgorithm(factory.Create<TcpRecoveryOps>());
    }
    Ptr<TcpLinuxSocket> socket = CopyObject<TcpLinuxSocket>(prototype);
    socket->SetNode(node);
    socket->SetTcp(tcp);
    if (socket->m_hashedDemux)
    {
        socket->m_demux = TcpLinuxDemux::Install(node);
    }
    tcp->AddSocket(socket);
    return socket;
}

bool
TcpLinuxSocket::HasEndPoint(const Ipv4EndPoint* endPoint) const
{
    return endPoint && m_endPoint == endPoint;
}

void
TcpLinuxSocket::UpdateIndex()
{
    if (!m_demux || m_endPoint == m_indexedEndPoint || !m_endPoint
        || m_endPoint->GetPeerPort() == 0)
    {
        return; // not indexed, unchanged, or not a connection (e.g. a listener)
    }
    if (m_indexedEndPoint)
    {
        m_demux->Remove(this, m_indexedKey);
    }
    m_indexedKey = m_demux->Add(this, m_endPoint);
    m_indexedEndPoint = m_endPoint;
}

void
TcpLinuxSocket::CompleteFork(Ptr<Packet> p,
                             const TcpHeader& tcpHeader,
                             const Address& fromAddress,
                             const Address& toAddress)
{
    TcpSocketBase::CompleteFork(p, tcpHeader, fromAddress, toAddress);
    UpdateIndex();
}

void
TcpLinuxSocket::DoForwardUp(Ptr<Packet> packet,
                            const Address& fromAddress,
                            const Address& toAddress)
{
    UpdateIndex();
    TcpSocketBase::DoForwardUp(packet, fromAddress, toAddress);
}

Ptr<TcpSocketBase>
TcpLinuxSocket::Fork()
{
    return CopyObject<TcpLinuxSocket>(this);
}

void
TcpLinuxSocket::ArmProbe()
{
    if (!m_tlp || m_probed || m_state != ESTABLISHED
        || m_tcb->m_congState != TcpSocketState::CA_OPEN || BytesInFlight() == 0
        || m_rtt->GetEstimate().IsZero())
    {
        return;
    }
    Time pto = m_rtt->GetEstimate() * 2
               + (BytesInFlight() <= m_tcb->m_segmentSize ? MilliSeconds(200) : MilliSeconds(2));
    pto = std::max(pto, MilliSeconds(10));
    Time remaining
        = compat::IsPending(m_retxEvent) ? Simulator::GetDelayLeft(m_retxEvent) : m_rto.Get();
    if (pto >= remaining)
    {
        m_probePending = true; // the RTO comes first: its expiry is the probe
        return;
    }
    m_retxEvent.Cancel();
    m_retxEvent = Simulator::Schedule(pto, &TcpLinuxSocket::ReTxTimeout, this);
    m_probePending = true;
}

uint32_t
TcpLinuxSocket::SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck)
{
    bool newData = seq >= m_tcb->m_highTxMark;
    uint32_t sent = TcpSocketBase::SendDataPacket(seq, maxSize, withAck);
    if (auto validation = DynamicCast<TcpLinuxCwndValidation>(m_congestionControl))
    {
        validation->CwndValidate(m_tcb, BytesInFlight());
    }
    if (newData)
    {
        ArmProbe();
    }
    return sent;
}

void
TcpLinuxSocket::NewAck(const SequenceNumber32& seq, bool resetRTO)
{
    TcpSocketBase::NewAck(seq, resetRTO);
    m_probed = false; // progress: the next tail may be probed again
    m_probePending = false;
    ArmProbe();
}

void
TcpLinuxSocket::ReTxTimeout()
{
    if (!m_probePending)
    {
        TcpSocketBase::ReTxTimeout();
        return;
    }
    // The probe: resend like an RTO, but without backing the timer off.
    NS_LOG_INFO(this << " tail loss probe");
    m_probePending = false;
    m_probed = true;
    Time rto = m_rto;
    TcpSocketBase::ReTxTimeout();
    m_rto = rto;
    if (compat::IsPending(m_retxEvent))
    {
        m_retxEvent.Cancel();
        m_retxEvent = Simulator::Schedule(m_rto, &TcpLinuxSocket::ReTxTimeout, this);
    }
}

} // namespace ns3
