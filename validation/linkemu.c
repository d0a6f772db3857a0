/*
 * linkemu: a user-space point-to-point link emulator for the ns3-tls real-Linux reference.
 *
 * Two network namespaces (created beforehand, e.g. by run-reference.py) are joined by two TUN
 * devices that this process creates in its own (root) namespace, moves into the namespaces and
 * keeps open. Every IP packet one namespace sends comes out of its TUN fd here, goes through a
 * model of one link direction and is written into the other namespace's TUN fd:
 *
 *   arrival --(drop-tail FIFO, --queue packets)--> serialisation at --rate-mbps
 *           --> one-way propagation delay --delay-ms --> Bernoulli loss --> delivery
 *
 * Loss is drawn when the packet is enqueued (so the draw order is the packet order) but applied at
 * the receiver: a lost packet still occupies the link, like an ns-3 ReceiveErrorModel on a
 * PointToPointNetDevice. Each direction has its own xoshiro256** generator seeded from --seed.
 *
 * Timing: CLOCK_MONOTONIC, non-blocking reads. In --mode=spin the loop never sleeps (one core at
 * 100%). In --mode=hybrid (default) it spins while a packet is due within --margin-us or while
 * there was activity in the last --linger-us, and otherwise sleeps in ppoll() until the next
 * deadline minus the margin (or until a packet arrives). The relay reports how late it delivered
 * packets (delivery time minus scheduled time) in its exit statistics.
 *
 * The relay stops on SIGINT/SIGTERM or after --duration seconds. Closing the TUN fds deletes the
 * devices (they are not persistent), whichever namespace they are in.
 *
 * Build: cc -O2 -Wall -o linkemu linkemu.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PKT 2048
#define RING_CAP 8192 /* packets in queue + on the wire, per direction */

static volatile sig_atomic_t g_stop = 0;

