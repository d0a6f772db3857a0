/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-scenario.h"

#include "ns3/ipv4-host-routing-helper.h"
#include "ns3/tcp-profile.h"
#include "ns3/tls-client-helper.h"
#include "ns3/tls-server-helper.h"

#include "ns3/core-module.h"
#include "ns3/error-model.h"
#include "ns3/gilbert-elliott-error-model.h"
#include "ns3/internet-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/tcp-segment-drop-model.h"
#include "ns3/tls-client-application.h"
#include "ns3/tls-context.h"
#include "ns3/tls-cpu.h"
#include "ns3/tls-measured-cost-model.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/tls-random.h"
#include "ns3/tls-server-application.h"
#include "ns3/traffic-control-helper.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsScenario");

namespace
{

const uint16_t PORT = 443;

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

/// The endpoint configurations the scenario (and its --fault) implies.
void
MakeTlsConfigs(const TlsScenarioConfig& c, TlsConfig& client, TlsConfig& server)
{
    // The values were checked by TlsScenarioConfig::Set.
    TlsConfig::ParseRange(c.tls, client.minVersion, client.maxVersion);
    TlsConfig::ParseKeyExchange(c.kx, client.keyExchange);
    TlsConfig::ParseResumption(c.resume, client.resume);
    client.groups = c.groups;
    client.ciphers = c.ciphers;
    client.signatureAlgorithms = c.sigalgs;
    client.caFile = c.caFile;
    client.clientAuth = c.clientAuth;
    client.serverName = c.serverName;
    client.verifyDate = c.verifyDate;
    client.sessionTimeout = c.sessionTimeout.GetNanoSeconds() / 1000000000;
    std::string creds = c.certFile.empty()
                            ? c.key + (c.caKey.empty() ? "" : ",ca=" + c.caKey)
                                  + (c.chain ? ",chain=" + std::to_string(c.chain) : "")
                            : "cert=" + c.certFile + ",key=" + c.keyFile;
    client.credentials = creds; // used for client authentication
    server = client;
    TlsConfig::ParseRange(c.serverTls, server.minVersion, server.maxVersion);
    server.groups = c.serverGroups.empty() ? c.groups : c.serverGroups;
    server.maxEarlyData = c.earlyData > 0 ? 16384 : 0;
    if (c.fault == "untrusted-ca")
    {
        server.credentials += ",untrusted";
    }
    else if (c.fault == "expired")
    {
        server.credentials += ",expired";
    }
    else if (c.fault == "version-mismatch")
    {
        // The client offers one version (Validate): the server accepts only the other.
        server.minVersion = server.maxVersion = client.maxVersion == TlsConfig::VERSION_1_3
                                                    ? TlsConfig::VERSION_1_2
                                                    : TlsConfig::VERSION_1_3;
    }
    else if (c.fault == "no-common-cipher")
    {
        // Disjoint lists for both versions (TlsContext gives each version its TLS_* or other
        // names), so that no version in either range has a cipher in common.
        const char* tls12Client = "DHE-RSA-AES128-GCM-SHA256";
        const char* tls12Server = "DHE-RSA-AES256-GCM-SHA384";
        if (client.keyExchange == TlsConfig::KX_ECDHE)
        {
            tls12Client = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
            tls12Server = "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
        }
        else if (client.keyExchange == TlsConfig::KX_RSA)
        {
            tls12Client = "AES128-GCM-SHA256";
            tls12Server = "AES256-GCM-SHA384";
        }
        client.ciphers = std::string("TLS_AES_128_GCM_SHA256:") + tls12Client;
        server.ciphers = std::string("TLS_CHACHA20_POLY1305_SHA256:") + tls12Server;
    }
}

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

/// The scenario's cost model; `model` prices what its table lacks by measuring it now.
Ptr<TlsCostModel>
MakeCostModel(const TlsScenarioConfig& c,
              const TlsConfig& client,
              const TlsConfig& server,
              std::map<std::string, double>& measured)
{
    if (c.cpu == "measured")
    {
        return CreateObject<TlsMeasuredCostModel>();
    }
    if (c.cpu == "model")
    {
        Ptr<TlsOperationCostModel> model = CreateObject<TlsOperationCostModel>();
        model->SetAttribute("CostTable", StringValue(c.costTable));
        measured = model->MeasureMissing(client, server);
        // The trial handshakes drew random numbers and filled caches: start the run afresh.
        TlsContext::ClearCache();
        TlsRandom::Seed(c.seed, c.run);
        return model;
    }
    return nullptr;
}

std::string
Join(const std::vector<std::string>& cells)
{
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i)
    {
        s += (i ? "," : "") + cells[i];
    }
    return s;
}

} // namespace

