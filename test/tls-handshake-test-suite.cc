/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * TLS over simulated TCP, checked against first principles (no crypto cost):
 *  - a handshake of k one-way trips over a link of delay d and rate B completes at
 *    k*d + the serialisation (bytes*8/B) of every packet on its critical path, to the ns;
 *  - TLS 1.3 = 2 RTT, TLS 1.2 = 3 RTT, resumed = 2 RTT with fewer bytes, a server flight larger
 *    than initcwnd x MSS costs one more RTT;
 *  - failures end with ok=0 and the right reason; lossy runs always end; same seed, same CSV.
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/test.h"
#include "ns3/tls-client-application.h"
#include "ns3/tls-client-helper.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-scenario.h"
#include "ns3/tls-server-application.h"
#include "ns3/tls-server-helper.h"
#include "ns3/tls-tracker-helper.h"
#include "ns3/traffic-control-helper.h"
#include "tls-test-compat.h"

#include <algorithm>
#include <sstream>

using namespace ns3;

namespace
{

/// A packet as it started serialisation on a device.
struct Transmission
{
    Time start;       //!< PhyTxBegin time
    uint32_t bytes;   //!< on-the-wire size (PPP header included)
    bool fromClient;  //!< device
    bool critical;    //!< carries SYN or payload
    uint32_t payload; //!< TCP payload bytes
};

/// What one hand-built run produced.
struct LinkRun
{
    std::vector<Ptr<TlsHandshakeRecord>> records; //!< client records
    std::vector<Transmission> packets;            //!< every packet, in order
    uint32_t accepted{0};                         //!< server accepts
};

/// Parameters of a hand-built run.
struct LinkParams
{
    std::string version{"1.3"};
    std::string kx{"ecdhe"};
    std::string credentials{"rsa2048"};
    std::string groups;       //!< client groups ("" = default)
    std::string serverGroups; //!< server groups ("" = groups)
    bool clientAuth{false};   //!< mutual authentication with the same credentials
    uint32_t clientCwnd{0};   //!< client InitialCwnd (0 = profile's)
    uint32_t serverCwnd{0};   //!< server InitialCwnd (0 = profile's)
    std::string resume{"none"};
    uint32_t handshakes{1};
    uint32_t earlyData{0};
    uint32_t request{0};
    uint32_t response{0};
    Time rtt{MilliSeconds(50)};
    uint64_t bps{10000000};
    bool helperDefaults{false}; //!< keep the helpers' CostModel (else none: network time only)
};

void
OnPhyTxBegin(std::vector<Transmission>* log, bool fromClient, Ptr<const Packet> packet)
{
    Ptr<Packet> copy = packet->Copy();
    PppHeader ppp;
    Ipv4Header ip;
    TcpHeader tcp;
    copy->RemoveHeader(ppp);
    copy->RemoveHeader(ip);
    copy->RemoveHeader(tcp);
    bool critical = copy->GetSize() > 0 || (tcp.GetFlags() & TcpHeader::SYN);
    log->push_back({Simulator::Now(), packet->GetSize(), fromClient, critical, copy->GetSize()});
}

/// Client -- p2p -- server built with the public helpers, as a user would.
LinkRun
RunLink(const LinkParams& p)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    NodeContainer nodes;
    nodes.Create(2);
    InternetStackHelper internet;
    internet.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(p.bps)));
    p2p.SetChannelAttribute("Delay", TimeValue(p.rtt / 2));
    NetDeviceContainer devices = p2p.Install(nodes);
    Ipv4AddressHelper addresses("10.1.0.0", "255.255.255.252");
    Ipv4InterfaceContainer ifaces = addresses.Assign(devices);
    TrafficControlHelper().Uninstall(devices);

    LinkRun run;
    devices.Get(0)->TraceConnectWithoutContext(
        "PhyTxBegin", MakeBoundCallback(&OnPhyTxBegin, &run.packets, true));
    devices.Get(1)->TraceConnectWithoutContext(
        "PhyTxBegin", MakeBoundCallback(&OnPhyTxBegin, &run.packets, false));

    TlsServerHelper server(443);
    if (!p.helperDefaults)
    {
        server.SetAttribute("CostModel", PointerValue()); // network time only: no crypto cost
    }
    server.SetAttribute("Version", StringValue(p.version));
    server.SetAttribute("KeyExchange", StringValue(p.kx));
    server.SetAttribute("Credentials", StringValue(p.credentials));
    server.SetAttribute("Resumption", StringValue(p.resume));
    server.SetAttribute("Groups", StringValue(p.serverGroups.empty() ? p.groups : p.serverGroups));
    server.SetAttribute("ClientAuth", BooleanValue(p.clientAuth));
    server.SetAttribute("InitialCwnd", UintegerValue(p.serverCwnd));
    ApplicationContainer serverApps = server.Install(nodes.Get(1));
    TlsClientHelper client(InetSocketAddress(ifaces.GetAddress(1), 443));
    if (!p.helperDefaults)
    {
        client.SetAttribute("CostModel", PointerValue());
    }
    client.SetAttribute("Version", StringValue(p.version));
    client.SetAttribute("KeyExchange", StringValue(p.kx));
    client.SetAttribute("Resumption", StringValue(p.resume));
    client.SetAttribute("Groups", StringValue(p.groups));
    client.SetAttribute("ClientAuth", BooleanValue(p.clientAuth));
    client.SetAttribute("Credentials", StringValue(p.credentials));
    client.SetAttribute("InitialCwnd", UintegerValue(p.clientCwnd));
    client.SetAttribute("Handshakes", UintegerValue(p.handshakes));
    client.SetAttribute("EarlyData", UintegerValue(p.earlyData));
    client.SetAttribute("RequestSize", UintegerValue(p.request));
    client.SetAttribute("ResponseSize", UintegerValue(p.response));
    client.SetAttribute("Interval", TimeValue(Seconds(1)));
    ApplicationContainer clientApps = client.Install(nodes.Get(0));
    clientApps.Start(Seconds(1));
    TlsTrackerHelper tracker; // joins the server's side into the client's records
    tracker.Install(serverApps);
    tracker.Install(clientApps);
    Simulator::Run();
    run.records = tracker.GetRecords();
    run.accepted = DynamicCast<TlsServerApplication>(serverApps.Get(0))->GetAccepted();
    Simulator::Destroy();
    return run;
}

