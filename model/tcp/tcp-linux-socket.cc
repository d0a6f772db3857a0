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
#include "ns3/rng-seed-manager.h"
#include "ns3/rtt-estimator.h"
#include "ns3/simulator.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-linux-cwnd-validation.h"
#include "ns3/tcp-option-sack.h"
#include "ns3/tcp-recovery-ops.h"
#include "ns3/tcp-tx-buffer.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

#include <algorithm>
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
                            .AddAttribute("Rack",
                                          "Detect lost segments by time as Linux's RACK does "
                                          "(RFC 8985 section 6): a segment sent before one that "
                                          "was (S)ACKed is lost after RACK.rtt + reo_wnd",
                                          BooleanValue(true),
                                          MakeBooleanAccessor(&TcpLinuxSocket::m_rack),
                                          MakeBooleanChecker())
                            .AddAttribute("Hz",
                                          "Linux's timer tick rate (CONFIG_HZ): retransmission, "
                                          "probe, reorder, SYN and delayed-ACK timers fire on "
                                          "jiffies as Linux's timer wheel fires them; 0: at the "
                                          "exact time (plain ns-3)",
                                          UintegerValue(250),
                                          MakeUintegerAccessor(&TcpLinuxSocket::m_hz),
                                          MakeUintegerChecker<uint32_t>(0, 10000))
                            .AddAttribute("TickPhase",
                                          "The host's jiffies counter at simulated time 0, as a "
                                          "time (taken modulo 512 jiffies): where its ticks and "
                                          "timer-wheel granules fall against the packets. "
                                          "Negative: each node its own, from the seed, the run "
                                          "number and the node id, as hosts booted at unrelated "
                                          "times",
                                          TimeValue(NanoSeconds(-1)),
                                          MakeTimeAccessor(&TcpLinuxSocket::m_tickPhase),
                                          MakeTimeChecker())
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
    , m_rack(sock.m_rack)
    , m_hz(sock.m_hz)
    , m_tickPhase(sock.m_tickPhase)
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
    m_reoEvent.Cancel();
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
    TcpStates_t before = m_state;
    TcpSocketBase::DoForwardUp(packet, fromAddress, toAddress);
    if ((before == SYN_SENT || before == SYN_RCVD) && m_state == ESTABLISHED
        && m_synRetransmits > 1)
    {
        // RFC 5681 section 3.1 as Linux applies it (tcp_init_transfer()): only after more than
        // one SYN or SYN-ACK retransmission, given the 1 s initial RTO of RFC 6298.
        NS_LOG_INFO(this << " " << m_synRetransmits << " SYN retransmissions: cwnd 1 segment");
        m_tcb->m_cWnd = m_tcb->m_segmentSize;
        m_tcb->m_cWndInfl = m_tcb->m_cWnd;
    }
}

Ptr<TcpSocketBase>
TcpLinuxSocket::Fork()
{
    return CopyObject<TcpLinuxSocket>(this);
}

void
TcpLinuxSocket::RecordSent(SequenceNumber32 seq, uint32_t size, bool retransmission)
{
    SequenceNumber32 end = seq + size;
    // ns-3 may cut a retransmission differently from the original: drop what it covers, keep
    // the uncovered parts of segments that overlap it.
    auto it = m_sent.lower_bound(seq);
    if (it != m_sent.begin())
    {
        auto prev = std::prev(it);
        if (prev->second.end > seq)
        {
            if (prev->second.end > end)
            {
                m_sent.emplace(end, prev->second); // its tail, after the new range
            }
            prev->second.end = seq;
        }
    }
    while (it != m_sent.end() && it->first < end)
    {
        if (it->second.end > end)
        {
            TrimFront(it, end);
            break;
        }
        it = m_sent.erase(it);
    }
    m_sent.emplace(seq, SentSegment{end, Simulator::Now(), retransmission});
}

void
TcpLinuxSocket::TrimFront(std::map<SequenceNumber32, SentSegment>::iterator it,
                          SequenceNumber32 start)
{
    auto node = m_sent.extract(it);
    node.key() = start;
    m_sent.insert(std::move(node));
}