std::string
TlsScenario::Run(const TlsScenarioConfig& config, Result& result)
{
    std::string error = config.Validate();
    if (!error.empty())
    {
        return error;
    }
    auto wallStart = std::chrono::steady_clock::now();
    // Every TCP socket of the scenario uses the profile: set it once as the attribute
    // defaults rather than per socket (name lookups per attribute per connection).
    TcpProfile::SetDefaults(config.tcp);
    for (const auto& [path, value] : config.ns3Defaults)
    {
        // The user's explicit values win over the profile.
        if (!Config::SetDefaultFailSafe(path, StringValue(value)))
        {
            return "invalid --" + path + "='" + value + "'";
        }
    }
    RngSeedManager::SetSeed(config.seed);
    RngSeedManager::SetRun(config.run);
    TlsRandom::Seed(config.seed, config.run);
    TlsContext::ClearCache(); // fresh ticket keys and session caches for this run

    // Build (and so validate against OpenSSL) both contexts before anything is written.
    TlsConfig clientTls;
    TlsConfig serverTls;
    MakeTlsConfigs(config, clientTls, serverTls);
    if (!TlsContext::Get(serverTls, TlsContext::SERVER, error)
        || !TlsContext::Get(clientTls, TlsContext::CLIENT, error))
    {
        return error;
    }
    std::map<std::string, double> measuredCosts;
    Ptr<TlsCostModel> cost = MakeCostModel(config, clientTls, serverTls, measuredCosts);
    for (const std::string* path : {&config.csv, &config.timeline})
    {
        // Fail before simulating, not after: can the output be written at all?
        if (path->empty())
        {
            continue;
        }
        bool writable = std::ofstream(*path + ".tmp").good();
        std::remove((*path + ".tmp").c_str());
        if (!writable)
        {
            return "cannot write '" + *path + "'";
        }
    }
    if (!config.keylog.empty() && !TlsContext::SetKeyLogFile(config.keylog))
    {
        return "cannot write key log file '" + config.keylog + "'";
    }

    // Topology. One client: client -- link -- server. More: a dumbbell, each client on its
    // own access link to a router, one bottleneck link (the configured rate, delay, queue and
    // loss) from the router to the server. Host routes keep forwarding O(1) per packet.
    NodeContainer server;
    server.Create(1);
    NodeContainer clients;
    clients.Create(config.clients);
    NodeContainer router;
    bool dumbbell = config.clients > 1;
    if (dumbbell)
    {
        router.Create(1);
    }
    InternetStackHelper internet;
    Ipv4HostRoutingHelper routing;
    internet.SetRoutingHelper(routing);
    internet.SetIpv6StackInstall(false);
    internet.Install(server);
    internet.Install(clients);
    internet.Install(router);

    // A larger --mss needs links that carry it: MTU = MSS + 20 (IP) + 32 (TCP with timestamps).
    const uint32_t mtu = std::max<uint32_t>(1500, config.mss + 52);
    PointToPointHelper bottleneck;
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
    Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.252");
    int64_t stream = 1000;
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
        Ipv4InterfaceContainer ifaces = addresses.Assign(link);
        addresses.NewNetwork();
        TrafficControlHelper().Uninstall(link); // no AQM on a handshake path
        return std::make_pair(link, ifaces);
    };
    Ipv4Address serverAddress;
    NetDeviceContainer captured; // the link every connection crosses
    if (!dumbbell)
    {
        auto [link, ifaces] = connect(bottleneck, clients.Get(0), server.Get(0));
        addLossModels(link);
        captured = link;
        serverAddress = ifaces.GetAddress(1);
        Ipv4HostRoutingHelper::Get(clients.Get(0))->SetDefaultRoute(1);
        Ipv4HostRoutingHelper::Get(server.Get(0))->SetDefaultRoute(1);
    }
    else
    {
        auto [link, ifaces] = connect(bottleneck, router.Get(0), server.Get(0));
        addLossModels(link);
        captured = link;
        serverAddress = ifaces.GetAddress(1);
        Ptr<Ipv4HostRouting> routerRouting = Ipv4HostRoutingHelper::Get(router.Get(0));
        routerRouting->AddHostRoute(serverAddress, 1);
        Ipv4HostRoutingHelper::Get(server.Get(0))->SetDefaultRoute(1);
        for (uint32_t i = 0; i < config.clients; ++i)
        {
            auto [accessLink, accessIfaces] = connect(access, clients.Get(i), router.Get(0));
            Ipv4HostRoutingHelper::Get(clients.Get(i))->SetDefaultRoute(1);
            routerRouting->AddHostRoute(accessIfaces.GetAddress(0), i + 2);
        }
        Ptr<Node> r = router.Get(0);
        auto direct = Create<DirectIpv4Receive>(r->GetObject<Ipv4L3Protocol>());
        for (uint32_t d = 1; d < r->GetNDevices(); ++d) // 0 is the loopback
        {
            r->GetDevice(d)->SetReceiveCallback(MakeCallback(&DirectIpv4Receive::Receive, direct));
        }
    }
    if (!config.pcap.empty())
    {
        // Both ends of the (bottleneck) link, not every access link of thousands of clients.
        bottleneck.EnablePcap(config.pcap, captured, false);
    }

    Ptr<TlsCpu> serverCpu = TlsCpu::GetOrCreate(server.Get(0));
    serverCpu->SetAttribute("Cores", UintegerValue(config.serverCores));
    serverCpu->SetAttribute("SpeedFactor", DoubleValue(config.serverSpeed));
    TlsServerHelper serverHelper(PORT);
    serverHelper.SetAttribute("TcpProfile", StringValue(config.tcp));
    serverHelper.SetAttribute("InitialCwnd", UintegerValue(config.serverInitcwnd));
    serverHelper.SetAttribute("SegmentSize", UintegerValue(config.mss));
    serverHelper.SetAttribute("CostModel", PointerValue(cost));
    serverHelper.SetTlsConfig(serverTls);
    ApplicationContainer serverApps = serverHelper.Install(server.Get(0));
    serverApps.Start(Seconds(0));

    // Arrival offsets: all at once, evenly spread over the window, or a Poisson process with
    // K arrivals per window on average.
    std::vector<Time> arrivals(config.clients, Time(0));
    Ptr<ExponentialRandomVariable> gap = CreateObject<ExponentialRandomVariable>();
    gap->SetStream(999);
    gap->SetAttribute("Mean", DoubleValue(config.arrivalWindow.GetSeconds() / config.clients));
    Time t(0);
    for (uint32_t i = 0; i < config.clients; ++i)
    {
        if (config.arrival == "uniform")
        {
            arrivals[i] = config.arrivalWindow * (double(i) / config.clients);
        }
        else if (config.arrival == "poisson")
        {
            arrivals[i] = t;
            t += Seconds(gap->GetValue());
        }
    }

    std::vector<Ptr<TlsClientApplication>> clientApps;
    for (uint32_t i = 0; i < config.clients; ++i)
    {
        Ptr<TlsCpu> cpu = TlsCpu::GetOrCreate(clients.Get(i));
        cpu->SetAttribute("SpeedFactor", DoubleValue(config.clientSpeed));
        TlsClientHelper clientHelper(InetSocketAddress(serverAddress, PORT));
        clientHelper.SetAttribute("Handshakes", UintegerValue(config.handshakes));
        clientHelper.SetAttribute("Interval", TimeValue(config.interval));
        clientHelper.SetAttribute("Timeout", TimeValue(config.timeout));
        clientHelper.SetAttribute("EarlyData", UintegerValue(config.earlyData));
        clientHelper.SetAttribute("RequestSize", UintegerValue(config.request));
        clientHelper.SetAttribute("ResponseSize", UintegerValue(config.response));
        clientHelper.SetAttribute("ClientIndex", UintegerValue(i));
        clientHelper.SetAttribute("TcpProfile", StringValue(config.tcp));
        clientHelper.SetAttribute("InitialCwnd", UintegerValue(config.initcwnd));
        clientHelper.SetAttribute("SegmentSize", UintegerValue(config.mss));
        clientHelper.SetAttribute("CostModel", PointerValue(cost));
        clientHelper.SetTlsConfig(clientTls);
        ApplicationContainer app = clientHelper.Install(clients.Get(i));
        // The first arrival is at 1 s (a round start time keeps timelines readable).
        app.Start(Seconds(1) + arrivals[i]);
        clientApps.push_back(DynamicCast<TlsClientApplication>(app.Get(0)));
    }

    // End the run once every connection is done plus one timeout for server-side events. (ns-3
    // 3.37 can retransmit a lost FIN forever: it resends it with sequence number FIN+1, which
    // a peer in LAST_ACK never acknowledges. Teardown is after every measurement.)
    uint32_t remaining = config.clients * config.handshakes;
    Time grace = config.timeout;
    auto onDone = [&remaining, grace](Ptr<const TlsHandshakeRecord>)
    {
        if (--remaining == 0)
        {
            Simulator::Stop(grace);
        }
    };
    for (auto& app : clientApps)
    {
        app->TraceConnectWithoutContext(
            "ConnectionDone",
            Callback<void, Ptr<const TlsHandshakeRecord>>(
                std::function<void(Ptr<const TlsHandshakeRecord>)>(onDone)));
    }
    auto runStart = std::chrono::steady_clock::now();
    Simulator::Run();
    double runWall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - runStart).count();

    Ptr<TlsServerApplication> serverApp = DynamicCast<TlsServerApplication>(serverApps.Get(0));
    result = Result();
    for (auto& app : clientApps)
    {
        for (auto& r : app->GetRecords())
        {
            result.records.push_back(r);
        }
    }
    result.serverAccepted = serverApp->GetAccepted();
    result.serverCompleted = serverApp->GetCompleted();
    result.simulatedSeconds = Simulator::Now().GetSeconds();
    result.runWallSeconds = runWall;
    result.measuredCosts = measuredCosts;
    Simulator::Destroy();
    TlsContext::SetKeyLogFile("");
    TlsContext::ClearCache();
    result.wallSeconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    if (!config.csv.empty())
    {
        error = WriteFile(config.csv, Csv(config, result));
        if (!error.empty())
        {
            return error;
        }
    }
    if (!config.timeline.empty())
    {
        error = WriteFile(config.timeline, TimelineCsv(config, result));
    }
    return error;
}