/**
 * Serialisation time of the packets on a connection's critical path up to `until`: those that
 * carry SYN or payload, plus any packet serialised back to back right before one of them on
 * the same device (it delayed it).
 */
Time
CriticalSerialisation(const LinkRun& run, const TlsHandshakeRecord& r, Time until, uint64_t bps)
{
    auto ser = [bps](uint32_t bytes) { return NanoSeconds(int64_t(bytes) * 8 * 1000000000 / bps); };
    Time total(0);
    const auto& v = run.packets;
    for (size_t i = 0; i < v.size(); ++i)
    {
        if (v[i].start < r.connectTime || v[i].start >= until)
        {
            continue;
        }
        bool delaysNext = false;
        for (size_t j = i + 1; j < v.size(); ++j)
        {
            if (v[j].fromClient == v[i].fromClient)
            {
                delaysNext = v[j].critical && v[j].start == v[i].start + ser(v[i].bytes)
                             && v[j].start < until;
                break;
            }
        }
        if (v[i].critical || delaysNext)
        {
            total += ser(v[i].bytes);
        }
    }
    return total;
}

/// One line, once per process, when this OpenSSL has no post-quantum algorithms.
bool
SkipWithoutPostQuantum()
{
    if (TlsOpenSsl::HasPostQuantum())
    {
        return false;
    }
    static bool said = false;
    if (!said)
    {
        std::cout << "SKIP tls-pq: " << TlsOpenSsl::GetVersion()
                  << " has no ML-KEM/ML-DSA/SLH-DSA (needs OpenSSL >= 3.5)" << std::endl;
        said = true;
    }
    return true;
}

/// Loss-free handshake time = trips x one-way delay + serialisation, exactly.
class TlsAnalyticTimeTestCase : public TestCase
{
  public:
    TlsAnalyticTimeTestCase(std::string name, LinkParams params, uint32_t trips, uint32_t conn)
        : TestCase(name)
        , m_params(params)
        , m_trips(trips)
        , m_conn(conn)
    {
    }

  private:
    void
    DoRun() override
    {
        if (!TlsOpenSsl::PostQuantumError("", m_params.groups + ":" + m_params.credentials).empty()
            && SkipWithoutPostQuantum())
        {
            return;
        }
        LinkRun run = RunLink(m_params);
        NS_TEST_ASSERT_MSG_EQ(run.records.size(), m_params.handshakes, "one record a connection");
        const TlsHandshakeRecord& r = *run.records[m_conn];
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, r.error);
        NS_TEST_ASSERT_MSG_EQ(r.error, "", "no error");
        Time d = m_params.rtt / 2;
        Time ser = CriticalSerialisation(run, r, r.clientDone, m_params.bps);
        Time expected = d * m_trips + ser;
        Time measured = r.clientDone - r.connectTime;
        TLS_TEST_ASSERT_MSG_EQ_TOL(measured.GetNanoSeconds(),
                                  expected.GetNanoSeconds(),
                                  1000, // 1 us
                                  "total = " << m_trips << " x " << d.As(Time::MS) << " + "
                                             << ser.As(Time::US) << " serialisation");
        // And serialisation is small at this rate: the RTT count is what decides.
        NS_TEST_ASSERT_MSG_LT(ser, MilliSeconds(6), "serialisation bounded");
        // TCP alone is one RTT plus SYN and SYN-ACK serialisation (two ~70-byte packets).
        TLS_TEST_ASSERT_MSG_EQ_TOL(r.GetTcpMs(), m_params.rtt.GetNanoSeconds() / 1e6, 0.2, "tcp_ms");
        m_total = measured;
        m_serverBytes = r.serverBytes;
    }

  public:
    Time m_total;              //!< measured total (for cross-checks)
    uint64_t m_serverBytes{0}; //!< server bytes

  private:
    LinkParams m_params;
    uint32_t m_trips;
    uint32_t m_conn;
};

/// The applications work over IPv6 too (client bind, server listener, record registry).
class TlsIpv6TestCase : public TestCase
{
  public:
    TlsIpv6TestCase()
        : TestCase("TLS 1.3 over IPv6: 2 RTT, server-side fields filled")
    {
    }

