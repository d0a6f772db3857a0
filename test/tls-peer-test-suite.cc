/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Peers as real ones are, and records that say what happened: version ranges, server names
 * with a PEM chain for another name, the time a failure costs, the record ConnectionDone
 * carries, 0-RTT request bytes, and the user's ns-3 attribute defaults.
 *
 * Times are checked against round trips: the scenarios run at 10 Gbps with cpu=none, so
 * serialisation (a few us for the ~5 KB of a handshake) is the only thing besides propagation,
 * well inside the 50 us tolerance.
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/tcp-profile.h"
#include "ns3/test.h"
#include "ns3/tls-client-application.h"
#include "ns3/tls-client-helper.h"
#include "ns3/tls-scenario.h"
#include "ns3/tls-server-application.h"
#include "ns3/tls-server-helper.h"
#include "ns3/tls-tracker-helper.h"
#include "ns3/traffic-control-helper.h"
#include "tls-test-compat.h"
#include "tls-test-pki.h"

using namespace ns3;

namespace
{

const double RTT_MS = 50;
const double TOL_MS = 0.05; // serialisation at 10 Gbps, see the file comment

/// A loss-free scenario with nothing but propagation delay to speak of.
TlsScenarioConfig
FastScenario()
{
    TlsScenarioConfig c;
    c.Set("rtt", "50ms");
    c.Set("bandwidth", "10Gbps");
    c.Set("cpu", "none");
    return c;
}

/// Runs a scenario that must run.
TlsScenario::Result
RunScenario(const TlsScenarioConfig& c)
{
    TlsScenario::Result result;
    std::string error = TlsScenario::Run(c, result);
    NS_ABORT_MSG_UNLESS(error.empty(), error);
    return result;
}

/// Client 1.2-1.3 vs server 1.2: TLS 1.2 is negotiated, in TLS 1.2's 2 RTT after TCP's one.
class TlsVersionDowngradeTestCase : public TestCase
{
  public:
    TlsVersionDowngradeTestCase()
        : TestCase("--tls=1.2-1.3 vs --server-tls=1.2: TLS 1.2 in 3 RTT; 1.2-1.3 both: 1.3")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c = FastScenario();
        NS_TEST_ASSERT_MSG_EQ(c.Set("tls", "1.2-1.3"), "", "range accepted");
        NS_TEST_ASSERT_MSG_EQ(c.Set("server-tls", "1.2"), "", "server version");
        auto r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
        NS_TEST_ASSERT_MSG_EQ(r->version, "TLSv1.2", "downgraded to the server's version");
        TLS_TEST_ASSERT_MSG_EQ_TOL(
            r->GetTotalMs(), 3 * RTT_MS, TOL_MS, "TCP 1 RTT + TLS 1.2 2 RTT");

        c.Set("server-tls", "1.2-1.3"); // the default
        r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->version, "TLSv1.3", "both offer 1.3: 1.3");
        TLS_TEST_ASSERT_MSG_EQ_TOL(
            r->GetTotalMs(), 2 * RTT_MS, TOL_MS, "TCP 1 RTT + TLS 1.3 1 RTT");

        c.Set("tls", "1.3");
        c.Set("server-tls", "1.2");
        r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->error, "alert: protocol version", "no common version");
        NS_TEST_ASSERT_MSG_NE(c.Set("tls", "1.3-1.2"), "", "an inverted range is refused");
        NS_TEST_ASSERT_MSG_NE(c.Set("server-tls", "1.1"), "", "unknown version refused");
    }
};

/// The README's helper snippet: Version=1.2 on the client only, the server left at its default.
class TlsHelperVersionTestCase : public TestCase
{
  public:
    TlsHelperVersionTestCase()
        : TestCase("helpers: client Version=1.2 only, default server accepts 1.2-1.3; "
                   "ConnectionDone carries the server's side")
    {
    }

  private:
    void
    OnDone(Ptr<const TlsHandshakeRecord> r)
    {
        m_done.push_back(Simulator::Now());
        m_serverDone.push_back(r->GetServerDoneMs());
        m_serverHsBytes.push_back(r->serverHandshakeBytes);
    }

