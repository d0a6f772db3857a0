/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tls-bench: how close is the simulator to the cost of the crypto it runs?
 *
 *  (a) raw OpenSSL: client and server in one process over memory BIOs, full handshakes per
 *      second (the physical limit for real crypto);
 *  (b) ns3tls: simulated handshakes per wall-clock second, 1 client x N sequential handshakes
 *      and K concurrent clients (dumbbell), and the ratio b/a (whole run: building the
 *      topology, simulating, tearing down; for K clients also Simulator::Run() alone); and
 *      OpenSSL's own time per handshake in the sequential run (--cpu=measured: the thread CPU
 *      time of its steps) next to the raw loop's whole time per handshake;
 *  (c) start-up: wall time of the example program running one handshake, in raw handshakes;
 *  (d) wall time and peak RSS for K clients arriving as a Poisson process over K/1000 s
 *      (1 Gbit/s bottleneck), each K in its own process.
 *
 * A simulation uses one core. By default the bench pins itself to one CPU and keeps the
 * others busy with a CPU-bound neighbour process (bounded in time, stopped at exit), as on a
 * shared machine or a cluster node running a sweep; --neighbour=0 measures an idle machine.
 * Ratios are taken within one run, so a slower or busier machine slows a and b alike.
 *
 *   ./ns3tls bench                       # default sizes (a few minutes)
 *   ./ns3tls bench --sequential=2000 --concurrent=1000 --scale=1000,10000,100000
 */
#include "ns3/command-line.h"
#include "ns3/global-value.h"
#include "ns3/string.h"
#include "ns3/tls-context.h"
#include "ns3/tls-memory.h"
#include "ns3/tls-random.h"
#include "ns3/tls-scenario.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <openssl/ssl.h>
#include <sched.h>
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
    double cpuMs{0};   //!< mean client + server CPU time charged per ok handshake, ms
    double wall{0};    //!< seconds
    double runWall{0}; //!< seconds in Simulator::Run()
    size_t ok{0};      //!< handshakes ok
    long maxRssKb{0};  //!< peak RSS (child runs only)
};

SimResult
Simulate(const std::string& tls,
         const std::string& key,
         uint32_t clients,
         uint32_t handshakes,
         bool poisson = false,
         const std::string& cpu = "model")
{
    TlsScenarioConfig c;
    c.Set("cpu", cpu);
    c.Set("tls", tls);
    c.Set("key", key);
    c.Set("clients", std::to_string(clients));
    c.Set("handshakes", std::to_string(handshakes));
    c.Set("interval", "0ms");
    c.Set("bandwidth", "1Gbps");
    c.Set("queue", std::to_string(std::max<uint32_t>(1000, 2 * clients)) + "p");
    c.Set("server-cores", "4");
    if (poisson)
    {
        // the scale runs: Poisson arrivals over K/1000 s, one handshake each
        c.Set("arrival", "poisson");
        c.Set("arrival-window", std::to_string(std::max<uint32_t>(1, clients / 1000)) + "s");
    }
    else
    {
        c.Set("arrival", "once");
    }
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
    double cpuMs = 0;
    for (const auto& rec : result.records)
    {
        r.ok += rec->ok;
        cpuMs += rec->ok ? (rec->clientCpu + rec->serverCpu).GetSeconds() * 1000 : 0;
    }
    r.rate = r.ok / r.wall;
    r.cpuMs = r.ok > 0 ? cpuMs / r.ok : 0;
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

/// The first CPU this process may run on, or -1.
int
FirstCpu()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
    {
        return -1;
    }
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    {
        if (CPU_ISSET(cpu, &set))
        {
            return cpu;
        }
    }
    return -1;
}

