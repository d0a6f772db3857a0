/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * --cpu=model prices what OpenSSL negotiated: the group (TLS 1.3 ffdhe, TLS 1.2 DHE's MODP
 * group), the server's own key of any size, each certificate's signature by its issuer's key,
 * and whatever the table lacks measured at run start. Differences between runs that differ in
 * one parameter equal the table's differences, to the rounding of a nanosecond per step.
 */
#include "ns3/test.h"
#include "ns3/tls-credentials.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/tls-scenario.h"
#include "tls-test-compat.h"
#include "tls-test-pki.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <unistd.h>

using namespace ns3;

namespace
{

/// The built-in table's (the linked OpenSSL's, GetBuiltinTableName) price of an operation, in ns.
double
Price(const std::string& operation)
{
    return TlsOperationCostModel::GetBuiltinTable().at(operation) * 1000;
}

/// Runs one handshake with --cpu=model and returns the scenario's result.
TlsScenario::Result
RunModel(const std::vector<std::pair<std::string, std::string>>& flags)
{
    TlsScenarioConfig c;
    for (const auto& f : flags)
    {
        std::string e = c.Set(f.first, f.second);
        NS_ABORT_MSG_IF(!e.empty(), e);
    }
    TlsScenario::Result result;
    std::string error = TlsScenario::Run(c, result);
    NS_ABORT_MSG_IF(!error.empty(), error);
    NS_ABORT_MSG_IF(
        result.records.empty() || !result.records[0]->ok,
        "handshake failed: " << (result.records.empty() ? "" : result.records[0]->error));
    return result;
}

/// Two runs that differ in one parameter: the CPU difference is the table's.
class TlsPricedDifferenceTestCase : public TestCase
{
  public:
    /**
     * @param name what is compared
     * @param a flags of the first run
     * @param b flags of the second run
     * @param server compare server (else client) CPU
     * @param ops operations b performs instead of a's: b's minus a's, priced from the table
     * @param group the group b's record must show ("" = not checked)
     */
    TlsPricedDifferenceTestCase(std::string name,
                                std::vector<std::pair<std::string, std::string>> a,
                                std::vector<std::pair<std::string, std::string>> b,
                                bool server,
                                std::vector<std::pair<std::string, int>> ops,
                                std::string group)
        : TestCase(name)
        , m_a(a)
        , m_b(b)
        , m_server(server)
        , m_ops(ops)
        , m_group(group)
    {
    }

  private:
    void
    DoRun() override
    {
        auto ra = RunModel(m_a).records[0];
        auto rb = RunModel(m_b).records[0];
        double expected = 0;
        for (const auto& [op, n] : m_ops)
        {
            expected += n * Price(op);
        }
        Time a = m_server ? ra->serverCpu : ra->clientCpu;
        Time b = m_server ? rb->serverCpu : rb->clientCpu;
        TLS_TEST_ASSERT_MSG_EQ_TOL(double((b - a).GetNanoSeconds()),
                                  expected,
                                  8,
                                  (m_server ? "server" : "client") << " CPU difference, ns");
        if (!m_group.empty())
        {
            NS_TEST_ASSERT_MSG_EQ(rb->group, m_group, "negotiated group recorded");
        }
    }

    std::vector<std::pair<std::string, std::string>> m_a;
    std::vector<std::pair<std::string, std::string>> m_b;
    bool m_server;
    std::vector<std::pair<std::string, int>> m_ops;
    std::string m_group;
};

/// The table itself: what the measurements say must hold on any x86-64 machine.
class TlsTableOrderTestCase : public TestCase
{
  public:
    TlsTableOrderTestCase()
        : TestCase("table: ffdhe8192 > 20x ffdhe2048, rsa8192 sign > 10x rsa2048, no default")
    {
    }

