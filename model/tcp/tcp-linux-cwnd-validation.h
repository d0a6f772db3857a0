/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TCP_LINUX_CWND_VALIDATION_H
#define TCP_LINUX_CWND_VALIDATION_H

#include "ns3/ns3-compat.h"

#include "ns3/sequence-number.h"
#include "ns3/tcp-congestion-ops.h"

#include <deque>

namespace ns3
{

/**
 * @ingroup tls-tcp
 * @brief Wraps a congestion control and lets it grow cwnd only when Linux would:
 * tcp_is_cwnd_limited() (include/net/tcp.h), fed by tcp_cwnd_validate()
 * (net/ipv4/tcp_output.c), as in Linux 6.0 and later.
 *
 * Linux's congestion controls (Reno, CUBIC, ...) return from cong_avoid without growing cwnd
 * unless tcp_is_cwnd_limited(): the window was fully used (`is_cwnd_limited`, remembered for one
 * window: until snd_una passes `cwnd_usage_seq`), or, in slow start (cwnd < ssthresh), cwnd is
 * below twice the most segments that were outstanding in that window (`max_packets_out`): "cwnd
 * is 10 (IW10), but application sends 9 frames. We allow cwnd to reach 18 when all frames are
 * ACKed". tcp_cwnd_validate() updates the three after every transmission of new data
 * (CwndValidate()). IncreaseWindow() is forwarded to the wrapped algorithm only when
 * IsCwndLimited() holds; every other TcpCongestionOps call is forwarded as it is.
 *
 * ns-3 has no such rule up to 3.41 (cwnd always grows) and from 3.42 a stricter one (TcpCubic and
 * TcpLinuxReno grow only if the last segment sent left less than one segment of cwnd free, with
 * neither the window's memory nor the slow-start allowance), so the same scenario gave different
 * results with 3.37 and 3.48; with this wrapper both follow Linux (compat::SetCwndLimited).
 *
 * Linux counts in packets; here cwnd is in bytes: the window counts as fully used when it has no
 * room for another full-sized segment (bytes in flight + MSS > cwnd, Linux's
 * tcp_packets_in_flight() >= cwnd for full-sized segments), and `packets_out` counts the segments
 * of new data sent and not fully acknowledged. Not modelled: tcp_cwnd_application_limited()
 * (cwnd decay after an idle RTO with slow_start_after_idle) and validation when tcp_write_xmit()
 * sends nothing.
 */
class TcpLinuxCwndValidation : public TcpCongestionOps
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /// @param algorithm the congestion control to wrap (e.g. TcpCubic); not null
    explicit TcpLinuxCwndValidation(Ptr<TcpCongestionOps> algorithm);
    /// @param other the wrapper to copy (the wrapped algorithm is forked, the state copied)
    TcpLinuxCwndValidation(const TcpLinuxCwndValidation& other);
    ~TcpLinuxCwndValidation() override;

    /// @return the wrapped congestion control
    Ptr<TcpCongestionOps> GetAlgorithm() const;

    /**
     * @brief Linux's tcp_cwnd_validate() after a segment was sent (TcpLinuxSocket::SendDataPacket).
     *
     * Only segments of new data count (tcb->m_highTxMark moved), as tcp_write_xmit() is the only
     * caller in Linux; a retransmission changes nothing. Calling it per segment instead of per
     * tcp_write_xmit() burst gives the same state: bytes in flight only grow within a burst.
     * @param tcb the socket's state after the send (m_highTxMark = snd_nxt, m_lastAckedSeq =
     * snd_una, m_cWnd, m_segmentSize)
     * @param bytesInFlight bytes in flight after the send (TcpSocketBase::BytesInFlight())
     */
    void CwndValidate(Ptr<const TcpSocketState> tcb, uint32_t bytesInFlight);

    /**
     * @brief Linux's tcp_is_cwnd_limited(): may the congestion control grow cwnd now?
     * @param tcb the socket's state (m_cWnd, m_ssThresh, m_segmentSize)
     * @return true if the last window was fully used, or in slow start while cwnd is below twice
     * the most segments outstanding in that window
     */
    bool IsCwndLimited(Ptr<const TcpSocketState> tcb) const;

    std::string GetName() const override;
    void Init(Ptr<TcpSocketState> tcb) override;
#if NS3TLS_TCP_CONGESTION_OPS_HAS_SET_RATE_OPS
    void SetRateOps(Ptr<TcpRateOps> rateOps) override;
#endif
    uint32_t GetSsThresh(Ptr<const TcpSocketState> tcb, uint32_t bytesInFlight) override;
    /// Forwards to the wrapped algorithm if IsCwndLimited(), else leaves cwnd as it is.
    void IncreaseWindow(Ptr<TcpSocketState> tcb, uint32_t segmentsAcked) override;
    void PktsAcked(Ptr<TcpSocketState> tcb, uint32_t segmentsAcked, const Time& rtt) override;
    void CongestionStateSet(Ptr<TcpSocketState> tcb,
                            const TcpSocketState::TcpCongState_t newState) override;
    void CwndEvent(Ptr<TcpSocketState> tcb, const TcpSocketState::TcpCAEvent_t event) override;
    bool HasCongControl() const override;
    void CongControl(Ptr<TcpSocketState> tcb,
                     const TcpRateOps::TcpRateConnection& rc,
                     const TcpRateOps::TcpRateSample& rs) override;
    Ptr<TcpCongestionOps> Fork() override;

  protected:
    void DoDispose() override;

  private:
    Ptr<TcpCongestionOps> m_algorithm;      //!< the wrapped congestion control
    bool m_isCwndLimited{false};            //!< tp->is_cwnd_limited
    uint32_t m_maxPacketsOut{0};            //!< tp->max_packets_out (segments)
    SequenceNumber32 m_cwndUsageSeq{0};     //!< tp->cwnd_usage_seq
    SequenceNumber32 m_sndNxt{0};           //!< highest sequence seen sent (snd_nxt)
    std::deque<SequenceNumber32> m_sentEnd; //!< end of each segment of new data not fully acked
};

} // namespace ns3

#endif /* TCP_LINUX_CWND_VALIDATION_H */
