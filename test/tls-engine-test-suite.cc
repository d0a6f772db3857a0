/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * TlsEngine without ns-3 networking: a client and a server engine pumped into each other
 * complete every handshake kind, with the message sequences of RFC 5246 / RFC 8446.
 */
#include "ns3/abort.h"
#include "ns3/test.h"
#include "ns3/tls-engine.h"
#include "ns3/tls-memory.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-random.h"
#include "ns3/tls-scenario-config.h"
#include "tls-test-compat.h"
#include "tls-test-pki.h"

#include <cstring>
#include <ctime>
#include <openssl/ssl.h>
#include <set>
#include <sstream>
#include <vector>

using namespace ns3;

namespace
{

/// The outcome of pumping two engines into each other until neither has anything to say.
struct PumpResult
{
    std::vector<std::string> sequence; //!< "C:ClientHello", "S:ServerHello", ... in wire order
    TlsEngine::State clientState;      //!< final client state
    TlsEngine::State serverState;      //!< final server state
    std::string clientError;           //!< client failure reason
    std::string serverError;           //!< server failure reason
    bool resumed{false};               //!< client view
    TlsEngine::EarlyDataStatus early{TlsEngine::EARLY_NOT_SENT}; //!< client view
    std::vector<uint8_t> serverAppData;                          //!< what the server received
    bool helloRetry{false};                                      //!< HRR seen by the client
    uint64_t serverBytes{0};                                     //!< server bytes written
    std::string group;                                           //!< negotiated group
    bool clientQuiet{false}; //!< client CanDestroyQuietly() at the end
    bool serverQuiet{false}; //!< server CanDestroyQuietly() at the end
};

std::string
Join(const std::vector<std::string>& v)
{
    std::ostringstream os;
    for (size_t i = 0; i < v.size(); ++i)
    {
        os << (i ? " " : "") << v[i];
    }
    return os.str();
}

/**
 * OpenSSL's allocator (tls-memory.cc): mimalloc, installed at load time unless
 * NS3TLS_OPENSSL_MALLOC=1, and realloc keeps the contents when a block grows and shrinks.
 */
class TlsMemoryTestCase : public TestCase
{
  public:
    TlsMemoryTestCase()
        : TestCase("OpenSSL allocator: mimalloc installed at load time, realloc")
    {
    }

