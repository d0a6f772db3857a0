/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Reliability: connections are freed, outputs never clobber what they must not, encrypted keys
 * never prompt, a broken session is not reused, nothing leaks from one run into the next, and
 * records keep the handshake's outcome apart from later errors.
 */
#include "ns3/test.h"
#include "ns3/tls-connection.h"
#include "ns3/tls-credentials.h"
#include "ns3/tls-engine.h"
#include "ns3/tls-handshake-record.h"
#include "ns3/tls-scenario.h"

#include "tls-test-compat.h"
#include "tls-test-pki.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace ns3;

namespace
{

/// A fresh scratch directory, removed with its content at the end of the scope.
struct ScratchDir
{
    ScratchDir()
    {
        char name[] = "/tmp/ns3tls-test-XXXXXX";
        path = ::mkdtemp(name);
    }

    ~ScratchDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }

    std::string path; //!< the directory
};

std::string
ReadAll(const std::string& path)
{
    std::ifstream f(path);
    std::ostringstream os;
    os << f.rdbuf();
    return os.str();
}

void
WriteText(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}

/// Writes generated credentials (leaf + key) of a key type as PEM files.
void
WritePem(const std::string& keyType,
         const std::string& cert,
         const std::string& key,
         const char* password = nullptr)
{
    TlsCredentials::Spec spec;
    spec.keyType = keyType;
    std::string error;
    auto creds = TlsCredentials::Get(spec, error);
    NS_ABORT_MSG_IF(!creds, error);
    FILE* f = std::fopen(cert.c_str(), "w");
    PEM_write_X509(f, creds->GetLeaf());
    std::fclose(f);
    f = std::fopen(key.c_str(), "w");
    PEM_write_PrivateKey(f,
                         creds->GetKey(),
                         password ? EVP_aes_128_cbc() : nullptr,
                         nullptr,
                         0,
                         nullptr,
                         const_cast<char*>(password));
    std::fclose(f);
}

/// @return the value of a parameter column of a config
std::string
Column(const TlsScenarioConfig& c, const std::string& name)
{
    for (const auto& p : c.GetParameterColumns())
    {
        if (p.first == name)
        {
            return p.second;
        }
    }
    return "?";
}

} // namespace

/**
 * @ingroup tls-test
 * @brief Every TlsConnection is freed: none is alive after a run, and the most alive at once
 * does not grow with the number of handshakes (a reference cycle through the deferred step's
 * EventId used to keep every connection whose CPU was busy when bytes arrived).
 */
class TlsConnectionLifetimeTestCase : public TestCase
{
  public:
    TlsConnectionLifetimeTestCase()
        : TestCase("connections are freed; connections alive at once bounded")
    {
    }

  private:
    uint64_t
    Peak(uint32_t handshakes)
    {
        TlsScenarioConfig c;
        for (auto [n, v] :
             {std::pair{"clients", "5"}, {"rtt", "1ms"}, {"interval", "1ms"}, {"cpu", "model"}})
        {
            c.Set(n, v);
        }
        c.handshakes = handshakes;
        TlsScenario::Result result;
        TlsConnection::ResetPeakCount();
        NS_TEST_EXPECT_MSG_EQ(TlsScenario::Run(c, result), "", "scenario runs");
        NS_TEST_EXPECT_MSG_EQ(result.records.size(), 5 * handshakes, "one row per handshake");
        result = TlsScenario::Result();
        NS_TEST_EXPECT_MSG_EQ(TlsConnection::GetLiveCount(), 0, "no connection outlives a run");
        return TlsConnection::GetPeakCount();
    }

    void
    DoRun() override
    {
        // Each client keeps its current connection and up to 64 closing ones, the server its
        // open sessions (one per client at most) and up to 256 closing ones
        // (MAX_CLOSING of TlsClientApplication and TlsServerApplication).
        const uint64_t bound = 5 * (1 + 64) + 5 + 256;
        uint64_t small = Peak(10);
        NS_TEST_EXPECT_MSG_EQ(small, 2 * 5 * 10, "few handshakes: all alive until the end");
        uint64_t large = Peak(60); // 600 connections in all
        NS_TEST_EXPECT_MSG_LT_OR_EQ(large, bound, "connections alive at once are bounded");
    }
};

/**
 * @ingroup tls-test
 * @brief A connection's SSL object is freed once both ends closed it, not at the end of the
 * run: with clients arriving one at a time, one client and one server engine are alive at once
 * (every client's engine used to live until the end, a run's peak memory growing ~34 KB per
 * client).
 */