    /// Client -- 50 ms RTT, 10 Gbps -- server with the helpers; returns the client's records.
    std::vector<Ptr<TlsHandshakeRecord>>
    RunHelpers(const std::string& clientVersion)
    {
        m_done.clear();
        m_serverDone.clear();
        m_serverHsBytes.clear();
        NodeContainer nodes;
        nodes.Create(2);
        InternetStackHelper internet;
        internet.Install(nodes);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
        p2p.SetChannelAttribute("Delay", StringValue("25ms"));
        NetDeviceContainer devices = p2p.Install(nodes);
        Ipv4AddressHelper addresses("10.1.0.0", "255.255.255.252");
        Ipv4InterfaceContainer ifaces = addresses.Assign(devices);
        TrafficControlHelper().Uninstall(devices);
        TlsServerHelper server(443);
        server.SetAttribute("CostModel", PointerValue()); // round trips only: no crypto cost
        ApplicationContainer serverApps = server.Install(nodes.Get(1));
        TlsClientHelper client(InetSocketAddress(ifaces.GetAddress(1), 443));
        client.SetAttribute("CostModel", PointerValue());
        if (!clientVersion.empty())
        {
            client.SetAttribute("Version", StringValue(clientVersion));
        }
        client.SetAttribute("Handshakes", UintegerValue(2));
        ApplicationContainer clientApps = client.Install(nodes.Get(0));
        clientApps.Start(Seconds(1));
        clientApps.Get(0)->TraceConnectWithoutContext(
            "ConnectionDone", MakeCallback(&TlsHelperVersionTestCase::OnDone, this));
        TlsTrackerHelper tracker; // joins the server's side into the client's records
        tracker.Install(serverApps);
        tracker.Install(clientApps);
        Simulator::Run();
        auto records = tracker.GetRecords();
        Simulator::Destroy();
        return records;
    }

    void
    DoRun() override
    {
        auto records = RunHelpers("1.2");
        NS_TEST_ASSERT_MSG_EQ(records.size(), 2, "two connections");
        for (const auto& r : records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            NS_TEST_ASSERT_MSG_EQ(r->version, "TLSv1.2", "client's only version");
        }
        // Defaults on both sides (client 1.2-1.3): TLS 1.3, where the client is done half a
        // round trip before the server reads its Finished.
        records = RunHelpers("");
        NS_TEST_ASSERT_MSG_EQ(records.size(), 2, "two connections");
        NS_TEST_ASSERT_MSG_EQ(m_done.size(), 2, "ConnectionDone fired for each");
        for (size_t i = 0; i < records.size(); ++i)
        {
            const auto& r = records[i];
            NS_TEST_ASSERT_MSG_EQ(r->version, "TLSv1.3", "default range: 1.3");
            TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetTotalMs(), 2 * RTT_MS, TOL_MS, "client: 2 RTT");
            TLS_TEST_ASSERT_MSG_EQ_TOL(m_serverDone[i],
                                       2.5 * RTT_MS,
                                       TOL_MS,
                                       "server_done_ms already set inside ConnectionDone");
            NS_TEST_ASSERT_MSG_GT(m_serverHsBytes[i], 1000, "server_hs_bytes set inside it");
            NS_TEST_ASSERT_MSG_EQ(m_serverHsBytes[i], r->serverHandshakeBytes, "final value");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(m_done[i],
                                        r->connectTime + MilliSeconds(2.5 * RTT_MS),
                                        "fired once the server finished");
        }
    }

    std::vector<Time> m_done;              //!< ConnectionDone times
    std::vector<double> m_serverDone;      //!< server_done_ms seen inside ConnectionDone
    std::vector<uint64_t> m_serverHsBytes; //!< server_hs_bytes seen inside ConnectionDone
};

/// Writes a CA and a leaf for another name (PEM files in the test's temporary directory).
class TlsServerNameTestCase : public TestCase
{
  public:
    TlsServerNameTestCase()
        : TestCase("--server-name: a PEM chain for www.example.test verifies only under its name")
    {
    }

