/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TCP_PROFILE_H
#define TCP_PROFILE_H

#include "ns3/node.h"
#include "ns3/socket.h"

#include <string>

namespace ns3
{

/**
 * @ingroup tls-tcp
 * @brief Named sets of TCP socket attributes.
 *
 *  - `ns3`: ns-3's defaults, untouched (MSS 536, SYN timeout 3 s, MinRto 1 s, delayed ACK 200 ms).
 *  - `linux`: what a Linux 6.x host does on the handshake path: MSS 1448 (1500-byte MTU with
 *    timestamps), initial window 10, SYN RTO 1 s doubling with 6 retries, RTO =
 *    srtt + max(4 rttvar, 200 ms) (so the first RTO after a sample m is m + max(2m, 200 ms), as
 *    Linux's), delayed ACK 40 ms, SACK, timestamps and window scaling on, TIME_WAIT 2 s (Linux: 60
 * s; see TcpProfile::Apply). CreateSocket() makes its sockets TcpLinuxSocket (tail loss
 *    probe; the congestion control wrapped in TcpLinuxCwndValidation, Linux's cwnd-growth rule).
 */
class TcpProfile
{
  public:
    /// @return true if name is a known profile
    static bool IsKnown(const std::string& name);

    /**
     * @brief Sets a profile's attributes on a TCP socket (before Connect/Listen).
     * @param socket a TcpSocketBase
     * @param name a profile name; "" leaves the socket alone
     */
    static void Apply(Ptr<Socket> socket, const std::string& name);

    /**
     * @brief Makes a profile the default of every TCP socket created afterwards
     * (Config::SetDefault): cheaper than Apply() per socket when all sockets share it.
     * @param name a profile name
     */
    static void SetDefaults(const std::string& name);

    /**
     * @brief Creates a TCP socket with a profile: a TcpLinuxSocket (tail loss probe) for
     * `linux`, ns-3's TcpSocketBase otherwise, then Apply().
     * @param node the node
     * @param name the profile ("" = plain ns-3 socket, untouched)
     * @return the socket
     */
    static Ptr<Socket> CreateSocket(Ptr<Node> node, const std::string& name);
};

} // namespace ns3

#endif /* TCP_PROFILE_H */
