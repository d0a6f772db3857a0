/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3tls._core.Network: a topology of your own from Python (nodes; point-to-point, CSMA and
 * Wi-Fi links), TLS servers and clients configured with ns3tls.run's parameter names, one run,
 * and the TlsTrackerHelper's CSVs. Routing: ns-3's global routing (Ipv4GlobalRoutingHelper).
 */
#include "network.h"

#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/static-arp-helper.h"
#include "ns3/tls-client-helper.h"
#include "ns3/tls-context.h"
#include "ns3/tls-cost-model.h"
#include "ns3/tls-random.h"
#include "ns3/tls-scenario-config.h"
#include "ns3/tls-scenario.h"
#include "ns3/tls-server-helper.h"
#include "ns3/tls-tracker-helper.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/wifi-module.h"

#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace ns3;

namespace
{

const uint16_t PORT = 443;

/// One simulation's topology and applications.
class Network
{
  public:
    Network(uint32_t seed, uint32_t run)
        : m_seed(seed)
        , m_run(run)
    {
        RngSeedManager::SetSeed(seed);
        RngSeedManager::SetRun(run);
        TlsRandom::Seed(seed, run);
        TlsContext::ClearCache();
    }

    std::vector<uint32_t>
    AddNodes(uint32_t n)
    {
        NodeContainer nodes;
        nodes.Create(n);
        InternetStackHelper internet;
        internet.SetIpv6StackInstall(false);
        internet.Install(nodes);
        std::vector<uint32_t> ids;
        for (uint32_t i = 0; i < n; ++i)
        {
            m_nodes.Add(nodes.Get(i));
            ids.push_back(m_nodes.GetN() - 1);
        }
        return ids;
    }