  private:
    void
    DoRun() override
    {
        EVP_PKEY* caKey = EVP_EC_gen("P-256");
        EVP_PKEY* leafKey = EVP_EC_gen("P-256");
        // Real-time validity: certificates the user brings are checked at the wall clock.
        TlsTestCertificateSpec caSpec{"Example Test Root", "", 1, true};
        TlsTestCertificateSpec leafSpec{"www.example.test", "www.example.test", 2, false};
        caSpec.notBeforeOffset = leafSpec.notBeforeOffset = -86400;
        caSpec.notAfterOffset = leafSpec.notAfterOffset = 30 * 86400;
        X509* ca = MakeTestCertificate(caSpec, caKey);
        X509* leaf = MakeTestCertificate(leafSpec, leafKey, ca, caKey);
        std::string chainFile = CreateTempDirFilename("chain.pem");
        std::string keyFile = CreateTempDirFilename("key.pem");
        std::string caFile = CreateTempDirFilename("ca.pem");
        WriteTestPem(chainFile, {leaf});
        WriteTestPem(keyFile, {}, leafKey);
        WriteTestPem(caFile, {ca});
        X509_free(leaf);
        X509_free(ca);
        EVP_PKEY_free(leafKey);
        EVP_PKEY_free(caKey);

        TlsScenarioConfig c = FastScenario();
        c.Set("cert", chainFile);
        c.Set("private-key", keyFile);
        c.Set("ca-file", caFile);
        c.Set("verify-date", "now"); // the chain above is dated by the wall clock
        auto r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->ok, false, "default name server.ns3tls");
        NS_TEST_ASSERT_MSG_EQ(r->error, "verify: hostname mismatch", "name checked");
        NS_TEST_ASSERT_MSG_EQ(c.Set("server-name", "www.example.test"), "", "name");
        r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
        TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetTotalMs(), 2 * RTT_MS, TOL_MS, "2 RTT");
        c.Set("server-name", "");
        NS_TEST_ASSERT_MSG_NE(c.Validate(), "", "an empty name is refused");
    }
};

/// fail_ms: what a failure cost, for an alert received and for a timeout.
class TlsFailTimeTestCase : public TestCase
{
  public:
    TlsFailTimeTestCase()
        : TestCase("fail_ms: alert after 2 RTT (version mismatch), timeout after --timeout")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c = FastScenario();
        c.Set("fault", "version-mismatch");
        auto r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->error, "alert: protocol version", "alert received");
        // SYN, SYN-ACK; ClientHello, the server's alert: 2 RTT.
        TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetFailMs(), 2 * RTT_MS, TOL_MS, "alert after 2 RTT");
        NS_TEST_ASSERT_MSG_EQ(std::isnan(r->GetTotalMs()), true, "no total_ms");

        c = FastScenario();
        c.Set("drop-s2c", "1,2"); // the server's two-segment flight: repaired after > 200 ms
        c.Set("timeout", "200ms");
        r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(r->error, "timeout: handshake", "timed out");
        TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetFailMs(), 200, 1e-6, "fail_ms = --timeout");

        c = FastScenario();
        r = RunScenario(c).records.at(0);
        NS_TEST_ASSERT_MSG_EQ(std::isnan(r->GetFailMs()), true, "no fail_ms when ok");
    }
};

/// --early-data=N: the first N bytes of the request go as 0-RTT data.
class TlsEarlyDataRequestTestCase : public TestCase
{
  public:
    TlsEarlyDataRequestTestCase()
        : TestCase("--early-data=N --request=N: response 1 RTT earlier; --request > N: none")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c = FastScenario();
        c.Set("resume", "ticket");
        c.Set("handshakes", "2");
        c.Set("early-data", "300");
        c.Set("request", "300");
        c.Set("response", "1000");
        auto records = RunScenario(c).records;
        NS_TEST_ASSERT_MSG_EQ(records.at(1)->earlyDataAccepted, true, "0-RTT accepted");
        // Full: TCP, TLS 1.3's round trip, request -> response: 3 RTT. 0-RTT: the server
        // answers right after its flight (0.5-RTT data): 2 RTT.
        TLS_TEST_ASSERT_MSG_EQ_TOL(records[0]->GetTtfbMs(), 3 * RTT_MS, TOL_MS, "full: 3 RTT");
        TLS_TEST_ASSERT_MSG_EQ_TOL(records[1]->GetTtfbMs(), 2 * RTT_MS, TOL_MS, "0-RTT: 2 RTT");

