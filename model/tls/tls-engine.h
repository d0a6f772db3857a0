/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_ENGINE_H
#define TLS_ENGINE_H

#include "ns3/tls-clock.h"
#include "ns3/tls-context.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;
typedef struct bio_st BIO;
typedef struct evp_pkey_st EVP_PKEY;

namespace ns3
{

/**
 * @ingroup tls-openssl
 * @brief One TLS-layer message (handshake message, ChangeCipherSpec or alert) seen by an engine.
 */
struct TlsMessage
{
    bool sent{false};       //!< true if this engine wrote it, false if it read it
    std::string name;       //!< e.g. "ClientHello", "HelloRetryRequest", "Alert(unknown CA)"
    uint8_t contentType{0}; //!< TLS content type (22 handshake, 20 CCS, 21 alert)
    int handshakeType{-1};  //!< handshake message type (OpenSSL's SSL3_MT_*), -1 for CCS and alerts
    bool helloRetryRequest{false}; //!< a ServerHello that is a HelloRetryRequest (RFC 8446 4.1.3)
    uint32_t bytes{0}; //!< message length (handshake header included, record header not)
};

/**
 * @ingroup tls-openssl
 * @brief One OpenSSL connection (SSL*) between two memory BIOs: bytes in, bytes out.
 *
 * No ns-3 networking inside: the owner feeds the bytes received from the peer with Receive(),
 * calls Advance(), and sends what TakeOutput() returns. Two engines pumped into each other
 * complete a real handshake. Every message OpenSSL writes or reads is reported (via
 * SSL_CTX_set_msg_callback), together with the thread CPU time spent inside OpenSSL.
 */
class TlsEngine
{
  public:
    /// Life cycle of the connection.
    enum State
    {
        HANDSHAKING,
        ESTABLISHED,
        FAILED,
        CLOSED
    };

    /// What happened to 0-RTT data.
    enum EarlyDataStatus
    {
        EARLY_NOT_SENT,
        EARLY_ACCEPTED,
        EARLY_REJECTED
    };

    /// @param context the shared context (its role decides client or server)
    explicit TlsEngine(std::shared_ptr<TlsContext> context);
    ~TlsEngine();
    TlsEngine(const TlsEngine&) = delete;
    TlsEngine& operator=(const TlsEngine&) = delete;

    /**
     * @brief Client: offers this session for resumption (call before the first Advance()).
     * @param session a session from an earlier engine's GetSession(); a reference is taken
     */
    void SetSession(SSL_SESSION* session);

    /**
     * @brief Client: sends these bytes as TLS 1.3 0-RTT data if the session allows it.
     * @param data the early data
     */
    void SetEarlyData(std::vector<uint8_t> data);

    /**
     * @brief Hands bytes received from the peer to OpenSSL (any split is fine).
     * @param data the bytes
     * @param size their number
     */
    void Receive(const uint8_t* data, size_t size);

    /**
     * @brief Runs OpenSSL until it needs more input: handshake, then application data.
     */
    void Advance();

    /**
     * @brief Writes application data (queued until the handshake completes).
     * @param data the bytes
     * @param size their number
     */
    void Write(const uint8_t* data, size_t size);

    /// Sends close_notify.
    void Shutdown();

    /// @return the number of bytes waiting to be sent to the peer
    size_t GetPendingOutput() const;

    /**
     * @brief Moves the bytes to be sent to the peer to the end of out.
     * @param out the destination
     * @return the number of bytes moved
     */
    size_t TakeOutput(std::vector<uint8_t>& out);

    /// @return the messages seen since the last call, in order
    std::vector<TlsMessage> TakeMessages();

    /**
     * @brief Moves the decrypted application data received so far to the end of out.
     * @param out the destination
     * @return the number of bytes moved
     */
    size_t TakeApplicationData(std::vector<uint8_t>& out);

    /// @return CPU nanoseconds spent in OpenSSL since the last call (0 if timing is off)
    uint64_t TakeCpuNanoseconds();

    /**
     * @brief Turns the thread-CPU-time measurement of OpenSSL calls on (default) or off; each
     * measurement is a system call, wasted when no cost model uses it.
     * @param on true to measure
     */
    void SetCpuTiming(bool on);