  private:
    void
    DoRun() override
    {
        NS_TEST_ASSERT_MSG_GT(Price("sign:rsa8192"), 10 * Price("sign:rsa2048"), "RSA-8192");
        NS_TEST_ASSERT_MSG_GT(Price("keygen:ffdhe8192") + Price("derive:ffdhe8192"),
                              20 * (Price("keygen:ffdhe2048") + Price("derive:ffdhe2048")),
                              "ffdhe8192");
        NS_TEST_ASSERT_MSG_EQ(TlsOperationCostModel::GetBuiltinTable().count("default"),
                              0,
                              "no silent default price");
        // Every key type TlsCredentials makes is priced.
        std::string types = TlsCredentials::KnownKeyTypes() + "|";
        for (size_t p = 0, q; (q = types.find('|', p)) != std::string::npos; p = q + 1)
        {
            std::string k = types.substr(p, q - p);
            NS_TEST_ASSERT_MSG_EQ(
                TlsOperationCostModel::GetBuiltinTable().count("sign:" + k), 1, "sign:" << k);
            NS_TEST_ASSERT_MSG_EQ(
                TlsOperationCostModel::GetBuiltinTable().count("verify:" + k), 1, "verify:" << k);
        }
    }
};

/**
 * The built-in table is the one measured with the OpenSSL release line the module runs, and the
 * run information names it. The release is read from OpenSSL_version()'s text here (the model
 * uses OpenSSL_version_num()). The two tables differ where the releases' code does:
 * EVP_PKEY_derive_set_peer() checks a DH peer key with EVP_PKEY_public_check(), which OpenSSL 3.0
 * makes a full SP 800-56A check (pub^q mod p, as costly as the derivation itself) and later
 * releases a partial one for named safe-prime groups (ffdhe, MODP; openssl/openssl#25088):
 * derive:ffdhe costs keygen + a full-size exponentiation with 3.0, about one keygen with 3.5.
 */
class TlsBuiltinTableSelectionTestCase : public TestCase
{
  public:
    TlsBuiltinTableSelectionTestCase()
        : TestCase("built-in table: the linked OpenSSL's release line, named in the run info")
    {
    }

  private:
    void
    DoRun() override
    {
        // "OpenSSL 3.5.7 30 Sep 2025" -> 3, 5
        int major = 0;
        int minor = 0;
        NS_TEST_ASSERT_MSG_EQ(
            std::sscanf(OpenSSL_version(OPENSSL_VERSION), "OpenSSL %d.%d", &major, &minor),
            2,
            "version text");
        std::string expected
            = major > 3 || (major == 3 && minor >= 5) ? "openssl-3.5" : "openssl-3.0";
        NS_TEST_ASSERT_MSG_EQ(TlsOperationCostModel::GetBuiltinTableName(), expected, "selected");
        NS_TEST_ASSERT_MSG_EQ(&TlsOperationCostModel::GetBuiltinTable(),
                              &TlsOperationCostModel::GetBuiltinTable(expected),
                              "GetBuiltinTable()");
        NS_TEST_ASSERT_MSG_EQ(
            RunModel({{"handshakes", "1"}}).costTable, "built-in " + expected, "run information");
        for (unsigned long v : {0x30000000UL, 0x300000d0UL, 0x30400010UL})
        {
            NS_TEST_ASSERT_MSG_EQ(TlsOperationCostModel::GetBuiltinTableName(v), "openssl-3.0", v);
        }
        for (unsigned long v : {0x30500000UL, 0x30500070UL, 0x30600000UL, 0x40000000UL})
        {
            NS_TEST_ASSERT_MSG_EQ(TlsOperationCostModel::GetBuiltinTableName(v), "openssl-3.5", v);
        }

        // The DH peer check: full in 3.0 (derive > 4x keygen), partial in 3.5 (derive ~ keygen).
        for (const std::string g : {"ffdhe2048", "ffdhe8192", "modp4096"})
        {
            const auto& t30 = TlsOperationCostModel::GetBuiltinTable("openssl-3.0");
            const auto& t35 = TlsOperationCostModel::GetBuiltinTable("openssl-3.5");
            NS_TEST_ASSERT_MSG_GT(t30.at("derive:" + g), 4 * t30.at("keygen:" + g), "3.0 " << g);
            NS_TEST_ASSERT_MSG_LT(t35.at("derive:" + g), 2 * t35.at("keygen:" + g), "3.5 " << g);
            NS_TEST_ASSERT_MSG_GT(t35.at("derive:" + g), 0.5 * t35.at("keygen:" + g), "3.5 " << g);
        }
        // Both OpenSSLs were built with enable-ec_nistp_64_gcc_128 (Debian's 3.0 packages and
        // tools/openssl35.sh): P-521 uses the 64-bit constant-time code, not the generic one that
        // made a P-521 signature ~7x slower (~1.2 ms), more than an RSA-2048 one.
        for (const std::string t : {"openssl-3.0", "openssl-3.5"})
        {
            const auto& table = TlsOperationCostModel::GetBuiltinTable(t);
            NS_TEST_ASSERT_MSG_LT(table.at("sign:p521"), table.at("sign:rsa2048"), t);
        }
    }
};

/// Writes root (ca.pem), leaf + intermediate (chain.pem) and the leaf key (key.pem).
void
WriteChain(const std::string& dir, EVP_PKEY* rootKey, EVP_PKEY* intermediateKey, EVP_PKEY* leafKey)
{
    // Serials are the CNs' first letters, dated 2025-2035 (inside the default verification date).
    auto spec = [](const std::string& cn, const std::string& dns, bool ca) {
        return TlsTestCertificateSpec{cn, dns, cn[0], ca, "20250101000000Z", "20350101000000Z"};
    };
    X509* root = MakeTestCertificate(spec("Root", "", true), rootKey);
    X509* intermediate
        = MakeTestCertificate(spec("Intermediate", "", true), intermediateKey, root, rootKey);
    X509* leaf = MakeTestCertificate(
        spec("Leaf", "server.ns3tls", false), leafKey, intermediate, intermediateKey);
    WriteTestPem(dir + "/ca.pem", {root});
    WriteTestPem(dir + "/chain.pem", {leaf, intermediate});
    WriteTestPem(dir + "/key.pem", {}, leafKey);
    X509_free(root);
    X509_free(intermediate);
    X509_free(leaf);
}

/**
 * A mixed chain, p256 leaf signed by an rsa4096 intermediate signed by a p256 root: the client
 * pays verify:rsa4096 for the leaf's signature where an all-p256 chain pays verify:p256.
 */
class TlsMixedChainTestCase : public TestCase
{
  public:
    TlsMixedChainTestCase()
        : TestCase("mixed chain (p256 leaf, rsa4096 intermediate): the rsa4096 verify is charged")
    {
    }

