/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The deterministic cost model and CPU queueing:
 *  - the operations inferred per step are the protocol's (TLS 1.3 server: keygen, derive,
 *    sign; TLS 1.2 RSA: client encrypts, server decrypts the premaster secret; one verify per
 *    certificate);
 *  - a handshake with --cpu=model takes exactly its --cpu=none time plus the cost of the steps
 *    on its critical path, and the same seed gives the same CSV;
 *  - steps queue for a node's cores and scale with its speed factor.
 */
#include "ns3/core-module.h"
#include "ns3/test.h"
#include "ns3/tls-cpu.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/tls-scenario.h"
#include "tls-test-compat.h"

#include <algorithm>
#include <sstream>

using namespace ns3;

namespace
{

std::string
Join(std::vector<std::string> v)
{
    std::sort(v.begin(), v.end());
    std::ostringstream os;
    for (size_t i = 0; i < v.size(); ++i)
    {
        os << (i ? " " : "") << v[i];
    }
    return os.str();
}

/// Pumps two engines and returns the operations of every step, "C1: ...", "S1: ...".
std::vector<std::string>
StepOperations(const TlsConfig& config)
{
    std::string error;
    TlsEngine client(TlsContext::Get(config, TlsContext::CLIENT, error));
    TlsEngine server(TlsContext::Get(config, TlsContext::SERVER, error));
    std::vector<std::string> out;
    auto step = [&](TlsEngine& e, const std::string& name)
    {
        TlsCostStep s;
        s.engine = &e;
        s.messages = e.TakeMessages();
        s.bytesOut = e.GetPendingOutput();
        s.established = e.GetState() == TlsEngine::ESTABLISHED;
        out.push_back(name + ": " + Join(TlsOperationCostModel::GetOperations(s)));
    };
    std::vector<uint8_t> buf;
    client.Advance();
    step(client, "C1");
    for (int i = 1; i <= 2; ++i)
    {
        buf.clear();
        client.TakeOutput(buf);
        server.Receive(buf.data(), buf.size());
        server.Advance();
        step(server, "S" + std::to_string(i));
        buf.clear();
        server.TakeOutput(buf);
        client.Receive(buf.data(), buf.size());
        client.Advance();
        step(client, "C" + std::to_string(i + 1));
    }
    return out;
}

/// Operations per step follow the protocol.
class TlsOperationsTestCase : public TestCase
{
  public:
    TlsOperationsTestCase(std::string version,
                          std::string kx,
                          std::string credentials,
                          std::vector<std::string> expected,
                          std::string groups = "")
        : TestCase("operations of TLS " + version + " " + kx + " " + credentials
                   + (groups.empty() ? "" : " " + groups))
        , m_version(version)
        , m_kx(kx)
        , m_credentials(credentials)
        , m_expected(expected)
        , m_groups(groups)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsConfig c;
        NS_ABORT_UNLESS(TlsConfig::ParseRange(m_version, c.minVersion, c.maxVersion)
                        && TlsConfig::ParseKeyExchange(m_kx, c.keyExchange));
        c.credentials = m_credentials;
        c.groups = m_groups;
        std::string pq = TlsOpenSsl::PostQuantumError(GetName(), m_groups + m_credentials);
        if (!pq.empty())
        {
            std::cout << "SKIP " << pq << std::endl;
            return;
        }
        auto ops = StepOperations(c);
        NS_TEST_ASSERT_MSG_EQ(ops.size(), m_expected.size(), "steps");
        for (size_t i = 0; i < ops.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(ops[i], m_expected[i], "step " << i);
        }
    }

    std::string m_version;
    std::string m_kx;
    std::string m_credentials;
    std::vector<std::string> m_expected;
    std::string m_groups;
};

/// --cpu=model adds exactly the critical-path step costs to --cpu=none, deterministically.
class TlsModelTimeTestCase : public TestCase
{
  public:
    TlsModelTimeTestCase()
        : TestCase("TLS 1.3 p256 with --cpu=model = --cpu=none + critical-path step costs")
    {
    }

