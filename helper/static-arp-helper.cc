/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/static-arp-helper.h"

#include "ns3/callback.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/net-device.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("StaticArpHelper");

namespace
{

/// Every IPv4 interface but loopback. (NeighborCacheHelper::PopulateNeighborCache() would also
/// fill the IPv6 caches and crashes on nodes without IPv6.)
void
Populate()
{
    Ipv4InterfaceContainer interfaces;
    for (auto n = NodeList::Begin(); n != NodeList::End(); ++n)
    {
        Ptr<Ipv4> ipv4 = (*n)->GetObject<Ipv4>();
        for (uint32_t i = 1; ipv4 && i < ipv4->GetNInterfaces(); ++i)
        {
            interfaces.Add(ipv4, i);
        }
    }
    NeighborCacheHelper().PopulateNeighborCache(interfaces);
}

void
Refill(Ptr<NetDevice> device)
{
    // ArpCache::Flush runs from the same link-change callback list: fill after it.
    Simulator::ScheduleNow(
        [device]()
        {
            NS_LOG_DEBUG("link change of device " << device->GetIfIndex() << " of node "
                                                  << device->GetNode()->GetId() << ": refill");
            Populate();
        });
}

} // namespace

void
StaticArpHelper::Install()
{
    NS_LOG_FUNCTION_NOARGS();
    Populate();
    for (auto n = NodeList::Begin(); n != NodeList::End(); ++n)
    {
        for (uint32_t d = 0; d < (*n)->GetNDevices(); ++d)
        {
            Ptr<NetDevice> device = (*n)->GetDevice(d);
            if (device->GetChannel())
            {
                device->AddLinkChangeCallback(MakeBoundCallback(&Refill, device));
            }
        }
    }
}

} // namespace ns3
