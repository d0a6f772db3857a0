/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Correctness at scale: 200 clients behind a shared bottleneck handshake at once with one
 * server. Every connection completes, its record is complete and unique, every TLS byte sent
 * is received, and the server accepted one connection per client.
 */
#include "ns3/core-module.h"
#include "ns3/tcp-linux-demux.h"
#include "ns3/test.h"
#include "ns3/tls-random.h"
#include "ns3/tls-scenario.h"
#include "tls-test-compat.h"

#include <set>
#include <tuple>

using namespace ns3;

namespace
{

/// 200 concurrent clients.
class TlsConcurrentClientsTestCase : public TestCase
{
  public:
    TlsConcurrentClientsTestCase(std::string arrival)
        : TestCase("200 clients (" + arrival + " arrivals), 2 handshakes each, 4-core server")
        , m_arrival(arrival)
    {
    }

  private:
    void
    DoRun() override
    {
        const uint32_t clients = 200;
        TlsScenarioConfig c;
        c.Set("clients", std::to_string(clients));
        c.Set("handshakes", "2");
        c.Set("arrival", m_arrival);
        c.Set("bandwidth", "100Mbps");
        c.Set("queue", "1000p");
        c.Set("server-cores", "4");
        c.Set("resume", "ticket");
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "runs");
        NS_TEST_ASSERT_MSG_EQ(result.records.size(), 2 * clients, "a record per connection");
        NS_TEST_ASSERT_MSG_EQ(result.serverAccepted, 2 * clients, "server accepted each");
        NS_TEST_ASSERT_MSG_EQ(result.serverCompleted, 2 * clients, "server completed each");
        std::set<std::pair<uint32_t, uint32_t>> ids;
        std::set<std::string> addresses;
        uint32_t resumed = 0;
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            NS_TEST_ASSERT_MSG_EQ(r->error, "", "no error");
            ids.insert({r->client, r->conn});
            std::ostringstream os;
            os << r->clientAddress;
            addresses.insert(os.str());
            NS_TEST_ASSERT_MSG_EQ(std::isnan(r->GetTotalMs()), false, "total");
            NS_TEST_ASSERT_MSG_EQ(std::isnan(r->GetServerDoneMs()), false, "server_done");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(r->GetTotalMs(), 100.0, "at least 2 RTT");
            NS_TEST_ASSERT_MSG_EQ(r->clientSent, r->serverReceived, "client bytes all received");
            NS_TEST_ASSERT_MSG_EQ(r->serverSent, r->clientReceived, "server bytes all received");
            NS_TEST_ASSERT_MSG_GT(r->serverHandshakeBytes, 0, "server bytes counted");
            resumed += r->resumed;
        }
        NS_TEST_ASSERT_MSG_EQ(ids.size(), 2 * clients, "(client, conn) unique");
        NS_TEST_ASSERT_MSG_EQ(addresses.size(), 2 * clients, "client address:port unique");
        NS_TEST_ASSERT_MSG_EQ(resumed, clients, "every second connection resumed");
    }

    std::string m_arrival;
};

/// Runs scenarios and compares their records: for changes that must not change results.
class TlsSameRecordsTestCase : public TestCase
{
  protected:
    using TestCase::TestCase;
    using Records = std::vector<Ptr<TlsHandshakeRecord>>;

    /// @param flags scenario flags @return the records (the run must succeed)
    Records
    RunScenario(const std::vector<std::pair<std::string, std::string>>& flags)
    {
        TlsScenarioConfig c;
        for (const auto& [name, value] : flags)
        {
            c.Set(name, value);
        }
        TlsScenario::Result result;
        std::string error = TlsScenario::Run(c, result);
        NS_TEST_EXPECT_MSG_EQ(error, "", "runs");
        return result.records;
    }

    /// Checks that two runs gave the same records, connection by connection.
    void
    CheckSame(const Records& a, const Records& b, size_t connections)
    {
        NS_TEST_ASSERT_MSG_EQ(a.size(), connections, "a record per connection");
        NS_TEST_ASSERT_MSG_EQ(b.size(), a.size(), "same connections");
        for (size_t i = 0; i < a.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(a[i]->ok, b[i]->ok, "ok " << i);
            NS_TEST_ASSERT_MSG_EQ(a[i]->error, b[i]->error, "error " << i);
            NS_TEST_ASSERT_MSG_EQ(a[i]->GetTotalMs(), b[i]->GetTotalMs(), "total " << i);
            NS_TEST_ASSERT_MSG_EQ(a[i]->clientSent, b[i]->clientSent, "bytes " << i);
            NS_TEST_ASSERT_MSG_EQ(a[i]->serverSent, b[i]->serverSent, "bytes " << i);
            NS_TEST_ASSERT_MSG_EQ(a[i]->earlyDataAccepted, b[i]->earlyDataAccepted, "0-RTT " << i);
        }
    }
};

/**
 * The hashed demux (TcpLinuxDemux) delivers each segment where ns-3's endpoint list would:
 * 200 clients, lossy bottleneck (retransmissions, TIME_WAIT), resumption, same records
 * with and without it, and most segments go through the table.
 */
class TlsHashedDemuxTestCase : public TlsSameRecordsTestCase
{
  public:
    TlsHashedDemuxTestCase()
        : TlsSameRecordsTestCase(
            "hashed TCP demux: same records as the endpoint list, most segments hashed")
    {
    }

  private:
    /// Runs the scenario with or without the hashed demux.
    Records
    Run(bool hashed, uint64_t& delivered)
    {
        Config::SetDefault("ns3::TcpLinuxSocket::HashedDemux", BooleanValue(hashed));
        uint64_t before = TcpLinuxDemux::GetDeliveredCount();
        Records records = RunScenario({{"clients", "200"},
                                       {"handshakes", "2"},
                                       {"arrival", "poisson"},
                                       {"arrival-window", "200ms"},
                                       {"bandwidth", "20Mbps"},
                                       {"loss", "0.03"},
                                       {"resume", "ticket"},
                                       {"tls", "1.2"}});
        delivered = TcpLinuxDemux::GetDeliveredCount() - before;
        Config::SetDefault("ns3::TcpLinuxSocket::HashedDemux", BooleanValue(true));
        return records;
    }

    void
    DoRun() override
    {
        uint64_t hashed = 0;
        uint64_t listed = 0;
        Records a = Run(true, hashed);
        Records b = Run(false, listed);
        CheckSame(a, b, 400);
        NS_TEST_ASSERT_MSG_EQ(listed, 0, "attribute off: nothing hashed");
        // Each connection's segments to the server after its SYN (>= 4: ACK, ClientHello,
        // Finished, close_notify/FIN) and to the client after its SYN-ACK (>= 3).
        NS_TEST_ASSERT_MSG_GT(hashed, 400 * 7, "most segments hashed");
        uint32_t ok = 0;
        for (const auto& r : a)
        {
            ok += r->ok;
        }
        NS_TEST_ASSERT_MSG_GT(ok, 390, "lossy but mostly ok");
    }
};

} // namespace

/// The suite.
class TlsScaleTestSuite : public TestSuite
{
  public:
    TlsScaleTestSuite()
        : TestSuite("tls-scale", SYSTEM)
    {
        AddTestCase(new TlsConcurrentClientsTestCase("once"), QUICK);
        AddTestCase(new TlsConcurrentClientsTestCase("poisson"), QUICK);
        AddTestCase(new TlsHashedDemuxTestCase(), QUICK);
    }
};

/// Static instance.
static TlsScaleTestSuite g_tlsScaleTestSuite;