  private:
    static Ptr<TlsHandshakeRecord>
    Run(const std::string& cpu, std::string* csv = nullptr)
    {
        TlsScenarioConfig c;
        c.Set("cpu", cpu);
        c.Set("key", "p256");        // the server flight fits one segment: no overlap with transfer
        c.Set("bandwidth", "1Gbps"); // serialisation (which CPU time can overlap) < 1 us
        TlsScenario::Result result;
        TlsScenario::Run(c, result);
        if (csv)
        {
            *csv = TlsScenario::CsvRows(c, result);
        }
        return result.records.at(0);
    }

    void
    DoRun() override
    {
        auto none = Run("none");
        std::string csv1;
        std::string csv2;
        auto model = Run("model", &csv1);
        Run("model", &csv2);
        NS_TEST_ASSERT_MSG_EQ(csv1, csv2, "deterministic");
        TlsOperationCostModel table;
        auto us = [&](const std::string& op) { return table.GetOperationCost(op); };
        // Critical path: client ClientHello step, server's reply step, client's final step.
        double clientHello = us("step:client") + us("keygen:x25519");
        double server
            = us("step:server") + us("keygen:x25519") + us("derive:x25519") + us("sign:p256");
        double clientFinish = us("step:client") + us("derive:x25519") + 2 * us("verify:p256");
        double expected = none->GetTotalMs() + (clientHello + server + clientFinish) / 1000;
        TLS_TEST_ASSERT_MSG_EQ_TOL(model->GetTotalMs(), expected, 0.002, "total_ms");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(model->clientCpu.GetMicroSeconds(),
                                    int64_t(clientHello + clientFinish),
                                    "client CPU charged");
        TLS_TEST_ASSERT_MSG_EQ_TOL(model->serverCpu.GetNanoSeconds() / 1000.0,
                                  server + us("step:server"), // + reading Finished, sending tickets
                                  0.01,
                                  "server CPU charged");
    }
};

/// Steps queue for cores and scale with the speed factor.
class TlsCpuQueueTestCase : public TestCase
{
  public:
    TlsCpuQueueTestCase()
        : TestCase("TlsCpu: 2 cores, speed factor 2: queueing arithmetic")
    {
    }

  private:
    void
    DoRun() override
    {
        Ptr<TlsCpu> cpu = CreateObject<TlsCpu>();
        cpu->SetAttribute("Cores", UintegerValue(2));
        cpu->SetAttribute("SpeedFactor", DoubleValue(2));
        NS_TEST_ASSERT_MSG_EQ(cpu->Run(Time(0), MilliSeconds(1)), MilliSeconds(2), "core 1");
        NS_TEST_ASSERT_MSG_EQ(cpu->Run(Time(0), MilliSeconds(1)), MilliSeconds(2), "core 2");
        NS_TEST_ASSERT_MSG_EQ(cpu->Run(Time(0), MilliSeconds(1)), MilliSeconds(4), "queued");
        NS_TEST_ASSERT_MSG_EQ(
            cpu->Run(MilliSeconds(10), MilliSeconds(3)), MilliSeconds(16), "idle");
        NS_TEST_ASSERT_MSG_EQ(cpu->Run(MilliSeconds(1), Time(0)), MilliSeconds(1), "free step");
        NS_TEST_ASSERT_MSG_EQ(cpu->GetBusyTime(), MilliSeconds(12), "busy time");
    }
};

/// A busy single-core server delays concurrent handshakes by the queue ahead of them.
class TlsServerContentionTestCase : public TestCase
{
  public:
    TlsServerContentionTestCase()
        : TestCase("4 clients at once on a 1-core server 100x slower: handshakes queue")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        c.Set("clients", "4");
        c.Set("server-speed", "100");
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "runs");
        std::vector<double> totals;
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            totals.push_back(r->GetTotalMs());
        }
        std::sort(totals.begin(), totals.end());
        // The server's CPU time is charged at its speed (100x), the clients' at theirs.
        TlsOperationCostModel costs;
        double serverCpuMs = result.records[0]->serverCpu.GetNanoSeconds() / 1e6;
        double expectedServerCpuMs
            = 100
              * (2 * costs.GetOperationCost("step:server") + costs.GetOperationCost("keygen:x25519")
                 + costs.GetOperationCost("derive:x25519") + costs.GetOperationCost("sign:rsa2048"))
              / 1000;
        TLS_TEST_ASSERT_MSG_EQ_TOL(serverCpuMs, expectedServerCpuMs, 0.01, "server_cpu_ms at 100x");
        TlsOperationCostModel table;
        double serverStepMs
            = 100
              * (table.GetOperationCost("step:server") + table.GetOperationCost("keygen:x25519")
                 + table.GetOperationCost("derive:x25519") + table.GetOperationCost("sign:rsa2048"))
              / 1000;
        for (size_t i = 1; i < totals.size(); ++i)
        {
            // Each later client waits for one more server step (to within the other steps).
            TLS_TEST_ASSERT_MSG_EQ_TOL(
                totals[i] - totals[i - 1], serverStepMs, 0.15 * serverStepMs, "queueing delay");
        }
    }
};

} // namespace

