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
    Time start;      //!< PhyTxBegin time
    uint32_t bytes;  //!< on-the-wire size (PPP header included)
    bool fromClient; //!< device
    bool critical;   //!< carries SYN or payload
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
    log->push_back({Simulator::Now(), packet->GetSize(), fromClient, critical});
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
    ApplicationContainer serverApps = server.Install(nodes.Get(1));
    TlsClientHelper client(InetSocketAddress(ifaces.GetAddress(1), 443));
    if (!p.helperDefaults)
    {
        client.SetAttribute("CostModel", PointerValue());
    }
    client.SetAttribute("Version", StringValue(p.version));
    client.SetAttribute("KeyExchange", StringValue(p.kx));
    client.SetAttribute("Resumption", StringValue(p.resume));
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
        LinkRun run = RunLink(m_params);
        NS_TEST_ASSERT_MSG_EQ(run.records.size(), m_params.handshakes, "one record a connection");
        const TlsHandshakeRecord& r = *run.records[m_conn];
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, r.error);
        NS_TEST_ASSERT_MSG_EQ(r.error, "", "no error");
        Time d = m_params.rtt / 2;
        Time ser = CriticalSerialisation(run, r, r.clientDone, m_params.bps);
        Time expected = d * m_trips + ser;
        Time measured = r.clientDone - r.connectTime;
        NS_TEST_ASSERT_MSG_EQ_TOL(measured.GetNanoSeconds(),
                                  expected.GetNanoSeconds(),
                                  1000, // 1 us
                                  "total = " << m_trips << " x " << d.As(Time::MS) << " + "
                                             << ser.As(Time::US) << " serialisation");
        // And serialisation is small at this rate: the RTT count is what decides.
        NS_TEST_ASSERT_MSG_LT(ser, MilliSeconds(6), "serialisation bounded");
        // TCP alone is one RTT plus SYN and SYN-ACK serialisation (two ~70-byte packets).
        NS_TEST_ASSERT_MSG_EQ_TOL(r.GetTcpMs(), m_params.rtt.GetNanoSeconds() / 1e6, 0.2, "tcp_ms");
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
        NS_TEST_ASSERT_MSG_EQ_TOL(records[1]->GetTotalMs(), 100.0, 0.1, "2 RTT");
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
        NS_TEST_ASSERT_MSG_EQ_TOL((resumed.clientDone - resumed.connectTime).GetNanoSeconds(),
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
        NS_TEST_ASSERT_MSG_EQ_TOL(full.GetTtfbMs(), 3 * rttMs, 5, "1-RTT handshake: TTFB 3 RTT");
        NS_TEST_ASSERT_MSG_EQ_TOL(early.GetTtfbMs(), 2 * rttMs, 5, "0-RTT: TTFB 2 RTT");
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
        NS_TEST_ASSERT_MSG_EQ_TOL(a->GetTotalMs(), 2 * rttMs, 0.5, "small chain: 2 RTT");
        NS_TEST_ASSERT_MSG_EQ_TOL(b->GetTotalMs(), 3 * rttMs, 0.5, "long chain: 3 RTT");
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
            NS_TEST_ASSERT_MSG_EQ_TOL(seg.received.GetNanoSeconds(),
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
        NS_TEST_ASSERT_MSG_EQ_TOL(a.GetTotalMs(), b.GetTotalMs(), 0.005, "same total_ms");
        NS_TEST_ASSERT_MSG_EQ_TOL(a.GetServerDoneMs(), b.GetServerDoneMs(), 0.005, "server_done");
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