void
TcpLinuxSocket::RackAdvance(const SentSegment& segment)
{
    Time rtt = Simulator::Now() - segment.xmitTime;
    if (segment.retransmitted && rtt < m_tcb->m_minRtt)
    {
        return; // acknowledges the original transmission rather than this one: ambiguous
    }
    m_rackAdvanced = true;
    m_rackRtt = rtt;
    // tcp_skb_sent_after(): later, or at the same time with a higher end sequence
    if (segment.xmitTime > m_rackXmitTime
        || (segment.xmitTime == m_rackXmitTime && segment.end > m_rackEndSeq))
    {
        m_rackXmitTime = segment.xmitTime;
        m_rackEndSeq = segment.end;
    }
}

Time
TcpLinuxSocket::RackReorderWindow() const
{
    if (m_tcb->m_congState == TcpSocketState::CA_RECOVERY
        || m_tcb->m_congState == TcpSocketState::CA_LOSS)
    {
        return Time(0);
    }
    uint32_t sacked = 0;
    for (const auto& [seq, segment] : m_sent)
    {
        sacked += segment.sacked ? 1 : 0;
    }
    if (sacked >= m_retxThresh) // tp->reordering, 3 (net.ipv4.tcp_reordering)
    {
        return Time(0);
    }
    Time minRtt = m_tcb->m_minRtt == Time::Max() ? m_rackRtt : m_tcb->m_minRtt;
    return std::min(minRtt / 4, m_rtt->GetEstimate());
}

void
TcpLinuxSocket::RackMarkLost()
{
    m_rackAdvanced = false;
    Time now = Simulator::Now();
    Time reoWnd = RackReorderWindow();
    Time timeout(0);
    bool headLost = false;
    SequenceNumber32 head = m_txBuffer->HeadSequence();
    for (auto& [seq, segment] : m_sent)
    {
        if (segment.sacked || segment.lost)
        {
            continue;
        }
        bool sentBefore = segment.xmitTime < m_rackXmitTime
                          || (segment.xmitTime == m_rackXmitTime && segment.end < m_rackEndSeq);
        if (!sentBefore)
        {
            continue;
        }
        Time remaining = segment.xmitTime + m_rackRtt + reoWnd - now;
        if (remaining.IsStrictlyPositive())
        {
            timeout = std::max(timeout, remaining);
            continue;
        }
        segment.lost = true;
        headLost = headLost || seq <= head;
        NS_LOG_INFO(this << " RACK: segment " << seq << " lost");
    }
    if (timeout.IsStrictlyPositive())
    {
        m_reoEvent.Cancel();
        m_reoEvent
            = Simulator::Schedule(TimerDelay(timeout + MilliSeconds(2)), // +TCP_TIMEOUT_MIN_US
                                  &TcpLinuxSocket::RackReorderTimeout,
                                  this);
    }
    if (!headLost)
    {
        return;
    }
    if (m_tcb->m_congState == TcpSocketState::CA_OPEN
        || m_tcb->m_congState == TcpSocketState::CA_DISORDER
        || m_tcb->m_congState == TcpSocketState::CA_CWR)
    {
        // tcp_fastretrans_alert() -> tcp_enter_recovery(): PRR, and the head goes out again
        NS_LOG_INFO(this << " RACK: head lost, fast recovery");
        m_probePending = false;
        EnterRecovery(0);
        // The head was retransmitted: the RTO restarts (tcp_xmit_retransmit_queue()).
        ArmRetx(m_rto);
    }
    else if (m_tcb->m_congState == TcpSocketState::CA_RECOVERY && !m_txBuffer->IsLost(head))
    {
        m_txBuffer->MarkHeadAsLost(); // sent by SendPendingData within PRR's window
    }
}

void
TcpLinuxSocket::RackReorderTimeout()
{
    NS_LOG_FUNCTION(this);
    if (m_sent.empty())
    {
        return;
    }
    RackMarkLost();
    SendPendingData(m_connected);
}