/// The suite.
class TlsCostModelTestSuite : public TestSuite
{
  public:
    TlsCostModelTestSuite()
        : TestSuite("tls-cost-model", UNIT)
    {
        AddTestCase(new TlsOperationsTestCase(
                        "1.3",
                        "ecdhe",
                        "rsa2048",
                        {"C1: keygen:x25519 step:client",
                         "S1: derive:x25519 keygen:x25519 sign:rsa2048 step:server",
                         "C2: derive:x25519 step:client verify:rsa2048 verify:rsa2048",
                         "S2: step:server",
                         "C3: step:client"}),
                    QUICK);
        AddTestCase(new TlsOperationsTestCase(
                        "1.2",
                        "rsa",
                        "rsa2048,chain=1",
                        {"C1: step:client",
                         "S1: step:server",
                         "C2: rsa-encrypt:rsa2048 step:client verify:rsa2048 verify:rsa2048",
                         "S2: rsa-decrypt:rsa2048 step:server",
                         "C3: step:client"}),
                    QUICK);
        AddTestCase(new TlsOperationsTestCase(
                        "1.2",
                        "ecdhe",
                        "p256",
                        {"C1: step:client",
                         "S1: keygen:x25519 sign:p256 step:server",
                         "C2: derive:x25519 keygen:x25519 step:client verify:p256 verify:p256",
                         "S2: derive:x25519 step:server",
                         "C3: step:client"}),
                    QUICK);
        // ML-KEM: the client generates, the server encapsulates, the client decapsulates; a
        // hybrid costs its parts. Two key shares ('*'): two client key generations.
        AddTestCase(new TlsOperationsTestCase(
                        "1.3",
                        "ecdhe",
                        "mldsa65",
                        {"C1: keygen:mlkem768 keygen:x25519 keygen:x25519 step:client",
                         "S1: derive:x25519 encaps:mlkem768 keygen:x25519 sign:mldsa65 step:server",
                         "C2: decaps:mlkem768 derive:x25519 step:client verify:mldsa65 "
                         "verify:mldsa65",
                         "S2: step:server",
                         "C3: step:client"},
                        "*X25519MLKEM768:*X25519"),
                    QUICK);
        AddTestCase(new TlsOperationsTestCase("1.3",
                                              "ecdhe",
                                              "p256",
                                              {"C1: keygen:mlkem1024 step:client",
                                               "S1: encaps:mlkem1024 sign:p256 step:server",
                                               "C2: decaps:mlkem1024 step:client verify:p256 "
                                               "verify:p256",
                                               "S2: step:server",
                                               "C3: step:client"},
                                              "MLKEM1024"),
                    QUICK);
        // Each certificate is priced by its issuer: the ML-DSA-44 leaf (the server sends no
        // root) is verified with its SLH-DSA-128f root's key, CertificateVerify with the leaf's.
        AddTestCase(new TlsOperationsTestCase("1.3",
                                              "ecdhe",
                                              "mldsa44,ca=slhdsa128f",
                                              {"C1: keygen:x25519 step:client",
                                               "S1: derive:x25519 keygen:x25519 sign:mldsa44 "
                                               "step:server",
                                               "C2: derive:x25519 step:client verify:mldsa44 "
                                               "verify:slhdsa128f",
                                               "S2: step:server",
                                               "C3: step:client"},
                                              "X25519"),
                    QUICK);
        AddTestCase(new TlsModelTimeTestCase(), QUICK);
        AddTestCase(new TlsCpuQueueTestCase(), QUICK);
        AddTestCase(new TlsServerContentionTestCase(), QUICK);
    }
};

/// Static instance.
static TlsCostModelTestSuite g_tlsCostModelTestSuite;