/// Pins this process to `cpu`; false if that failed.
bool
PinTo(int cpu)
{
    if (cpu < 0)
    {
        return false;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return sched_setaffinity(0, sizeof(one), &one) == 0;
}

/// CPU-bound neighbours: one busy process on every other CPU this process may use, each
/// ending by itself after `seconds` (SIGALRM) and killed when the bench exits.
std::vector<pid_t>
StartNeighbours(int benchCpu, unsigned seconds)
{
    std::vector<pid_t> pids;
    cpu_set_t set;
    sched_getaffinity(0, sizeof(set), &set);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    {
        if (!CPU_ISSET(cpu, &set) || cpu == benchCpu)
        {
            continue;
        }
        pid_t pid = fork();
        if (pid == 0)
        {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            sched_setaffinity(0, sizeof(one), &one);
            alarm(seconds);
            volatile uint64_t x = 0;
            for (;;)
            {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            }
        }
        if (pid > 0)
        {
            pids.push_back(pid);
        }
    }
    return pids;
}

/// Wall seconds of `program --handshakes=1` (median of `n` runs): the start-up a user or a
/// sweep pays per simulation (loading libraries, ns-3 and OpenSSL initialisation, credentials).
double
StartupSeconds(const std::string& program, int n)
{
    std::vector<double> walls;
    for (int i = 0; i < n; ++i)
    {
        char arg[] = "--handshakes=1";
        char* argv[] = {const_cast<char*>(program.c_str()), arg, nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        double start = Now();
        int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        int status = 0;
        if (rc != 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)
            || WEXITSTATUS(status) != 0)
        {
            return -1;
        }
        walls.push_back(Now() - start);
    }
    std::sort(walls.begin(), walls.end());
    return walls[walls.size() / 2];
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
    std::string only;          // run only the cases whose name contains this
    std::string child;         // internal: "tls,key,clients", result written raw to stdout
    unsigned neighbour = 1800; // seconds a neighbour may run at most; 0: none
    bool pin = true;
    int startupRuns = 9;
    std::string program = argv[0];
    CommandLine cmd(__FILE__);
    cmd.AddValue("child", "internal: run one scale point and write its result", child);
    cmd.AddValue("sequential", "handshakes of the 1-client sequential run", sequential);
    cmd.AddValue("concurrent", "clients of the concurrent run", concurrent);
    cmd.AddValue("scale", "comma-separated K values for the wall/RSS table ('none': skip)", scale);
    cmd.AddValue("raw-seconds", "seconds of raw OpenSSL handshakes per configuration", rawSeconds);
    cmd.AddValue("case", "run only the cases whose name contains this, e.g. '1.3 p256'", only);
    cmd.AddValue("neighbour",
                 "keep the other CPUs busy with CPU-bound processes for at most this many "
                 "seconds (0: no neighbour, an idle machine)",
                 neighbour);
    cmd.AddValue("pin", "pin the bench to one CPU", pin);
    cmd.AddValue("startup-runs", "runs of the start-up measurement (0: skip)", startupRuns);
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
        SimResult r = Simulate(tls, key, std::stoul(k), 1, true);
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
    // Neighbours first: they take every CPU this process may use but the bench's, which the
    // process's affinity no longer lists once it is pinned.
    int benchCpu = pin ? FirstCpu() : -1;
    std::vector<pid_t> neighbours;
    if (neighbour > 0)
    {
        neighbours = StartNeighbours(benchCpu, neighbour);
    }
    if (pin && !PinTo(benchCpu))
    {
        benchCpu = -1;
    }
    std::printf("bench on %s; CPU-bound neighbours: %zu (for at most %u s); allocator: %s "
                "(OpenSSL: %s)\n\n",
                benchCpu >= 0 ? ("CPU " + std::to_string(benchCpu)).c_str() : "any CPU",
                neighbours.size(),
                neighbour,
                TlsMemory::GetProcessAllocator().c_str(),
                TlsMemory::GetAllocator().c_str());
    std::printf("| case | raw OpenSSL hs/s (a) | sim 1x%u sequential hs/s (b1) | b1/a | "
                "sim %u concurrent hs/s (b2) | b2/a | b2/a Simulator::Run only | OpenSSL ms "
                "per hs: raw / in the sequential sim |\n",
                sequential,
                concurrent);
    std::printf("|---|---|---|---|---|---|---|---|\n");
    double rawP256 = 0;
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
        // OpenSSL's share of b1: its steps' thread CPU time, as --cpu=measured charges it
        SimResult m
            = Simulate(c.tls, c.key, 1, std::min<uint32_t>(sequential, 1000), false, "measured");
        if (std::string(c.key) == "p256")
        {
            rawP256 = a;
        }
        std::printf("| %s | %.0f | %.0f | %.2f | %.0f | %.2f | %.2f | %.3f / %.3f |\n",
                    c.name,
                    a,
                    b1.rate,
                    b1.rate / a,
                    b2.rate,
                    b2.rate / a,
                    b2.ok / b2.runWall / a,
                    1000 / a,
                    m.cpuMs);
        std::fflush(stdout);
    }
    if (startupRuns > 0)
    {
        std::string example = program.substr(0, program.rfind('/'));
        example = example.substr(0, example.rfind('/')) + "/examples/tls-handshake-example";
        double t = StartupSeconds(example, startupRuns);
        std::printf("\nstart-up: tls-handshake-example --handshakes=1 takes %.3f s (median of %d)",
                    t,
                    startupRuns);
        if (rawP256 > 0 && t > 0)
        {
            std::printf(", the time of %.0f raw TLS 1.3 p256 handshakes", t * rawP256);
        }
        std::printf("\n");
    }

    if (scale == "none")
    {
        scale.clear();
    }
    else
    {
        std::printf("\n| K clients (TLS 1.3 p256, Poisson over K/1000 s) | ok | wall s | wall ms "
                    "per client | peak RSS MB | RSS KB per client |\n|---|---|---|---|---|---|\n");
    }
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
    for (pid_t pid : neighbours)
    {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    return 0;
}