    void
    P2p(uint32_t a,
        uint32_t b,
        const std::string& rate,
        const std::string& delay,
        const std::string& queue,
        double loss)
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(rate));
        p2p.SetChannelAttribute("Delay", StringValue(delay));
        p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(queue));
        NetDeviceContainer link = p2p.Install(Node(a), Node(b));
        if (loss > 0)
        {
            for (uint32_t d = 0; d < 2; ++d)
            {
                Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
                em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
                em->SetRate(loss);
                em->AssignStreams(m_stream++);
                link.Get(d)->SetAttribute("ReceiveErrorModel", PointerValue(em));
            }
        }
        Assign(link);
    }

    /// The linux TCP profile's timer ticks for every socket of this network (--hz, --tick-phase),
    /// set as ./ns3tls run sets them (TlsScenario::SetTimerTicks).
    void
    Ticks(const std::string& hz, const std::string& tickPhase)
    {
        TlsScenario::SetTimerTicks(MakeConfig({{"hz", hz}, {"tick-phase", tickPhase}}, false));
    }

    /// Fills every ARP cache when the run starts (after the links of the topology exist):
    /// no connection waits for address resolution on a CSMA LAN or a Wi-Fi cell.
    void
    StaticArp()
    {
        m_staticArp = true;
    }

    void
    Csma(const std::vector<uint32_t>& nodes, const std::string& rate, const std::string& delay)
    {
        CsmaHelper csma;
        csma.SetChannelAttribute("DataRate", StringValue(rate));
        csma.SetChannelAttribute("Delay", StringValue(delay));
        Assign(csma.Install(Nodes(nodes)));
    }

    void
    Wifi(const std::vector<uint32_t>& stations,
         uint32_t ap,
         double distance,
         const std::string& manager,
         const std::string& standard)
    {
        static const std::map<std::string, WifiStandard> standards{
            {"80211a", WIFI_STANDARD_80211a},
            {"80211g", WIFI_STANDARD_80211g},
            {"80211n", WIFI_STANDARD_80211n},
            {"80211ac", WIFI_STANDARD_80211ac},
            {"80211ax", WIFI_STANDARD_80211ax}};
        auto it = standards.find(standard);
        if (it == standards.end())
        {
            throw py::value_error("invalid standard='" + standard
                                  + "' (expected 80211a|80211g|80211n|80211ac|80211ax)");
        }
        TypeId tid;
        if (!TypeId::LookupByNameFailSafe(manager, &tid)
            || !tid.IsChildOf(WifiRemoteStationManager::GetTypeId()))
        {
            throw py::value_error("invalid manager='" + manager
                                  + "' (a WifiRemoteStationManager, e.g. "
                                    "ns3::IdealWifiManager or ns3::MinstrelHtWifiManager)");
        }
        YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
        YansWifiPhyHelper phy;
        phy.SetChannel(channel.Create());
        WifiHelper wifi;
        wifi.SetStandard(it->second);
        wifi.SetRemoteStationManager(manager);
        WifiMacHelper mac;
        Ssid ssid("ns3tls-" + std::to_string(m_ssids++));
        mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
        NodeContainer sta = Nodes(stations);
        NetDeviceContainer devices = wifi.Install(phy, mac, sta);
        mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
        devices.Add(wifi.Install(phy, mac, Node(ap)));
        m_stream += wifi.AssignStreams(devices, m_stream);
        // The access point at the origin, stations on a circle of the given radius.
        MobilityHelper mobility;
        Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
        for (uint32_t i = 0; i < stations.size(); ++i)
        {
            double angle = 2 * M_PI * i / stations.size();
            positions->Add(Vector(distance * std::cos(angle), distance * std::sin(angle), 0));
        }
        positions->Add(Vector(0, 0, 0));
        mobility.SetPositionAllocator(positions);
        mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
        NodeContainer all(sta, NodeContainer(Node(ap)));
        mobility.Install(all);
        Assign(devices);
    }

    void
    Server(uint32_t node, const std::map<std::string, std::string>& params)
    {
        // One end: its peer has its own settings, the handshake decides the pairing.
        TlsScenarioConfig config = MakeConfig(params, false);
        TlsConfig clientTls;
        TlsConfig serverTls;
        TlsScenario::GetTlsConfigs(config, clientTls, serverTls);
        Check(serverTls, TlsContext::SERVER);
        TlsServerHelper helper(PORT);
        TlsScenario::ConfigureServer(
            helper, config, serverTls, TlsScenario::GetCostModel(config, clientTls, serverTls));
        ApplicationContainer apps = helper.Install(Node(node));
        apps.Start(Seconds(0));
        m_tracker.Install(apps);
        m_servers[node] = apps.Get(0);
    }

    void
    Clients(const std::vector<uint32_t>& nodes,
            uint32_t server,
            const std::map<std::string, std::string>& params,
            double start)
    {
        if (m_servers.find(server) == m_servers.end())
        {
            throw py::value_error("node " + std::to_string(server)
                                  + " has no server: call server() first");
        }
        // One end: its peer has its own settings, the handshake decides the pairing.
        TlsScenarioConfig config = MakeConfig(params, false);
        TlsConfig clientTls;
        TlsConfig serverTls;
        TlsScenario::GetTlsConfigs(config, clientTls, serverTls);
        Check(clientTls, TlsContext::CLIENT);
        Ptr<TlsCostModel> cost = TlsScenario::GetCostModel(config, clientTls, serverTls);
        Ptr<Ipv4> ipv4 = Node(server)->GetObject<Ipv4>();
        if (ipv4->GetNInterfaces() < 2)
        {
            throw py::value_error("server node " + std::to_string(server) + " has no link");
        }
        Ipv4Address address = ipv4->GetAddress(1, 0).GetLocal();
        for (uint32_t node : nodes)
        {
            TlsClientHelper helper(InetSocketAddress(address, PORT));
            TlsScenario::ConfigureClient(helper, config, clientTls, cost);
            helper.SetAttribute("ClientIndex", UintegerValue(m_clients));
            ApplicationContainer app = helper.Install(Node(node));
            app.Start(Seconds(start));
            m_tracker.Install(app);
            ++m_clients;
            m_expected += config.handshakes;
            m_grace = std::max(m_grace, config.timeout);
            app.Get(0)->TraceConnectWithoutContext("ConnectionDone",
                                                   MakeCallback(&Network::OnDone, this));
        }
    }

    /// Runs; returns (csv, timeline, info). The simulation ends when every connection is done
    /// (plus one client timeout for server-side events) or at `stop` seconds.
    py::tuple
    Run(double stop, const std::vector<std::pair<std::string, std::string>>& columns)
    {
        if (m_ran)
        {
            throw py::value_error("a Network runs once: make a new one");
        }
        // Checked before the run: a column named like one of the record's would make two
        // columns of one name (e.g. early_data: 0-RTT accepted); seed and run come last.
        {
            TlsTrackerHelper names;
            for (const auto& c : columns)
            {
                std::string error = names.CheckColumnName(c.first);
                if (error.empty() && (c.first == "seed" || c.first == "run"))
                {
                    error = "invalid column name '" + c.first + "': Network.run adds it itself";
                }
                if (!error.empty())
                {
                    throw py::value_error(error);
                }
                names.AddColumn(c.first, c.second);
            }
        }
        m_ran = true;
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        if (m_staticArp)
        {
            StaticArpHelper::Install(); // permanent entries, also after association
        }
        Simulator::Stop(Seconds(stop));
        {
            py::gil_scoped_release release;
            Simulator::Run();
        }
        double now = Simulator::Now().GetSeconds();
        for (const auto& c : columns)
        {
            m_tracker.AddColumn(c.first, c.second);
        }
        m_tracker.AddColumn("seed", std::to_string(m_seed));
        m_tracker.AddColumn("run", std::to_string(m_run));
        std::string csv = m_tracker.GetCsv();
        std::string timeline = m_tracker.GetTimelineCsv();
        Simulator::Destroy();
        TlsContext::ClearCache();
        py::dict info;
        info["records"] = m_tracker.GetRecords().size();
        info["simulated_seconds"] = now;
        return py::make_tuple(csv, timeline, info);
    }

  private:
    Ptr<ns3::Node>
    Node(uint32_t id) const
    {
        if (id >= m_nodes.GetN())
        {
            throw py::value_error("no node " + std::to_string(id));
        }
        return m_nodes.Get(id);
    }

    NodeContainer
    Nodes(const std::vector<uint32_t>& ids) const
    {
        NodeContainer c;
        for (uint32_t id : ids)
        {
            c.Add(Node(id));
        }
        return c;
    }

    void
    Assign(NetDeviceContainer devices)
    {
        if (m_subnet >= 65536)
        {
            throw py::value_error("too many links");
        }
        std::string base
            = "10." + std::to_string(m_subnet / 256) + "." + std::to_string(m_subnet % 256) + ".0";
        ++m_subnet;
        Ipv4AddressHelper addresses(base.c_str(), "255.255.255.0");
        addresses.Assign(devices);
        TrafficControlHelper().Uninstall(devices); // no AQM on a handshake path
    }

    static void
    Check(const TlsConfig& tls, TlsContext::Role role)
    {
        std::string error;
        if (!TlsContext::Get(tls, role, error))
        {
            throw py::value_error(error);
        }
    }

    void
    OnDone(Ptr<const TlsHandshakeRecord>)
    {
        if (++m_done == m_expected)
        {
            Simulator::Stop(m_grace);
        }
    }

    uint32_t m_seed;
    uint32_t m_run;
    NodeContainer m_nodes;
    std::map<uint32_t, Ptr<Application>> m_servers;
    TlsTrackerHelper m_tracker;
    uint32_t m_subnet{0};
    uint32_t m_ssids{0};
    int64_t m_stream{1000};
    uint32_t m_clients{0};
    uint32_t m_expected{0};
    uint32_t m_done{0};
    Time m_grace{Seconds(0)};
    bool m_ran{false};
    bool m_staticArp{false};
};

} // namespace

