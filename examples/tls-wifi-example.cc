/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tls-wifi-example: a Wi-Fi hop then a WAN link to a TLS server, on a topology of your own.
 *
 *   stations (802.11n, `--distance` m from the AP) ~~ AP -- WAN (--wan-rate, --wan-delay) -- server
 *
 * Each station runs a TLS client (resuming with tickets); a TlsTrackerHelper joins client and
 * server sides and writes the same columns as `./ns3tls run --csv` plus "topology". The helpers
 * default to the crypto cost model and TCP profile of `./ns3tls run`. The Python equivalent is
 * python/examples/own_topology.py.
 *
 * ARP: the cell resolves addresses (the WAN link, point-to-point, does not). A station's first
 * connection waits for the station's ARP exchange for the access point (its gateway) before the
 * SYN and the access point's for the station before the SYN-ACK (ns-3 does not learn the asker's
 * address from a request), each after a random RequestJitter of 0..9 ms: one station
 * (--stations=1), 55.3 ms to establish TCP instead of 40.1 ms. Later connections find the entries
 * cached. --static-arp fills every ARP cache before the run (StaticArpHelper).
 *
 *   ./build/examples/tls-wifi-example [--stations=3] [--distance=10] [--handshakes=5]
 *       [--manager=ns3::MinstrelHtWifiManager] [--csv=FILE] [--timeline=FILE] [--static-arp]
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/tls-module.h"
#include "ns3/wifi-module.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    uint32_t stations = 3;
    double distance = 10;
    uint32_t handshakes = 5;
    std::string manager = "ns3::MinstrelHtWifiManager";
    std::string wanRate = "100Mbps";
    std::string wanDelay = "20ms";
    std::string csv;
    std::string timeline;
    CommandLine cmd(__FILE__);
    cmd.AddValue("stations", "Wi-Fi stations, one TLS client each", stations);
    cmd.AddValue("distance", "station to access point distance (m)", distance);
    cmd.AddValue("handshakes", "connections per client", handshakes);
    cmd.AddValue("manager", "Wi-Fi rate manager (a WifiRemoteStationManager TypeId)", manager);
    cmd.AddValue("wan-rate", "WAN link rate", wanRate);
    cmd.AddValue("wan-delay", "WAN link one-way delay", wanDelay);
    cmd.AddValue("csv", "write a row per handshake to this CSV file", csv);
    cmd.AddValue("timeline", "write a row per TLS message to this CSV file", timeline);
    bool staticArp = false;
    cmd.AddValue("static-arp",
                 "fill every ARP cache before the run: no connection waits for ARP (by default "
                 "each station's first one waits for two ARP exchanges in the cell, each after a "
                 "0..9 ms RequestJitter)",
                 staticArp);
    cmd.Parse(argc, argv);

    NodeContainer sta;
    sta.Create(stations);
    NodeContainer ap;
    ap.Create(1);
    NodeContainer server;
    server.Create(1);
    InternetStackHelper internet;
    internet.Install(sta);
    internet.Install(ap);
    internet.Install(server);

    // The Wi-Fi cell: YANS channel, stations on a circle around the access point.
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211n);
    wifi.SetRemoteStationManager(manager);
    WifiMacHelper mac;
    Ssid ssid("ns3tls");
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
    NetDeviceContainer wlan = wifi.Install(phy, mac, sta);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
    wlan.Add(wifi.Install(phy, mac, ap));
    wifi.AssignStreams(wlan, 100);
    MobilityHelper mobility;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    for (uint32_t i = 0; i < stations; ++i)
    {
        double angle = 2 * M_PI * i / stations;
        positions->Add(Vector(distance * std::cos(angle), distance * std::sin(angle), 0));
    }
    positions->Add(Vector(0, 0, 0));
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(NodeContainer(sta, ap));

    // The WAN link from the access point to the server.
    PointToPointHelper wan;
    wan.SetDeviceAttribute("DataRate", StringValue(wanRate));
    wan.SetChannelAttribute("Delay", StringValue(wanDelay));
    NetDeviceContainer wanDevices = wan.Install(ap.Get(0), server.Get(0));

    Ipv4AddressHelper addresses("192.168.1.0", "255.255.255.0");
    addresses.Assign(wlan);
    addresses.SetBase("10.0.0.0", "255.255.255.252");
    Ipv4InterfaceContainer wanIfaces = addresses.Assign(wanDevices);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    if (staticArp)
    {
        StaticArpHelper::Install(); // permanent entries, no ARP on the wire
    }

    TlsServerHelper serverHelper(443);
    serverHelper.SetAttribute("Credentials", StringValue("p256"));
    serverHelper.SetAttribute("Resumption", StringValue("ticket"));
    ApplicationContainer serverApps = serverHelper.Install(server.Get(0));
    TlsClientHelper clientHelper(InetSocketAddress(wanIfaces.GetAddress(1), 443));
    clientHelper.SetAttribute("Resumption", StringValue("ticket"));
    clientHelper.SetAttribute("Handshakes", UintegerValue(handshakes));
    clientHelper.SetAttribute("Interval", TimeValue(MilliSeconds(200)));
    ApplicationContainer clientApps;
    for (uint32_t i = 0; i < stations; ++i)
    {
        clientHelper.SetAttribute("ClientIndex", UintegerValue(i));
        clientApps.Add(clientHelper.Install(sta.Get(i)));
    }
    clientApps.Start(Seconds(1));
    TlsTrackerHelper tracker;
    tracker.Install(serverApps);
    tracker.Install(clientApps);
    tracker.AddColumn("topology", "wifi+wan");

    Simulator::Stop(Seconds(60));
    Simulator::Run();
    Simulator::Destroy();
    uint32_t ok = 0;
    uint32_t resumed = 0;
    double total = 0;
    auto records = tracker.GetRecords();
    for (const auto& r : records)
    {
        ok += r->ok;
        resumed += r->resumed;
        total += r->ok ? r->GetTotalMs() : 0;
    }
    std::cout << records.size() << " handshakes, " << ok << " ok, " << resumed
              << " resumed, mean total " << (ok ? total / ok : 0) << " ms" << std::endl;
    std::string error = tracker.WriteFiles(csv, timeline);
    if (!error.empty())
    {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    return ok == records.size() ? 0 : 1;
}
