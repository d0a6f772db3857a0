/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-clock.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <openssl/lhash.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/time.h>

namespace
{
// OpenSSL 3.3 added 64-bit (time_t) session times and deprecated the long ones; both count
// seconds since the epoch, as TlsClock does.
#if OPENSSL_VERSION_NUMBER >= 0x30300000L
inline long
SessionTime(const SSL_SESSION* s)
{
    return static_cast<long>(SSL_SESSION_get_time_ex(s));
}

inline void
SetSessionTime(SSL_SESSION* s, long t)
{
    SSL_SESSION_set_time_ex(s, static_cast<time_t>(t));
}

inline void
FlushSessions(SSL_CTX* ctx, long t)
{
    SSL_CTX_flush_sessions_ex(ctx, static_cast<time_t>(t));
}
#else
inline long
SessionTime(const SSL_SESSION* s)
{
    return SSL_SESSION_get_time(s);
}

inline void
SetSessionTime(SSL_SESSION* s, long t)
{
    SSL_SESSION_set_time(s, t);
}

inline void
FlushSessions(SSL_CTX* ctx, long t)
{
    SSL_CTX_flush_sessions(ctx, t);
}
#endif
} // namespace

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsClock");

namespace
{

/// A shift is not made in the last GUARD_NS of a wall-clock second (see the class comment).
const long GUARD_NS = 5000000;

/// From a shift to the end of its step: the wall second the shift was computed for, which the
/// bundled OpenSSL's clock reads return (ns3tls_openssl_time); -1 otherwise: the wall clock.
thread_local int64_t t_openSslWall = -1;

/// The SSL ex_data slot that holds a connection's TlsClock.
int
ExIndex()
{
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

/// time(NULL), read at least GUARD_NS before it next changes (with a hooked OpenSSL clock any
/// second will do: OpenSSL reads this one until the step ends).
int64_t
StableWallSeconds()
{
    static const bool hooked = ns3::TlsClock::IsOpenSslClockHooked();
    if (hooked)
    {
        return static_cast<int64_t>(std::time(nullptr));
    }
    timespec ts;
    // time() reads the coarse real-time clock (its seconds); wait out the end of a second.
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    while (ts.tv_nsec > 1000000000L - GUARD_NS)
    {
        timespec pause{0, 1000000000L - ts.tv_nsec + 100000L};
        nanosleep(&pause, nullptr);
        clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    }
    return static_cast<int64_t>(std::time(nullptr));
}

/// A session in a context's internal cache, by id and protocol version (lookup_sess_in_cache).
SSL_SESSION*
FindCached(SSL_CTX* ctx, const unsigned char* id, size_t length, int version)
{
    static SSL_SESSION* key = SSL_SESSION_new();
    LHASH_OF(SSL_SESSION)* sessions = SSL_CTX_sessions(ctx);
    if (sessions == nullptr || length == 0 || SSL_SESSION_set1_id(key, id, length) != 1)
    {
        return nullptr;
    }
    SSL_SESSION_set_protocol_version(key, version);
    return static_cast<SSL_SESSION*>(
        OPENSSL_LH_retrieve(reinterpret_cast<OPENSSL_LHASH*>(sessions), key));
}

bool
SameId(const SSL_SESSION* a, const SSL_SESSION* b)
{
    unsigned int na = 0;
    unsigned int nb = 0;
    const unsigned char* ia = SSL_SESSION_get_id(a, &na);
    const unsigned char* ib = SSL_SESSION_get_id(b, &nb);
    return na > 0 && na == nb && std::equal(ia, ia + na, ib);
}

} // namespace

std::string
TlsClock::ParseDate(const std::string& text, int64_t& seconds)
{
    if (text == "now")
    {
        seconds = static_cast<int64_t>(std::time(nullptr));
        return "";
    }
    std::tm tm{};
    char tail = 0;
    int n = 0;
    bool ok = false;
    if (text.size() == 10)
    {
        ok = std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n)
                 == 3
             && n == 10;
    }
    else if (text.size() == 20)
    {
        ok = std::sscanf(text.c_str(),
                         "%4d-%2d-%2dT%2d:%2d:%2d%c%n",
                         &tm.tm_year,
                         &tm.tm_mon,
                         &tm.tm_mday,
                         &tm.tm_hour,
                         &tm.tm_min,
                         &tm.tm_sec,
                         &tail,
                         &n)
                 == 7
             && tail == 'Z' && n == 20;
    }
    std::tm check{};
    if (ok)
    {
        int year = tm.tm_year;
        int month = tm.tm_mon;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        check = tm;
        seconds = static_cast<int64_t>(timegm(&tm));
        // timegm normalises 2026-02-31 into March: accept only dates that name themselves.
        ok = year >= 1970 && year <= 9999 && tm.tm_year == check.tm_year
             && tm.tm_mon == check.tm_mon && tm.tm_mday == check.tm_mday
             && tm.tm_hour == check.tm_hour && tm.tm_min == check.tm_min
             && tm.tm_sec == check.tm_sec && month >= 1;
    }
    if (!ok)
    {
        return "invalid date '" + text
               + "' (expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ in UTC, or now)";
    }
    return "";
}

