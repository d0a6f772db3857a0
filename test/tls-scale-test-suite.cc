/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Correctness at scale: 200 clients behind a shared bottleneck handshake at once with one
 * server. Every connection completes, its record is complete and unique, every TLS byte sent
 * is received, and the server accepted one connection per client.
 */
#include "ns3/core-module.h"
#include "ns3/test.h"
#include "ns3/tls-scenario.h"

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
    }
};

/// Static instance.
static TlsScaleTestSuite g_tlsScaleTestSuite;
