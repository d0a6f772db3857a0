/*
 * tls-timer: time real TCP + OpenSSL handshakes, one CSV row per connection (like OpenSSL's s_time
 * and the s_timer.c of the post-quantum TLS benchmarking literature).
 *
 * For each of N sequential connections:
 *   t0 = CLOCK_MONOTONIC just before connect() (blocking socket)
 *   t1 = after connect() returned 0          -> tcp_ms   = t1 - t0
 *   t2 = after SSL_connect() returned 1      -> tls_ms   = t2 - t1, total_ms = t2 - t0
 * Optionally a request ("GET /PATH HTTP/1.0") is sent and the response read to EOF (ttfb_ms =
 * first response byte - t0); this also collects TLS 1.3 NewSessionTickets and makes sure a
 * single-threaded server (openssl s_server) is idle before the next connection starts.
 * With --resume each connection offers the session of the previous one.
 *
 * A whole connection has a deadline (--timeout, default 30 s) enforced with SIGALRM, so a lost
 * handshake ends as ok=0,error=timeout instead of hanging.
 *
 * Build: cc -O2 -Wall -o tls-timer tls-timer.c -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_expired = 0;

static void
on_alarm(int sig)
{
    (void)sig;
    g_expired = 1;
}

static void
die(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tls-timer: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static inline double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Arm a one-shot deadline that keeps firing every 50 ms afterwards, so a blocking call entered just
 * after the first signal is interrupted too. */
static void
deadline_arm(double seconds)
{
    g_expired = 0;
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    it.it_interval.tv_usec = 50000;
    setitimer(ITIMER_REAL, &it, NULL);
}

static void
deadline_disarm(void)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
}

/* Bytes read and written on the socket BIO (TLS records, both directions). */
struct counters
{
    uint64_t rd, wr;
};

static long
bio_count_cb(BIO* b, int oper, const char* argp, size_t len, int argi, long argl, int ret,
             size_t* processed)
{
    (void)argp;
    (void)len;
    (void)argi;
    (void)argl;
    struct counters* c = (struct counters*)BIO_get_callback_arg(b);
    if (c && ret > 0 && processed)
    {
        if (oper == (BIO_CB_READ | BIO_CB_RETURN))
            c->rd += *processed;
        else if (oper == (BIO_CB_WRITE | BIO_CB_RETURN))
            c->wr += *processed;
    }
    return ret;
}

static FILE* g_keylog = NULL;

static void
keylog_cb(const SSL* ssl, const char* line)
{
    (void)ssl;
    if (g_keylog)
    {
        fprintf(g_keylog, "%s\n", line);
        fflush(g_keylog);
    }
}

/* CSV-safe copy: commas, quotes and newlines become spaces or semicolons. */
static void
csv_clean(char* s)
{
    for (; *s; s++)
        if (*s == ',' || *s == '\n' || *s == '\r' || *s == '"')
            *s = (*s == ',') ? ';' : ' ';
}

static void
ssl_error_string(char* buf, size_t n, const char* what)
{
    unsigned long e = ERR_get_error();
    if (e)
    {
        char tmp[200];
        ERR_error_string_n(e, tmp, sizeof tmp);
        snprintf(buf, n, "%s: %s", what, tmp);
    }
    else
        snprintf(buf, n, "%s", what);
    ERR_clear_error();
}

struct opts
{
    const char* host;
    int port;
    int n;
    const char* version;
    const char* ciphers;
    const char* ciphersuites;
    const char* groups;
    const char* sigalgs;
    const char* cafile;
    const char* sni;
    const char* verify_host;
    const char* request;
    const char* keylog;
    int verify;
    int resume;
    int tcp_only;
    int nodelay;
    int header;
    double timeout_s;
    double interval_ms;
    double ticket_wait_ms;
    double drain_s;
    int warmup;
    char* meta_names[32];
    char* meta_values[32];
    int n_meta;
};

