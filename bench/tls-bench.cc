/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tls-bench: how close is the simulator to the cost of the crypto it runs?
 *
 *  (a) raw OpenSSL: client and server in one process over memory BIOs, full handshakes per
 *      second (the physical limit for real crypto);
 *  (b) ns3tls: simulated handshakes per wall-clock second, 1 client x N sequential handshakes
 *      and K concurrent clients (dumbbell), and the ratio b/a (whole run: building the
 *      topology, simulating, tearing down; for K clients also Simulator::Run() alone), with
 *      the crypto thread as configured and without it;
 *  (c) wall time and peak RSS for K concurrent clients, each K in its own process.
 *
 *   ./ns3tls bench                       # default sizes (a few minutes)
 *   ./ns3tls bench --sequential=2000 --concurrent=1000 --scale=100,1000,10000
 */
#include "ns3/command-line.h"
#include "ns3/global-value.h"
#include "ns3/string.h"
#include "ns3/tls-context.h"
#include "ns3/tls-crypto-thread.h"
#include "ns3/tls-memory.h"
#include "ns3/tls-random.h"
#include "ns3/tls-scenario.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <openssl/ssl.h>
#include <spawn.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ns3;

namespace
{

double
Now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// Moves everything pending in one memory BIO into another.
void
Move(BIO* from, BIO* to)
{
    char buf[16384];
    int n;
    while ((n = BIO_read(from, buf, sizeof(buf))) > 0)
    {
        BIO_write(to, buf, n);
    }
}

/// Raw in-memory handshakes per second with the contexts ns3tls would use.
double
RawRate(const TlsConfig& config, double seconds)
{
    std::string error;
    SSL_CTX* cctx = TlsContext::Get(config, TlsContext::CLIENT, error)->GetSslCtx();
    SSL_CTX* sctx = TlsContext::Get(config, TlsContext::SERVER, error)->GetSslCtx();
    int done = 0;
    double start = Now();
    while (Now() - start < seconds)
    {
        SSL* c = SSL_new(cctx);
        SSL* s = SSL_new(sctx);
        BIO* c2s = BIO_new(BIO_s_mem());
        BIO* s2c = BIO_new(BIO_s_mem());
        BIO* cin = BIO_new(BIO_s_mem());
        BIO* sin = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(cin, -1);
        BIO_set_mem_eof_return(sin, -1);
        SSL_set_bio(c, cin, c2s);
        SSL_set_bio(s, sin, s2c);
        SSL_set_tlsext_host_name(c, config.serverName.c_str());
        SSL_set_connect_state(c);
        SSL_set_accept_state(s);
        int rc = 0;
        int rs = 0;
        for (int i = 0; i < 10 && (rc != 1 || rs != 1); ++i)
        {
            rc = SSL_do_handshake(c);
            Move(c2s, sin);
            rs = SSL_do_handshake(s);
            Move(s2c, cin);
        }
        done += rc == 1 && rs == 1;
        SSL_free(c);
        SSL_free(s);
    }
    return done / (Now() - start);
}

struct SimResult
{
    double rate{0};    //!< ok handshakes per wall second
    double wall{0};    //!< seconds
    double runWall{0}; //!< seconds in Simulator::Run()
    size_t ok{0};      //!< handshakes ok
    long maxRssKb{0};  //!< peak RSS (child runs only)
};

SimResult
Simulate(const std::string& tls, const std::string& key, uint32_t clients, uint32_t handshakes)
{
    TlsScenarioConfig c;
    c.Set("tls", tls);
    c.Set("key", key);
    c.Set("clients", std::to_string(clients));
    c.Set("handshakes", std::to_string(handshakes));
    c.Set("interval", "0ms");
    c.Set("bandwidth", "1Gbps");
    c.Set("queue", std::to_string(std::max<uint32_t>(1000, 2 * clients)) + "p");
    c.Set("server-cores", "4");
    c.Set("arrival", "once");
    TlsScenario::Result result;
    double start = Now();
    std::string error = TlsScenario::Run(c, result);
    SimResult r;
    r.wall = Now() - start;
    r.runWall = result.runWallSeconds;
    if (!error.empty())
    {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return r;
    }
    for (const auto& rec : result.records)
    {
        r.ok += rec->ok;
    }
    r.rate = r.ok / r.wall;
    return r;
}

/// This process's peak resident set (VmHWM) in kB. (getrusage's ru_maxrss of a child keeps
/// the high-water mark of the memory it shared with its parent before exec.)
long
PeakRssKb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
    {
        if (line.rfind("VmHWM:", 0) == 0)
        {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

/// Runs Simulate in a fresh process (this program, spawned) and returns its result.
SimResult
SimulateInChild(const std::string& tls, const std::string& key, uint32_t clients)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        return {};
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string arg = "--child=" + tls + "," + key + "," + std::to_string(clients);
    char self[] = "/proc/self/exe";
    char* argv[] = {self, arg.data(), nullptr};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, self, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    SimResult r;
    ssize_t got = rc == 0 ? read(fds[0], &r, sizeof(r)) : 0;
    close(fds[0]);
    int status = 0;
    rusage usage{};
    if (rc == 0)
    {
        wait4(pid, &status, 0, &usage);
    }
    if (got != sizeof(r))
    {
        r = SimResult();
    }
    return r;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t sequential = 2000;
    uint32_t concurrent = 1000;
    std::string scale = "100,1000,10000";
    double rawSeconds = 3;
    std::string only;  // run only the cases whose name contains this
    std::string child; // internal: "tls,key,clients", result written raw to stdout
    CommandLine cmd(__FILE__);
    cmd.AddValue("child", "internal: run one scale point and write its result", child);
    cmd.AddValue("sequential", "handshakes of the 1-client sequential run", sequential);
    cmd.AddValue("concurrent", "clients of the concurrent run", concurrent);
    cmd.AddValue("scale", "comma-separated K values for the wall/RSS table", scale);
    cmd.AddValue("raw-seconds", "seconds of raw OpenSSL handshakes per configuration", rawSeconds);
    cmd.AddValue("case", "run only the cases whose name contains this, e.g. '1.3 p256'", only);
    cmd.Parse(argc, argv);
    TlsRandom::Seed(1, 1);
    if (!child.empty())
    {
        std::istringstream cs(child);
        std::string tls;
        std::string key;
        std::string k;
        std::getline(cs, tls, ',');
        std::getline(cs, key, ',');
        std::getline(cs, k, ',');
        SimResult r = Simulate(tls, key, std::stoul(k), 1);
        r.maxRssKb = PeakRssKb();
        return write(STDOUT_FILENO, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
    }

    struct Case
    {
        const char* name;
        const char* tls;
        const char* kx;
        const char* key;
    };
    const Case cases[] = {{"TLS 1.2 ECDHE rsa2048", "1.2", "ecdhe", "rsa2048"},
                          {"TLS 1.3 rsa2048", "1.3", "ecdhe", "rsa2048"},
                          {"TLS 1.3 p256", "1.3", "ecdhe", "p256"}};
    // The crypto thread (TlsCryptoThread) as configured, and the same runs on one thread.
    bool threaded = TlsCryptoThread::IsEnabled();
    std::printf("crypto thread: %s, OpenSSL small allocations: %s\n\n",
                threaded ? "on" : "off",
                TlsMemory::IsPooled() ? "pool" : "malloc");
    std::printf("| case | raw OpenSSL hs/s (a) | sim 1x%u sequential hs/s (b1) | b1/a | "
                "sim %u concurrent hs/s (b2) | b2/a | b2/a Simulator::Run only | "
                "b1/a one thread | b2/a one thread |\n",
                sequential,
                concurrent);
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    for (const auto& c : cases)
    {
        if (std::string(c.name).find(only) == std::string::npos)
        {
            continue;
        }
        TlsConfig config;
        TlsConfig::ParseRange(c.tls, config.minVersion, config.maxVersion);
        TlsConfig::ParseKeyExchange(c.kx, config.keyExchange);
        config.credentials = c.key;
        Simulate(c.tls, c.key, 1, 5); // warm-up: key generation, OpenSSL algorithm caches
        double a = RawRate(config, rawSeconds);
        SimResult b1 = Simulate(c.tls, c.key, 1, sequential);
        SimResult b2 = Simulate(c.tls, c.key, concurrent, 1);
        SimResult s1 = b1;
        SimResult s2 = b2;
        if (threaded)
        {
            StringValue mode; // as configured (auto or on), restored afterwards
            GlobalValue::GetValueByName("TlsCryptoThread", mode);
            GlobalValue::Bind("TlsCryptoThread", StringValue("off"));
            s1 = Simulate(c.tls, c.key, 1, sequential);
            s2 = Simulate(c.tls, c.key, concurrent, 1);
            GlobalValue::Bind("TlsCryptoThread", mode);
        }
        std::printf("| %s | %.0f | %.0f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f |\n",
                    c.name,
                    a,
                    b1.rate,
                    b1.rate / a,
                    b2.rate,
                    b2.rate / a,
                    b2.ok / b2.runWall / a,
                    s1.rate / a,
                    s2.rate / a);
        std::fflush(stdout);
    }

    std::printf("\n| K concurrent clients (TLS 1.3 p256) | ok | wall s | wall ms per client | "
                "peak RSS MB | RSS KB per client |\n|---|---|---|---|---|---|\n");
    std::istringstream is(scale);
    std::string item;
    while (std::getline(is, item, ','))
    {
        uint32_t k = std::stoul(item);
        SimResult r = SimulateInChild("1.3", "p256", k);
        std::printf("| %u | %zu | %.2f | %.3f | %.0f | %.1f |\n",
                    k,
                    r.ok,
                    r.wall,
                    1000 * r.wall / k,
                    r.maxRssKb / 1024.0,
                    double(r.maxRssKb) / k);
        std::fflush(stdout);
    }
    return 0;
}