void
TcpLinuxSocket::ReceivedAck(Ptr<Packet> packet, const TcpHeader& tcpHeader)
{
    SequenceNumber32 ack = tcpHeader.GetAckNumber();
    SequenceNumber32 oldHead = m_txBuffer->HeadSequence();
    bool sackedNew = false;
    if (m_rack && m_sackEnabled && !m_sent.empty())
    {
        // Segments this ACK acknowledges or SACKs for the first time advance RACK
        // (tcp_clean_rtx_queue(), tcp_sacktag_one() -> tcp_rack_advance()).
        auto it = m_sent.begin();
        for (; it != m_sent.end() && it->second.end <= ack; it = m_sent.erase(it))
        {
            if (!it->second.sacked)
            {
                RackAdvance(it->second);
            }
        }
        if (it != m_sent.end() && it->first < ack)
        {
            TrimFront(it, ack); // partly acknowledged: keep the rest
        }
        if (tcpHeader.HasOption(TcpOption::SACK))
        {
            auto sack = DynamicCast<const TcpOptionSack>(tcpHeader.GetOption(TcpOption::SACK));
            for (const auto& [left, right] : sack->GetSackList())
            {
                for (auto s = m_sent.lower_bound(left); s != m_sent.end() && s->second.end <= right;
                     ++s)
                {
                    if (!s->second.sacked)
                    {
                        s->second.sacked = true;
                        sackedNew = true;
                        RackAdvance(s->second);
                    }
                }
            }
        }
    }
    else
    {
        m_sent.erase(m_sent.begin(), m_sent.lower_bound(ack));
    }

    TcpSocketBase::ReceivedAck(packet, tcpHeader);

    if (m_tlpOutstanding && ack >= m_tlpHighSeq)
    {
        // tcp_process_tlp_ack()
        if (!m_tlpRetransmitted)
        {
            m_tlpOutstanding = false; // a probe of new data was acknowledged
        }
        else if (ack > m_tlpHighSeq)
        {
            // The probe repaired a loss: one cwnd reduction (CWR, then its end).
            NS_LOG_INFO(this << " loss repaired by the probe: cwnd reduction");
            m_tcb->m_ssThresh = m_congestionControl->GetSsThresh(m_tcb, BytesInFlight());
            m_tcb->m_cWnd = std::min(m_tcb->m_cWnd.Get(), m_tcb->m_ssThresh.Get());
            m_tcb->m_cWndInfl = m_tcb->m_cWnd;
            m_tlpOutstanding = false;
        }
        else if (ack == oldHead && !sackedNew)
        {
            m_tlpOutstanding = false; // pure duplicate ACK: original and probe both arrived
        }
    }
    if (m_rackAdvanced && !m_sent.empty())
    {
        RackMarkLost();
        SendPendingData(m_connected);
    }
    if (m_probePending && m_tcb->m_congState != TcpSocketState::CA_OPEN
        && m_tcb->m_congState != TcpSocketState::CA_CWR)
    {
        // No probe outside Open/CWR: the armed probe becomes the RTO, whose deadline counts
        // from the first unacknowledged segment's transmission (tcp_rearm_rto()).
        m_probePending = false;
        ArmRetx(std::max(RtoDelta(), MicroSeconds(1)));
    }
}

Time
TcpLinuxSocket::TimerDelay(Time delay) const
{
    if (m_hz == 0)
    {
        return delay;
    }
    // The timeout in jiffies, rounded up (usecs_to_jiffies()), then the timer wheel's bucket
    // (calc_wheel_index(), calc_index()): level n holds delays below 63 << 3n jiffies with a
    // granularity of 8^n jiffies and rounds the expiry up to the next granule, so that a timer
    // never fires early. It fires at that tick.
    const int64_t jiffy = 1000000000LL / m_hz;                           // ns
    int64_t now = Simulator::Now().GetNanoSeconds() + TickOffset(jiffy); // on the host's ticks
    int64_t ticks = (std::max<int64_t>(delay.GetNanoSeconds(), 0) + jiffy - 1) / jiffy;
    int64_t expires = now / jiffy + ticks;
    int shift = 0;
    while (shift < 24 && ticks >= (int64_t(63) << shift))
    {
        shift += 3;
    }
    int64_t bucket = ((expires >> shift) + 1) << shift;
    return NanoSeconds(bucket * jiffy - now);
}

int64_t
TcpLinuxSocket::TickOffset(int64_t jiffy) const
{
    const int64_t span = 512 * jiffy;
    if (!m_tickPhase.IsStrictlyNegative())
    {
        return m_tickPhase.GetNanoSeconds() % span;
    }
    // splitmix64 of (seed, run, node id): a well-mixed, reproducible phase per host
    uint64_t x = (uint64_t(RngSeedManager::GetSeed()) << 32) ^ RngSeedManager::GetRun();
    x ^= uint64_t(m_node ? m_node->GetId() : 0) * 0x9E3779B97F4A7C15ULL;
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return static_cast<int64_t>(x % uint64_t(span));
}

