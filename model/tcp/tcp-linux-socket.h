/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TCP_LINUX_SOCKET_H
#define TCP_LINUX_SOCKET_H

#include "ns3/ns3-compat.h"
#include "ns3/simulator.h"
#include "ns3/tcp-linux-demux.h"

#include "ns3/tcp-socket-base.h"

#include <map>

namespace ns3
{

class Node;

/**
 * @ingroup tls-tcp
 * @brief ns-3's TCP plus Linux's loss recovery for short flights: RACK-TLP (RFC 8985) and the
 * initial window after SYN retransmissions, which decide how fast a lost handshake flight is
 * repaired.
 *
 * - **Tail loss probe** (RFC 8985 section 7; Linux tcp_schedule_loss_probe(),
 *   tcp_send_loss_probe()): in the Open/CWR state with SACK, when data leaves or an ACK arrives,
 *   the retransmission timer is armed at min(PTO, RTO) with PTO = 2 srtt + 2 ms (one segment
 *   outstanding: 2 srtt + MinRto, for the peer's delayed ACK; no RTT sample yet: 1 s). The probe
 *   sends one new segment if the window allows, else retransmits the highest outstanding
 *   segment; it does not touch cwnd or back the RTO off, and re-arms the RTO from the probe
 *   (Linux clears icsk_pending, then tcp_rearm_rto()). One probe per episode: the next waits
 *   until an ACK covers the probe (tcp_process_tlp_ack()); an ACK beyond it after a
 *   retransmitted probe means the probe repaired a loss, and cwnd is reduced to ssthresh once
 *   (CWR).
 * - **RACK loss detection** (RFC 8985 section 6; Linux tcp_rack_advance(),
 *   tcp_rack_detect_loss()): every segment's last transmission time is kept; an ACK or SACK of a
 *   segment advances RACK.xmit_ts and RACK.rtt (ignoring a retransmission acknowledged faster
 *   than min_rtt). An unacknowledged segment sent before it is lost once RACK.rtt + reo_wnd has
 *   passed since its own transmission; reo_wnd = min(min_rtt / 4, srtt), 0 in recovery or with
 *   3 or more segments SACKed (tcp_rack_reo_wnd(), no reordering seen). A segment not yet
 *   expired arms the reorder timer at the remaining time + 2 ms. A lost first unacknowledged
 *   segment starts fast recovery (ns-3's EnterRecovery(): PRR, retransmission of the head), so a
 *   flight whose first segments are lost and whose later ones arrive is repaired about
 *   1.25 RTT after it left, not after an RTO.
 * - **Quick ACKs** (Linux tcp_incr_quickack(), tcp_in_quickack_mode()): the first 16 data
 *   segments of a connection (and the first after more than an RTO of silence) are acknowledged
 *   at once, unless the connection is interactive (it sent data within 40 ms of receiving some:
 *   pingpong mode, left when a delayed ACK times out). So a sender learns at once that the head
 *   of its flight arrived, and its probe timer restarts with one segment outstanding.
 * - **Timer ticks** (Hz attribute, CONFIG_HZ, 250 by default as in Debian's kernels; 0 turns it
 *   off): every timer above and the SYN and delayed-ACK timers fire on a jiffy, after the timer
 *   wheel's rounding up (kernel/time/timer.c): at HZ = 250 an RTO of 210 ms fires after
 *   212-216 ms, the 1 s SYN timer after 1004-1036 ms.
 * - **Initial window after SYN retransmissions** (Linux tcp_init_transfer(), RFC 5681 section
 *   3.1): a connection whose SYN (client) or SYN-ACK (server) was retransmitted more than once
 *   starts with cwnd = 1 segment. A server answering a repeated SYN restarts its SYN-ACK timer
 *   (tcp_check_req(), reqsk_timeout()), so that timer does not resend it a second time.
 *
 * Measured on Linux 6.18 at RTT 50 ms, a flight lost twice is resent after 265, 256, 514 ms;
 * this socket: 250, 250, 500 ms. Not modelled: RACK marking of segments other than the first
 * unacknowledged one (ns-3's RFC 6675 scoreboard and partial ACKs repair those), D-SACK and the
 * reordering window's adaptation, TLP in the Disorder state.
 *
 * Sockets are created with Create() (TcpL4Protocol creates plain TcpSocketBase objects);
 * accepted sockets of a listening TcpLinuxSocket are TcpLinuxSockets too.
 */
class TcpLinuxSocket : public TcpSocketBase
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();
    // Up to ns-3.44 TcpSocketBase reports its own TypeId; without this the attributes below
    // would be neither constructed from their defaults nor reachable by name.
    NS3TLS_DECLARE_GET_INSTANCE_TYPE_ID

