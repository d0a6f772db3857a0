/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef IPV4_HOST_ROUTING_HELPER_H
#define IPV4_HOST_ROUTING_HELPER_H

#include "ns3/ipv4-host-routing.h"
#include "ns3/ipv4-routing-helper.h"

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief Installs Ipv4HostRouting through InternetStackHelper::SetRoutingHelper().
 */
class Ipv4HostRoutingHelper : public Ipv4RoutingHelper
{
  public:
    Ipv4HostRoutingHelper* Copy() const override;
    Ptr<Ipv4RoutingProtocol> Create(Ptr<Node> node) const override;

    /// @return the node's Ipv4HostRouting (it must have one)
    static Ptr<Ipv4HostRouting> Get(Ptr<Node> node);
};

} // namespace ns3

#endif /* IPV4_HOST_ROUTING_HELPER_H */