class TlsEngineReleaseTestCase : public TestCase
{
  public:
    TlsEngineReleaseTestCase()
        : TestCase("SSL objects freed once both ends closed: one connection's alive at a time")
    {
    }

  private:
    void
    DoRun() override
    {
        // TLS 1.3 over 50 ms RTT: the client's FIN goes at 2 RTT, the server answers at 2.5 RTT
        // and the client reads that FIN at 3 RTT, 150 ms (plus CPU) after its connect; the next
        // client connects 500 ms after the previous one.
        TlsScenarioConfig c;
        for (auto [n, v] : {std::pair{"clients", "40"},
                            {"arrival", "uniform"},
                            {"arrival-window", "20s"},
                            {"tls", "1.3"},
                            {"rtt", "50ms"}})
        {
            NS_TEST_ASSERT_MSG_EQ(c.Set(n, v), "", n);
        }
        TlsEngine::ResetPeakCount();
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "scenario runs");
        NS_TEST_ASSERT_MSG_EQ(result.records.size(), 40, "one row per client");
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok && r->postError.empty(), true, r->error + r->postError);
        }
        NS_TEST_EXPECT_MSG_EQ(TlsEngine::GetPeakCount(), 2, "a client's and a server's at once");
        NS_TEST_EXPECT_MSG_EQ(TlsEngine::GetLiveCount(), 0, "none outlives the run");
    }
};

/**
 * @ingroup tls-test
 * @brief Output files: symlinks written through, devices never replaced, a user's X.tmp kept,
 * two outputs on one path refused, an unwritable output refused before anything is truncated.
 */
class TlsOutputFileTestCase : public TestCase
{
  public:
    TlsOutputFileTestCase()
        : TestCase("output files: atomic only for regular files, checked before running")
    {
    }

  private:
    void
    DoRun() override
    {
        ScratchDir dir;
        std::string target = dir.path + "/target.csv";
        std::string link = dir.path + "/link.csv";
        WriteText(target, "old");
        std::filesystem::create_symlink(target, link);
        WriteText(link + ".tmp", "mine");
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::WriteFile(link, "new"), "", "write through a link");
        NS_TEST_EXPECT_MSG_EQ(std::filesystem::is_symlink(link), true, "link kept");
        NS_TEST_EXPECT_MSG_EQ(ReadAll(target), "new", "target written");
        NS_TEST_EXPECT_MSG_EQ(ReadAll(link + ".tmp"), "mine", "a user's .tmp file is kept");
        size_t files = 0;
        for (auto& e : std::filesystem::directory_iterator(dir.path))
        {
            files += e.exists() ? 1 : 0;
        }
        NS_TEST_EXPECT_MSG_EQ(files, 3, "no temporary file left behind");
        NS_TEST_EXPECT_MSG_EQ(TlsScenario::WriteFile("/dev/null", "x"), "", "device written");
        struct stat st;
        NS_TEST_EXPECT_MSG_EQ((::stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode)),
                              true,
                              "/dev/null is still a device");
        NS_TEST_EXPECT_MSG_NE(TlsScenario::WriteFile("/dev/full", "x"), "", "ENOSPC reported");

        TlsScenarioConfig c;
        c.Set("csv", dir.path + "/a.csv");
        c.Set("timeline", link);
        c.Set("keylog", target);
        TlsScenario::Result result;
        NS_TEST_EXPECT_MSG_EQ(TlsScenario::Run(c, result),
                              "--timeline and --keylog name the same file '" + target + "'",
                              "two outputs on one file refused");
        NS_TEST_EXPECT_MSG_EQ(ReadAll(target), "new", "nothing truncated");

        c.Set("timeline", "");
        c.Set("pcap", dir.path + "/missing/cap");
        std::string e = TlsScenario::Run(c, result);
        NS_TEST_EXPECT_MSG_EQ(
            e.rfind("cannot write pcap file '" + dir.path + "/missing/cap-1-1.pcap'", 0),
            0,
            "unwritable pcap is one line: " << e);
        NS_TEST_EXPECT_MSG_EQ(ReadAll(target), "new", "existing key log not truncated");
        NS_TEST_EXPECT_MSG_EQ(std::filesystem::exists(dir.path + "/a.csv"), false, "no csv");
    }
};

/**
 * @ingroup tls-test
 * @brief An encrypted private key is refused in one line, never prompted for.
 */
class TlsEncryptedKeyTestCase : public TestCase
{
  public:
    TlsEncryptedKeyTestCase()
        : TestCase("an encrypted --private-key is an error, not a prompt")
    {
    }

