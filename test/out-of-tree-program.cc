/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A user's own program, built outside this tree by test/out-of-tree.sh (find_package(ns3tls)
 * and pkg-config): client -- point-to-point -- server, two TLS 1.3 handshakes, the tracker's CSV.
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/tls-module.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string csv = "out.csv";
    CommandLine cmd(__FILE__);
    cmd.AddValue("csv", "results CSV", csv);
    cmd.Parse(argc, argv);

    NodeContainer nodes;
    nodes.Create(2);
    InternetStackHelper internet;
    internet.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("25ms"));
    Ipv4AddressHelper addresses("10.1.0.0", "255.255.255.252");
    Ipv4InterfaceContainer ifaces = addresses.Assign(p2p.Install(nodes));

    TlsServerHelper server(443);
    ApplicationContainer s = server.Install(nodes.Get(1));
    TlsClientHelper client(InetSocketAddress(ifaces.GetAddress(1), 443));
    client.SetAttribute("Handshakes", UintegerValue(2));
    ApplicationContainer c = client.Install(nodes.Get(0));
    c.Start(Seconds(1));
    TlsTrackerHelper tracker;
    tracker.Install(s);
    tracker.Install(c);
    tracker.AddColumn("topology", "p2p");
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    Simulator::Destroy();
    for (const auto& r : tracker.GetRecords())
    {
        if (!r->ok)
        {
            std::cerr << "handshake failed: " << r->error << std::endl;
            return 1;
        }
    }
    std::string error = tracker.WriteCsv(csv);
    if (!error.empty())
    {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    return 0;
}