  private:
    void
    DoRun() override
    {
        NodeContainer nodes;
        nodes.Create(2);
        InternetStackHelper internet;
        internet.Install(nodes);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
        p2p.SetChannelAttribute("Delay", TimeValue(MilliSeconds(25)));
        NetDeviceContainer devices = p2p.Install(nodes);
        Ipv6AddressHelper addresses;
        addresses.SetBase(Ipv6Address("2001:db8::"), Ipv6Prefix(64));
        Ipv6InterfaceContainer ifaces = addresses.Assign(devices);
        TlsServerHelper server(443);
        server.SetAttribute("CostModel", PointerValue()); // 2 RTT exactly: no crypto cost
        TlsTrackerHelper tracker;
        tracker.Install(server.Install(nodes.Get(1)));
        TlsClientHelper client(Inet6SocketAddress(ifaces.GetAddress(1, 1), 443));
        client.SetAttribute("Handshakes", UintegerValue(2));
        client.SetAttribute("CostModel", PointerValue());
        ApplicationContainer apps = client.Install(nodes.Get(0));
        apps.Start(Seconds(3)); // after duplicate address detection
        tracker.Install(apps);
        Simulator::Stop(Seconds(20));
        Simulator::Run();
        auto records = tracker.GetRecords();
        NS_TEST_ASSERT_MSG_EQ(records.size(),
                              DynamicCast<TlsClientApplication>(apps.Get(0))->GetRecords().size(),
                              "the tracker has every record of the client");
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(records.size(), 2, "two connections");
        for (const auto& r : records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            NS_TEST_ASSERT_MSG_EQ(
                Inet6SocketAddress::IsMatchingType(r->clientAddress), true, "IPv6 client address");
            NS_TEST_ASSERT_MSG_EQ(std::isnan(r->GetServerDoneMs()), false, "server side found");
        }
        TLS_TEST_ASSERT_MSG_EQ_TOL(records[1]->GetTotalMs(), 100.0, 0.1, "2 RTT");
        // The tracker's CSV: the record's columns, then the user's, a row per connection.
        tracker.AddColumn("topology", "ipv6 p2p");
        std::string csv = tracker.GetCsv();
        std::string header = TlsTrackerHelper::CsvHeader({}) + ",topology\n";
        NS_TEST_ASSERT_MSG_EQ(csv.substr(0, header.size()), header, "header");
        NS_TEST_ASSERT_MSG_EQ(csv.substr(header.size()),
                              TlsTrackerHelper::CsvRows(records, {{"topology", "ipv6 p2p"}}),
                              "rows");
        NS_TEST_ASSERT_MSG_EQ(std::count(csv.begin(), csv.end(), '\n'), 3, "two rows");
    }
};

/// Resumption costs fewer round trips than TLS 1.2 full and fewer bytes than a full handshake.
class TlsResumptionTestCase : public TestCase
{
  public:
    TlsResumptionTestCase(std::string version, std::string mode)
        : TestCase("resumed TLS " + version + " (" + mode + ") = 2 RTT with fewer bytes")
        , m_version(version)
        , m_mode(mode)
    {
    }

  private:
    void
    DoRun() override
    {
        LinkParams p;
        p.version = m_version;
        p.resume = m_mode;
        p.handshakes = 3;
        LinkRun run = RunLink(p);
        NS_TEST_ASSERT_MSG_EQ(run.records.size(), 3, "three connections");
        for (const auto& r : run.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->error, "", "every connection ends cleanly");
        }
        NS_TEST_ASSERT_MSG_EQ(run.records[2]->resumed, true, "the third resumes too");
        const auto& full = *run.records[0];
        const auto& resumed = *run.records[1];
        NS_TEST_ASSERT_MSG_EQ(full.resumed, false, "first is full");
        NS_TEST_ASSERT_MSG_EQ(resumed.resumed, true, "second resumes: " << resumed.error);
        NS_TEST_ASSERT_MSG_LT(resumed.serverHandshakeBytes,
                              full.serverHandshakeBytes / 2,
                              "no certificate chain on resumption");
        Time d = p.rtt / 2;
        Time ser = CriticalSerialisation(run, resumed, resumed.clientDone, p.bps);
        TLS_TEST_ASSERT_MSG_EQ_TOL((resumed.clientDone - resumed.connectTime).GetNanoSeconds(),
                                  (d * 4 + ser).GetNanoSeconds(),
                                  1000,
                                  "resumed = 2 RTT + serialisation");
    }

    std::string m_version;
    std::string m_mode;
};

/// 0-RTT: the response to early data arrives one RTT earlier than after a 1-RTT handshake.
class TlsEarlyDataTestCase : public TestCase
{
  public:
    TlsEarlyDataTestCase()
        : TestCase("TLS 1.3 0-RTT request: first response byte after 2 RTT instead of 3")
    {
    }

  private:
    void
    DoRun() override
    {
        LinkParams p;
        p.resume = "ticket";
        p.handshakes = 2;
        p.earlyData = 200;
        p.response = 1000;
        LinkRun run = RunLink(p);
        const auto& full = *run.records[0];
        const auto& early = *run.records[1];
        NS_TEST_ASSERT_MSG_EQ(early.resumed, true, "resumed");
        NS_TEST_ASSERT_MSG_EQ(early.earlyDataSent, true, "0-RTT sent");
        NS_TEST_ASSERT_MSG_EQ(early.earlyDataAccepted, true, "0-RTT accepted");
        double rttMs = p.rtt.GetNanoSeconds() / 1e6;
        TLS_TEST_ASSERT_MSG_EQ_TOL(full.GetTtfbMs(), 3 * rttMs, 5, "1-RTT handshake: TTFB 3 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(early.GetTtfbMs(), 2 * rttMs, 5, "0-RTT: TTFB 2 RTT");
    }
};

/// A server flight larger than initcwnd x MSS needs one more round trip.
class TlsLargeFlightTestCase : public TestCase
{
  public:
    TlsLargeFlightTestCase()
        : TestCase("flight > initcwnd x MSS (11 rsa4096 intermediates) costs one more RTT")
    {
    }

