/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CLOCK_H
#define TLS_CLOCK_H

#include <cstdint>
#include <string>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_session_st SSL_SESSION;
typedef struct evp_md_st EVP_MD;

namespace ns3
{

/**
 * @ingroup tls-openssl
 * @brief Puts one OpenSSL connection on the simulated clock: OpenSSL's "now" is a date (the
 * epoch, attribute VerifyDate) plus Simulator::Now(), in whole seconds as time(NULL) is.
 *
 * OpenSSL 3.0 reads the wall clock (time(NULL)) where the handshake depends on time:
 *  - a new SSL_SESSION's creation time (ssl/ssl_sess.c SSL_SESSION_new), reset when a TLS 1.3
 *    server issues a NewSessionTicket (statem_srvr.c) and when a client receives one
 *    (statem_clnt.c); the time is encrypted into the ticket;
 *  - the server's session expiry check, `now > time + timeout` (ssl_get_prev_session), for
 *    session ids, TLS 1.2 tickets and TLS 1.3 PSKs alike;
 *  - the TLS 1.3 client's ticket age: its obfuscated_ticket_age and the decision to offer a
 *    ticket older than its lifetime hint (extensions_clnt.c tls_construct_ctos_psk);
 *  - the TLS 1.3 server's ticket age check that decides whether 0-RTT data is accepted
 *    (extensions_srvr.c tls_parse_ctos_psk);
 *  - the session cache's automatic flush of expired sessions every 255 handshakes;
 *  - X.509 validity periods, unless X509_VERIFY_PARAM_set_time() gives a date.
 * It offers no clock hook, so this class keeps every session time on the simulated clock
 * (creation times are rewritten with SSL_SESSION_set_time() where OpenSSL sets them: the
 * client's new-session callback, the server's ticket-generation callback and the step that
 * creates a server session) and, just before OpenSSL compares a session time with time(NULL),
 * shifts that one session by (wall clock - simulated clock) so that OpenSSL computes the
 * simulated age; the shift is undone before the step returns. The hooks before each comparison
 * are OpenSSL callbacks: the client's PSK-use callback (runs in the ClientHello, after the key
 * share), the server's ClientHello callback (cache lookups by session id or TLS 1.3 stateful
 * ticket) and ticket-decryption callback. The automatic flush is turned off
 * (SSL_SESS_CACHE_NO_AUTO_CLEAR) and done on the simulated clock every 255 accepted handshakes,
 * as OpenSSL would. Certificates are verified at the simulated date (X509_VERIFY_PARAM_set_time)
 * before every step.
 *
 * The bundled OpenSSL (tools/openssl35.sh) has its time() and gettimeofday() calls renamed to
 * ns3tls_openssl_time() and ns3tls_openssl_gettimeofday(), defined here: from a shift to the
 * end of its step they return the wall second the shift was computed for, so OpenSSL computes
 * exactly the simulated age however long the step takes (IsOpenSslClockHooked()). With a
 * system OpenSSL a residual wall-clock dependency remains: time(NULL) has a resolution of one
 * second; a shift is made only outside the last 5 ms before a wall-clock second ends (it waits
 * otherwise), so OpenSSL reads the same wall second as long as fewer than 5 ms pass between the
 * shift and OpenSSL's comparison (microseconds in practice; a process descheduled for longer at
 * that moment, as on a loaded machine, sees an age one second off).
 */
class TlsClock
{
  public:
    /// 2026-01-01T00:00:00Z: the default date of OpenSSL's clock at simulated time 0.
    static constexpr int64_t DEFAULT_EPOCH = 1767225600;
    /// OpenSSL's default session timeout for TLS (SSL_get_default_timeout): 2 hours.
    static constexpr int64_t DEFAULT_SESSION_TIMEOUT = 7200;