  private:
    void
    DoRun() override
    {
        ScratchDir dir;
        std::string cert = dir.path + "/cert.pem";
        std::string key = dir.path + "/key.pem";
        WritePem("p256", cert, key, "secret");
        TlsCredentials::Spec spec;
        spec.certFile = cert;
        spec.keyFile = key;
        std::string error;
        NS_TEST_EXPECT_MSG_EQ((TlsCredentials::Get(spec, error) == nullptr), true, "refused");
        NS_TEST_EXPECT_MSG_EQ(error.rfind("private key '" + key + "' is encrypted", 0),
                              0,
                              "message names the file: " << error);
    }
};

/**
 * @ingroup tls-test
 * @brief A client whose connection ended badly does not reuse the session it left behind: the
 * next connection falls back to a full handshake (here conn 1 times out waiting for the
 * response, which leaves the shared session not resumable).
 */
class TlsBrokenSessionTestCase : public TestCase
{
  public:
    TlsBrokenSessionTestCase(std::string resume)
        : TestCase("a broken " + resume + " session is not reused")
        , m_resume(resume)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        for (auto [n, v] : {std::pair{"cpu", "none"},
                            {"tls", "1.3"},
                            {"early-data", "14592"},
                            {"loss", "0.2785"},
                            {"rtt", "513ms"},
                            {"handshakes", "5"},
                            {"seed", "803"}})
        {
            NS_TEST_ASSERT_MSG_EQ(c.Set(n, v), "", n);
        }
        c.Set("resume", m_resume);
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "scenario runs");
        NS_TEST_ASSERT_MSG_EQ(result.records.size(), 5, "one row per handshake");
        const auto& r1 = result.records[1];
        NS_TEST_EXPECT_MSG_EQ(r1->ok, true, "conn 1's handshake completed");
        NS_TEST_EXPECT_MSG_EQ(r1->error, "", "no handshake error");
        NS_TEST_EXPECT_MSG_EQ(r1->postError, "timeout: response", "the later error, apart");
        for (size_t i = 2; i < 5; ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(
                result.records[i]->ok, true, "conn " << i << ": " << result.records[i]->error);
        }
        NS_TEST_EXPECT_MSG_EQ(result.records[2]->resumed, false, "full handshake after it");
    }

    std::string m_resume; //!< ticket | session-id
};

/**
 * @ingroup tls-test
 * @brief Nothing of one run leaks into the next in the same process: a CA file stops being
 * trusted, an edited certificate file is read again, and the CSV names the real key type.
 */
class TlsRunIsolationTestCase : public TestCase
{
  public:
    TlsRunIsolationTestCase()
        : TestCase("no state leaks between runs; PEM key type recorded")
    {
    }

  private:
    void
    DoRun() override
    {
        ScratchDir dir;
        // The untrusted root as a CA file makes --fault=untrusted-ca succeed, once.
        TlsCredentials::Spec untrusted;
        untrusted.untrusted = true;
        std::string error;
        auto creds = TlsCredentials::Get(untrusted, error);
        NS_TEST_ASSERT_MSG_EQ((creds != nullptr), true, error);
        std::string ca = dir.path + "/ca.pem";
        FILE* f = std::fopen(ca.c_str(), "w");
        PEM_write_X509(f, creds->GetRoot());
        std::fclose(f);
        TlsScenarioConfig c;
        c.Set("fault", "untrusted-ca");
        c.Set("ca-file", ca);
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "runs");
        NS_TEST_EXPECT_MSG_EQ(result.records[0]->ok, true, "trusted with the CA file");
        c.Set("ca-file", "");
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "runs");
        NS_TEST_EXPECT_MSG_EQ(result.records[0]->ok, false, "no longer trusted without it");

        std::string cert = dir.path + "/cert.pem";
        std::string key = dir.path + "/key.pem";
        TlsScenarioConfig p;
        p.Set("cert", cert);
        p.Set("private-key", key);
        for (const char* type : {"p256", "rsa2048"})
        {
            WritePem(type, cert, key);
            NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(p, result), "", "runs with " << type);
            NS_TEST_EXPECT_MSG_EQ(result.records[0]->ok, true, type);
            NS_TEST_EXPECT_MSG_EQ(Column(p, "key"), type, "key column names the real type");
        }
    }
};

/**
 * @ingroup tls-test
 * @brief The parameter columns say what was configured: under --fault=version-mismatch the
 * server's version (the same failure as that version given as --server-tls), and for a --cert
 * chain the intermediates and CA key types in the files, or nothing when they are unknown.
 */
class TlsParameterColumnsTestCase : public TestCase
{
  public:
    TlsParameterColumnsTestCase()
        : TestCase("server_tls under version-mismatch; chain and ca_key of PEM chains")
    {
    }