  private:
    void
    DoRun() override
    {
        LinkParams small;
        small.credentials = "rsa4096";
        small.bps = 1000000000; // 1 Gbps: serialisation negligible, the RTTs are what remains
        LinkParams large = small;
        large.credentials = "rsa4096,chain=11";
        auto a = RunLink(small).records.at(0);
        auto b = RunLink(large).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(b->ok, true, b->error);
        NS_TEST_ASSERT_MSG_GT(b->serverHandshakeBytes, 10 * 1448, "flight exceeds initcwnd");
        NS_TEST_ASSERT_MSG_LT(a->serverHandshakeBytes, 10 * 1448, "small flight fits");
        double rttMs = small.rtt.GetNanoSeconds() / 1e6;
        TLS_TEST_ASSERT_MSG_EQ_TOL(a->GetTotalMs(), 2 * rttMs, 0.5, "small chain: 2 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(b->GetTotalMs(), 3 * rttMs, 0.5, "long chain: 3 RTT");
    }
};

/// The timeline of a TLS 1.2 RSA key exchange over the network is RFC 5246's.
class TlsTimelineTestCase : public TestCase
{
  public:
    TlsTimelineTestCase()
        : TestCase("TLS 1.2 RSA timeline: RFC 5246 order, sends before reads, one-way delays")
    {
    }

  private:
    void
    DoRun() override
    {
        LinkParams p;
        p.version = "1.2";
        p.kx = "rsa";
        LinkRun run = RunLink(p);
        const auto& r = *run.records.at(0);
        std::ostringstream names;
        for (const auto& m : r.messages)
        {
            if (m.name.rfind("Alert", 0) != 0)
            {
                names << (m.fromClient ? "C:" : "S:") << m.name << " ";
            }
            if (!m.received.IsNegative())
            {
                NS_TEST_ASSERT_MSG_GT_OR_EQ(m.received - m.sent,
                                            p.rtt / 2,
                                            m.name << " read at least one delay after sent");
            }
        }
        NS_TEST_ASSERT_MSG_EQ(names.str(),
                              "C:ClientHello S:ServerHello S:Certificate S:ServerHelloDone "
                              "C:ClientKeyExchange C:ChangeCipherSpec C:Finished "
                              "S:NewSessionTicket S:ChangeCipherSpec S:Finished ",
                              "RFC 5246 7.3 message flow");
        NS_TEST_ASSERT_MSG_EQ(r.cipher, "AES128-GCM-SHA256", "RSA key exchange suite");
        NS_TEST_ASSERT_MSG_EQ(r.group, "", "no ephemeral group with RSA key exchange");

        // The TCP rows: the three-way handshake, each segment received one delay plus its
        // serialisation after it left (the first packet of its side at that instant).
        std::ostringstream tcp;
        for (const auto& seg : r.segments)
        {
            tcp << (seg.fromClient ? "C:" : "S:") << seg.name << " ";
            NS_TEST_ASSERT_MSG_EQ(seg.retransmission, false, "loss-free: no retransmission");
            const Transmission* sent = nullptr;
            for (const auto& t : run.packets)
            {
                if (t.start == seg.sent && t.fromClient == seg.fromClient)
                {
                    sent = &t;
                    break;
                }
            }
            NS_TEST_ASSERT_MSG_NE(sent, nullptr, seg.name << " left its device when recorded");
            Time expected
                = seg.sent + p.rtt / 2 + DataRate(p.bps).CalculateBytesTxTime(sent->bytes);
            TLS_TEST_ASSERT_MSG_EQ_TOL(seg.received.GetNanoSeconds(),
                                      expected.GetNanoSeconds(),
                                      1,
                                      seg.name << " received one delay + serialisation later");
        }
        NS_TEST_ASSERT_MSG_EQ(
            tcp.str(), "C:SYN S:SYN-ACK C:ACK ", "RFC 9293 3.5 three-way handshake");
        NS_TEST_ASSERT_MSG_EQ(r.segments.at(1).sent, r.segments.at(0).received, "SYN-ACK at once");
        NS_TEST_ASSERT_MSG_EQ(r.segments.at(2).sent, r.tcpDone, "ACK when TCP is established");
    }
};

/// --fault cases end with ok=0 and a readable reason, at both ends.
class TlsFaultTestCase : public TestCase
{
  public:
    TlsFaultTestCase(std::string fault, std::string tls, std::string error)
        : TestCase("fault " + fault + " (TLS " + tls + ") -> " + error)
        , m_fault(fault)
        , m_tls(tls)
        , m_error(error)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        c.Set("fault", m_fault);
        c.Set("tls", m_tls);
        c.Set("handshakes", "2");
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "scenario runs");
        NS_TEST_ASSERT_MSG_EQ(result.records.size(), 2, "both connections recorded");
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, false, "handshake fails");
            NS_TEST_ASSERT_MSG_EQ(r->error, m_error, "reason");
            NS_TEST_ASSERT_MSG_EQ(std::isnan(r->GetTotalMs()), true, "no total");
        }
        NS_TEST_ASSERT_MSG_EQ(result.serverCompleted, 0, "server never completes");
    }

    std::string m_fault;
    std::string m_tls;
    std::string m_error;
};

/// With heavy loss every connection still ends (ok or timeout); nothing hangs.
class TlsLossTerminationTestCase : public TestCase
{
  public:
    TlsLossTerminationTestCase()
        : TestCase("30% loss: every handshake ends, ok or with an error")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        c.Set("loss", "0.3");
        c.Set("handshakes", "20");
        c.Set("timeout", "8s");
        c.Set("interval", "0ms");
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "scenario runs");
        NS_TEST_ASSERT_MSG_EQ(result.records.size(), 20, "all connections recorded");
        uint32_t ok = 0;
        uint32_t retransmissions = 0;
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->endTime.IsNegative(), false, "connection ended");
            NS_TEST_ASSERT_MSG_EQ((r->ok || !r->error.empty()), true, "ok or a reason");
            NS_TEST_ASSERT_MSG_LT_OR_EQ(r->endTime - r->connectTime, Seconds(8), "within timeout");
            ok += r->ok;
            retransmissions += r->clientRetransmissions + r->serverRetransmissions;
            if (r->ok)
            {
                NS_TEST_ASSERT_MSG_GT_OR_EQ(r->GetTotalMs(), 100.0, "never faster than 2 RTT");
            }
        }
        NS_TEST_ASSERT_MSG_GT(ok, 0, "some succeed");
        NS_TEST_ASSERT_MSG_GT(retransmissions, 0, "loss causes retransmissions");
    }
};

