/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-dumbbell-helper.h"

#include "ns3/ipv4-host-routing-helper.h"

#include "ns3/data-rate.h"
#include "ns3/error-model.h"
#include "ns3/gilbert-elliott-error-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/pointer.h"
#include "ns3/queue-size.h"
#include "ns3/tcp-segment-drop-model.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsDumbbellHelper");

namespace
{

/**
 * Hands a router's IPv4 packets straight to Ipv4L3Protocol::Receive, as Node and
 * TrafficControlLayer would: both find a packet's handler by scanning one entry per device,
 * O(K) per packet on the dumbbell router with K access links (2 % of a 1,000-client run, 10 %
 * at 10,000). Nothing else listens on the router, so the path is the same minus the scans.
 */
class DirectIpv4Receive : public SimpleRefCount<DirectIpv4Receive>
{
  public:
    /// @param ipv4 the router's IPv4
    explicit DirectIpv4Receive(Ptr<Ipv4L3Protocol> ipv4)
        : m_ipv4(ipv4)
    {
    }

    /// NetDevice::ReceiveCallback; Node::NonPromiscReceiveFromDevice's arguments for IPv4.
    bool
    Receive(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol, const Address& from)
    {
        if (protocol != Ipv4L3Protocol::PROT_NUMBER)
        {
            return false; // no IPv6 or ARP on the canned point-to-point links
        }
        m_ipv4->Receive(
            device, packet, protocol, from, device->GetAddress(), NetDevice::PACKET_HOST);
        return true;
    }

  private:
    Ptr<Ipv4L3Protocol> m_ipv4; //!< the router's IPv4
};

/// The receive error model of one direction: chosen drops, then random loss.
Ptr<ErrorModel>
MakeErrorModel(const TlsScenarioConfig& c, bool clientToServer, int64_t& stream)
{
    Ptr<ErrorModel> random;
    double loss = c.GetLoss(clientToServer);
    if (loss > 0 && c.lossModel == "gilbert")
    {
        Ptr<GilbertElliottErrorModel> ge = CreateObject<GilbertElliottErrorModel>();
        ge->ForLossAndBurst(loss, c.burst);
        ge->AssignStreams(stream++);
        random = ge;
    }
    else if (loss > 0)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
        em->SetRate(loss);
        em->AssignStreams(stream++);
        random = em;
    }
    const std::string& drops = clientToServer ? c.dropC2s : c.dropS2c;
    if (drops.empty())
    {
        return random;
    }
    Ptr<TcpSegmentDropModel> chosen = CreateObject<TcpSegmentDropModel>();
    chosen->SetDrops(drops);
    if (random)
    {
        chosen->SetAttribute("Chain", PointerValue(random));
    }
    return chosen;
}

} // namespace

TlsDumbbellHelper::TlsDumbbellHelper(const TlsScenarioConfig& config)
    : m_config(config)
{
}