  private:
    void
    DoRun() override
    {
        auto dir = (std::filesystem::temp_directory_path()
                    / ("ns3tls-mixed-" + std::to_string(::getpid())))
                       .string();
        std::filesystem::create_directories(dir);
        TlsCredentials::Spec spec;
        spec.keyType = "rsa4096";
        std::string error;
        auto rsa = TlsCredentials::Get(spec, error); // a disk-cached RSA-4096 key
        NS_TEST_ASSERT_MSG_NE(rsa, nullptr, error);
        EVP_PKEY* rootKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        EVP_PKEY* leafKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        WriteChain(dir, rootKey, rsa->GetKey(), leafKey);
        EVP_PKEY_free(rootKey);
        EVP_PKEY_free(leafKey);
        auto all = RunModel({{"key", "p256"}, {"chain", "1"}}).records[0];
        auto mixed = RunModel({{"cert", dir + "/chain.pem"},
                               {"private-key", dir + "/key.pem"},
                               {"ca-file", dir + "/ca.pem"}})
                         .records[0];
        TLS_TEST_ASSERT_MSG_EQ_TOL(double((mixed->clientCpu - all->clientCpu).GetNanoSeconds()),
                                  Price("verify:rsa4096") - Price("verify:p256"),
                                  8,
                                  "client CPU: the leaf's signature checked with RSA-4096");
        NS_TEST_ASSERT_MSG_EQ(mixed->serverCpu, all->serverCpu, "server signs with p256 both");
        std::filesystem::remove_all(dir);
    }
};

/// A key size the table lacks is measured at run start and named in the run information.
class TlsMeasuredAtStartTestCase : public TestCase
{
  public:
    TlsMeasuredAtStartTestCase()
        : TestCase("PEM rsa2304 key (not in the table): priced by a measurement at run start")
    {
    }