/// Same seed and run: identical CSV; another run: different losses.
class TlsDeterminismTestCase : public TestCase
{
  public:
    TlsDeterminismTestCase()
        : TestCase("same seed+run -> identical CSV; other run -> other results")
    {
    }

  private:
    static std::string
    Csv(const std::string& run)
    {
        TlsScenarioConfig c;
        c.Set("loss", "0.05");
        c.Set("handshakes", "30");
        c.Set("run", run);
        c.Set("resume", "ticket");
        TlsScenario::Result result;
        TlsScenario::Run(c, result);
        return TlsScenario::CsvRows(c, result) + TlsScenario::TimelineCsv(c, result);
    }

    void
    DoRun() override
    {
        std::string a = Csv("1");
        std::string b = Csv("1");
        std::string c = Csv("2");
        NS_TEST_ASSERT_MSG_GT(a.size(), 1000, "output produced");
        NS_TEST_ASSERT_MSG_EQ((a == b), true, "same run, same CSV");
        NS_TEST_ASSERT_MSG_EQ((a == c), false, "other run, other CSV");
    }
};

/// The helpers' defaults are the canned scenario's: the same crypto costs and the same times.
class TlsHelperDefaultsTestCase : public TestCase
{
  public:
    TlsHelperDefaultsTestCase()
        : TestCase("helpers default to the canned scenario's cost model and TCP profile")
    {
    }

  private:
    void
    DoRun() override
    {
        LinkParams p;
        p.helperDefaults = true;
        LinkRun own = RunLink(p);
        TlsScenarioConfig c; // defaults: TLS 1.3, rsa2048, 50 ms, 10 Mbps, --cpu=model, linux
        c.Set("handshakes", "1");
        TlsScenario::Result canned;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, canned), "", "scenario runs");
        NS_TEST_ASSERT_MSG_EQ(own.records.size(), 1, "one connection");
        NS_TEST_ASSERT_MSG_EQ(canned.records.size(), 1, "one connection");
        const TlsHandshakeRecord& a = *own.records[0];
        const TlsHandshakeRecord& b = *canned.records[0];
        NS_TEST_ASSERT_MSG_GT(a.clientCpu, Time(0), "a crypto cost is charged by default");
        NS_TEST_ASSERT_MSG_EQ(a.clientCpu, b.clientCpu, "client CPU as in the scenario");
        NS_TEST_ASSERT_MSG_EQ(a.serverCpu, b.serverCpu, "server CPU as in the scenario");
        // Certificates made with other random bytes may differ by a byte or two (0.8 us each).
        TLS_TEST_ASSERT_MSG_EQ_TOL(a.GetTotalMs(), b.GetTotalMs(), 0.005, "same total_ms");
        TLS_TEST_ASSERT_MSG_EQ_TOL(a.GetServerDoneMs(), b.GetServerDoneMs(), 0.005, "server_done");
    }
};

/// Bad parameters are rejected with a message naming the value.
class TlsConfigErrorTestCase : public TestCase
{
  public:
    TlsConfigErrorTestCase()
        : TestCase("bad scenario parameters name the value")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        auto check = [&](const std::string& name, const std::string& value)
        {
            std::string e = c.Set(name, value);
            NS_TEST_EXPECT_MSG_NE(e.find("'" + value + "'"), std::string::npos, e);
        };
        check("tls", "1.4");
        check("key", "rsa1");
        check("loss", "2");
        check("rtt", "50");
        check("bandwidth", "fast");
        check("queue", "0p");
        check("fault", "meteor");
        NS_TEST_ASSERT_MSG_EQ(c.Set("rtt", "0.2s"), "", "seconds");
        NS_TEST_ASSERT_MSG_EQ(c.Get("rtt"), "200ms", "canonical form");
        c.Set("tls", "1.2");
        c.Set("kx", "rsa");
        c.Set("key", "p256");
        NS_TEST_ASSERT_MSG_NE(c.Validate(), "", "RSA key exchange needs an RSA key");
        TlsScenarioConfig pem;
        pem.Set("cert", "/nonexistent/cert.pem");
        pem.Set("private-key", "/nonexistent/key.pem");
        TlsScenario::Result result;
        std::string e = TlsScenario::Run(pem, result);
        NS_TEST_ASSERT_MSG_NE(e.find("/nonexistent/cert.pem"), std::string::npos, e);
    }
};

} // namespace