static void
on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void
die(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "linkemu: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static inline uint64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- PRNG: splitmix64 to seed xoshiro256** ---- */
static uint64_t
splitmix64(uint64_t* x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

struct rng
{
    uint64_t s[4];
};

static void
rng_seed(struct rng* r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t
rng_next(struct rng* r)
{
    uint64_t* s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static double
rng_uniform(struct rng* r) /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- one link direction ---- */
struct slot
{
    uint64_t arrive_ns;
    uint64_t txstart_ns;
    uint64_t deliver_ns;
    uint16_t len;
    uint8_t lost;
    uint8_t data[MAX_PKT];
};

struct dir
{
    const char* name;
    int in_fd;
    int out_fd;
    uint64_t delay_ns;
    double rate_bps; /* 0 = unlimited */
    double loss;
    unsigned qlimit;
    unsigned overhead; /* bytes added per packet for serialisation (L2 header) */
    struct rng rng;
    struct slot* ring;
    uint64_t head, tail; /* ring[head..tail) in flight; head = next to deliver */
    uint64_t txhead;     /* first slot whose transmission has not started yet */
    uint64_t link_free_ns;
    /* statistics */
    uint64_t rx_pkts, rx_bytes, lost, qdrops, ringdrops, delivered, write_err;
    uint64_t late_sum_ns, late_max_ns, late_n;
    uint64_t late_hist[6]; /* <10us <50us <100us <250us <1ms >=1ms */
};

static FILE* g_log = NULL;

/* One line per packet event: CLOCK_MONOTONIC ms (the clock tls-timer's t_start_ms uses), direction,
 * event, IP length, and for IPv4/TCP the ports, flags, sequence/ack numbers and payload length. */
static void
log_event(const struct dir* d, uint64_t t, const char* ev, const uint8_t* p, unsigned len)
{
    if (!g_log)
        return;
    fprintf(g_log, "%.6f,%s,%s,%u", (double)t / 1e6, d->name, ev, len);
    if (p && len >= 20 && (p[0] >> 4) == 4 && p[9] == 6)
    {
        unsigned ihl = (p[0] & 15u) * 4u;
        unsigned tot = ((unsigned)p[2] << 8) | p[3];
        if (len >= ihl + 20)
        {
            const uint8_t* t4 = p + ihl;
            unsigned doff = (t4[12] >> 4) * 4u;
            uint32_t seq = ((uint32_t)t4[4] << 24) | ((uint32_t)t4[5] << 16) | ((uint32_t)t4[6] << 8) | t4[7];
            uint32_t ack = ((uint32_t)t4[8] << 24) | ((uint32_t)t4[9] << 16) | ((uint32_t)t4[10] << 8) | t4[11];
            uint8_t f = t4[13];
            char fl[8];
            int k = 0;
            if (f & 0x02) fl[k++] = 'S';
            if (f & 0x10) fl[k++] = 'A';
            if (f & 0x08) fl[k++] = 'P';
            if (f & 0x01) fl[k++] = 'F';
            if (f & 0x04) fl[k++] = 'R';
            fl[k] = 0;
            fprintf(g_log, ",%u,%u,%s,%u,%u,%d", ((unsigned)t4[0] << 8) | t4[1],
                    ((unsigned)t4[2] << 8) | t4[3], fl, seq, ack, (int)tot - (int)ihl - (int)doff);
            fputc('\n', g_log);
            return;
        }
    }
    fputs(",,,,,,\n", g_log);
}

/* Read every packet that is waiting on d->in_fd and schedule it. */
static int
dir_read(struct dir* d)
{
    int got = 0;
    static uint8_t scratch[MAX_PKT];
    for (;;)
    {
        int full = (d->tail - d->head) >= RING_CAP;
        struct slot* s = full ? NULL : &d->ring[d->tail % RING_CAP];
        ssize_t n = read(d->in_fd, s ? s->data : scratch, MAX_PKT);
        if (n < 0)
        {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fprintf(stderr, "linkemu: read %s: %s\n", d->name, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        uint64_t t = now_ns();
        got++;
        d->rx_pkts++;
        d->rx_bytes += (uint64_t)n;
        /* Advance the "transmission started" pointer, then apply drop-tail on the waiting packets. */
        while (d->txhead < d->tail && d->ring[d->txhead % RING_CAP].txstart_ns <= t)
            d->txhead++;
        if (full)
        {
            d->ringdrops++;
            log_event(d, t, "ringdrop", scratch, (unsigned)n);
            continue;
        }
        if (d->tail - d->txhead >= d->qlimit && d->link_free_ns > t)
        {
            d->qdrops++;
            log_event(d, t, "qdrop", s->data, (unsigned)n);
            continue;
        }
        s->arrive_ns = t;
        s->len = (uint16_t)n;
        s->txstart_ns = d->link_free_ns > t ? d->link_free_ns : t;
        uint64_t ser = 0;
        if (d->rate_bps > 0)
            ser = (uint64_t)(((double)(n + d->overhead) * 8.0 / d->rate_bps) * 1e9 + 0.5);
        d->link_free_ns = s->txstart_ns + ser;
        s->deliver_ns = d->link_free_ns + d->delay_ns;
        s->lost = (d->loss > 0 && rng_uniform(&d->rng) < d->loss) ? 1 : 0;
        d->tail++;
        log_event(d, t, s->lost ? "enq_lost" : "enq", s->data, (unsigned)n);
    }
    return got;
}

/* Deliver every packet that is due. */
static int
dir_deliver(struct dir* d, uint64_t t)
{
    int done = 0;
    while (d->head < d->tail)
    {
        struct slot* s = &d->ring[d->head % RING_CAP];
        if (s->deliver_ns > t)
            break;
        if (s->lost)
        {
            d->lost++;
            log_event(d, t, "lost", s->data, s->len);
        }
        else
        {
            ssize_t w = write(d->out_fd, s->data, s->len);
            uint64_t tw = now_ns();
            if (w != (ssize_t)s->len)
            {
                d->write_err++;
            }
            else
            {
                uint64_t late = tw - s->deliver_ns;
                d->delivered++;
                d->late_sum_ns += late;
                d->late_n++;
                if (late > d->late_max_ns)
                    d->late_max_ns = late;
                int b = late < 10000 ? 0
                        : late < 50000 ? 1
                        : late < 100000 ? 2
                        : late < 250000 ? 3
                        : late < 1000000 ? 4
                                         : 5;
                d->late_hist[b]++;
            }
            log_event(d, tw, "deliver", s->data, s->len);
        }
        d->head++;
        if (d->txhead < d->head)
            d->txhead = d->head;
        done++;
    }
    return done;
}

/* ---- setup helpers ---- */
static int
run(const char* const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0)
    {
        execvp(argv[0], (char* const*)argv);
        fprintf(stderr, "linkemu: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int
tun_open(const char* name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die("open /dev/net/tun: %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        die("TUNSETIFF %s: %s (stale relay still running?)", name, strerror(errno));
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    return fd;
}

/* Move the TUN device into netns ns, give it local/peer addresses, MTU, and bring it up. */
static void
tun_configure(const char* dev, const char* ns, const char* local, const char* peer, int mtu)
{
    char mtus[16];
    snprintf(mtus, sizeof mtus, "%d", mtu);
    const char* mv[] = {"ip", "link", "set", dev, "netns", ns, NULL};
    const char* mt[] = {"ip", "-n", ns, "link", "set", dev, "mtu", mtus, "txqueuelen", "1000", NULL};
    const char* ad[] = {"ip", "-n", ns, "addr", "add", local, "peer", peer, "dev", dev, NULL};
    const char* up[] = {"ip", "-n", ns, "link", "set", dev, "up", NULL};
    if (run(mv) != 0)
        die("cannot move %s into netns %s (does it exist? `ip netns add %s`)", dev, ns, ns);
    if (run(mt) != 0 || run(ad) != 0 || run(up) != 0)
        die("cannot configure %s in netns %s", dev, ns);
}

static void
usage(FILE* f)
{
    fprintf(f,
            "usage: linkemu [options]   (root; the two netns must exist)\n"
            "  --delay-ms X        one-way propagation delay, both directions (default 25)\n"
            "  --delay-c2s-ms X / --delay-s2c-ms X   per direction\n"
            "  --rate-mbps X       link rate per direction, 0 = unlimited (default 10)\n"
            "  --loss X            Bernoulli loss probability, both directions (default 0)\n"
            "  --loss-c2s X / --loss-s2c X\n"
            "  --queue N           drop-tail queue limit in packets, per direction (default 100)\n"
            "  --overhead B        bytes added to each IP packet for serialisation (default 0)\n"
            "  --seed S            PRNG seed (default 1)\n"
            "  --duration S        stop after S seconds (default 0 = until SIGINT/SIGTERM)\n"
            "  --mode spin|hybrid  busy-poll always, or spin only near deadlines (default hybrid)\n"
            "  --linger-us U       hybrid: keep spinning U us after the last packet (default 2000)\n"
            "  --margin-us U       hybrid: wake U us before a deadline and spin (default 1500)\n"
            "  --cpu N             pin the relay to CPU N\n"
            "  --rt-prio P         run with SCHED_FIFO priority P (1-99), so other load on the\n"
            "                      machine does not delay packets (default 0 = normal scheduling)\n"
            "  --netns-cli NS --netns-srv NS   (default ns3tls-cli, ns3tls-srv)\n"
            "  --dev-cli D --dev-srv D         TUN names (default n3t-cli, n3t-srv)\n"
            "  --addr-cli A --addr-srv A       (default 10.77.0.1, 10.77.0.2)\n"
            "  --mtu N             (default 1500)\n"
            "  --ready-file F      write 'ready' to F once the devices are up\n"
            "  --stats F           write exit statistics (JSON) to F as well as stderr\n"
            "  --log F             per-packet event log (CSV: CLOCK_MONOTONIC ms, dir, event,\n"
            "                      bytes, TCP ports, flags, seq, ack, payload)\n");
}

static void
print_stats(FILE* f, const struct dir* d, int n, double elapsed_s, const char* mode)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    fprintf(f, "{\"elapsed_s\":%.3f,\"cpu_s\":%.3f,\"mode\":\"%s\",\"dirs\":[", elapsed_s, cpu, mode);
    for (int i = 0; i < n; i++)
    {
        const struct dir* x = &d[i];
        fprintf(f,
                "%s{\"dir\":\"%s\",\"delay_ms\":%.3f,\"rate_mbps\":%.3f,\"loss\":%.6f,\"queue\":%u,"
                "\"rx_pkts\":%llu,\"rx_bytes\":%llu,\"delivered\":%llu,\"lost\":%llu,"
                "\"qdrops\":%llu,\"ringdrops\":%llu,\"write_err\":%llu,"
                "\"late_mean_us\":%.2f,\"late_max_us\":%.2f,"
                "\"late_hist_us\":{\"<10\":%llu,\"<50\":%llu,\"<100\":%llu,\"<250\":%llu,"
                "\"<1000\":%llu,\">=1000\":%llu}}",
                i ? "," : "", x->name, x->delay_ns / 1e6, x->rate_bps / 1e6, x->loss, x->qlimit,
                (unsigned long long)x->rx_pkts, (unsigned long long)x->rx_bytes,
                (unsigned long long)x->delivered, (unsigned long long)x->lost,
                (unsigned long long)x->qdrops, (unsigned long long)x->ringdrops,
                (unsigned long long)x->write_err,
                x->late_n ? (double)x->late_sum_ns / x->late_n / 1e3 : 0.0, x->late_max_ns / 1e3,
                (unsigned long long)x->late_hist[0], (unsigned long long)x->late_hist[1],
                (unsigned long long)x->late_hist[2], (unsigned long long)x->late_hist[3],
                (unsigned long long)x->late_hist[4], (unsigned long long)x->late_hist[5]);
    }
    fprintf(f, "]}\n");
}

static double
parse_num(const char* opt, const char* s, double lo, double hi)
{
    char* end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < lo || v > hi)
        die("bad value for --%s: '%s' (expected a number in [%g, %g])", opt, s, lo, hi);
    return v;
}

int
main(int argc, char** argv)
{
    double delay_c2s = 25, delay_s2c = 25, rate = 10, loss_c2s = 0, loss_s2c = 0, duration = 0;
    unsigned queue = 100, overhead = 0, mtu = 1500;
    uint64_t seed = 1, linger_us = 2000, margin_us = 1500;
    int cpu = -1, spin = 0, rt_prio = 0;
    const char *ns_cli = "ns3tls-cli", *ns_srv = "ns3tls-srv", *dev_cli = "n3t-cli",
               *dev_srv = "n3t-srv", *addr_cli = "10.77.0.1", *addr_srv = "10.77.0.2";
    const char *ready_file = NULL, *stats_file = NULL, *log_file = NULL, *mode = "hybrid";

    enum
    {
        O_DELAY = 256, O_DC2S, O_DS2C, O_RATE, O_LOSS, O_LC2S, O_LS2C, O_QUEUE, O_OVH, O_SEED,
        O_DUR, O_MODE, O_LINGER, O_MARGIN, O_CPU, O_NSC, O_NSS, O_DEVC, O_DEVS, O_ADC, O_ADS,
        O_MTU, O_READY, O_STATS, O_LOG, O_RTPRIO
    };
    static const struct option opts[] = {
        {"delay-ms", 1, 0, O_DELAY},     {"delay-c2s-ms", 1, 0, O_DC2S}, {"delay-s2c-ms", 1, 0, O_DS2C},
        {"rate-mbps", 1, 0, O_RATE},     {"loss", 1, 0, O_LOSS},         {"loss-c2s", 1, 0, O_LC2S},
        {"loss-s2c", 1, 0, O_LS2C},      {"queue", 1, 0, O_QUEUE},       {"overhead", 1, 0, O_OVH},
        {"seed", 1, 0, O_SEED},          {"duration", 1, 0, O_DUR},      {"mode", 1, 0, O_MODE},
        {"linger-us", 1, 0, O_LINGER},   {"margin-us", 1, 0, O_MARGIN},  {"cpu", 1, 0, O_CPU},
        {"netns-cli", 1, 0, O_NSC},      {"netns-srv", 1, 0, O_NSS},     {"dev-cli", 1, 0, O_DEVC},
        {"dev-srv", 1, 0, O_DEVS},       {"addr-cli", 1, 0, O_ADC},      {"addr-srv", 1, 0, O_ADS},
        {"mtu", 1, 0, O_MTU},            {"ready-file", 1, 0, O_READY},  {"stats", 1, 0, O_STATS},
        {"log", 1, 0, O_LOG},            {"rt-prio", 1, 0, O_RTPRIO},    {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
    {
        switch (c)
        {
        case O_DELAY: delay_c2s = delay_s2c = parse_num("delay-ms", optarg, 0, 1e6); break;
        case O_DC2S: delay_c2s = parse_num("delay-c2s-ms", optarg, 0, 1e6); break;
        case O_DS2C: delay_s2c = parse_num("delay-s2c-ms", optarg, 0, 1e6); break;
        case O_RATE: rate = parse_num("rate-mbps", optarg, 0, 1e6); break;
        case O_LOSS: loss_c2s = loss_s2c = parse_num("loss", optarg, 0, 1); break;
        case O_LC2S: loss_c2s = parse_num("loss-c2s", optarg, 0, 1); break;
        case O_LS2C: loss_s2c = parse_num("loss-s2c", optarg, 0, 1); break;
        case O_QUEUE: queue = (unsigned)parse_num("queue", optarg, 1, RING_CAP); break;
        case O_OVH: overhead = (unsigned)parse_num("overhead", optarg, 0, 1000); break;
        case O_SEED: seed = (uint64_t)parse_num("seed", optarg, 0, 1.8e19); break;
        case O_DUR: duration = parse_num("duration", optarg, 0, 1e9); break;
        case O_MODE:
            if (strcmp(optarg, "spin") && strcmp(optarg, "hybrid"))
                die("bad value for --mode: '%s' (spin|hybrid)", optarg);
            mode = optarg;
            break;
        case O_LINGER: linger_us = (uint64_t)parse_num("linger-us", optarg, 0, 1e9); break;
        case O_MARGIN: margin_us = (uint64_t)parse_num("margin-us", optarg, 0, 1e9); break;
        case O_CPU: cpu = (int)parse_num("cpu", optarg, 0, 1023); break;
        case O_RTPRIO: rt_prio = (int)parse_num("rt-prio", optarg, 0, 99); break;
        case O_NSC: ns_cli = optarg; break;
        case O_NSS: ns_srv = optarg; break;
        case O_DEVC: dev_cli = optarg; break;
        case O_DEVS: dev_srv = optarg; break;
        case O_ADC: addr_cli = optarg; break;
        case O_ADS: addr_srv = optarg; break;
        case O_MTU: mtu = (unsigned)parse_num("mtu", optarg, 576, 1600); break;
        case O_READY: ready_file = optarg; break;
        case O_STATS: stats_file = optarg; break;
        case O_LOG: log_file = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
        die("unexpected argument '%s'", argv[optind]);
    if (geteuid() != 0)
        die("must run as root (creates TUN devices and moves them into network namespaces)");
    spin = strcmp(mode, "spin") == 0;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (cpu >= 0)
    {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0)
            fprintf(stderr, "linkemu: sched_setaffinity(%d): %s\n", cpu, strerror(errno));
    }

    if (rt_prio > 0)
    {
        struct sched_param sp = {.sched_priority = rt_prio};
        if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
            fprintf(stderr, "linkemu: SCHED_FIFO %d: %s (continuing)\n", rt_prio, strerror(errno));
    }

    int fd_cli = tun_open(dev_cli);
    int fd_srv = tun_open(dev_srv);
    tun_configure(dev_cli, ns_cli, addr_cli, addr_srv, (int)mtu);
    tun_configure(dev_srv, ns_srv, addr_srv, addr_cli, (int)mtu);

    struct dir d[2];
    memset(d, 0, sizeof d);
    d[0].name = "c2s";
    d[0].in_fd = fd_cli;
    d[0].out_fd = fd_srv;
    d[0].delay_ns = (uint64_t)(delay_c2s * 1e6 + 0.5);
    d[0].loss = loss_c2s;
    d[1].name = "s2c";
    d[1].in_fd = fd_srv;
    d[1].out_fd = fd_cli;
    d[1].delay_ns = (uint64_t)(delay_s2c * 1e6 + 0.5);
    d[1].loss = loss_s2c;
    for (int i = 0; i < 2; i++)
    {
        d[i].rate_bps = rate * 1e6;
        d[i].qlimit = queue;
        d[i].overhead = overhead;
        rng_seed(&d[i].rng, seed, (uint64_t)i + 1);
        d[i].ring = calloc(RING_CAP, sizeof(struct slot));
        if (!d[i].ring)
            die("out of memory");
    }
    if (log_file)
    {
        g_log = fopen(log_file, "w");
        if (!g_log)
            die("cannot open --log %s: %s", log_file, strerror(errno));
        fprintf(g_log, "t_ms,dir,event,bytes,sport,dport,flags,seq,ack,payload\n");
    }

    uint64_t t0 = now_ns();
    if (ready_file)
    {
        FILE* f = fopen(ready_file, "w");
        if (!f)
            die("cannot write --ready-file %s: %s", ready_file, strerror(errno));
        fprintf(f, "ready %llu\n", (unsigned long long)(t0 / 1000000ull));
        fclose(f);
    }
    fprintf(stderr,
            "linkemu: up: %s(%s)=%s <-> %s(%s)=%s delay %.3f/%.3f ms rate %.3f Mbit/s loss %g/%g "
            "queue %u seed %llu mode %s\n",
            ns_cli, dev_cli, addr_cli, ns_srv, dev_srv, addr_srv, delay_c2s, delay_s2c, rate,
            loss_c2s, loss_s2c, queue, (unsigned long long)seed, mode);

    uint64_t end_ns = duration > 0 ? t0 + (uint64_t)(duration * 1e9) : UINT64_MAX;
    uint64_t last_activity = t0;
    const uint64_t linger_ns = linger_us * 1000, margin_ns = margin_us * 1000;
    struct pollfd pfd[2] = {{fd_cli, POLLIN, 0}, {fd_srv, POLLIN, 0}};

    while (!g_stop)
    {
        int act = dir_read(&d[0]) + dir_read(&d[1]);
        uint64_t t = now_ns();
        act += dir_deliver(&d[0], t) + dir_deliver(&d[1], t);
        if (act)
            last_activity = t;
        if (t >= end_ns)
            break;
        if (spin || t - last_activity < linger_ns)
            continue;
        uint64_t next = end_ns;
        for (int i = 0; i < 2; i++)
            if (d[i].head < d[i].tail && d[i].ring[d[i].head % RING_CAP].deliver_ns < next)
                next = d[i].ring[d[i].head % RING_CAP].deliver_ns;
        if (next <= t + margin_ns)
            continue;
        uint64_t wait = next - t - margin_ns;
        struct timespec ts = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
        int r = ppoll(pfd, 2, &ts, NULL);
        if (r > 0)
            last_activity = now_ns(); /* a packet arrived: spin for a while, replies may follow */
    }

    double elapsed = (now_ns() - t0) / 1e9;
    if (g_log)
        fclose(g_log);
    close(fd_cli); /* non-persistent TUN devices disappear with their last fd */
    close(fd_srv);
    print_stats(stderr, d, 2, elapsed, mode);
    if (stats_file)
    {
        FILE* f = fopen(stats_file, "w");
        if (f)
        {
            print_stats(f, d, 2, elapsed, mode);
            fclose(f);
        }
    }
    free(d[0].ring);
    free(d[1].ring);
    return 0;
}