  private:
    void
    DoRun() override
    {
        auto dir = (std::filesystem::temp_directory_path()
                    / ("ns3tls-measured-" + std::to_string(::getpid())))
                       .string();
        std::filesystem::create_directories(dir);
        EVP_PKEY* rootKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        EVP_PKEY* leafKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", (size_t)2304);
        WriteChain(dir, rootKey, rootKey, leafKey);
        EVP_PKEY_free(rootKey);
        EVP_PKEY_free(leafKey);
        auto result = RunModel({{"cert", dir + "/chain.pem"},
                                {"private-key", dir + "/key.pem"},
                                {"ca-file", dir + "/ca.pem"}});
        const auto& m = result.measuredCosts;
        NS_TEST_ASSERT_MSG_EQ(m.count("sign:rsa2304"), 1, "server signature measured");
        NS_TEST_ASSERT_MSG_EQ(m.count("verify:rsa2304"), 1, "client verify measured");
        NS_TEST_ASSERT_MSG_EQ(m.size(), 2, "nothing else is missing");
        NS_TEST_ASSERT_MSG_GT(m.at("sign:rsa2304"), m.at("verify:rsa2304"), "RSA: sign > verify");
        NS_TEST_ASSERT_MSG_GT(
            result.records[0]->serverCpu, MicroSeconds(int64_t(m.at("sign:rsa2304"))), "charged");
        std::filesystem::remove_all(dir);
    }
};

class TlsCostPricingTestSuite : public TestSuite
{
  public:
    TlsCostPricingTestSuite()
        : TestSuite("tls-cost-pricing", UNIT)
    {
        AddTestCase(new TlsTableOrderTestCase(), QUICK);
        AddTestCase(new TlsBuiltinTableSelectionTestCase(), QUICK);
        AddTestCase(new TlsPricedDifferenceTestCase(
                        "TLS 1.3 ffdhe8192 vs ffdhe2048: server CPU differs by the table's",
                        {{"groups", "ffdhe2048"}},
                        {{"groups", "ffdhe8192"}},
                        true,
                        {{"keygen:ffdhe8192", 1},
                         {"derive:ffdhe8192", 1},
                         {"keygen:ffdhe2048", -1},
                         {"derive:ffdhe2048", -1}},
                        "ffdhe8192"),
                    QUICK);
        AddTestCase(new TlsPricedDifferenceTestCase(
                        "TLS 1.2 DHE rsa4096: the 4096-bit MODP group of ssl_get_auto_dh",
                        {{"tls", "1.2"}, {"kx", "dhe"}, {"key", "rsa2048"}},
                        {{"tls", "1.2"}, {"kx", "dhe"}, {"key", "rsa4096"}},
                        true,
                        {{"keygen:modp4096", 1},
                         {"derive:modp4096", 1},
                         {"sign:rsa4096", 1},
                         {"keygen:modp2048", -1},
                         {"derive:modp2048", -1},
                         {"sign:rsa2048", -1}},
                        "modp_4096"),
                    QUICK);
        AddTestCase(new TlsPricedDifferenceTestCase("TLS 1.3 p521 server: sign:p521",
                                                    {{"key", "p256"}},
                                                    {{"key", "p521"}},
                                                    true,
                                                    {{"sign:p521", 1}, {"sign:p256", -1}},
                                                    ""),
                    QUICK);
        AddTestCase(new TlsPricedDifferenceTestCase(
                        "TLS 1.3 ed448 client: verify:ed448 for the chain and the signature",
                        {{"key", "ed25519"}},
                        {{"key", "ed448"}},
                        false,
                        {{"verify:ed448", 2}, {"verify:ed25519", -2}},
                        ""),
                    QUICK);
        // RSA-8192: keys are generated once per machine (deterministic, disk cache), slowly.
        AddTestCase(
            new TlsPricedDifferenceTestCase("TLS 1.3 rsa8192 server: sign:rsa8192 (> 10x rsa2048)",
                                            {{"key", "rsa2048"}},
                                            {{"key", "rsa8192"}},
                                            true,
                                            {{"sign:rsa8192", 1}, {"sign:rsa2048", -1}},
                                            ""),
            QUICK);
        AddTestCase(new TlsMixedChainTestCase(), QUICK);
        AddTestCase(new TlsMeasuredAtStartTestCase(), QUICK);
    }
};

static TlsCostPricingTestSuite g_tlsCostPricingTestSuite;

} // namespace