    /// @return the state
    State GetState() const;
    /// @return true once the peer sent close_notify
    bool IsPeerClosed() const;
    /**
     * @brief Whether destroying the engine now leaves everything else as it is: SSL_free()
     * drops a connection's session from its context's cache and marks it not resumable
     * (ssl_clear_bad_session) unless close_notify was sent (or is marked sent, as the
     * destructor does for an established connection), the handshake never finished, or there
     * is no session.
     * @return true if the engine can be destroyed early without changing any later handshake
     */
    bool CanDestroyQuietly() const;
    /// @return the reason of a failure ("verify: ...", "alert: ...", "tls: ..."), or ""
    const std::string& GetError() const;
    /// @return the role
    TlsContext::Role GetRole() const;
    /**
     * @brief Whether this connection is (or, before ServerHello, would be) TLS 1.3.
     * @return true for a negotiated TLS 1.3; before negotiation, true if a client offers 1.3
     * (its ClientHello then carries a key share)
     */
    bool IsTls13() const;
    /// @return the negotiated version, e.g. "TLSv1.3"
    std::string GetVersion() const;
    /// @return the negotiated cipher suite (OpenSSL name)
    std::string GetCipher() const;
    /// @return the key exchange group, e.g. "x25519", or "" (RSA key exchange)
    std::string GetGroup() const;
    /// @return true if the session was resumed
    bool IsResumed() const;
    /// @return what happened to 0-RTT data
    EarlyDataStatus GetEarlyDataStatus() const;
    /// @return true if the server sent a HelloRetryRequest
    bool HadHelloRetryRequest() const;
    /// @return the total bytes written to the peer
    uint64_t GetBytesWritten() const;
    /// @return the bytes written to the peer before the handshake completed here
    uint64_t GetHandshakeBytesWritten() const;
    /// @return the number of session tickets (new sessions) received (client)
    uint32_t GetSessionsReceived() const;
    /// @return the newest resumable session (client), or nullptr; the engine keeps ownership
    SSL_SESSION* GetSession() const;
    /// @return the key type of the peer's certificate ("rsa2048", "p256", "ed25519", ...), or ""
    std::string GetPeerKeyType() const;
    /// @return the key type of this end's certificate, or ""
    std::string GetOwnKeyType() const;
    /// @return the number of certificates the peer sent (leaf + intermediates)
    int GetPeerChainLength() const;
    /**
     * @brief The key type that signed each certificate the peer sent, leaf first: what
     * verifying it costs (from SSL_get0_verified_chain: the last one's issuer is the trust
     * anchor).
     * @return one key type per certificate sent
     */
    std::vector<std::string> GetPeerChainIssuerKeyTypes() const;
    /// @return the configured groups' first entry in lower case (the first key share), e.g.
    /// "x25519"
    std::string GetFirstGroup() const;
    /**
     * @brief The groups of the key shares a TLS 1.3 client sends in its first ClientHello: the
     * groups marked '*' in the configured list (OpenSSL >= 3.5 syntax), else the first one.
     * @return lower-case group names, e.g. {"x25519mlkem768", "x25519"}
     */
    std::vector<std::string> GetKeyShareGroups() const;

    /// @return engines (SSL objects) alive in this process
    static uint64_t GetLiveCount();
    /// @return the most engines alive at once since the last ResetPeakCount()
    static uint64_t GetPeakCount();
    /// Restarts GetPeakCount() from the current count.
    static void ResetPeakCount();

    /// @return a key's type as the cost model names it ("rsa2048", "p256", "ed448", "mldsa65",
    /// "slhdsa128f", ...)
    static std::string KeyTypeName(const EVP_PKEY* key);

    /// OpenSSL message callback (installed on every TlsContext).
    static void MessageCallback(
        int writeP, int version, int contentType, const void* buf, size_t len, SSL* ssl, void* arg);
    /// OpenSSL new-session callback (client contexts).
    static int NewSessionCallback(SSL* ssl, SSL_SESSION* session);

    /// @return the name of a handshake message type (RFC 5246 / RFC 8446)
    static std::string HandshakeTypeName(int type);

  private:
    /**
     * @brief Records a fatal failure: the verify result, an alert read, the OpenSSL error
     * queue (ERR_reason_error_string), or else the failing call and its SSL_get_error() code.
     * @param call the OpenSSL function that failed, e.g. "SSL_do_handshake"
     * @param sslError its SSL_get_error() result
     */
    void Fail(const char* call, int sslError);
    /// Reads early data (server) until OpenSSL says it is finished or wants input.
    bool ReadEarlyData();
    /// Reads decrypted application data until OpenSSL wants input.
    void ReadApplicationData();
    /// Writes queued application data once established.
    void FlushWrites();
    /// Called when the handshake completes.
    void OnEstablished();

    std::shared_ptr<TlsContext> m_context; //!< keeps SSL_CTX alive
    SSL* m_ssl{nullptr};                   //!< the connection
    std::unique_ptr<TlsClock> m_clock;     //!< OpenSSL's time on the simulated clock
    BIO* m_in{nullptr};                    //!< bytes from the peer
    BIO* m_out{nullptr};                   //!< bytes to the peer
    TlsContext::Role m_role;               //!< client or server
    State m_state{HANDSHAKING};            //!< life cycle
    bool m_peerClosed{false};              //!< close_notify received
    std::string m_error;                   //!< failure reason
    std::string m_alertReceived;           //!< last fatal alert received
    std::vector<TlsMessage> m_messages;    //!< not yet taken
    std::vector<uint8_t> m_appIn;          //!< decrypted data not yet taken
    std::vector<uint8_t> m_writeQueue;     //!< app data waiting for the handshake
    std::vector<uint8_t> m_earlyData;      //!< client 0-RTT data
    bool m_earlyDataTried{false};          //!< client: early data written (or not possible)
    bool m_earlyDataReading{false};        //!< server: reading early data
    uint64_t m_cpuNs{0};                   //!< not yet taken
    bool m_cpuTiming{true};                //!< measure m_cpuNs
    uint64_t m_bytesWritten{0};            //!< total out
    uint64_t m_handshakeBytesWritten{0};   //!< out before established
    uint32_t m_sessionsReceived{0};        //!< tickets
    SSL_SESSION* m_session{nullptr};       //!< newest session (client)
    bool m_helloRetry{false};              //!< HRR seen
    mutable std::string m_dheGroup;        //!< TLS 1.2 DHE group, once known
};

} // namespace ns3

#endif /* TLS_ENGINE_H */
