/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef STATIC_ARP_HELPER_H
#define STATIC_ARP_HELPER_H

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief Fills every node's ARP cache with its neighbours' addresses, so that no connection
 * waits for address resolution (as on point-to-point links, which have no ARP).
 *
 * On a CSMA LAN or a Wi-Fi cell each node's first packet to a neighbour otherwise waits for an
 * ARP exchange (ns-3's ArpL3Protocol: after a random RequestJitter, U(0, 10 ms) truncated to
 * whole ms by default),
 * and the answering node, which does not learn the asker's address from the request as Linux
 * (arp_process()) does, asks in turn before its first answer: a client's first TCP handshake on
 * a LAN takes two ARP exchanges longer. The entries are those of ns-3's NeighborCacheHelper
 * (permanent); since ArpL3Protocol flushes a device's cache when its link changes (a Wi-Fi
 * station associating), the device's channel is filled again after each link change.
 */
class StaticArpHelper
{
  public:
    /**
     * @brief Fills the ARP caches of every node's IPv4 interfaces now (call it once the
     * addresses are assigned) and again after each link change of a device.
     */
    static void Install();
};

} // namespace ns3

#endif /* STATIC_ARP_HELPER_H */
