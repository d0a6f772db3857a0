/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/ipv4-host-routing-helper.h"

#include "ns3/abort.h"
#include "ns3/node.h"

namespace ns3
{

Ipv4HostRoutingHelper*
Ipv4HostRoutingHelper::Copy() const
{
    return new Ipv4HostRoutingHelper(*this);
}

Ptr<Ipv4RoutingProtocol>
Ipv4HostRoutingHelper::Create(Ptr<Node> /* node */) const
{
    return CreateObject<Ipv4HostRouting>();
}

Ptr<Ipv4HostRouting>
Ipv4HostRoutingHelper::Get(Ptr<Node> node)
{
    Ptr<Ipv4HostRouting> routing
        = DynamicCast<Ipv4HostRouting>(node->GetObject<Ipv4>()->GetRoutingProtocol());
    NS_ABORT_MSG_IF(!routing, "node " << node->GetId() << " does not use Ipv4HostRouting");
    return routing;
}

} // namespace ns3