  private:
    void
    DoRun() override
    {
        const char* env = std::getenv("NS3TLS_OPENSSL_MALLOC");
        bool off = env && env[0] == '1';
#ifdef NS3TLS_HAVE_MIMALLOC
        NS_TEST_ASSERT_MSG_EQ(TlsMemory::GetAllocator(),
                              off ? "malloc" : "mimalloc",
                              "allocator installed at load time");
#endif
#ifdef NS3TLS_MALLOC_FIRST
        // the test runner is linked like the examples: mimalloc before the C library
        NS_TEST_ASSERT_MSG_EQ(TlsMemory::GetProcessAllocator(),
                              "mimalloc",
                              "malloc() of a program linked with mimalloc first");
#endif
        auto* p = static_cast<unsigned char*>(OPENSSL_malloc(100));
        for (int i = 0; i < 100; ++i)
        {
            p[i] = static_cast<unsigned char>(i);
        }
        p = static_cast<unsigned char*>(OPENSSL_realloc(p, 50000));
        bool same = true;
        for (int i = 0; i < 100; ++i)
        {
            same = same && p[i] == i;
        }
        p = static_cast<unsigned char*>(OPENSSL_realloc(p, 40));
        for (int i = 0; i < 40; ++i)
        {
            same = same && p[i] == i;
        }
        NS_TEST_ASSERT_MSG_EQ(same, true, "realloc keeps the contents");
        OPENSSL_free(p);
    }
};

/**
 * Runs one connection. If session is given the client offers it; on return it holds the
 * client's newest session (caller frees).
 */
PumpResult
Pump(const TlsConfig& clientConfig,
     const TlsConfig& serverConfig,
     SSL_SESSION** session = nullptr,
     std::vector<uint8_t> earlyData = {})
{
    std::string error;
    auto cctx = TlsContext::Get(clientConfig, TlsContext::CLIENT, error);
    NS_ABORT_MSG_IF(!cctx, error);
    auto sctx = TlsContext::Get(serverConfig, TlsContext::SERVER, error);
    NS_ABORT_MSG_IF(!sctx, error);
    TlsEngine client(cctx);
    TlsEngine server(sctx);
    if (session && *session)
    {
        client.SetSession(*session);
    }
    client.SetEarlyData(earlyData);
    PumpResult r;
    std::vector<uint8_t> buf;
    auto drain = [&](TlsEngine& e, const char* who)
    {
        for (const auto& m : e.TakeMessages())
        {
            if (m.sent)
            {
                r.sequence.push_back(std::string(who) + ":" + m.name);
            }
        }
    };
    client.Advance();
    for (int round = 0; round < 20; ++round)
    {
        drain(client, "C");
        buf.clear();
        client.TakeOutput(buf);
        bool moved = !buf.empty();
        server.Receive(buf.data(), buf.size());
        server.Advance();
        drain(server, "S");
        buf.clear();
        server.TakeOutput(buf);
        moved = moved || !buf.empty();
        client.Receive(buf.data(), buf.size());
        client.Advance();
        if (!moved)
        {
            break;
        }
    }
    r.clientState = client.GetState();
    r.serverState = server.GetState();
    r.clientError = client.GetError();
    r.serverError = server.GetError();
    r.resumed = client.IsResumed();
    r.early = client.GetEarlyDataStatus();
    server.TakeApplicationData(r.serverAppData);
    r.helloRetry = client.HadHelloRetryRequest();
    r.serverBytes = server.GetBytesWritten();
    r.group = client.GetGroup();
    r.clientQuiet = client.CanDestroyQuietly();
    r.serverQuiet = server.CanDestroyQuietly();
    if (session)
    {
        SSL_SESSION_free(*session);
        *session = client.GetSession();
        if (*session)
        {
            SSL_SESSION_up_ref(*session);
        }
    }
    return r;
}

TlsConfig
Config(const std::string& version, const std::string& kx, const std::string& creds)
{
    TlsConfig c;
    bool known = TlsConfig::ParseRange(version, c.minVersion, c.maxVersion)
                 && TlsConfig::ParseKeyExchange(kx, c.keyExchange);
    NS_ABORT_MSG_UNLESS(known, "test configuration " << version << " " << kx);
    c.credentials = creds;
    return c;
}

/// A full handshake completes on both sides with the expected message sequence.
class TlsEngineSequenceTestCase : public TestCase
{
  public:
    TlsEngineSequenceTestCase(std::string name,
                              TlsConfig client,
                              TlsConfig server,
                              std::string expected)
        : TestCase("sequence: " + name)
        , m_client(client)
        , m_server(server)
        , m_expected(expected)
    {
    }

  private:
    void
    DoRun() override
    {
        PumpResult r = Pump(m_client, m_server);
        NS_TEST_ASSERT_MSG_EQ(r.clientState, TlsEngine::ESTABLISHED, r.clientError);
        NS_TEST_ASSERT_MSG_EQ(r.serverState, TlsEngine::ESTABLISHED, r.serverError);
        NS_TEST_ASSERT_MSG_EQ(Join(r.sequence), m_expected, "message sequence");
    }

    TlsConfig m_client;
    TlsConfig m_server;
    std::string m_expected;
};

/// TLS 1.3 HelloRetryRequest when the client's key share is not among the server's groups.
class TlsEngineHelloRetryTestCase : public TestCase
{
  public:
    TlsEngineHelloRetryTestCase()
        : TestCase("TLS 1.3 HelloRetryRequest")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsConfig c = Config("1.3", "ecdhe", "rsa2048");
        c.groups = "X25519:P-256";
        TlsConfig s = c;
        s.groups = "P-256";
        PumpResult r = Pump(c, s);
        NS_TEST_ASSERT_MSG_EQ(r.clientState, TlsEngine::ESTABLISHED, r.clientError);
        NS_TEST_ASSERT_MSG_EQ(r.helloRetry, true, "HRR");
        NS_TEST_ASSERT_MSG_EQ(r.group, "secp256r1", "group after HRR");
        NS_TEST_ASSERT_MSG_EQ(Join(r.sequence),
                              "C:ClientHello S:HelloRetryRequest S:ChangeCipherSpec "
                              "C:ChangeCipherSpec C:ClientHello S:ServerHello "
                              "S:EncryptedExtensions S:Certificate S:CertificateVerify S:Finished "
                              "C:Finished S:NewSessionTicket S:NewSessionTicket",
                              "HRR sequence");
    }
};