    /**
     * @brief Parses a UTC date: "2026-01-01", "2026-01-01T12:00:00Z" or "now" (the wall clock
     * at the time of the call: not repeatable).
     * @param text the date
     * @param seconds the result, seconds since 1970-01-01T00:00:00Z
     * @return "" or a one-line error naming the value
     */
    static std::string ParseDate(const std::string& text, int64_t& seconds);

    /// @return a date as "2026-01-01T00:00:00Z"
    static std::string FormatDate(int64_t seconds);

    /**
     * @brief Installs the callbacks of the simulated clock on a context (once, when built).
     * @param ctx the context
     * @param server true for a server context
     */
    static void Install(SSL_CTX* ctx, bool server);

    /**
     * @brief Does OpenSSL read its clock through this class (the bundled OpenSSL, whose time()
     *        and gettimeofday() tools/openssl35.sh renames), rather than the wall clock?
     * @return true if a session OpenSSL creates (SSL_SESSION_new) takes the time this class gives
     */
    static bool IsOpenSslClockHooked();

    /**
     * @param ssl the connection (the clock is attached to it as ex_data)
     * @param epoch the date at simulated time 0, seconds since 1970
     */
    TlsClock(SSL* ssl, int64_t epoch);
    ~TlsClock();
    TlsClock(const TlsClock&) = delete;
    TlsClock& operator=(const TlsClock&) = delete;

    /// @return OpenSSL's time now: epoch + whole seconds of Simulator::Now()
    int64_t Now() const;

    /// Before OpenSSL runs a step: the verification date.
    void BeginStep();

    /// After a step: shifted sessions back on the simulated clock, new server sessions dated.
    void EndStep();

    /**
     * @brief Client's new-session callback: dates the session on the simulated clock where
     * OpenSSL dated it (TLS 1.3 and ticket sessions: now; TLS 1.2 session ids: the ClientHello).
     * @param session the session
     */
    void OnNewSession(SSL_SESSION* session);

  private:
    /// A session shifted onto the wall clock for one step.
    struct Shifted
    {
        SSL_SESSION* session; //!< a reference we hold
        int64_t time;         //!< its simulated-clock time
        int64_t shifted;      //!< the time OpenSSL sees during the step
    };

    /// @return the clock attached to a connection, or nullptr
    static TlsClock* From(SSL* ssl);
    /// Moves a session's time onto the wall clock for the rest of the step.
    void Shift(SSL_SESSION* session);
    /// Puts a shifted session (or a copy OpenSSL made of one) back on the simulated clock.
    void Unshift(SSL_SESSION* session);

    /// OpenSSL client PSK-use callback (SSL_CTX_set_psk_use_session_callback).
    static int PskUseSession(
        SSL* ssl, const EVP_MD* md, const unsigned char** id, size_t* idlen, SSL_SESSION** session);
    /// OpenSSL server ClientHello callback (SSL_CTX_set_client_hello_cb).
    static int ClientHello(SSL* ssl, int* alert, void* arg);
    /// OpenSSL ticket-generation callback (SSL_CTX_set_session_ticket_cb).
    static int GenerateTicket(SSL* ssl, void* arg);
    /// OpenSSL ticket-decryption callback (SSL_CTX_set_session_ticket_cb).
    static int DecryptTicket(SSL* ssl,
                             SSL_SESSION* session,
                             const unsigned char* keyName,
                             size_t keyNameLength,
                             int status,
                             void* arg);

    SSL* m_ssl;                     //!< the connection
    int64_t m_epoch;                //!< date at simulated time 0
    bool m_haveOffset{false};       //!< m_offset is valid for this step
    int64_t m_offset{0};            //!< wall clock - simulated clock, seconds
    std::vector<Shifted> m_shifted; //!< shifted in this step
    int64_t m_helloTime{-1};        //!< client: simulated time of the first ClientHello
    SSL_SESSION* m_dated{nullptr};  //!< server: the session last dated by EndStep
    bool m_flushChecked{false};     //!< server: cache flush considered for this handshake
};

} // namespace ns3

#endif /* TLS_CLOCK_H */