static void
usage(FILE* f)
{
    fprintf(f,
            "usage: tls-timer --host H --port P [options]\n"
            "  -n N                  connections (default 10)\n"
            "  --tls 1.2|1.3         pin the protocol version (default: OpenSSL's range)\n"
            "  --ciphers LIST        TLS 1.2 cipher list (e.g. ECDHE-RSA-AES128-GCM-SHA256)\n"
            "  --ciphersuites LIST   TLS 1.3 suites\n"
            "  --groups LIST         e.g. X25519:P-256\n"
            "  --sigalgs LIST\n"
            "  --CAfile F            trust anchor; verification is on when given\n"
            "  --no-verify           do not verify the server certificate\n"
            "  --verify-host NAME    also check the certificate's host name\n"
            "  --sni NAME            send server_name\n"
            "  --resume              offer the previous connection's session (tickets)\n"
            "  --request PATH        after the handshake send 'GET PATH HTTP/1.0' and read to EOF\n"
            "  --ticket-wait-ms X    with --resume and no --request: wait up to X ms for tickets\n"
            "                        (default 1000)\n"
            "  --timeout S           per-connection deadline (default 30)\n"
            "  --drain-timeout S     after each connection send FIN, read to EOF and wait until the\n"
            "                        FIN is acknowledged, at most S s (default 10; 0 = just close)\n"
            "  --interval-ms X       pause after each connection closes (default 0)\n"
            "  --warmup K            K untimed connections first (not printed; their session is\n"
            "                        not offered to connection 0)\n"
            "  --tcp-only            connect and close, no TLS (measures the path's TCP RTT)\n"
            "  --nodelay             set TCP_NODELAY on the client socket\n"
            "  --keylog F            NSS key log (for Wireshark)\n"
            "  --meta NAME=VALUE     extra leading CSV column (repeatable)\n"
            "  --no-header           omit the CSV header line\n");
}

static const char* k_columns =
    "conn,ok,error,tcp_ms,tls_ms,total_ms,ttfb_ms,resumed,version,cipher,group,client_bytes,"
    "server_bytes,retransmissions,srtt_ms,rto_ms,t_start_ms";

struct result
{
    int ok;
    char error[256];
    double tcp_ms, tls_ms, total_ms, ttfb_ms;
    int resumed;
    char version[32], cipher[64], group[32];
    uint64_t cbytes, sbytes;
    long retrans;
    double srtt_ms, rto_ms;
    double t_start;
};

static void
print_row(const struct opts* o, int conn, struct result* r)
{
    if (conn < 0)
        return; /* warm-up connection */
    for (int i = 0; i < o->n_meta; i++)
        printf("%s,", o->meta_values[i]);
    csv_clean(r->error);
    printf("%d,%d,%s,", conn, r->ok, r->error);
    if (r->tcp_ms >= 0)
        printf("%.3f,", r->tcp_ms);
    else
        printf(",");
    if (r->ok)
        printf("%.3f,%.3f,", r->tls_ms, r->total_ms);
    else
        printf(",,");
    if (r->ttfb_ms >= 0)
        printf("%.3f,", r->ttfb_ms);
    else
        printf(",");
    printf("%d,%s,%s,%s,", r->resumed, r->version, r->cipher, r->group);
    if (r->ok)
        printf("%llu,%llu,", (unsigned long long)r->cbytes, (unsigned long long)r->sbytes);
    else
        printf(",,");
    if (r->retrans >= 0)
        printf("%ld,%.3f,%.3f,", r->retrans, r->srtt_ms, r->rto_ms);
    else
        printf(",,,");
    printf("%.3f\n", r->t_start);
    fflush(stdout);
}

static void
tcp_stats(int fd, struct result* r)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0)
    {
        r->retrans = (long)ti.tcpi_total_retrans;
        r->srtt_ms = ti.tcpi_rtt / 1e3;
        r->rto_ms = ti.tcpi_rto / 1e3;
    }
}

/* Close so that a single-threaded server (openssl s_server) is done with this connection before
 * the next one starts: send our FIN, read to EOF, then wait until our FIN is acknowledged (state
 * TIME_WAIT or CLOSE). After each connection s_server shuts down its side and waits up to 500 ms
 * for the client's FIN before it accepts again, so a lost FIN would otherwise delay the next
 * handshake. A connection that never got established is reset. */
static void
close_connection(const struct opts* o, int fd, int established)
{
    int reset = !established;
    if (established && o->drain_s > 0)
    {
        char buf[4096];
        deadline_arm(o->drain_s);
        shutdown(fd, SHUT_WR);
        for (;;)
        {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n > 0 || (n < 0 && errno == EINTR && !g_expired))
                continue;
            break;
        }
        while (!g_expired)
        {
            struct tcp_info ti;
            socklen_t len = sizeof ti;
            if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 || ti.tcpi_state == TCP_TIME_WAIT ||
                ti.tcpi_state == TCP_CLOSE)
                break;
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
        reset = g_expired;
        deadline_disarm();
    }
    if (reset)
    {
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(fd);
}