/// Resumption (session id, TLS 1.2 ticket, TLS 1.3 PSK) and 0-RTT.
class TlsEngineResumptionTestCase : public TestCase
{
  public:
    TlsEngineResumptionTestCase(std::string version,
                                std::string mode,
                                uint32_t earlyData,
                                std::string expected)
        : TestCase("resumption " + version + " " + mode
                   + (earlyData ? " early-data=" + std::to_string(earlyData) : ""))
        , m_version(version)
        , m_mode(mode)
        , m_earlyData(earlyData)
        , m_expected(expected)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsConfig c = Config(m_version, "ecdhe", "p256");
        NS_ABORT_UNLESS(TlsConfig::ParseResumption(m_mode, c.resume));
        TlsConfig s = c;
        s.maxEarlyData = m_earlyData ? 16384 : 0;
        SSL_SESSION* session = nullptr;
        PumpResult full = Pump(c, s, &session);
        NS_TEST_ASSERT_MSG_EQ(full.clientState, TlsEngine::ESTABLISHED, full.clientError);
        NS_TEST_ASSERT_MSG_EQ(full.resumed, false, "first handshake is full");
        NS_TEST_ASSERT_MSG_NE(session, nullptr, "client got a session");
        std::vector<uint8_t> early(m_earlyData, 'e');
        PumpResult resumed = Pump(c, s, &session, early);
        NS_TEST_ASSERT_MSG_EQ(resumed.clientState, TlsEngine::ESTABLISHED, resumed.clientError);
        NS_TEST_ASSERT_MSG_EQ(resumed.resumed, true, "second handshake resumes");
        NS_TEST_ASSERT_MSG_LT(resumed.serverBytes, full.serverBytes, "no certificate sent");
        NS_TEST_ASSERT_MSG_EQ(Join(resumed.sequence), m_expected, "resumed sequence");
        if (m_earlyData)
        {
            NS_TEST_ASSERT_MSG_EQ(resumed.early, TlsEngine::EARLY_ACCEPTED, "0-RTT accepted");
            NS_TEST_ASSERT_MSG_EQ(resumed.serverAppData.size(), m_earlyData, "0-RTT bytes");
        }
        SSL_SESSION_free(session);
    }

    std::string m_version;
    std::string m_mode;
    uint32_t m_earlyData;
    std::string m_expected;
};

/// Client authentication: CertificateRequest, client Certificate and CertificateVerify.
class TlsEngineClientAuthTestCase : public TestCase
{
  public:
    TlsEngineClientAuthTestCase(std::string version, std::string expected)
        : TestCase("client authentication TLS " + version)
        , m_version(version)
        , m_expected(expected)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsConfig c = Config(m_version, "ecdhe", "p256");
        c.clientAuth = true;
        PumpResult r = Pump(c, c);
        NS_TEST_ASSERT_MSG_EQ(r.clientState, TlsEngine::ESTABLISHED, r.clientError);
        NS_TEST_ASSERT_MSG_EQ(r.serverState, TlsEngine::ESTABLISHED, r.serverError);
        NS_TEST_ASSERT_MSG_EQ(Join(r.sequence), m_expected, "client-auth sequence");
    }

    std::string m_version;
    std::string m_expected;
};

/// Failures end both engines in FAILED with a readable reason.
class TlsEngineFailureTestCase : public TestCase
{
  public:
    TlsEngineFailureTestCase(std::string name,
                             TlsConfig client,
                             TlsConfig server,
                             std::string clientError,
                             std::string serverError)
        : TestCase("failure: " + name)
        , m_client(client)
        , m_server(server)
        , m_clientError(clientError)
        , m_serverError(serverError)
    {
    }