Time
TcpLinuxSocket::RtoDelta() const
{
    return m_sent.empty() ? m_rto.Get()
                          : m_sent.begin()->second.xmitTime + m_rto.Get() - Simulator::Now();
}

void
TcpLinuxSocket::ArmRetx(Time delay)
{
    m_retxEvent.Cancel();
    m_retxEvent = Simulator::Schedule(TimerDelay(delay), &TcpLinuxSocket::ReTxTimeout, this);
}

void
TcpLinuxSocket::ArmProbe(bool onAck)
{
    if (!m_tlp || m_tlpOutstanding || !m_sackEnabled || m_sent.empty()
        || (m_state != ESTABLISHED && m_state != CLOSE_WAIT)
        || (m_tcb->m_congState != TcpSocketState::CA_OPEN
            && m_tcb->m_congState != TcpSocketState::CA_CWR))
    {
        return;
    }
    Time pto = Seconds(1); // TCP_TIMEOUT_INIT without an RTT sample
    if (m_rtt->GetNSamples() > 0)
    {
        pto = m_rtt->GetEstimate() * 2 + (m_sent.size() == 1 ? m_minRto : MilliSeconds(2));
    }
    // The RTO's deadline: a full RTO on an ACK (tcp_rearm_rto()), else RTO after the first
    // unacknowledged segment left (tcp_rto_delta_us()).
    Time rto = onAck ? m_rto.Get() : RtoDelta();
    // The timer is a probe even when the RTO deadline comes first (Linux arms
    // ICSK_TIME_LOSS_PROBE at the minimum): its expiry retransmits without a backoff.
    m_probePending = true;
    ArmRetx(std::max(std::min(pto, rto), Time(0)));
}

void
TcpLinuxSocket::ReceivedData(Ptr<Packet> packet, const TcpHeader& tcpHeader)
{
    // tcp_event_data_recv(): the first data, or data after more than an RTO of silence, gives
    // TCP_MAX_QUICKACKS immediate ACKs (tcp_incr_quickack()).
    Time now = Simulator::Now();
    if (m_lastDataReceived.IsNegative() || now - m_lastDataReceived > m_rto.Get())
    {
        m_quickAcks = 16;
    }
    m_lastDataReceived = now;
    if (m_quickAcks > 0 && !m_pingPong && m_delAckMaxCount > 0)
    {
        // tcp_in_quickack_mode(): ACK this segment now, through ns-3's own ACK-now path.
        --m_quickAcks;
        m_delAckCount = m_delAckMaxCount - 1;
    }
    uint64_t armed = m_delAckEvent.GetUid();
    TcpSocketBase::ReceivedData(packet, tcpHeader);
    OnTicks(m_delAckEvent, armed, &TcpLinuxSocket::DelAckTimeout); // the delayed ACK
}

void
TcpLinuxSocket::DelAckTimeout()
{
    m_pingPong = false; // a delayed ACK went out alone (tcp_delack_timer_handler())
    TcpSocketBase::DelAckTimeout();
}

uint32_t
TcpLinuxSocket::SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck)
{
    bool newData = seq >= m_tcb->m_highTxMark;
    if (newData && !m_lastDataReceived.IsNegative()
        && Simulator::Now() - m_lastDataReceived < MilliSeconds(40))
    {
        // Data sent within the ACK timeout (TCP_ATO_MIN) of data received: interactive, so
        // ACKs wait to ride on data (tcp_event_data_sent(), net.ipv4.tcp_pingpong_thresh = 1).
        m_pingPong = true;
    }
    uint64_t armed = m_retxEvent.GetUid();
    uint32_t sent = TcpSocketBase::SendDataPacket(seq, maxSize, withAck);
    if (auto validation = DynamicCast<TcpLinuxCwndValidation>(m_congestionControl))
    {
        validation->CwndValidate(m_tcb, BytesInFlight());
    }
    OnTicks(m_retxEvent, armed, &TcpLinuxSocket::ReTxTimeout); // the RTO ns-3 armed
    if (sent > 0)
    {
        RecordSent(seq, sent, !newData);
    }
    if (newData)
    {
        ArmProbe(false);
    }
    return sent;
}