  private:
    void
    DoRun() override
    {
        for (const char* tls : {"1.2", "1.3"})
        {
            TlsScenarioConfig fault;
            fault.Set("tls", tls);
            fault.Set("fault", "version-mismatch");
            std::string server = Column(fault, "server_tls");
            std::string other = tls == std::string("1.3") ? "1.2" : "1.3";
            NS_TEST_EXPECT_MSG_EQ(server, other, tls);
            NS_TEST_EXPECT_MSG_EQ(fault.Get("server-tls"), "1.2-1.3", "the flag is unchanged");
            // The fault is that server: the same failure when it is given as --server-tls.
            TlsScenarioConfig same;
            same.Set("tls", tls);
            same.Set("server-tls", server);
            TlsScenario::Result a;
            TlsScenario::Result b;
            NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(fault, a), "", "runs");
            NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(same, b), "", "runs");
            NS_TEST_EXPECT_MSG_EQ(a.records[0]->ok, false, "fails");
            NS_TEST_EXPECT_MSG_EQ(a.records[0]->error, b.records[0]->error, "the same failure");
            NS_TEST_EXPECT_MSG_EQ(a.records[0]->GetFailMs(), b.records[0]->GetFailMs(), "same");
        }
        TlsScenarioConfig plain;
        plain.Set("server-tls", "1.3");
        NS_TEST_EXPECT_MSG_EQ(Column(plain, "server_tls"), "1.3", "no fault: --server-tls");

        // root (rsa2048) -> intermediate (p256) -> leaf (p256); a self-signed ed25519 leaf.
        ScratchDir dir;
        EVP_PKEY* rootKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
        EVP_PKEY* ecKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        EVP_PKEY* edKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        auto spec = [](const std::string& cn, bool ca)
        {
            return TlsTestCertificateSpec{
                cn, "server.ns3tls", cn[0], ca, "20250101000000Z", "20350101000000Z"};
        };
        X509* root = MakeTestCertificate(spec("Root", true), rootKey);
        X509* mid = MakeTestCertificate(spec("Intermediate", true), ecKey, root, rootKey);
        X509* leaf = MakeTestCertificate(spec("Leaf", false), ecKey, mid, ecKey);
        X509* self = MakeTestCertificate(spec("Self", false), edKey);
        const std::string d = dir.path + "/";
        WriteTestPem(d + "chain.pem", {leaf, mid});
        WriteTestPem(d + "full.pem", {leaf, mid, root});
        WriteTestPem(d + "root.pem", {root});
        WriteTestPem(d + "leaf.pem", {leaf});
        WriteTestPem(d + "mid.pem", {mid});
        WriteTestPem(d + "key.pem", {}, ecKey);
        WriteTestPem(d + "self.pem", {self}, edKey);
        struct Case
        {
            std::string cert;  //!< --cert
            std::string key;   //!< --private-key
            std::string ca;    //!< --ca-file
            std::string chain; //!< expected chain column
            std::string caKey; //!< expected ca_key column
            bool ok;           //!< the handshake verifies
        };
        for (const Case& k : std::vector<Case>{
                 {"chain.pem", "key.pem", "root.pem", "1", "p256+rsa2048", true},
                 {"full.pem", "key.pem", "", "1", "p256+rsa2048", false}, // root not trusted
                 {"chain.pem", "key.pem", "", "1", "", false},
                 {"leaf.pem", "key.pem", "mid.pem", "0", "", false},
                 {"self.pem", "self.pem", "self.pem", "0", "ed25519", true},
             })
        {
            TlsScenarioConfig c;
            c.Set("cert", d + k.cert);
            c.Set("private-key", d + k.key);
            c.Set("ca-file", k.ca.empty() ? "" : d + k.ca);
            c.Set("server-name", "server.ns3tls");
            c.Set("cpu", "none");
            NS_TEST_EXPECT_MSG_EQ(Column(c, "chain"), k.chain, k.cert << " " << k.ca);
            NS_TEST_EXPECT_MSG_EQ(Column(c, "ca_key"), k.caKey, k.cert << " " << k.ca);
            TlsScenario::Result r;
            NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, r), "", "runs");
            NS_TEST_EXPECT_MSG_EQ(r.records[0]->ok, k.ok, k.cert << ": " << r.records[0]->error);
        }
        TlsScenarioConfig missing;
        missing.Set("cert", d + "none.pem");
        missing.Set("private-key", d + "key.pem");
        NS_TEST_EXPECT_MSG_EQ(Column(missing, "chain"), "", "unreadable: unknown, not 0");
        NS_TEST_EXPECT_MSG_EQ(Column(missing, "ca_key"), "", "unreadable: unknown");
        missing.Set("chain", "2");
        NS_TEST_EXPECT_MSG_EQ(missing.Validate(),
                              "--chain=2 needs generated credentials: drop --cert",
                              "--chain does not describe a --cert chain");
        for (X509* x : {root, mid, leaf, self})
        {
            X509_free(x);
        }
        for (EVP_PKEY* k : {rootKey, ecKey, edKey})
        {
            EVP_PKEY_free(k);
        }
    }
};