  private:
    void
    DoRun() override
    {
        PumpResult r = Pump(m_client, m_server);
        NS_TEST_ASSERT_MSG_EQ(r.clientState, TlsEngine::FAILED, "client fails");
        NS_TEST_ASSERT_MSG_EQ(r.serverState, TlsEngine::FAILED, "server fails");
        NS_TEST_ASSERT_MSG_EQ(r.clientError, m_clientError, "client reason");
        NS_TEST_ASSERT_MSG_EQ(r.serverError, m_serverError, "server reason");
        // A fatal error puts OpenSSL back in init: SSL_free drops no session.
        NS_TEST_ASSERT_MSG_EQ(r.clientQuiet, true, "failed client can be destroyed at once");
        NS_TEST_ASSERT_MSG_EQ(r.serverQuiet, true, "failed server can be destroyed at once");
    }

    TlsConfig m_client;
    TlsConfig m_server;
    std::string m_clientError;
    std::string m_serverError;
};

/// Same seed, same bytes; another run, other bytes.
class TlsEngineDeterminismTestCase : public TestCase
{
  public:
    TlsEngineDeterminismTestCase()
        : TestCase("deterministic bytes from (seed, run)")
    {
    }

  private:
    static std::vector<uint8_t>
    Transcript(uint64_t run)
    {
        TlsRandom::Seed(1, run);
        TlsConfig c = Config("1.3", "ecdhe", "p256");
        std::string error;
        TlsEngine client(TlsContext::Get(c, TlsContext::CLIENT, error));
        TlsEngine server(TlsContext::Get(c, TlsContext::SERVER, error));
        std::vector<uint8_t> all;
        std::vector<uint8_t> buf;
        client.Advance();
        for (int i = 0; i < 5; ++i)
        {
            buf.clear();
            client.TakeOutput(buf);
            all.insert(all.end(), buf.begin(), buf.end());
            server.Receive(buf.data(), buf.size());
            server.Advance();
            buf.clear();
            server.TakeOutput(buf);
            all.insert(all.end(), buf.begin(), buf.end());
            client.Receive(buf.data(), buf.size());
            client.Advance();
        }
        return all;
    }

    void
    DoRun() override
    {
        auto a = Transcript(1);
        auto b = Transcript(1);
        auto c = Transcript(2);
        NS_TEST_ASSERT_MSG_GT(a.size(), 1000, "a transcript was produced");
        NS_TEST_ASSERT_MSG_EQ((a == b), true, "same seed and run give the same bytes");
        NS_TEST_ASSERT_MSG_EQ((a == c), false, "another run gives other bytes");
    }
};

/// Credential specifications: parsing errors name the bad item.
class TlsCredentialsParseTestCase : public TestCase
{
  public:
    TlsCredentialsParseTestCase()
        : TestCase("credentials specification parsing")
    {
    }

  private:
    void
    DoRun() override
    {
        TlsCredentials::Spec spec;
        NS_TEST_ASSERT_MSG_EQ(TlsCredentials::Parse("p384,chain=3,expired", spec), "", "valid");
        NS_TEST_ASSERT_MSG_EQ(spec.keyType, "p384", "key type");
        NS_TEST_ASSERT_MSG_EQ(spec.chainLength, 3, "chain");
        NS_TEST_ASSERT_MSG_EQ(spec.expired, true, "expired");
        std::string e = TlsCredentials::Parse("rsa1", spec);
        NS_TEST_ASSERT_MSG_NE(e.find("'rsa1'"), std::string::npos, e);
        e = TlsCredentials::Parse("rsa2048,chain=x", spec);
        NS_TEST_ASSERT_MSG_NE(e.find("'x'"), std::string::npos, e);
        std::string error;
        TlsCredentials::Parse("cert=/nonexistent.pem,key=/nonexistent.key", spec);
        NS_TEST_ASSERT_MSG_EQ((TlsCredentials::Get(spec, error) == nullptr), true, "missing file");
        NS_TEST_ASSERT_MSG_NE(error.find("/nonexistent.pem"), std::string::npos, error);
    }
};

/**
 * TlsScenarioConfig::Validate refuses exactly the groups, keys and signature schemes that the
 * negotiated TLS version cannot use: each combination is both validated and handshaken by
 * two engines configured as the scenario configures them, and a refusal must go with a failed
 * handshake, an acceptance with a completed one. Then the messages name flag, value and why.
 */
class TlsVersionFitTestCase : public TestCase
{
  public:
    TlsVersionFitTestCase()
        : TestCase("up-front refusals = handshakes that fail: groups, keys, sigalgs vs version")
    {
    }

