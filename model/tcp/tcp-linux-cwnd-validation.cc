/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tcp-linux-cwnd-validation.h"

#include "ns3/abort.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TcpLinuxCwndValidation");

NS_OBJECT_ENSURE_REGISTERED(TcpLinuxCwndValidation);

TypeId
TcpLinuxCwndValidation::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TcpLinuxCwndValidation")
                            .SetParent<TcpCongestionOps>()
                            .SetGroupName("TlsTcp");
    return tid;
}

TcpLinuxCwndValidation::TcpLinuxCwndValidation(Ptr<TcpCongestionOps> algorithm)
    : m_algorithm(algorithm)
{
    NS_LOG_FUNCTION(this << algorithm);
    NS_ABORT_MSG_UNLESS(algorithm, "TcpLinuxCwndValidation needs a congestion control to wrap");
}

TcpLinuxCwndValidation::TcpLinuxCwndValidation(const TcpLinuxCwndValidation& other)
    : TcpCongestionOps(other)
    , m_algorithm(other.m_algorithm->Fork())
    , m_isCwndLimited(other.m_isCwndLimited)
    , m_maxPacketsOut(other.m_maxPacketsOut)
    , m_cwndUsageSeq(other.m_cwndUsageSeq)
    , m_sndNxt(other.m_sndNxt)
    , m_sentEnd(other.m_sentEnd)
{
}

TcpLinuxCwndValidation::~TcpLinuxCwndValidation() = default;

void
TcpLinuxCwndValidation::DoDispose()
{
    m_algorithm = nullptr;
    TcpCongestionOps::DoDispose();
}

Ptr<TcpCongestionOps>
TcpLinuxCwndValidation::GetAlgorithm() const
{
    return m_algorithm;
}

void
TcpLinuxCwndValidation::CwndValidate(Ptr<const TcpSocketState> tcb, uint32_t bytesInFlight)
{
    SequenceNumber32 sndNxt = tcb->m_highTxMark;
    if (sndNxt <= m_sndNxt)
    {
        return; // a retransmission: Linux validates after sending new data only
    }
    m_sndNxt = sndNxt;
    m_sentEnd.push_back(sndNxt);
    SequenceNumber32 sndUna = tcb->m_lastAckedSeq;
    while (!m_sentEnd.empty() && m_sentEnd.front() <= sndUna)
    {
        m_sentEnd.pop_front();
    }
    auto packetsOut = static_cast<uint32_t>(m_sentEnd.size());
    // tcp_write_xmit(): is_cwnd_limited |= (tcp_packets_in_flight(tp) >= tcp_snd_cwnd(tp)),
    // i.e. no room left for another full-sized segment.
    bool isCwndLimited = bytesInFlight + tcb->m_segmentSize > tcb->m_cWnd;
    // tcp_cwnd_validate(): the strongest signal of the window's use, kept for one window.
    if (sndUna >= m_cwndUsageSeq || isCwndLimited
        || (!m_isCwndLimited && packetsOut > m_maxPacketsOut))
    {
        m_isCwndLimited = isCwndLimited;
        m_maxPacketsOut = packetsOut;
        m_cwndUsageSeq = sndNxt;
    }
    NS_LOG_DEBUG("snd_nxt " << sndNxt << " in flight " << bytesInFlight << " cwnd " << tcb->m_cWnd
                            << ": is_cwnd_limited " << m_isCwndLimited << " max_packets_out "
                            << m_maxPacketsOut << " cwnd_usage_seq " << m_cwndUsageSeq);
}

bool
TcpLinuxCwndValidation::IsCwndLimited(Ptr<const TcpSocketState> tcb) const
{
    if (m_isCwndLimited)
    {
        return true;
    }
    // In slow start, ensure cwnd grows to twice what was ACKed.
    if (tcb->m_cWnd < tcb->m_ssThresh)
    {
        return tcb->GetCwndInSegments() < 2 * m_maxPacketsOut;
    }
    return false;
}

std::string
TcpLinuxCwndValidation::GetName() const
{
    return m_algorithm->GetName();
}

void
TcpLinuxCwndValidation::Init(Ptr<TcpSocketState> tcb)
{
    m_algorithm->Init(tcb);
}

#if NS3TLS_TCP_CONGESTION_OPS_HAS_SET_RATE_OPS
void
TcpLinuxCwndValidation::SetRateOps(Ptr<TcpRateOps> rateOps)
{
    m_algorithm->SetRateOps(rateOps);
}
#endif

uint32_t
TcpLinuxCwndValidation::GetSsThresh(Ptr<const TcpSocketState> tcb, uint32_t bytesInFlight)
{
    return m_algorithm->GetSsThresh(tcb, bytesInFlight);
}

void
TcpLinuxCwndValidation::IncreaseWindow(Ptr<TcpSocketState> tcb, uint32_t segmentsAcked)
{
    NS_LOG_FUNCTION(this << tcb << segmentsAcked);
    if (!IsCwndLimited(tcb))
    {
        NS_LOG_DEBUG("cwnd " << tcb->m_cWnd << " not limiting (max_packets_out " << m_maxPacketsOut
                             << "): no increase");
        return;
    }
    // ns-3.42+ algorithms check their own, stricter flag: let them grow as Linux does.
    bool previous = compat::SetCwndLimited(*tcb, true);
    m_algorithm->IncreaseWindow(tcb, segmentsAcked);
    compat::SetCwndLimited(*tcb, previous);
}

void
TcpLinuxCwndValidation::PktsAcked(Ptr<TcpSocketState> tcb, uint32_t segmentsAcked, const Time& rtt)
{
    m_algorithm->PktsAcked(tcb, segmentsAcked, rtt);
}

void
TcpLinuxCwndValidation::CongestionStateSet(Ptr<TcpSocketState> tcb,
                                           const TcpSocketState::TcpCongState_t newState)
{
    m_algorithm->CongestionStateSet(tcb, newState);
}

void
TcpLinuxCwndValidation::CwndEvent(Ptr<TcpSocketState> tcb, const TcpSocketState::TcpCAEvent_t event)
{
    m_algorithm->CwndEvent(tcb, event);
}

bool
TcpLinuxCwndValidation::HasCongControl() const
{
    return m_algorithm->HasCongControl();
}

void
TcpLinuxCwndValidation::CongControl(Ptr<TcpSocketState> tcb,
                                    const TcpRateOps::TcpRateConnection& rc,
                                    const TcpRateOps::TcpRateSample& rs)
{
    m_algorithm->CongControl(tcb, rc, rs);
}

Ptr<TcpCongestionOps>
TcpLinuxCwndValidation::Fork()
{
    return CopyObject<TcpLinuxCwndValidation>(this);
}

} // namespace ns3
