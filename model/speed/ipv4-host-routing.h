/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef IPV4_HOST_ROUTING_H
#define IPV4_HOST_ROUTING_H

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/ns3-compat.h"

#include <unordered_map>
#include <unordered_set>

namespace ns3
{

/**
 * @ingroup tls-speed
 * @brief Host routes in a hash table: O(1) per packet whatever the number of interfaces.
 *
 * Ipv4StaticRouting scans every route and, on a router, the weak-end-system address check
 * scans every interface: with thousands of clients behind one router each packet would cost
 * O(clients). This protocol keeps a destination -> interface map and a default interface,
 * which is all a star or dumbbell of point-to-point links needs.
 */
class Ipv4HostRouting : public Ipv4RoutingProtocol
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /**
     * @brief Routes packets for a destination out of an interface.
     * @param destination the host
     * @param interface the outgoing interface index
     */
    void AddHostRoute(Ipv4Address destination, uint32_t interface);

    /// @param interface where packets without a host route go
    void SetDefaultRoute(uint32_t interface);

    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& header,
                    Ptr<const NetDevice> idev,
                    NS3TLS_ROUTE_INPUT_CB(UnicastForwardCallback) ucb,
                    NS3TLS_ROUTE_INPUT_CB(MulticastForwardCallback) mcb,
                    NS3TLS_ROUTE_INPUT_CB(LocalDeliverCallback) lcb,
                    NS3TLS_ROUTE_INPUT_CB(ErrorCallback) ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

  protected:
    void DoDispose() override;

  private:
    /// @return a route to destination, or nullptr
    Ptr<Ipv4Route> Lookup(Ipv4Address destination) const;

    Ptr<Ipv4> m_ipv4;                                //!< the node's IPv4
    std::unordered_map<uint32_t, uint32_t> m_routes; //!< destination -> interface
    int64_t m_defaultInterface{-1};                  //!< -1: none
    std::unordered_set<uint32_t> m_local;            //!< this node's addresses
};

} // namespace ns3

#endif /* IPV4_HOST_ROUTING_H */