  private:
    /// One combination: the example's flags (groups/sigalgs/key may be empty = default).
    struct Combo
    {
        std::string tls;          //!< --tls
        std::string serverTls;    //!< --server-tls
        std::string groups;       //!< --groups
        std::string serverGroups; //!< --server-groups
        std::string key;          //!< --key
        std::string sigalgs;      //!< --sigalgs
        std::string kx;           //!< --kx
        bool refused;             //!< Validate must refuse it
    };

    /// @return true if this OpenSSL's providers know every group of the lists (OpenSSL 3.0,
    ///   e.g., has no brainpoolP256r1tls13)
    static bool
    Known(const std::string& lists)
    {
        std::istringstream is(lists);
        std::string name;
        TlsOpenSsl::GroupInfo info;
        while (std::getline(is, name, ':'))
        {
            if (!name.empty() && !TlsOpenSsl::GetGroupInfo(name, info))
            {
                return false;
            }
        }
        return true;
    }

    void
    Check(const Combo& k)
    {
        if (!Known(k.groups + ":" + k.serverGroups))
        {
            return;
        }
        TlsScenarioConfig c;
        for (const auto& [flag, value] : {std::pair<std::string, std::string>{"tls", k.tls},
                                          {"server-tls", k.serverTls},
                                          {"groups", k.groups},
                                          {"server-groups", k.serverGroups},
                                          {"key", k.key},
                                          {"sigalgs", k.sigalgs},
                                          {"kx", k.kx}})
        {
            NS_TEST_ASSERT_MSG_EQ(c.Set(flag, value), "", flag << "=" << value);
        }
        std::string what = "--tls=" + k.tls + " --server-tls=" + k.serverTls
                           + " --groups=" + k.groups + " --server-groups=" + k.serverGroups
                           + " --key=" + k.key + " --sigalgs=" + k.sigalgs + " --kx=" + k.kx;
        std::string error = c.Validate();
        NS_TEST_EXPECT_MSG_EQ(error.empty(), !k.refused, what << ": " << error);
        // The same endpoints as TlsScenario configures them (MakeTlsConfigs).
        TlsConfig client = Config(k.tls, k.kx, k.key);
        client.groups = k.groups;
        client.signatureAlgorithms = k.sigalgs;
        TlsConfig server = client;
        TlsConfig::ParseRange(k.serverTls, server.minVersion, server.maxVersion);
        server.groups = k.serverGroups.empty() ? k.groups : k.serverGroups;
        PumpResult r = Pump(client, server);
        bool done
            = r.clientState == TlsEngine::ESTABLISHED && r.serverState == TlsEngine::ESTABLISHED;
        NS_TEST_EXPECT_MSG_EQ(done,
                              !k.refused,
                              what << ": handshake " << (done ? "completes" : "fails: ")
                                   << r.clientError << " / " << r.serverError);
    }

