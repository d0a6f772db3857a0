/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TCP_LINUX_SOCKET_H
#define TCP_LINUX_SOCKET_H

#include "ns3/ns3-compat.h"
#include "ns3/tcp-linux-demux.h"

#include "ns3/tcp-socket-base.h"

namespace ns3
{

class Node;

/**
 * @ingroup tls-tcp
 * @brief ns-3's TCP plus Linux's tail loss probe (TLP, RFC 8985 section 7), which decides how
 * fast a lost handshake flight is repaired.
 *
 * When new data leaves in the open state, the retransmission timer is armed at
 * min(PTO, RTO) with PTO = max(2 srtt + (200 ms if one segment is outstanding, else 2 ms),
 * 10 ms), as tcp_schedule_loss_probe() does. The first expiry of a flight is the probe: it
 * retransmits without backing the RTO off, so a flight lost twice is resent after about RTO,
 * RTO, 2 RTO (Linux) rather than RTO, 2 RTO, 4 RTO (ns-3). Measured on Linux 6.18 at RTT 50 ms:
 * gaps 265, 256, 514 ms; this socket: 250, 250, 500 ms. Not modelled: the probe carrying new
 * data or the highest segment (it retransmits the first unacknowledged one, which is the same
 * segment for one-segment flights) and RACK's reordering window.
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
    void NewAck(const SequenceNumber32& seq, bool resetRTO) override;
    void ReTxTimeout() override;

  private:
    /// Indexes the endpoint in the node's demux once it names a connection.
    void UpdateIndex();

    /// Re-arms the retransmission timer at min(PTO, RTO) if a probe is allowed now.
    void ArmProbe();

    bool m_tlp{true};                         //!< TailLossProbe attribute
    bool m_probePending{false};               //!< the armed timer is a probe
    bool m_probed{false};                     //!< this flight already had its probe
    bool m_hashedDemux{true};                 //!< HashedDemux attribute
    Ptr<TcpLinuxDemux> m_demux;               //!< the node's demux (nullptr: not indexed)
    Ipv4EndPoint* m_indexedEndPoint{nullptr}; //!< the endpoint indexed in m_demux
    TcpLinuxDemux::Key m_indexedKey;          //!< its key
};

} // namespace ns3

#endif /* TCP_LINUX_SOCKET_H */
