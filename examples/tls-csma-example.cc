/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tls-csma-example: the TLS applications on a topology of your own.
 *
 * Four clients and a server share one CSMA (Ethernet-like) LAN of 100 Mbps and 2 ms delay.
 * Each client opens three TLS 1.3 connections, resuming the session of the previous one. The
 * example wires the helpers, attributes and trace sources by hand (no TlsScenario) and prints
 * every handshake as it completes, the messages of the first one, and a summary. A
 * TlsTrackerHelper joins client and server sides and writes the same CSV as `./ns3tls run`
 * (plus a "topology" column) with --csv, and the timeline with --timeline.
 *
 * ARP: unlike the point-to-point links of `./ns3tls run`, a LAN resolves addresses first. A
 * client's first connection waits for two ARP exchanges (ns-3's ArpL3Protocol: the client asks
 * for the server's address before sending its SYN, the server asks for the client's before its
 * SYN-ACK, since ns-3 does not learn the asker's address from a request as Linux does), each
 * after a random RequestJitter of 0..9 ms (U(0, 10 ms) truncated to ms): one client alone
 * (--clients=1), 28.0 ms to establish TCP instead of 4.0 ms. Later connections find the entries
 * cached. The timeline shows it in the first SYN's and SYN-ACK's recv_ms - time_ms. --static-arp
 * fills every ARP cache before the run (StaticArpHelper) so that no connection waits, as on the
 * dumbbell.
 *
 *   ./build/examples/tls-csma-example [--clients=4] [--tls=1.3] [--key=p256] [--csv=FILE]
 *       [--timeline=FILE] [--pcap=PREFIX] [--keylog=FILE] [--static-arp]
 * The helpers default to the crypto cost model and TCP profile of `./ns3tls run`.
 */
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/tls-module.h"

#include <iostream>

using namespace ns3;

namespace
{

void
OnHandshakeComplete(std::string context, Ptr<const TlsHandshakeRecord> record)
{
    std::cout << context << " conn " << record->conn << ": " << record->version << " "
              << record->cipher << (record->resumed ? " resumed" : " full") << ", total "
              << record->GetTotalMs() << " ms" << std::endl;
}

void
OnMessage(const TlsMessageTiming& m)
{
    if (m.conn == 0)
    {
        // A trace per send and per read: the read has received >= 0.
        bool read = !m.received.IsNegative();
        const char* sender = m.fromClient ? "client" : "server";
        const char* reader = m.fromClient ? "server" : "client";
        std::cout << "    " << (read ? reader : sender) << (read ? " read " : " sent ") << m.name
                  << " (" << m.bytes << " B) at " << (read ? m.received : m.sent).As(Time::MS)
                  << std::endl;
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t clients = 4;
    std::string version = "1.3"; // --tls, as ./ns3tls run names it (ns-3 owns --version)
    std::string key = "p256";
    CommandLine cmd(__FILE__);
    cmd.AddValue("clients", "number of client nodes on the LAN", clients);
    cmd.AddValue("tls", "TLS version (1.2 or 1.3)", version);
    cmd.AddValue("key", "server key type", key);
    std::string csv;
    std::string timeline;
    cmd.AddValue("csv", "write a row per handshake to this CSV file", csv);
    cmd.AddValue("timeline", "write a row per TLS message to this CSV file", timeline);
    std::string pcap;
    std::string keylog;
    cmd.AddValue("pcap", "write PREFIX-server-0-0.pcap, PREFIX-client-N-0.pcap", pcap);
    cmd.AddValue("keylog", "write the TLS secrets (NSS key log) for Wireshark", keylog);
    bool staticArp = false;
    cmd.AddValue("static-arp",
                 "fill every ARP cache before the run: no connection waits for ARP (by default "
                 "each client's first one waits for two ARP exchanges: 8.02 ms + 2 x 0..9 ms "
                 "RequestJitter)",
                 staticArp);
    cmd.Parse(argc, argv);
    if (version != "1.2" && version != "1.3")
    {
        std::cerr << "error: invalid --tls='" << version << "' (expected 1.2 or 1.3)\n";
        return 2;
    }

    NodeContainer nodes;
    nodes.Create(clients + 1); // node 0 is the server
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", TimeValue(MilliSeconds(2)));
    NetDeviceContainer devices = csma.Install(nodes);
    InternetStackHelper internet;
    internet.Install(nodes);
    Ipv4AddressHelper addresses("192.168.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifaces = addresses.Assign(devices);
    if (staticArp)
    {
        StaticArpHelper::Install(); // permanent entries, no ARP on the wire
    }

    TlsServerHelper server(443);
    server.SetNodeNames("server"); // pcap files and config paths by name, not node id
    if (!keylog.empty())
    {
        server.SetKeyLogFile(keylog);
    }
    server.SetAttribute("Version", StringValue(version));
    server.SetAttribute("Credentials", StringValue(key + ",chain=1"));
    server.SetAttribute("Resumption", StringValue("ticket"));
    ApplicationContainer serverApps = server.Install(nodes.Get(0));

    TlsClientHelper client(InetSocketAddress(ifaces.GetAddress(0), 443));
    client.SetNodeNames("client");
    client.SetAttribute("Version", StringValue(version));
    client.SetAttribute("Resumption", StringValue("ticket"));
    client.SetAttribute("Handshakes", UintegerValue(3));
    client.SetAttribute("Interval", TimeValue(MilliSeconds(500)));
    ApplicationContainer clientApps;
    for (uint32_t i = 1; i <= clients; ++i)
    {
        client.SetAttribute("ClientIndex", UintegerValue(i - 1));
        clientApps.Add(client.Install(nodes.Get(i)));
    }
    clientApps.Start(Seconds(1));
    TlsTrackerHelper tracker; // joins the server's side into each client record
    tracker.Install(serverApps);
    tracker.Install(clientApps);
    tracker.AddColumn("topology", "csma-lan");
    Config::Connect("/NodeList/*/ApplicationList/*/$ns3::TlsClientApplication/HandshakeComplete",
                    MakeCallback(&OnHandshakeComplete));
    clientApps.Get(0)->TraceConnectWithoutContext("HandshakeMessage", MakeCallback(&OnMessage));

    if (!pcap.empty())
    {
        csma.EnablePcap(pcap, devices, false);
    }
    Simulator::Stop(Seconds(10)); // also ends TCP's TIME_WAIT timers
    Simulator::Run();
    Ptr<TlsServerApplication> s = DynamicCast<TlsServerApplication>(serverApps.Get(0));
    std::cout << "server: " << s->GetAccepted() << " accepted, " << s->GetCompleted()
              << " completed" << std::endl;
    Simulator::Destroy();
    std::string error = tracker.WriteFiles(csv, timeline);
    if (!error.empty())
    {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    return 0;
}