    void
    DoRun() override
    {
        const std::string any = "1.2-1.3";
        std::vector<Combo> combos = {
            // TLS 1.2 ECDHE takes an elliptic-curve group; brainpool has its TLS 1.2 name.
            {"1.2", any, "brainpoolP256r1", "", "rsa2048", "", "ecdhe", false},
            {"1.2", any, "ffdhe2048", "", "rsa2048", "", "ecdhe", true},
            {"1.2", any, "ffdhe2048", "", "rsa2048", "", "dhe", false},
            {"1.2", any, "brainpoolP256r1tls13", "", "rsa2048", "", "ecdhe", true},
            // A client that offers TLS 1.3 needs a TLS 1.3 group, the server one too.
            {"1.3", any, "brainpoolP256r1", "", "rsa2048", "", "ecdhe", true},
            {any, any, "brainpoolP256r1", "", "rsa2048", "", "ecdhe", true},
            {any, any, "brainpoolP256r1tls13", "", "rsa2048", "", "ecdhe", false},
            {any, any, "X25519:brainpoolP256r1", "brainpoolP256r1", "rsa2048", "", "ecdhe", true},
            {any,
             "1.2",
             "X25519:brainpoolP256r1",
             "brainpoolP256r1",
             "rsa2048",
             "",
             "ecdhe",
             false},
            // TLS 1.2: an ECDSA key's curve among the client's groups (RFC 8422 5.1).
            {"1.2", any, "brainpoolP256r1", "", "p256", "", "ecdhe", true},
            {"1.2", any, "X25519", "", "p384", "", "ecdhe", true},
            {"1.2", any, "brainpoolP256r1:secp256r1", "", "p256", "", "ecdhe", false},
            {"1.2", any, "X25519", "P-256", "p256", "", "ecdhe", true},
            {"1.2", any, "X25519:P-256", "X25519", "p256", "", "ecdhe", false},
            {any, any, "X25519", "", "p256", "", "ecdhe", false},
            {any, "1.2", "X25519", "", "p256", "", "ecdhe", true},
            {"1.2", any, "", "", "p521", "", "ecdhe", false},
        };
        if (TlsOpenSsl::HasPostQuantum())
        {
            std::vector<Combo> pq = {
                {"1.2", any, "X25519MLKEM768", "", "rsa2048", "", "ecdhe", true},
                {"1.2", any, "MLKEM768:SecP256r1MLKEM768", "", "rsa2048", "", "ecdhe", true},
                {"1.2", any, "X25519MLKEM768:X25519", "", "rsa2048", "", "ecdhe", false},
                {any, any, "X25519MLKEM768", "", "rsa2048", "", "ecdhe", false},
                {any, "1.2", "X25519MLKEM768", "", "rsa2048", "", "ecdhe", true},
                {"1.2", any, "", "MLKEM1024", "rsa2048", "", "ecdhe", true},
                {"1.2", any, "X25519MLKEM768", "", "rsa2048", "", "rsa", false},
                {"1.2", any, "", "", "mldsa65", "", "ecdhe", true},
                {any, "1.2", "", "", "mldsa44", "", "ecdhe", true},
                {any, any, "", "", "mldsa87", "", "ecdhe", false},
                {"1.2", any, "", "", "rsa2048", "mldsa65", "ecdhe", true},
                {"1.2", any, "", "", "rsa2048", "mldsa65:rsa_pss_rsae_sha256", "ecdhe", false},
            };
            combos.insert(combos.end(), pq.begin(), pq.end());
        }
        for (const auto& k : combos)
        {
            Check(k);
        }

        // The messages: flag, value, why, and what to change.
        TlsScenarioConfig c;
        c.Set("tls", "1.2");
        c.Set("groups", "brainpoolP256r1");
        c.Set("key", "p256");
        NS_TEST_EXPECT_MSG_EQ(c.Validate(),
                              "--groups=brainpoolP256r1: in TLS 1.2 the client's groups must "
                              "include the curve of the ECDSA --key=p256 (RFC 8422 section "
                              "5.1): add P-256 (--groups=brainpoolP256r1:P-256), or use "
                              "--tls=1.3 or 1.2-1.3",
                              "ECDSA curve");
        c.Set("tls", "1.3");
        NS_TEST_EXPECT_MSG_EQ(c.Validate().empty(), false, "brainpoolP256r1 with TLS 1.3");
        if (Known("brainpoolP256r1tls13")) // OpenSSL >= 3.2 (RFC 8734)
        {
            NS_TEST_EXPECT_MSG_EQ(c.Validate(),
                                  "--groups=brainpoolP256r1: brainpoolP256r1 is TLS 1.2's name "
                                  "(RFC 7027); TLS 1.3's is brainpoolP256r1tls13 (a client that "
                                  "offers TLS 1.3 needs a TLS 1.3 group; or use --tls=1.2)",
                                  "TLS 1.2-only group");
        }
        if (TlsOpenSsl::HasPostQuantum())
        {
            TlsScenarioConfig m;
            m.Set("tls", "1.2");
            m.Set("groups", "X25519MLKEM768");
            NS_TEST_EXPECT_MSG_EQ(m.Validate(),
                                  "--groups=X25519MLKEM768: ML-KEM groups need TLS 1.3 (use "
                                  "--tls=1.3 or 1.2-1.3)",
                                  "ML-KEM");
            m.Set("groups", "");
            m.Set("key", "mldsa65");
            NS_TEST_EXPECT_MSG_EQ(m.Validate(),
                                  "--key=mldsa65: ML-DSA signatures need TLS 1.3 (use --tls=1.3 "
                                  "or 1.2-1.3)",
                                  "ML-DSA");
            m.Set("tls", "1.2-1.3");
            m.Set("server-tls", "1.2");
            NS_TEST_EXPECT_MSG_EQ(m.Validate(),
                                  "--key=mldsa65: ML-DSA signatures need TLS 1.3 (use "
                                  "--server-tls=1.3 or 1.2-1.3)",
                                  "the server's version is the one to change");
        }
    }
};