void
TlsDumbbellHelper::Install(int64_t stream)
{
    const TlsScenarioConfig& config = m_config;
    m_server.Create(1);
    m_clients.Create(config.clients);
    bool dumbbell = config.clients > 1;
    if (dumbbell)
    {
        m_router.Create(1);
    }
    InternetStackHelper internet;
    Ipv4HostRoutingHelper routing;
    internet.SetRoutingHelper(routing);
    internet.SetIpv6StackInstall(false);
    internet.Install(m_server);
    internet.Install(m_clients);
    internet.Install(m_router);

    // A larger --mss needs links that carry it: MTU = MSS + 20 (IP) + 32 (TCP with timestamps).
    const uint32_t mtu = std::max<uint32_t>(1500, config.mss + 52);
    PointToPointHelper& bottleneck = m_bottleneck;
    bottleneck.SetDeviceAttribute("DataRate", DataRateValue(DataRate(config.bandwidthBps)));
    bottleneck.SetDeviceAttribute("Mtu", UintegerValue(mtu));
    bottleneck.SetChannelAttribute("Delay", TimeValue(config.rtt / 2 - config.accessDelay));
    bottleneck.SetQueue(
        "ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(config.queue)));
    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", DataRateValue(DataRate(config.accessBandwidthBps)));
    access.SetDeviceAttribute("Mtu", UintegerValue(mtu));
    access.SetChannelAttribute("Delay", TimeValue(config.accessDelay));
    access.SetQueue(
        "ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(config.queue)));
    // Link k gets 10.0.0.0/30 + 4k: .1 at its first device, .2 at its second (what
    // Ipv4AddressHelper("10.0.0.0", "255.255.255.252") with NewNetwork() per link gives), set
    // directly, without the default queue disc Ipv4AddressHelper would install (there is no
    // AQM on this handshake path): Ipv4AddressGenerator checks each address against a list of every one allocated
    // so far, which made building 100,000 links quadratic.
    uint32_t subnet = 0;
    auto assign = [&subnet](NetDeviceContainer link)
    {
        Ipv4InterfaceContainer ifaces;
        uint32_t base = Ipv4Address("10.0.0.0").Get() + 4 * subnet++;
        for (uint32_t d = 0; d < link.GetN(); ++d)
        {
            Ptr<NetDevice> device = link.Get(d);
            Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
            int32_t interface = ipv4->GetInterfaceForDevice(device);
            if (interface == -1)
            {
                interface = ipv4->AddInterface(device);
            }
            ipv4->AddAddress(interface,
                             Ipv4InterfaceAddress(Ipv4Address(base + 1 + d),
                                                  Ipv4Mask("255.255.255.252")));
            ipv4->SetMetric(interface, 1);
            ipv4->SetUp(interface);
            ifaces.Add(ipv4, interface);
        }
        return ifaces;
    };
    // Device 0 receives server-to-client traffic, device 1 the other direction.
    auto addLossModels = [&](NetDeviceContainer link)
    {
        for (uint32_t d = 0; d < 2; ++d)
        {
            Ptr<ErrorModel> em = MakeErrorModel(config, d == 1, stream);
            if (em)
            {
                link.Get(d)->SetAttribute("ReceiveErrorModel", PointerValue(em));
            }
        }
    };
    auto connect = [&](PointToPointHelper& helper, Ptr<Node> a, Ptr<Node> b)
    {
        NetDeviceContainer link = helper.Install(a, b);
        Ipv4InterfaceContainer ifaces = assign(link); // and no queue disc: no AQM here
        return std::make_pair(link, ifaces);
    };
    if (!dumbbell)
    {
        auto [link, ifaces] = connect(bottleneck, m_clients.Get(0), m_server.Get(0));
        addLossModels(link);
        m_captured = link;
        m_serverAddress = ifaces.GetAddress(1);
        Ipv4HostRoutingHelper::Get(m_clients.Get(0))->SetDefaultRoute(1);
        Ipv4HostRoutingHelper::Get(m_server.Get(0))->SetDefaultRoute(1);
    }
    else
    {
        auto [link, ifaces] = connect(bottleneck, m_router.Get(0), m_server.Get(0));
        addLossModels(link);
        m_captured = link;
        m_serverAddress = ifaces.GetAddress(1);
        Ptr<Ipv4HostRouting> routerRouting = Ipv4HostRoutingHelper::Get(m_router.Get(0));
        routerRouting->AddHostRoute(m_serverAddress, 1);
        Ipv4HostRoutingHelper::Get(m_server.Get(0))->SetDefaultRoute(1);
        for (uint32_t i = 0; i < config.clients; ++i)
        {
            auto [accessLink, accessIfaces] = connect(access, m_clients.Get(i), m_router.Get(0));
            Ipv4HostRoutingHelper::Get(m_clients.Get(i))->SetDefaultRoute(1);
            routerRouting->AddHostRoute(accessIfaces.GetAddress(0), i + 2);
        }
        Ptr<Node> r = m_router.Get(0);
        auto direct = Create<DirectIpv4Receive>(r->GetObject<Ipv4L3Protocol>());
        for (uint32_t d = 1; d < r->GetNDevices(); ++d) // 0 is the loopback
        {
            r->GetDevice(d)->SetReceiveCallback(MakeCallback(&DirectIpv4Receive::Receive, direct));
        }
    }
}

Ptr<Node>
TlsDumbbellHelper::GetServer() const
{
    return m_server.Get(0);
}

NodeContainer
TlsDumbbellHelper::GetClients() const
{
    return m_clients;
}

Ipv4Address
TlsDumbbellHelper::GetServerAddress() const
{
    return m_serverAddress;
}

void
TlsDumbbellHelper::EnablePcap(const std::string& prefix)
{
    m_bottleneck.EnablePcap(prefix, m_captured, false);
}

} // namespace ns3