/// The suite.
class TlsHandshakeTestSuite : public TestSuite
{
  public:
    TlsHandshakeTestSuite()
        : TestSuite("tls-handshake", SYSTEM)
    {
        for (int rttMs : {10, 50, 200})
        {
            LinkParams p;
            p.rtt = MilliSeconds(rttMs);
            AddTestCase(new TlsAnalyticTimeTestCase("TLS 1.3 full, RTT " + std::to_string(rttMs)
                                                        + " ms = 2 RTT + serialisation",
                                                    p,
                                                    4,
                                                    0),
                        QUICK);
            p.version = "1.2";
            AddTestCase(new TlsAnalyticTimeTestCase("TLS 1.2 ECDHE full, RTT "
                                                        + std::to_string(rttMs)
                                                        + " ms = 3 RTT + serialisation",
                                                    p,
                                                    6,
                                                    0),
                        QUICK);
        }
        LinkParams rsa;
        rsa.version = "1.2";
        rsa.kx = "rsa";
        AddTestCase(
            new TlsAnalyticTimeTestCase("TLS 1.2 RSA kx = 3 RTT + serialisation", rsa, 6, 0),
            QUICK);
        LinkParams p256;
        p256.credentials = "p256";
        AddTestCase(new TlsAnalyticTimeTestCase("TLS 1.3 p256 = 2 RTT + serialisation", p256, 4, 0),
                    QUICK);
        AddTestCase(new TlsResumptionTestCase("1.2", "session-id"), QUICK);
        AddTestCase(new TlsResumptionTestCase("1.2", "ticket"), QUICK);
        AddTestCase(new TlsResumptionTestCase("1.3", "ticket"), QUICK);
        AddTestCase(new TlsEarlyDataTestCase(), QUICK);
        AddTestCase(new TlsIpv6TestCase(), QUICK);
        AddTestCase(new TlsHelperDefaultsTestCase(), QUICK);
        AddTestCase(new TlsLargeFlightTestCase(), QUICK);
        AddTestCase(new TlsTimelineTestCase(), QUICK);
        AddTestCase(new TlsFaultTestCase(
                        "untrusted-ca", "1.3", "verify: unable to get local issuer certificate"),
                    QUICK);
        AddTestCase(new TlsFaultTestCase("expired", "1.2", "verify: certificate has expired"),
                    QUICK);
        AddTestCase(new TlsFaultTestCase("version-mismatch", "1.3", "alert: protocol version"),
                    QUICK);
        AddTestCase(new TlsFaultTestCase("no-common-cipher", "1.3", "alert: handshake failure"),
                    QUICK);
        AddTestCase(new TlsLossTerminationTestCase(), QUICK);
        AddTestCase(new TlsDeterminismTestCase(), QUICK);
        AddTestCase(new TlsConfigErrorTestCase(), QUICK);
    }
};

/// Static instance.
static TlsHandshakeTestSuite g_tlsHandshakeTestSuite;

namespace
{

/// "C:ClientHello S:ServerHello ..." of a record (alerts left out).
std::string
Sequence(const TlsHandshakeRecord& r)
{
    std::ostringstream names;
    for (const auto& m : r.messages)
    {
        if (m.name.rfind("Alert", 0) != 0)
        {
            names << (m.fromClient ? "C:" : "S:") << m.name << " ";
        }
    }
    return names.str();
}

/// Bytes of a TLS message of one side, by name (0 if absent).
uint32_t
MessageBytes(const TlsHandshakeRecord& r, bool fromClient, const std::string& name)
{
    for (const auto& m : r.messages)
    {
        if (m.fromClient == fromClient && m.name == name)
        {
            return m.bytes;
        }
    }
    return 0;
}

/// Client data segments sent before the first server data segment: the client's first flight.
std::vector<Transmission>
ClientFirstFlight(const LinkRun& run)
{
    std::vector<Transmission> out;
    for (const auto& t : run.packets)
    {
        if (!t.fromClient && t.payload > 0)
        {
            break;
        }
        if (t.fromClient && t.payload > 0)
        {
            out.push_back(t);
        }
    }
    return out;
}

} // namespace

/**
 * FIPS 203 sizes on the wire: an X25519MLKEM768 key share is an ML-KEM-768 encapsulation key
 * (1184 B) + an X25519 public key (32 B) = 1216 B (draft-ietf-tls-ecdhe-mlkem); the server's is
 * a ciphertext (1088 B) + 32 B. A ClientHello with it and an X25519 share no longer fits one
 * 1448-byte segment.
 */
class TlsPqClientHelloTestCase : public TestCase
{
  public:
    TlsPqClientHelloTestCase()
        : TestCase("X25519MLKEM768 + X25519 ClientHello: 1216 + 32 B shares, two segments")
    {
    }

  private:
    void
    DoRun() override
    {
        if (SkipWithoutPostQuantum())
        {
            return;
        }
        LinkParams one;
        one.credentials = "p256";
        one.groups = "X25519MLKEM768:*X25519"; // both supported, one share (X25519)
        LinkParams two = one;
        two.groups = "*X25519MLKEM768:*X25519"; // a share for each
        LinkRun a = RunLink(one);
        LinkRun b = RunLink(two);
        const auto& ra = *a.records.at(0);
        const auto& rb = *b.records.at(0);
        NS_TEST_ASSERT_MSG_EQ(ra.ok, true, ra.error);
        NS_TEST_ASSERT_MSG_EQ(rb.ok, true, rb.error);
        NS_TEST_ASSERT_MSG_EQ(ra.group, "x25519", "X25519 share used");
        NS_TEST_ASSERT_MSG_EQ(rb.group, "X25519MLKEM768", "the server takes the hybrid share");
        uint32_t cha = MessageBytes(ra, true, "ClientHello");
        uint32_t chb = MessageBytes(rb, true, "ClientHello");
        // RFC 8446 4.2.8 KeyShareEntry: group (2) + length (2) + key_exchange.
        NS_TEST_ASSERT_MSG_EQ(chb - cha, 2 + 2 + 1184 + 32, "one more KeyShareEntry");
        // The X25519-only ClientHello carries a 32-byte share: with the hybrid one removed as
        // well the difference would be 36 more; its share is the X25519 public key.
        NS_TEST_ASSERT_MSG_EQ(MessageBytes(rb, false, "ServerHello")
                                  - MessageBytes(ra, false, "ServerHello"),
                              1088 + 32 - 32,
                              "server share: ML-KEM-768 ciphertext + X25519 key vs X25519 key");
        auto flightA = ClientFirstFlight(a);
        auto flightB = ClientFirstFlight(b);
        NS_TEST_ASSERT_MSG_EQ(flightA.size(), 1, "X25519 ClientHello: one segment");
        NS_TEST_ASSERT_MSG_EQ(flightB.size(), 2, "hybrid ClientHello: two segments");
        uint32_t wire = 0;
        for (const auto& t : flightB)
        {
            wire += t.payload;
        }
        NS_TEST_ASSERT_MSG_EQ(wire, chb + 5, "the segments carry the ClientHello record");
        NS_TEST_ASSERT_MSG_EQ(flightB[0].payload, 1448, "first segment full (MSS 1448)");
        NS_TEST_ASSERT_MSG_EQ(Sequence(rb),
                              "C:ClientHello S:ServerHello S:ChangeCipherSpec "
                              "S:EncryptedExtensions S:Certificate S:CertificateVerify S:Finished "
                              "C:ChangeCipherSpec C:Finished S:NewSessionTicket "
                              "S:NewSessionTicket ",
                              "RFC 8446 2 message flow");
    }
};