/// A user's own PEM certificate (issued now, valid for a day) verifies with its CA file.
class TlsPemCredentialsTestCase : public TestCase
{
  public:
    TlsPemCredentialsTestCase()
        : TestCase("PEM credentials dated now and trusted through --ca-file")
    {
    }

  private:
    void
    DoRun() override
    {
        EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        // Self-signed, serial 7, valid from an hour ago for a day.
        X509* cert = MakeTestCertificate({"server.ns3tls", "server.ns3tls", 7}, key);
        std::string certFile = CreateTempDirFilename("cert.pem");
        std::string keyFile = CreateTempDirFilename("key.pem");
        WriteTestPem(certFile, {cert});
        WriteTestPem(keyFile, {}, key);
        X509_free(cert);
        EVP_PKEY_free(key);

        TlsConfig c = Config("1.3", "ecdhe", "cert=" + certFile + ",key=" + keyFile);
        c.caFile = certFile;
        c.verifyDate = std::time(nullptr); // OpenSSL's clock starts today (--verify-date=now)
        PumpResult r = Pump(c, c);
        NS_TEST_ASSERT_MSG_EQ(r.clientState, TlsEngine::ESTABLISHED, r.clientError);
        TlsConfig untrusting = c;
        untrusting.caFile = "";
        r = Pump(untrusting, c);
        // Without the CA file it is untrusted.
        NS_TEST_ASSERT_MSG_EQ(r.clientState, TlsEngine::FAILED, "no CA file: rejected");
        NS_TEST_ASSERT_MSG_EQ(r.clientError.rfind("verify: ", 0), 0, r.clientError);
    }
};

} // namespace