std::string
TlsScenario::CsvHeader(const TlsScenarioConfig& config)
{
    std::vector<std::string> names = TlsHandshakeRecord::GetColumnNames();
    for (const auto& p : config.GetParameterColumns())
    {
        names.push_back(p.first);
    }
    return Join(names);
}

std::string
TlsScenario::CsvRows(const TlsScenarioConfig& config, const Result& result)
{
    std::string params;
    for (const auto& p : config.GetParameterColumns())
    {
        params += "," + TlsHandshakeRecord::Escape(p.second);
    }
    std::string out;
    for (const auto& r : result.records)
    {
        out += Join(r->GetCells()) + params + "\n";
    }
    return out;
}

std::string
TlsScenario::Csv(const TlsScenarioConfig& config, const Result& result)
{
    return CsvHeader(config) + "\n" + CsvRows(config, result);
}

std::string
TlsScenario::TimelineCsv(const TlsScenarioConfig& config, const Result& result)
{
    std::string out = Join(TlsHandshakeRecord::GetTimelineColumnNames());
    std::string params;
    for (const auto& p : config.GetParameterColumns())
    {
        out += "," + p.first;
        params += "," + TlsHandshakeRecord::Escape(p.second);
    }
    out += "\n";
    for (const auto& r : result.records)
    {
        for (const auto& row : r->GetTimelineRows())
        {
            out += Join(row) + params + "\n";
        }
    }
    return out;
}

std::string
TlsScenario::WriteFile(const std::string& path, const std::string& content)
{
    std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::out | std::ios::trunc);
        if (!f)
        {
            return "cannot write '" + path + "'";
        }
        f << content;
        if (!f.good())
        {
            return "cannot write '" + path + "'";
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        std::remove(tmp.c_str());
        return "cannot write '" + path + "'";
    }
    return "";
}

} // namespace ns3