/// A HelloRetryRequest costs one round trip, and the PQ share the client sent first is wasted.
class TlsPqHelloRetryTestCase : public TestCase
{
  public:
    TlsPqHelloRetryTestCase(std::string clientGroups, std::string serverGroups)
        : TestCase("HelloRetryRequest (client " + clientGroups + ", server " + serverGroups
                   + ") = 3 RTT + serialisation")
        , m_clientGroups(clientGroups)
        , m_serverGroups(serverGroups)
    {
    }

  private:
    void
    DoRun() override
    {
        if (SkipWithoutPostQuantum())
        {
            return;
        }
        LinkParams p;
        p.credentials = "p256";
        p.groups = m_clientGroups;
        p.serverGroups = m_serverGroups;
        LinkRun run = RunLink(p);
        const auto& r = *run.records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, r.error);
        NS_TEST_ASSERT_MSG_EQ(r.helloRetry, true, "HelloRetryRequest");
        Time d = p.rtt / 2;
        Time ser = CriticalSerialisation(run, r, r.clientDone, p.bps);
        TLS_TEST_ASSERT_MSG_EQ_TOL((r.clientDone - r.connectTime).GetNanoSeconds(),
                                  (d * 6 + ser).GetNanoSeconds(),
                                  1000,
                                  "TCP 1 RTT + HRR 1 RTT + TLS 1.3 1 RTT");
        NS_TEST_ASSERT_MSG_EQ(Sequence(r).rfind("C:ClientHello S:HelloRetryRequest "
                                                "S:ChangeCipherSpec C:ChangeCipherSpec "
                                                "C:ClientHello S:ServerHello ",
                                                0),
                              0,
                              "RFC 8446 4.1.4 flow: " << Sequence(r));
    }

    std::string m_clientGroups;
    std::string m_serverGroups;
};

/**
 * A server flight larger than initcwnd x MSS waits one round trip for ACKs: with 10 x 1448 B it
 * does for ML-DSA-87 under three ML-DSA-87 intermediates (~34 KB; FIPS 204: 2592-byte keys,
 * 4627-byte signatures) and for a P-256 leaf signed by an SLH-DSA-128f CA (17088-byte
 * signature, FIPS 205); an initial window that holds the flight removes the round trip.
 */
class TlsPqLargeFlightTestCase : public TestCase
{
  public:
    TlsPqLargeFlightTestCase(std::string credentials, uint32_t minBytes)
        : TestCase("server flight of " + credentials + " > 10 x 1448 B: +1 RTT, initcwnd 40: none")
        , m_credentials(credentials)
        , m_minBytes(minBytes)
    {
    }

  private:
    void
    DoRun() override
    {
        if (SkipWithoutPostQuantum())
        {
            return;
        }
        LinkParams small;
        small.credentials = "p256";
        small.bps = 1000000000; // serialisation negligible: the round trips are what remains
        LinkParams large = small;
        large.credentials = m_credentials;
        LinkParams wide = large;
        wide.serverCwnd = 40;
        auto a = RunLink(small).records.at(0);
        auto b = RunLink(large).records.at(0);
        auto c = RunLink(wide).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(b->ok, true, b->error);
        NS_TEST_ASSERT_MSG_EQ(c->ok, true, c->error);
        NS_TEST_ASSERT_MSG_GT(b->serverHandshakeBytes, m_minBytes, "flight size");
        NS_TEST_ASSERT_MSG_LT(b->serverHandshakeBytes, 40 * 1448, "fits initcwnd 40");
        double rttMs = small.rtt.GetNanoSeconds() / 1e6;
        TLS_TEST_ASSERT_MSG_EQ_TOL(a->GetTotalMs(), 2 * rttMs, 0.5, "P-256: 2 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(b->GetTotalMs(), 3 * rttMs, 0.5, "initcwnd 10: 3 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(c->GetTotalMs(), 2 * rttMs, 0.5, "initcwnd 40: 2 RTT");
    }

    std::string m_credentials;
    uint32_t m_minBytes;
};

/**
 * Mutual TLS with ML-DSA-87 chains: the client's second flight (Certificate, CertificateVerify,
 * Finished; ~34 KB) exceeds the client's initial window, so the server finishes one RTT later;
 * a larger client window (--initcwnd) recovers it.
 */
class TlsPqClientAuthTestCase : public TestCase
{
  public:
    TlsPqClientAuthTestCase()
        : TestCase("ML-DSA-87 mutual TLS: client flight > initcwnd costs the server 1 RTT")
    {
    }