std::string
TlsClock::FormatDate(int64_t seconds)
{
    time_t t = static_cast<time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void
TlsClock::Install(SSL_CTX* ctx, bool server)
{
    // OpenSSL would flush expired sessions every 255 handshakes by the wall clock; EndStep
    // does it by the simulated one.
    SSL_CTX_set_session_cache_mode(
        ctx, SSL_CTX_get_session_cache_mode(ctx) | SSL_SESS_CACHE_NO_AUTO_CLEAR);
    if (server)
    {
        SSL_CTX_set_client_hello_cb(ctx, &TlsClock::ClientHello, nullptr);
        SSL_CTX_set_session_ticket_cb(
            ctx, &TlsClock::GenerateTicket, &TlsClock::DecryptTicket, nullptr);
    }
    else
    {
        SSL_CTX_set_psk_use_session_callback(ctx, &TlsClock::PskUseSession);
    }
}

TlsClock::TlsClock(SSL* ssl, int64_t epoch)
    : m_ssl(ssl)
    , m_epoch(epoch)
{
    SSL_set_ex_data(m_ssl, ExIndex(), this);
}

TlsClock::~TlsClock()
{
    // Only our own references: the connection may already be gone.
    for (const auto& s : m_shifted)
    {
        SetSessionTime(s.session, s.time);
        SSL_SESSION_free(s.session);
    }
}

int64_t
TlsClock::Now() const
{
    return m_epoch + Simulator::Now().GetNanoSeconds() / 1000000000;
}

bool
TlsClock::IsOpenSslClockHooked()
{
    int64_t saved = t_openSslWall;
    t_openSslWall = 86400; // 1970-01-02T00:00:00Z: no wall clock reads this
    SSL_SESSION* session = SSL_SESSION_new();
    bool hooked = session != nullptr && SessionTime(session) == 86400;
    SSL_SESSION_free(session);
    t_openSslWall = saved;
    return hooked;
}

TlsClock*
TlsClock::From(SSL* ssl)
{
    return static_cast<TlsClock*>(SSL_get_ex_data(ssl, ExIndex()));
}

void
TlsClock::BeginStep()
{
    X509_VERIFY_PARAM_set_time(SSL_get0_param(m_ssl), static_cast<time_t>(Now()));
    if (!SSL_is_server(m_ssl) && m_helloTime < 0)
    {
        m_helloTime = Now();
    }
}

void
TlsClock::Shift(SSL_SESSION* session)
{
    for (const auto& s : m_shifted)
    {
        if (s.session == session)
        {
            return;
        }
    }
    if (!m_haveOffset)
    {
        int64_t wall = StableWallSeconds();
        t_openSslWall = wall; // a hooked OpenSSL reads this second until EndStep()
        m_offset = wall - Now();
        m_haveOffset = true;
    }
    Shifted s{session, SessionTime(session), 0};
    s.shifted = s.time + m_offset;
    SSL_SESSION_up_ref(session);
    SetSessionTime(session, s.shifted);
    m_shifted.push_back(s);
    NS_LOG_LOGIC("session time " << s.time << " seen by OpenSSL as " << s.shifted);
}

void
TlsClock::Unshift(SSL_SESSION* session)
{
    if (session == nullptr)
    {
        return;
    }
    for (const auto& s : m_shifted)
    {
        // The session itself, or a copy OpenSSL made of it during the step (ssl_session_dup).
        if ((s.session == session || SameId(s.session, session))
            && SessionTime(session) == s.shifted)
        {
            SetSessionTime(session, s.time);
            return;
        }
    }
}

void
TlsClock::EndStep()
{
    t_openSslWall = -1;
    if (!m_shifted.empty())
    {
        Unshift(SSL_get_session(m_ssl));
        for (const auto& s : m_shifted)
        {
            Unshift(s.session);
            SSL_SESSION_free(s.session);
        }
        m_shifted.clear();
    }
    m_haveOffset = false;
    if (!SSL_is_server(m_ssl))
    {
        return;
    }
    // A new server session was dated by the wall clock when OpenSSL created it, in the step
    // that read the ClientHello: date it now (TLS 1.3 redates it when it issues a ticket).
    SSL_SESSION* session = SSL_get_session(m_ssl);
    if (session != nullptr && session != m_dated && !SSL_session_reused(m_ssl))
    {
        SetSessionTime(session, Now());
        m_dated = session;
    }
    if (!m_flushChecked && SSL_is_init_finished(m_ssl))
    {
        m_flushChecked = true;
        SSL_CTX* ctx = SSL_get_SSL_CTX(m_ssl);
        if ((SSL_CTX_sess_accept_good(ctx) & 0xff) == 0xff)
        {
            FlushSessions(ctx, Now()); // ssl_update_cache's flush, simulated clock
        }
    }
}

void
TlsClock::OnNewSession(SSL_SESSION* session)
{
    bool atTicket = SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION
                    || SSL_SESSION_has_ticket(session);
    SetSessionTime(session, atTicket || m_helloTime < 0 ? Now() : m_helloTime);
}

int
TlsClock::PskUseSession(SSL* ssl,
                        const EVP_MD* /* md */,
                        const unsigned char** id,
                        size_t* idlen,
                        SSL_SESSION** session)
{
    // Called while the ClientHello's extensions are written, just before the pre_shared_key
    // extension computes the ticket age: no external PSK, only the clock.
    *id = nullptr;
    *idlen = 0;
    *session = nullptr;
    TlsClock* clock = From(ssl);
    SSL_SESSION* offered = SSL_get_session(ssl);
    if (clock != nullptr && offered != nullptr && SSL_SESSION_has_ticket(offered)
        && SSL_SESSION_get_protocol_version(offered) == TLS1_3_VERSION)
    {
        clock->Shift(offered);
    }
    return 1;
}

int
TlsClock::ClientHello(SSL* ssl, int* /* alert */, void* /* arg */)
{
    TlsClock* clock = From(ssl);
    if (clock == nullptr)
    {
        return SSL_CLIENT_HELLO_SUCCESS;
    }
    SSL_CTX* ctx = SSL_get_SSL_CTX(ssl);
    // TLS 1.2 session id.
    const unsigned char* sid = nullptr;
    size_t sidLength = SSL_client_hello_get0_session_id(ssl, &sid);
    for (int version : {TLS1_2_VERSION, TLS1_1_VERSION, TLS1_VERSION})
    {
        if (SSL_SESSION* s = FindCached(ctx, sid, sidLength, version))
        {
            clock->Shift(s);
        }
    }
    // TLS 1.3 stateful tickets: a PSK identity is a session id (RFC 8446 4.2.11).
    const unsigned char* psk = nullptr;
    size_t pskLength = 0;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_psk, &psk, &pskLength) == 1 && pskLength >= 2)
    {
        size_t end = std::min(pskLength, 2 + ((size_t(psk[0]) << 8) | psk[1]));
        for (size_t p = 2; p + 2 <= end;)
        {
            size_t n = (size_t(psk[p]) << 8) | psk[p + 1];
            if (p + 2 + n + 4 > end)
            {
                break;
            }
            if (n <= SSL_MAX_SSL_SESSION_ID_LENGTH)
            {
                if (SSL_SESSION* s = FindCached(ctx, psk + p + 2, n, TLS1_3_VERSION))
                {
                    clock->Shift(s);
                }
            }
            p += 2 + n + 4; // identity, obfuscated_ticket_age
        }
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

int
TlsClock::GenerateTicket(SSL* ssl, void* /* arg */)
{
    TlsClock* clock = From(ssl);
    SSL_SESSION* session = SSL_get_session(ssl);
    if (clock == nullptr || session == nullptr)
    {
        return 1;
    }
    if (SSL_version(ssl) == TLS1_3_VERSION)
    {
        // OpenSSL has just set the time to time(NULL) (tls_construct_new_session_ticket).
        SetSessionTime(session, clock->Now());
    }
    else
    {
        // A TLS 1.2 ticket carries the session's creation time: a resumed session renewing its
        // ticket in the step that checked it is still shifted.
        clock->Unshift(session);
    }
    return 1;
}

int
TlsClock::DecryptTicket(SSL* ssl,
                        SSL_SESSION* session,
                        const unsigned char* /* keyName */,
                        size_t /* keyNameLength */,
                        int status,
                        void* /* arg */)
{
    // OpenSSL's own decisions (as without a callback); the decrypted session's time, which is
    // on the simulated clock, goes onto the wall clock for the checks that follow.
    TlsClock* clock = From(ssl);
    switch (status)
    {
        case SSL_TICKET_SUCCESS:
        case SSL_TICKET_SUCCESS_RENEW:
            if (clock != nullptr && session != nullptr)
            {
                clock->Shift(session);
            }
            return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE
                                                : SSL_TICKET_RETURN_USE_RENEW;
        default:
            return SSL_TICKET_RETURN_IGNORE_RENEW;
    }
}

} // namespace ns3

/**
 * The bundled OpenSSL's time(): tools/openssl35.sh renames the calls in libcrypto.a and
 * libssl.a to this function. The frozen second while a session is shifted, else time().
 */
extern "C" time_t
ns3tls_openssl_time(time_t* t)
{
    time_t now
        = ns3::t_openSslWall >= 0 ? static_cast<time_t>(ns3::t_openSslWall) : std::time(nullptr);
    if (t != nullptr)
    {
        *t = now;
    }
    return now;
}

/// The bundled OpenSSL's gettimeofday() (ossl_time_now()): the same, to the second.
extern "C" int
ns3tls_openssl_gettimeofday(struct timeval* tv, void* tz)
{
    if (ns3::t_openSslWall < 0)
    {
        return ::gettimeofday(tv, static_cast<struct timezone*>(tz));
    }
    tv->tv_sec = static_cast<time_t>(ns3::t_openSslWall);
    tv->tv_usec = 0;
    return 0;
}