void
BindNetwork(py::module_& m)
{
    py::class_<Network>(m,
                        "Network",
                        "A topology of your own: nodes, links, TLS servers and clients, one run "
                        "(see ns3tls.Network)")
        .def(py::init<uint32_t, uint32_t>(), py::arg("seed") = 1, py::arg("run") = 1)
        .def("add_nodes", &Network::AddNodes, py::arg("n"))
        .def("p2p",
             &Network::P2p,
             py::arg("a"),
             py::arg("b"),
             py::arg("rate"),
             py::arg("delay"),
             py::arg("queue"),
             py::arg("loss"))
        .def("csma", &Network::Csma, py::arg("nodes"), py::arg("rate"), py::arg("delay"))
        .def("static_arp", &Network::StaticArp)
        .def("ticks", &Network::Ticks, py::arg("hz"), py::arg("tick_phase"))
        .def("wifi",
             &Network::Wifi,
             py::arg("stations"),
             py::arg("ap"),
             py::arg("distance"),
             py::arg("manager"),
             py::arg("standard"))
        .def("server", &Network::Server, py::arg("node"), py::arg("params"))
        .def("clients",
             &Network::Clients,
             py::arg("nodes"),
             py::arg("server"),
             py::arg("params"),
             py::arg("start"))
        .def("run", &Network::Run, py::arg("stop"), py::arg("columns"));
}