    TcpLinuxSocket() = default;
    /// @param sock the socket to copy (listening socket forking an accepted one, which keeps
    /// the listener's "Tx" and "Rx" trace sinks)
    TcpLinuxSocket(const TcpLinuxSocket& sock);
    ~TcpLinuxSocket() override;

    /**
     * @brief Creates a socket on a node, as TcpL4Protocol::CreateSocket() does.
     *
     * The socket is a copy of a prototype built from the attribute defaults when the
     * simulation's first socket (of this RTT estimator, congestion control and recovery
     * type) is created, dropped at Simulator::Destroy(): set TCP defaults before creating
     * sockets, or set attributes on the socket returned. The congestion control is wrapped in
     * a TcpLinuxCwndValidation (Linux's rule for when cwnd may grow), which SendDataPacket()
     * tells about each segment sent.
     * @param node a node with an internet stack
     * @return the socket
     */
    static Ptr<TcpLinuxSocket> Create(Ptr<Node> node);

    /**
     * @param endPoint an IPv4 endpoint
     * @return true if this socket currently owns that endpoint
     */
    bool HasEndPoint(const Ipv4EndPoint* endPoint) const;

  protected:
    Ptr<TcpSocketBase> Fork() override;
    void CompleteFork(Ptr<Packet> p,
                      const TcpHeader& tcpHeader,
                      const Address& fromAddress,
                      const Address& toAddress) override;
    void DoForwardUp(Ptr<Packet> packet,
                     const Address& fromAddress,
                     const Address& toAddress) override;
    uint32_t SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck) override;
    void ReceivedAck(Ptr<Packet> packet, const TcpHeader& tcpHeader) override;
    void ReceivedData(Ptr<Packet> packet, const TcpHeader& tcpHeader) override;
    void DelAckTimeout() override;
    void SendEmptyPacket(uint8_t flags) override;
    void NewAck(const SequenceNumber32& seq, bool resetRTO) override;
    void ReTxTimeout() override;

  private:
    /// A transmitted, not yet cumulatively acknowledged segment (Linux: an skb of the
    /// retransmission queue with its skb_mstamp and TCPCB_SACKED_* bits).
    struct SentSegment
    {
        SequenceNumber32 end; //!< first sequence number after the segment
        Time xmitTime;        //!< time of its last transmission
        bool retransmitted;   //!< the last transmission was a retransmission
        bool sacked{false};   //!< SACKed by the peer
        bool lost{false};     //!< marked lost by RACK and not retransmitted since
    };

    /// Indexes the endpoint in the node's demux once it names a connection.
    void UpdateIndex();

    /**
     * Arms the retransmission timer at min(PTO, RTO) if a probe is allowed now
     * (tcp_schedule_loss_probe()).
     * @param onAck true on an ACK (the RTO would restart from now), false after sending new
     *        data (the RTO keeps its deadline)
     */
    void ArmProbe(bool onAck);

    /**
     * When a Linux timer armed now for @p delay fires: the delay in whole jiffies (Hz
     * attribute), then the timer wheel's rounding up (kernel/time/timer.c), at the tick.
     * @param delay the timeout
     * @return the delay until that tick (@p delay itself with Hz = 0)
     */
    Time TimerDelay(Time delay) const;

    /**
     * @brief This host's jiffies phase: how far its tick counter is ahead of simulated time,
     *        in ns, below 512 jiffies (the granule of the timer wheel's level 3).
     *
     * A real host's jiffies started at its boot, unrelated to when a connection starts, so the
     * tick and the wheel's granules a timer lands on fall anywhere against the packets: with
     * TickPhase < 0 each node gets its own phase, a hash of the run's seed, run number and the
     * node's id (reproducible, and it draws no random number from ns-3's streams).
     * @param jiffy one jiffy in ns
     * @return the offset in ns, 0 <= offset < 512 jiffies
     */
    int64_t TickOffset(int64_t jiffy) const;

    /// @return how far in the future the RTO is: RTO after the first unacknowledged segment
    /// was (last) sent, or a whole RTO with nothing outstanding (tcp_rto_delta_us())
    Time RtoDelta() const;

    /// (Re)arms the retransmission timer (RTO or probe) to fire after TimerDelay(@p delay).
    /// @param delay the timeout
    void ArmRetx(Time delay);

    /**
     * If ns-3's own code (re)armed @p event since it had the uid @p armedUid, at the exact
     * time, moves it to the tick Linux's timer wheel fires it on (TimerDelay): the same
     * method, rescheduled. Nothing with Hz = 0.
     * @param event the timer (retransmission, delayed ACK)
     * @param armedUid its uid before the call that may have armed it
     * @param method the timer's method, as it is to run
     * @param args its arguments
     */
    template <typename MEM, typename... Ts>
    void
    OnTicks(EventId& event, uint64_t armedUid, MEM method, Ts... args)
    {
        if (m_hz > 0 && event.GetUid() != armedUid && compat::IsPending(event))
        {
            Time left = Simulator::GetDelayLeft(event);
            event.Cancel();
            event = Simulator::Schedule(TimerDelay(left), method, this, args...);
        }
    }

    /// Sends the tail loss probe (tcp_send_loss_probe()).
    void SendLossProbe();

    /**
     * Records a transmission of [seq, seq + size) (tcp_transmit_skb() stamping skb_mstamp).
     * @param seq first sequence number
     * @param size bytes sent
     * @param retransmission whether the range had been sent before
     */
    void RecordSent(SequenceNumber32 seq, uint32_t size, bool retransmission);

    /**
     * The outstanding segment at @p it now starts at @p start: its front was sent again or
     * acknowledged. Re-keyed, with its send time and marks.
     * @param it the segment in m_sent
     * @param start its new first sequence number
     */
    void TrimFront(std::map<SequenceNumber32, SentSegment>::iterator it, SequenceNumber32 start);

    /**
     * RACK.xmit_ts / RACK.rtt update for a newly acknowledged or SACKed segment
     * (tcp_rack_advance()).
     * @param segment the segment
     */
    void RackAdvance(const SentSegment& segment);

    /// RACK loss detection (tcp_rack_detect_loss()), then recovery for a lost head and the
    /// reorder timer for segments not yet expired (tcp_rack_mark_lost()).
    void RackMarkLost();

    /// The reorder timer's expiry (tcp_rack_reo_timeout()).
    void RackReorderTimeout();

    /// @return RACK's reordering window (tcp_rack_reo_wnd())
    Time RackReorderWindow() const;

    bool m_tlp{true};                               //!< TailLossProbe attribute
    bool m_rack{true};                              //!< Rack attribute
    uint32_t m_hz{250};                             //!< Hz attribute (0: exact timers)
    Time m_tickPhase{NanoSeconds(-1)};              //!< TickPhase attribute (< 0: per node)
    bool m_probePending{false};                     //!< the armed retransmission timer is a probe
    bool m_tlpOutstanding{false};                   //!< a probe was sent (Linux: tlp_high_seq != 0)
    bool m_tlpRetransmitted{false};                 //!< that probe was a retransmission
    SequenceNumber32 m_tlpHighSeq;                  //!< snd_nxt when the probe was sent
    std::map<SequenceNumber32, SentSegment> m_sent; //!< outstanding segments by first sequence
    Time m_rackXmitTime;                            //!< RACK.xmit_ts
    SequenceNumber32 m_rackEndSeq;                  //!< RACK.end_seq
    Time m_rackRtt;                                 //!< RACK.rtt
    bool m_rackAdvanced{false};                     //!< RACK.xmit_ts moved since the last detection
    EventId m_reoEvent;                             //!< RACK reorder timer
    uint32_t m_synRetransmits{0};             //!< SYN (client) or SYN-ACK (server) retransmissions
    uint32_t m_synAckTimeouts{0};             //!< SYN-ACK timer expiries (req->num_timeout)
    Time m_lastSynRetransmit{-1};             //!< time of the last one
    uint32_t m_quickAcks{0};                  //!< immediate ACKs left (icsk_ack.quick)
    bool m_pingPong{false};                   //!< interactive: ACKs are delayed (pingpong mode)
    Time m_lastDataReceived{-1};              //!< when data last arrived (icsk_ack.lrcvtime)
    bool m_hashedDemux{true};                 //!< HashedDemux attribute
    Ptr<TcpLinuxDemux> m_demux;               //!< the node's demux (nullptr: not indexed)
    Ipv4EndPoint* m_indexedEndPoint{nullptr}; //!< the endpoint indexed in m_demux
    TcpLinuxDemux::Key m_indexedKey;          //!< its key
};

} // namespace ns3

#endif /* TCP_LINUX_SOCKET_H */