/**
 * @ingroup tls-test
 * @brief Values are checked whole and in range.
 */
class TlsValueRangeTestCase : public TestCase
{
  public:
    TlsValueRangeTestCase()
        : TestCase("values: ranges named, no wrap, no empty list items")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        for (const char* bad :
             {"99999999999999999999p", "4294967301p", "4294968KB", "0p", "p", "12"})
        {
            std::string e = c.Set("queue", bad);
            NS_TEST_EXPECT_MSG_EQ(
                e.rfind(std::string("invalid --queue='") + bad + "'", 0), 0, bad << ": " << e);
        }
        NS_TEST_EXPECT_MSG_EQ(c.Set("queue", "4294967295p"), "", "the largest count");
        for (const char* bad : {"syn,,2", ",1", "1,"})
        {
            NS_TEST_EXPECT_MSG_NE(c.Set("drop-c2s", bad), "", bad);
        }
        NS_TEST_EXPECT_MSG_EQ(c.Set("csv", "my results.csv"), "", "spaces kept");
        NS_TEST_EXPECT_MSG_EQ(c.Get("csv"), "my results.csv", "whole value");
    }
};

/**
 * A connection started at simulated time 0 (an application without Start(), as ns-3's default)
 * has every time in its record: 0 is a time, only the sentinel -1 means "not yet" (ns-3's
 * Time::IsNegative() is true for 0).
 */
class TlsRecordAtTimeZeroTestCase : public TestCase
{
  public:
    TlsRecordAtTimeZeroTestCase()
        : TestCase("a record whose connection started at t = 0 has its times")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsHandshakeRecord r;
        r.connectTime = Seconds(0);
        r.tcpDone = MilliSeconds(50);
        r.clientDone = MilliSeconds(100);
        r.serverDone = MilliSeconds(125);
        r.ok = true;
        // (EQ_TOL lets NaN through: check that each time is there first)
        NS_TEST_ASSERT_MSG_EQ(std::isnan(r.GetTcpMs()), false, "tcp_ms from t = 0 is there");
        NS_TEST_ASSERT_MSG_EQ(std::isnan(r.GetTotalMs()), false, "total_ms from t = 0 is there");
        NS_TEST_ASSERT_MSG_EQ(std::isnan(r.GetServerDoneMs()), false, "server_done_ms is there");
        TLS_TEST_ASSERT_MSG_EQ_TOL(r.GetTcpMs(), 50.0, 1e-9, "tcp_ms from t = 0");
        TLS_TEST_ASSERT_MSG_EQ_TOL(r.GetTotalMs(), 100.0, 1e-9, "total_ms from t = 0");
        TLS_TEST_ASSERT_MSG_EQ_TOL(r.GetServerDoneMs(), 125.0, 1e-9, "server_done_ms from t = 0");
        TlsHandshakeRecord unset;
        NS_TEST_ASSERT_MSG_EQ(std::isnan(unset.GetTcpMs()), true, "unset times stay empty");
    }
};

/**
 * @ingroup tls-test
 * @brief Reliability test suite.
 */
class TlsReliabilityTestSuite : public TestSuite
{
  public:
    TlsReliabilityTestSuite()
        : TestSuite("tls-reliability", UNIT)
    {
        AddTestCase(new TlsConnectionLifetimeTestCase(), QUICK);
        AddTestCase(new TlsEngineReleaseTestCase(), QUICK);
        AddTestCase(new TlsOutputFileTestCase(), QUICK);
        AddTestCase(new TlsEncryptedKeyTestCase(), QUICK);
        AddTestCase(new TlsBrokenSessionTestCase("ticket"), QUICK);
        AddTestCase(new TlsBrokenSessionTestCase("session-id"), QUICK);
        AddTestCase(new TlsRunIsolationTestCase(), QUICK);
        AddTestCase(new TlsValueRangeTestCase(), QUICK);
        AddTestCase(new TlsRecordAtTimeZeroTestCase(), QUICK);
        AddTestCase(new TlsParameterColumnsTestCase(), QUICK);
    }
};

/// The suite's instance.
static TlsReliabilityTestSuite g_tlsReliabilityTestSuite;
