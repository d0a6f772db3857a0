/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/ipv4-host-routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/output-stream-wrapper.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4HostRouting");

NS_OBJECT_ENSURE_REGISTERED(Ipv4HostRouting);

TypeId
Ipv4HostRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::Ipv4HostRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("TlsSpeed")
                            .AddConstructor<Ipv4HostRouting>();
    return tid;
}

void
Ipv4HostRouting::AddHostRoute(Ipv4Address destination, uint32_t interface)
{
    m_routes[destination.Get()] = interface;
}

void
Ipv4HostRouting::SetDefaultRoute(uint32_t interface)
{
    m_defaultInterface = interface;
}

Ptr<Ipv4Route>
Ipv4HostRouting::Lookup(Ipv4Address destination) const
{
    auto it = m_routes.find(destination.Get());
    int64_t interface = it != m_routes.end() ? int64_t(it->second) : m_defaultInterface;
    if (interface < 0)
    {
        return nullptr;
    }
    Ptr<Ipv4Route> route = Create<Ipv4Route>();
    route->SetDestination(destination);
    route->SetSource(m_ipv4->GetAddress(interface, 0).GetLocal());
    route->SetGateway(Ipv4Address::GetZero()); // point-to-point: the peer is the next hop
    route->SetOutputDevice(m_ipv4->GetNetDevice(interface));
    return route;
}

Ptr<Ipv4Route>
Ipv4HostRouting::RouteOutput(Ptr<Packet> /* p */,
                             const Ipv4Header& header,
                             Ptr<NetDevice> /* oif */,
                             Socket::SocketErrno& sockerr)
{
    Ptr<Ipv4Route> route = Lookup(header.GetDestination());
    sockerr = route ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    return route;
}

bool
Ipv4HostRouting::RouteInput(Ptr<const Packet> p,
                            const Ipv4Header& header,
                            Ptr<const NetDevice> idev,
                            NS3TLS_ROUTE_INPUT_CB(UnicastForwardCallback) ucb,
                            NS3TLS_ROUTE_INPUT_CB(MulticastForwardCallback) /* mcb */,
                            NS3TLS_ROUTE_INPUT_CB(LocalDeliverCallback) lcb,
                            NS3TLS_ROUTE_INPUT_CB(ErrorCallback) ecb)
{
    int32_t iif = m_ipv4->GetInterfaceForDevice(idev);
    if (m_local.count(header.GetDestination().Get()))
    {
        lcb(p, header, iif);
        return true;
    }
    if (!m_ipv4->IsForwarding(iif))
    {
        ecb(p, header, Socket::ERROR_NOROUTETOHOST);
        return true;
    }
    Ptr<Ipv4Route> route = Lookup(header.GetDestination());
    if (!route)
    {
        return false;
    }
    ucb(route, p, header);
    return true;
}

void
Ipv4HostRouting::NotifyInterfaceUp(uint32_t /* interface */)
{
}

void
Ipv4HostRouting::NotifyInterfaceDown(uint32_t /* interface */)
{
}

void
Ipv4HostRouting::NotifyAddAddress(uint32_t /* interface */, Ipv4InterfaceAddress address)
{
    m_local.insert(address.GetLocal().Get());
}

void
Ipv4HostRouting::NotifyRemoveAddress(uint32_t /* interface */, Ipv4InterfaceAddress address)
{
    m_local.erase(address.GetLocal().Get());
}

void
Ipv4HostRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
    for (uint32_t i = 0; i < ipv4->GetNInterfaces(); ++i)
    {
        for (uint32_t a = 0; a < ipv4->GetNAddresses(i); ++a)
        {
            m_local.insert(ipv4->GetAddress(i, a).GetLocal().Get());
        }
    }
}

void
Ipv4HostRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit /* unit */) const
{
    std::ostream& os = *stream->GetStream();
    os << "Ipv4HostRouting: " << m_routes.size() << " host routes, default interface "
       << m_defaultInterface << "\n";
    for (const auto& r : m_routes)
    {
        os << Ipv4Address(r.first) << " -> interface " << r.second << "\n";
    }
}

void
Ipv4HostRouting::DoDispose()
{
    m_ipv4 = nullptr;
    Ipv4RoutingProtocol::DoDispose();
}

} // namespace ns3