void
TcpLinuxSocket::NewAck(const SequenceNumber32& seq, bool resetRTO)
{
    uint64_t armed = m_retxEvent.GetUid();
    TcpSocketBase::NewAck(seq, resetRTO);
    m_probePending = false;
    OnTicks(m_retxEvent, armed, &TcpLinuxSocket::ReTxTimeout);
    if (resetRTO)
    {
        ArmProbe(true);
    }
}

void
TcpLinuxSocket::SendEmptyPacket(uint8_t flags)
{
    // ns-3 counts a connection's SYN (SYN-ACK) transmissions down from m_synRetries; a repeated
    // SYN and the SYN timer both resend through here. The client's repeated SYN reaches the
    // server when the server's own 1 s SYN-ACK timer expires: Linux answers the one and restarts
    // the timer (tcp_check_req()), one retransmission, so two at one instant count once.
    if ((flags & TcpHeader::SYN) && m_synCount < m_synRetries
        && Simulator::Now() != m_lastSynRetransmit)
    {
        m_lastSynRetransmit = Simulator::Now();
        ++m_synRetransmits;
        NS_LOG_INFO(this << " SYN retransmission " << m_synRetransmits);
    }
    const bool synAck = (flags & TcpHeader::SYN) && (flags & TcpHeader::ACK);
    // The SYN-ACK timer is armed, so this SYN-ACK answers a repeated SYN rather than the timer.
    const bool answersRepeatedSyn = synAck && compat::IsPending(m_retxEvent);
    if (synAck && !answersRepeatedSyn && m_synCount < m_synRetries)
    {
        ++m_synAckTimeouts; // the request socket's timer fired (req->num_timeout)
    }
    uint64_t armed = m_retxEvent.GetUid();
    TcpSocketBase::SendEmptyPacket(flags);
    if (answersRepeatedSyn)
    {
        // tcp_check_req(): after answering a repeated SYN, Linux restarts the SYN-ACK timer at
        // reqsk_timeout() = 1 s << (timer expiries so far), so the timer that was about to fire
        // does not resend the SYN-ACK a second time; ns-3 would leave it pending.
        m_retxEvent.Cancel();
        m_retxEvent
            = Simulator::Schedule(TimerDelay(m_cnTimeout * (1 << std::min(m_synAckTimeouts, 6U))),
                                  &TcpLinuxSocket::SendEmptyPacket,
                                  this,
                                  flags);
    }
    else
    {
        // ns-3's SYN / FIN retransmission timer (it resends this same segment)
        OnTicks(m_retxEvent, armed, &TcpLinuxSocket::SendEmptyPacket, flags);
    }
}

void
TcpLinuxSocket::SendLossProbe()
{
    NS_LOG_INFO(this << " tail loss probe");
    m_probePending = false;
    SequenceNumber32 next = m_tcb->m_nextTxSequence;
    uint32_t newData = std::min(m_txBuffer->SizeFromSequence(next), m_tcb->m_segmentSize);
    bool windowOpen = newData > 0 && next + newData <= m_highRxAckMark.Get() + m_rWnd.Get();
    if (windowOpen)
    {
        // New data goes out whatever cwnd says (tcp_write_xmit() with push_one = 2).
        m_tcb->m_nextTxSequence = next + SendDataPacket(next, newData, m_connected);
        m_tlpRetransmitted = false;
    }
    else if (!m_sent.empty())
    {
        // The highest outstanding segment (the tail of the retransmission queue).
        auto tail = std::prev(m_sent.end());
        SendDataPacket(tail->first, tail->second.end - tail->first, m_connected);
        m_tlpRetransmitted = true;
    }
    m_tlpOutstanding = true;
    m_tlpHighSeq = m_tcb->m_highTxMark;
    // The RTO restarts from the probe, not backed off.
    ArmRetx(m_rto);
}

void
TcpLinuxSocket::ReTxTimeout()
{
    if (m_probePending)
    {
        SendLossProbe();
        return;
    }
    m_tlpOutstanding = false; // tcp_retransmit_timer()
    m_reoEvent.Cancel();
    for (auto& [seq, segment] : m_sent)
    {
        segment.lost = false; // all go out again as ns-3's RTO recovery retransmits them
    }
    TcpSocketBase::ReTxTimeout();
}

} // namespace ns3