/* Read until EOF/close_notify or the deadline; returns time of the first byte (or -1). */
static double
read_response(SSL* ssl)
{
    char buf[16384];
    double first = -1;
    for (;;)
    {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n > 0)
        {
            if (first < 0)
                first = now_ms();
            continue;
        }
        int e = SSL_get_error(ssl, n);
        if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) && !g_expired)
            continue;
        break;
    }
    ERR_clear_error();
    return first;
}

/* TLS 1.3 without a request: give the server's NewSessionTicket(s) up to wait_ms to arrive. The
 * socket is non-blocking meanwhile, so SSL_read returns once the records that arrived are read. */
static void
wait_for_ticket(SSL* ssl, int fd, double wait_ms)
{
    double end = now_ms() + wait_ms;
    char buf[4096];
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    while (!SSL_SESSION_is_resumable(SSL_get0_session(ssl)))
    {
        double left = end - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)left + 1) <= 0)
            break;
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0 && SSL_get_error(ssl, n) != SSL_ERROR_WANT_READ)
            break;
    }
    fcntl(fd, F_SETFL, fl);
    ERR_clear_error();
}

static void
one_connection(const struct opts* o, SSL_CTX* ctx, const struct sockaddr_in* sa, int conn,
               SSL_SESSION** prev)
{
    struct result r;
    memset(&r, 0, sizeof r);
    r.tcp_ms = r.ttfb_ms = -1;
    r.retrans = -1;

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (o->nodelay)
    {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    SSL* ssl = NULL;
    struct counters cnt = {0, 0};

    deadline_arm(o->timeout_s);
    double t0 = now_ms();
    r.t_start = t0;
    int rc = connect(fd, (const struct sockaddr*)sa, sizeof *sa);
    double t1 = now_ms();
    if (rc != 0)
    {
        if (g_expired || errno == EINTR)
            snprintf(r.error, sizeof r.error, "timeout (tcp)");
        else
            snprintf(r.error, sizeof r.error, "connect: %s", strerror(errno));
        tcp_stats(fd, &r);
        goto fail;
    }
    r.tcp_ms = t1 - t0;
    if (o->tcp_only)
    {
        deadline_disarm();
        tcp_stats(fd, &r);
        r.ok = 1;
        r.total_ms = r.tcp_ms;
        close_connection(o, fd, 1);
        print_row(o, conn, &r);
        return;
    }

    ssl = SSL_new(ctx);
    BIO* bio = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO_set_callback_arg(bio, (char*)&cnt);
    BIO_set_callback_ex(bio, bio_count_cb);
    SSL_set_bio(ssl, bio, bio);
    if (o->sni)
        SSL_set_tlsext_host_name(ssl, o->sni);
    if (o->verify_host)
        SSL_set1_host(ssl, o->verify_host);
    if (o->resume && *prev)
        SSL_set_session(ssl, *prev);

    for (;;)
    {
        rc = SSL_connect(ssl);
        if (rc == 1)
            break;
        int e = SSL_get_error(ssl, rc);
        if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) && !g_expired)
            continue; /* EINTR from a stray signal */
        if (g_expired)
            snprintf(r.error, sizeof r.error, "timeout (tls)");
        else if (SSL_get_verify_result(ssl) != X509_V_OK)
            snprintf(r.error, sizeof r.error, "verify: %s",
                     X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
        else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
            snprintf(r.error, sizeof r.error, "syscall: %s", errno ? strerror(errno) : "EOF");
        else
            ssl_error_string(r.error, sizeof r.error, "ssl");
        tcp_stats(fd, &r);
        goto fail;
    }
    double t2 = now_ms();
    tcp_stats(fd, &r);
    r.ok = 1;
    r.tls_ms = t2 - t1;
    r.total_ms = t2 - t0;
    r.cbytes = cnt.wr;
    r.sbytes = cnt.rd;
    r.resumed = SSL_session_reused(ssl);
    snprintf(r.version, sizeof r.version, "%s", SSL_get_version(ssl));
    snprintf(r.cipher, sizeof r.cipher, "%s", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    {
        int g = SSL_get_negotiated_group(ssl);
        const char* gn = g ? SSL_group_to_name(ssl, g) : NULL;
        snprintf(r.group, sizeof r.group, "%s", gn ? gn : "");
    }

    if (o->request)
    {
        char req[512];
        int len = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", o->request);
        if (SSL_write(ssl, req, len) == len)
        {
            double tf = read_response(ssl);
            if (tf >= 0)
                r.ttfb_ms = tf - t0;
        }
        ERR_clear_error();
    }
    else if (o->resume && SSL_version(ssl) >= TLS1_3_VERSION)
    {
        wait_for_ticket(ssl, fd, o->ticket_wait_ms);
    }
    deadline_disarm();
    if (o->resume)
    {
        SSL_SESSION* s = SSL_get1_session(ssl);
        if (s && SSL_SESSION_is_resumable(s))
        {
            if (*prev)
                SSL_SESSION_free(*prev);
            *prev = s;
        }
        else if (s)
            SSL_SESSION_free(s);
    }
    SSL_shutdown(ssl); /* close_notify */
    ERR_clear_error();
    SSL_free(ssl);
    close_connection(o, fd, 1);
    print_row(o, conn, &r);
    return;

fail:
    deadline_disarm();
    r.ok = 0;
    if (ssl)
        SSL_free(ssl);
    ERR_clear_error();
    close_connection(o, fd, r.tcp_ms >= 0);
    print_row(o, conn, &r);
}

int
main(int argc, char** argv)
{
    struct opts o;
    memset(&o, 0, sizeof o);
    o.host = "10.77.0.2";
    o.port = 4433;
    o.n = 10;
    o.header = 1;
    o.timeout_s = 30;
    o.ticket_wait_ms = 1000;
    o.drain_s = 10;
    o.verify = 1;

    enum
    {
        O_HOST = 256, O_PORT, O_TLS, O_CIPHERS, O_SUITES, O_GROUPS, O_SIGALGS, O_CA, O_NOVERIFY,
        O_VHOST, O_SNI, O_RESUME, O_REQUEST, O_TWAIT, O_TIMEOUT, O_INTERVAL, O_TCPONLY, O_NODELAY,
        O_KEYLOG, O_META, O_NOHEADER, O_WARMUP, O_DRAIN
    };
    static const struct option lo[] = {
        {"host", 1, 0, O_HOST},         {"port", 1, 0, O_PORT},
        {"tls", 1, 0, O_TLS},           {"ciphers", 1, 0, O_CIPHERS},
        {"ciphersuites", 1, 0, O_SUITES}, {"groups", 1, 0, O_GROUPS},
        {"sigalgs", 1, 0, O_SIGALGS},   {"CAfile", 1, 0, O_CA},
        {"no-verify", 0, 0, O_NOVERIFY}, {"verify-host", 1, 0, O_VHOST},
        {"sni", 1, 0, O_SNI},           {"resume", 0, 0, O_RESUME},
        {"request", 1, 0, O_REQUEST},   {"ticket-wait-ms", 1, 0, O_TWAIT},
        {"timeout", 1, 0, O_TIMEOUT},   {"interval-ms", 1, 0, O_INTERVAL},
        {"tcp-only", 0, 0, O_TCPONLY},  {"nodelay", 0, 0, O_NODELAY},
        {"keylog", 1, 0, O_KEYLOG},     {"meta", 1, 0, O_META},
        {"no-header", 0, 0, O_NOHEADER}, {"warmup", 1, 0, O_WARMUP},
        {"drain-timeout", 1, 0, O_DRAIN},
        {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    char* end;
    while ((c = getopt_long(argc, argv, "n:h", lo, NULL)) != -1)
    {
        switch (c)
        {
        case 'n':
            o.n = (int)strtol(optarg, &end, 10);
            if (*end || o.n < 1)
                die("bad value for -n: '%s'", optarg);
            break;
        case O_HOST: o.host = optarg; break;
        case O_PORT:
            o.port = (int)strtol(optarg, &end, 10);
            if (*end || o.port < 1 || o.port > 65535)
                die("bad value for --port: '%s'", optarg);
            break;
        case O_TLS:
            if (strcmp(optarg, "1.2") && strcmp(optarg, "1.3"))
                die("bad value for --tls: '%s' (1.2|1.3)", optarg);
            o.version = optarg;
            break;
        case O_CIPHERS: o.ciphers = optarg; break;
        case O_SUITES: o.ciphersuites = optarg; break;
        case O_GROUPS: o.groups = optarg; break;
        case O_SIGALGS: o.sigalgs = optarg; break;
        case O_CA: o.cafile = optarg; break;
        case O_NOVERIFY: o.verify = 0; break;
        case O_VHOST: o.verify_host = optarg; break;
        case O_SNI: o.sni = optarg; break;
        case O_RESUME: o.resume = 1; break;
        case O_REQUEST: o.request = optarg; break;
        case O_TWAIT:
            o.ticket_wait_ms = strtod(optarg, &end);
            if (*end || o.ticket_wait_ms < 0)
                die("bad value for --ticket-wait-ms: '%s'", optarg);
            break;
        case O_TIMEOUT:
            o.timeout_s = strtod(optarg, &end);
            if (*end || o.timeout_s <= 0)
                die("bad value for --timeout: '%s'", optarg);
            break;
        case O_INTERVAL:
            o.interval_ms = strtod(optarg, &end);
            if (*end || o.interval_ms < 0)
                die("bad value for --interval-ms: '%s'", optarg);
            break;
        case O_WARMUP:
            o.warmup = (int)strtol(optarg, &end, 10);
            if (*end || o.warmup < 0)
                die("bad value for --warmup: '%s'", optarg);
            break;
        case O_DRAIN:
            o.drain_s = strtod(optarg, &end);
            if (*end || o.drain_s < 0)
                die("bad value for --drain-timeout: '%s'", optarg);
            break;
        case O_TCPONLY: o.tcp_only = 1; break;
        case O_NODELAY: o.nodelay = 1; break;
        case O_KEYLOG: o.keylog = optarg; break;
        case O_META:
        {
            char* eq = strchr(optarg, '=');
            if (!eq || eq == optarg || o.n_meta >= 32)
                die("bad --meta '%s' (NAME=VALUE, at most 32)", optarg);
            *eq = 0;
            o.meta_names[o.n_meta] = optarg;
            o.meta_values[o.n_meta] = eq + 1;
            csv_clean(o.meta_names[o.n_meta]);
            csv_clean(o.meta_values[o.n_meta]);
            o.n_meta++;
            break;
        }
        case O_NOHEADER: o.header = 0; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
        die("unexpected argument '%s'", argv[optind]);

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o.port);
    if (inet_pton(AF_INET, o.host, &sa.sin_addr) != 1)
        die("--host must be an IPv4 address: '%s'", o.host);

    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_alarm; /* no SA_RESTART: blocking calls return EINTR */
    sigaction(SIGALRM, &act, NULL);
    signal(SIGPIPE, SIG_IGN);

    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        die("SSL_CTX_new failed");
    if (o.version)
    {
        int v = strcmp(o.version, "1.3") == 0 ? TLS1_3_VERSION : TLS1_2_VERSION;
        SSL_CTX_set_min_proto_version(ctx, v);
        SSL_CTX_set_max_proto_version(ctx, v);
    }
    if (o.ciphers && !SSL_CTX_set_cipher_list(ctx, o.ciphers))
        die("bad --ciphers '%s'", o.ciphers);
    if (o.ciphersuites && !SSL_CTX_set_ciphersuites(ctx, o.ciphersuites))
        die("bad --ciphersuites '%s'", o.ciphersuites);
    if (o.groups && !SSL_CTX_set1_groups_list(ctx, o.groups))
        die("bad --groups '%s'", o.groups);
    if (o.sigalgs && !SSL_CTX_set1_sigalgs_list(ctx, o.sigalgs))
        die("bad --sigalgs '%s'", o.sigalgs);
    if (o.verify && !o.tcp_only)
    {
        if (!o.cafile)
            die("--CAfile is required unless --no-verify");
        if (!SSL_CTX_load_verify_locations(ctx, o.cafile, NULL))
            die("cannot load --CAfile '%s'", o.cafile);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    else
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    /* We keep sessions ourselves (SSL_get1_session), not in OpenSSL's internal client cache. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    if (o.keylog)
    {
        g_keylog = fopen(o.keylog, "a");
        if (!g_keylog)
            die("cannot open --keylog '%s'", o.keylog);
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    }

    if (o.header)
    {
        for (int i = 0; i < o.n_meta; i++)
            printf("%s,", o.meta_names[i]);
        printf("%s\n", k_columns);
        fflush(stdout);
    }
    SSL_SESSION* prev = NULL;
    for (int i = -o.warmup; i < o.n; i++)
    {
        if (i == 0 && prev)
        {
            SSL_SESSION_free(prev);
            prev = NULL;
        }
        one_connection(&o, ctx, &sa, i, &prev);
        if (o.interval_ms > 0 && i + 1 < o.n)
        {
            struct timespec ts = {(time_t)(o.interval_ms / 1e3),
                                  (long)((o.interval_ms - 1e3 * (time_t)(o.interval_ms / 1e3)) * 1e6)};
            nanosleep(&ts, NULL);
        }
    }
    if (prev)
        SSL_SESSION_free(prev);
    SSL_CTX_free(ctx);
    if (g_keylog)
        fclose(g_keylog);
    return 0;
}