/// The suite.
class TlsEngineTestSuite : public TestSuite
{
  public:
    TlsEngineTestSuite()
        : TestSuite("tls-engine", UNIT)
    {
        const std::string tls12Tail = "C:ChangeCipherSpec C:Finished S:NewSessionTicket "
                                      "S:ChangeCipherSpec S:Finished";
        AddTestCase(new TlsEngineSequenceTestCase(
                        "TLS 1.2 RSA key exchange",
                        Config("1.2", "rsa", "rsa2048"),
                        Config("1.2", "rsa", "rsa2048"),
                        "C:ClientHello S:ServerHello S:Certificate S:ServerHelloDone "
                        "C:ClientKeyExchange "
                            + tls12Tail),
                    QUICK);
        AddTestCase(new TlsEngineSequenceTestCase(
                        "TLS 1.2 ECDHE-RSA",
                        Config("1.2", "ecdhe", "rsa2048"),
                        Config("1.2", "ecdhe", "rsa2048"),
                        "C:ClientHello S:ServerHello S:Certificate S:ServerKeyExchange "
                        "S:ServerHelloDone C:ClientKeyExchange "
                            + tls12Tail),
                    QUICK);
        AddTestCase(new TlsEngineSequenceTestCase(
                        "TLS 1.2 DHE-RSA",
                        Config("1.2", "dhe", "rsa2048"),
                        Config("1.2", "dhe", "rsa2048"),
                        "C:ClientHello S:ServerHello S:Certificate S:ServerKeyExchange "
                        "S:ServerHelloDone C:ClientKeyExchange "
                            + tls12Tail),
                    QUICK);
        const std::string tls13 = "C:ClientHello S:ServerHello S:ChangeCipherSpec "
                                  "S:EncryptedExtensions S:Certificate S:CertificateVerify "
                                  "S:Finished C:ChangeCipherSpec C:Finished "
                                  "S:NewSessionTicket S:NewSessionTicket";
        for (const char* key : {"rsa2048", "p256", "p384", "ed25519"})
        {
            AddTestCase(new TlsEngineSequenceTestCase(std::string("TLS 1.3 ") + key,
                                                      Config("1.3", "ecdhe", key),
                                                      Config("1.3", "ecdhe", key),
                                                      tls13),
                        QUICK);
        }
        AddTestCase(new TlsEngineHelloRetryTestCase(), QUICK);
        AddTestCase(new TlsEngineResumptionTestCase(
                        "1.2",
                        "session-id",
                        0,
                        "C:ClientHello S:ServerHello S:ChangeCipherSpec S:Finished "
                        "C:ChangeCipherSpec C:Finished"),
                    QUICK);
        AddTestCase(new TlsEngineResumptionTestCase(
                        "1.2",
                        "ticket",
                        0,
                        // OpenSSL re-issues a TLS 1.2 ticket only when its key needs renewal.
                        "C:ClientHello S:ServerHello S:ChangeCipherSpec S:Finished "
                        "C:ChangeCipherSpec C:Finished"),
                    QUICK);
        const std::string tls13Resumed = "C:ClientHello S:ServerHello S:ChangeCipherSpec "
                                         "S:EncryptedExtensions S:Finished C:ChangeCipherSpec "
                                         "C:Finished S:NewSessionTicket";
        AddTestCase(new TlsEngineResumptionTestCase("1.3", "ticket", 0, tls13Resumed), QUICK);
        AddTestCase(new TlsEngineResumptionTestCase("1.3", "session-id", 0, tls13Resumed), QUICK);
        AddTestCase(new TlsEngineResumptionTestCase(
                        "1.3",
                        "ticket",
                        100,
                        "C:ClientHello C:ChangeCipherSpec S:ServerHello S:ChangeCipherSpec "
                        "S:EncryptedExtensions S:Finished C:EndOfEarlyData C:Finished "
                        "S:NewSessionTicket"),
                    QUICK);
        AddTestCase(new TlsEngineClientAuthTestCase(
                        "1.2",
                        "C:ClientHello S:ServerHello S:Certificate S:ServerKeyExchange "
                        "S:CertificateRequest S:ServerHelloDone C:Certificate "
                        "C:ClientKeyExchange C:CertificateVerify "
                            + tls12Tail),
                    QUICK);
        AddTestCase(new TlsEngineClientAuthTestCase(
                        "1.3",
                        "C:ClientHello S:ServerHello S:ChangeCipherSpec S:EncryptedExtensions "
                        "S:CertificateRequest S:Certificate S:CertificateVerify S:Finished "
                        "C:ChangeCipherSpec C:Certificate C:CertificateVerify C:Finished "
                        "S:NewSessionTicket S:NewSessionTicket"),
                    QUICK);

        TlsConfig ok = Config("1.3", "ecdhe", "rsa2048");
        TlsConfig untrusted = Config("1.3", "ecdhe", "rsa2048,untrusted");
        AddTestCase(new TlsEngineFailureTestCase("untrusted CA",
                                                 ok,
                                                 untrusted,
                                                 "verify: unable to get local issuer certificate",
                                                 "alert: unknown CA"),
                    QUICK);
        TlsConfig expired = Config("1.3", "ecdhe", "rsa2048,expired");
        AddTestCase(new TlsEngineFailureTestCase("expired certificate",
                                                 ok,
                                                 expired,
                                                 "verify: certificate has expired",
                                                 "alert: certificate expired"),
                    QUICK);
        AddTestCase(new TlsEngineFailureTestCase("version mismatch",
                                                 Config("1.3", "ecdhe", "rsa2048"),
                                                 Config("1.2", "ecdhe", "rsa2048"),
                                                 "alert: protocol version",
                                                 "tls: unsupported protocol"),
                    QUICK);
        TlsConfig c12 = Config("1.2", "ecdhe", "rsa2048");
        c12.ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
        TlsConfig s12 = c12;
        s12.ciphers = "ECDHE-RSA-CHACHA20-POLY1305";
        AddTestCase(
            new TlsEngineFailureTestCase(
                "no common cipher", c12, s12, "alert: handshake failure", "tls: no shared cipher"),
            QUICK);
        AddTestCase(new TlsEngineDeterminismTestCase(), QUICK);
        AddTestCase(new TlsMemoryTestCase(), QUICK);
        AddTestCase(new TlsCredentialsParseTestCase(), QUICK);
        AddTestCase(new TlsPemCredentialsTestCase(), QUICK);
        AddTestCase(new TlsVersionFitTestCase(), QUICK);
    }
};

/// Static instance.
static TlsEngineTestSuite g_tlsEngineTestSuite;