  private:
    void
    DoRun() override
    {
        if (SkipWithoutPostQuantum())
        {
            return;
        }
        LinkParams p;
        p.credentials = "mldsa87,chain=3";
        p.clientAuth = true;
        p.serverCwnd = 40;
        p.bps = 1000000000;
        LinkParams wide = p;
        wide.clientCwnd = 40;
        auto a = RunLink(p).records.at(0);
        LinkRun wideRun = RunLink(wide);
        auto b = wideRun.records.at(0);
        NS_TEST_ASSERT_MSG_EQ(a->ok, true, a->error);
        NS_TEST_ASSERT_MSG_EQ(b->ok, true, b->error);
        NS_TEST_ASSERT_MSG_EQ(Sequence(*b).rfind("C:ClientHello S:ServerHello S:ChangeCipherSpec "
                                                 "S:EncryptedExtensions S:CertificateRequest "
                                                 "S:Certificate S:CertificateVerify S:Finished "
                                                 "C:ChangeCipherSpec C:Certificate "
                                                 "C:CertificateVerify C:Finished ",
                                                 0),
                              0,
                              "RFC 8446 4.3.2/4.4 client authentication: " << Sequence(*b));
        NS_TEST_ASSERT_MSG_GT(MessageBytes(*a, true, "Certificate"), 10 * 1448, "client chain");
        NS_TEST_ASSERT_MSG_EQ(MessageBytes(*a, true, "CertificateVerify"),
                              4 + 2 + 2 + 4627,
                              "ML-DSA-87 CertificateVerify (FIPS 204 signature 4627 B)");
        double rttMs = p.rtt.GetNanoSeconds() / 1e6;
        // Server done: SYN (1 RTT), ClientHello -> server flight (1 RTT), client flight arrives
        // (0.5 RTT), plus serialisation; with initcwnd 10, one more RTT while the client waits
        // for ACKs of its first 10 segments.
        Time ser = CriticalSerialisation(wideRun, *b, b->serverDone, wide.bps);
        TLS_TEST_ASSERT_MSG_EQ_TOL((b->serverDone - b->connectTime).GetNanoSeconds(),
                                  (p.rtt * 5 / 2 + ser).GetNanoSeconds(),
                                  1000,
                                  "initcwnd 40: 2.5 RTT + serialisation");
        TLS_TEST_ASSERT_MSG_EQ_TOL(
            a->GetServerDoneMs() - b->GetServerDoneMs(), rttMs, 0.5, "initcwnd 10: one RTT more");
    }
};

/**
 * The same through the scenario's flags: --server-initcwnd, and --mss (jumbo frames: a 9000-byte
 * MTU carries 8948-byte segments, so ten of them hold the ~36 KB ML-DSA-87 flight).
 */
class TlsPqScenarioFlagsTestCase : public TestCase
{
  public:
    TlsPqScenarioFlagsTestCase()
        : TestCase(
            "--server-initcwnd=40 and --mss=8948 each remove the extra RTT of a 36 KB flight")
    {
    }

  private:
    static double
    Total(const std::vector<std::pair<std::string, std::string>>& flags)
    {
        TlsScenarioConfig c;
        for (const auto& [name, value] : flags)
        {
            NS_ABORT_MSG_UNLESS(c.Set(name, value).empty(), "bad flag " << name);
        }
        TlsScenario::Result result;
        std::string error = TlsScenario::Run(c, result);
        NS_ABORT_MSG_UNLESS(error.empty() && result.records.at(0)->ok, "run failed: " << error);
        return result.records.at(0)->GetTotalMs();
    }

    void
    DoRun() override
    {
        if (SkipWithoutPostQuantum())
        {
            return;
        }
        std::vector<std::pair<std::string, std::string>> base
            = {{"key", "mldsa87"}, {"chain", "3"}, {"bandwidth", "1Gbps"}, {"cpu", "none"}};
        auto with = [&](std::string name, std::string value)
        {
            auto f = base;
            f.emplace_back(name, value);
            return f;
        };
        TLS_TEST_ASSERT_MSG_EQ_TOL(Total(base), 150, 0.5, "default: 3 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(Total(with("server-initcwnd", "40")), 100, 0.5, "2 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(Total(with("initcwnd", "40")), 150, 0.5, "client's: no help");
        TLS_TEST_ASSERT_MSG_EQ_TOL(Total(with("mss", "8948")), 100, 0.5, "jumbo segments: 2 RTT");
    }
};

/**
 * @ingroup tls-tests
 * Post-quantum handshakes (OpenSSL >= 3.5: ML-KEM groups, ML-DSA and SLH-DSA certificates),
 * checked against first principles without crypto cost. Without OpenSSL 3.5 every case says
 * so in one line and passes.
 */
class TlsPqTestSuite : public TestSuite
{
  public:
    TlsPqTestSuite()
        : TestSuite("tls-pq", SYSTEM)
    {
        AddTestCase(new TlsPqClientHelloTestCase(), QUICK);
        for (const char* groups : {"X25519MLKEM768", "MLKEM1024", "SecP256r1MLKEM768"})
        {
            LinkParams p;
            p.credentials = "mldsa65";
            p.groups = groups;
            p.bps = 100000000; // the test bounds serialisation (a 1.2 KB share, 12 KB of chain)
            AddTestCase(new TlsAnalyticTimeTestCase(std::string("TLS 1.3 ") + groups
                                                        + " + ML-DSA-65 = 2 RTT + serialisation",
                                                    p,
                                                    4,
                                                    0),
                        QUICK);
        }
        AddTestCase(new TlsPqHelloRetryTestCase("X25519MLKEM768:X25519", "X25519"), QUICK);
        AddTestCase(new TlsPqHelloRetryTestCase("X25519:MLKEM768", "MLKEM768"), QUICK);
        AddTestCase(new TlsPqLargeFlightTestCase("mldsa87,chain=3", 30000), QUICK);
        AddTestCase(new TlsPqLargeFlightTestCase("p256,ca=slhdsa128f", 17088), QUICK);
        AddTestCase(new TlsPqClientAuthTestCase(), QUICK);
        AddTestCase(new TlsPqScenarioFlagsTestCase(), QUICK);
    }
};

/// Static instance.
static TlsPqTestSuite g_tlsPqTestSuite;