        // Only the first 100 of 300 request bytes early: the server waits for the rest.
        c.Set("early-data", "100");
        records = RunScenario(c).records;
        NS_TEST_ASSERT_MSG_EQ(records.at(1)->earlyDataAccepted, true, "0-RTT accepted");
        TLS_TEST_ASSERT_MSG_EQ_TOL(records[1]->GetTtfbMs(), 3 * RTT_MS, TOL_MS, "no saving");

        // No --request: the request is the early data (at least N bytes).
        c.Set("early-data", "300");
        c.Set("request", "0");
        records = RunScenario(c).records;
        TLS_TEST_ASSERT_MSG_EQ_TOL(records[1]->GetTtfbMs(), 2 * RTT_MS, TOL_MS, "0-RTT: 2 RTT");
    }
};

/// The user's ns-3 attribute defaults win over the TCP profile, or are refused naming the flag.
class TlsUserConfigTestCase : public TestCase
{
  public:
    TlsUserConfigTestCase()
        : TestCase("--ns3::TcpSocket::InitialCwnd=1 wins over the linux profile; "
                   "--ns3::TlsClientApplication::Handshakes is refused")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c = FastScenario();
        NS_TEST_ASSERT_MSG_EQ(c.SetNs3Default("ns3::TcpSocket::InitialCwnd", "1"), "", "taken");
        auto r = RunScenario(c).records.at(0);
        // The server's flight (~1.6 kB with rsa2048) needs two 1448-byte segments: with a
        // window of one, the second waits for the client's ACK of the first, which the client
        // sends at once (quick ACKs at the start of a connection): 3 RTT instead of 2 RTT.
        NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
        TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetTotalMs(), 3 * RTT_MS, TOL_MS, "initcwnd 1");
        TcpProfile::SetDefaults("linux"); // later tests in this process: the profile again
        r = RunScenario(FastScenario()).records.at(0);
        TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetTotalMs(), 2 * RTT_MS, TOL_MS, "initcwnd 10: 2 RTT");

        std::string e = c.SetNs3Default("ns3::TlsClientApplication::Handshakes", "5");
        NS_TEST_ASSERT_MSG_NE(e.find("--handshakes"), std::string::npos, e);
        NS_TEST_ASSERT_MSG_NE(
            e.find("ns3::TlsClientApplication::Handshakes"), std::string::npos, e);
        e = c.SetNs3Default("ns3::PointToPointChannel::Delay", "1ms");
        NS_TEST_ASSERT_MSG_NE(e.find("--rtt"), std::string::npos, e);
        TlsScenarioConfig bad = FastScenario();
        bad.SetNs3Default("ns3::TcpSocket::NoSuchAttribute", "1");
        TlsScenario::Result result;
        e = TlsScenario::Run(bad, result);
        NS_TEST_ASSERT_MSG_NE(e.find("NoSuchAttribute"), std::string::npos, e);
    }
};

} // namespace

/// The suite.
class TlsPeerTestSuite : public TestSuite
{
  public:
    TlsPeerTestSuite()
        : TestSuite("tls-peer", SYSTEM)
    {
        AddTestCase(new TlsVersionDowngradeTestCase(), QUICK);
        AddTestCase(new TlsHelperVersionTestCase(), QUICK);
        AddTestCase(new TlsServerNameTestCase(), QUICK);
        AddTestCase(new TlsFailTimeTestCase(), QUICK);
        AddTestCase(new TlsEarlyDataRequestTestCase(), QUICK);
        AddTestCase(new TlsUserConfigTestCase(), QUICK);
    }
};

static TlsPeerTestSuite g_tlsPeerTestSuite; //!< registers the suite
