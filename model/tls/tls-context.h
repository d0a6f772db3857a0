/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CONTEXT_H
#define TLS_CONTEXT_H

#include "ns3/tls-clock.h"
#include "ns3/tls-credentials.h"

#include <cstdint>
#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace ns3
{

/**
 * @ingroup tls-openssl
 * @brief What one TLS endpoint offers and accepts; the input of TlsContext.
 *
 * Closed choices are enums (the attributes of TlsApplication are EnumValues of them); their
 * command-line spellings are converted here, in one place.
 */
struct TlsConfig
{
    /// A protocol version; the values are the wire's (RFC 8446 section 4.2.1).
    enum Version : uint16_t
    {
        VERSION_1_2 = 0x0303, //!< TLS 1.2 (RFC 5246)
        VERSION_1_3 = 0x0304, //!< TLS 1.3 (RFC 8446)
    };

    /// The TLS 1.2 key exchange (TLS 1.3 always uses (EC)DHE).
    enum KeyExchange
    {
        KX_ECDHE, //!< ECDHE_RSA / ECDHE_ECDSA (RFC 8422)
        KX_RSA,   //!< RSA key transport: ClientKeyExchange carries the premaster secret
        KX_DHE,   //!< finite-field DHE_RSA (RFC 5246)
    };

    /// How a client resumes the previous connection's session.
    enum Resumption
    {
        RESUME_NONE,       //!< full handshake every time
        RESUME_TICKET,     //!< session tickets (RFC 5077; TLS 1.3 stateless PSK)
        RESUME_SESSION_ID, //!< TLS 1.2 session ids; TLS 1.3 stateful tickets
    };

    Version minVersion{VERSION_1_3};    //!< lowest version offered/accepted
    Version maxVersion{VERSION_1_3};    //!< highest version offered/accepted
    KeyExchange keyExchange{KX_ECDHE};  //!< TLS 1.2 key exchange (default cipher list)
    std::string groups;                 //!< e.g. "X25519:P-256"; empty = OpenSSL's default
    std::string ciphers;                //!< TLS_* names: 1.3 ciphersuites; others: 1.2 cipher list
    std::string signatureAlgorithms;    //!< e.g. "ecdsa_secp256r1_sha256"; empty = default
    std::string credentials{"rsa2048"}; //!< TlsCredentials specification
    std::string caFile;                 //!< extra trust anchors (PEM)
    bool verifyPeer{true};              //!< client: verify the server chain
    bool clientAuth{false};             //!< server requests (and requires) a client certificate
    Resumption resume{RESUME_NONE};     //!< session resumption
    uint32_t maxEarlyData{0};           //!< server: 0-RTT bytes accepted (TLS 1.3)
    std::string serverName{"server.ns3tls"}; //!< SNI and the name checked in the certificate
    int64_t verifyDate{TlsClock::DEFAULT_EPOCH}; //!< OpenSSL's date at simulated time 0 (s)
    int64_t sessionTimeout{TlsClock::DEFAULT_SESSION_TIMEOUT}; //!< SSL_CTX_set_timeout (s)

    /**
     * @brief Checks the values that can be checked without OpenSSL.
     * @return an empty string, or a one-line error naming the bad value
     */
    std::string Validate() const;
    /// @return a string that identifies the configuration (cache key)
    std::string Key() const;
    /// @return true if TLS 1.3 is in the range
    bool AllowsTls13() const;

    /// @return "1.2" or "1.3"
    static std::string GetVersionName(Version version);
    /// @return "1.2", "1.3" or "1.2-1.3"
    static std::string GetRangeName(Version min, Version max);
    /**
     * @brief Parses a version or a range: "1.2", "1.3", "1.2-1.3".
     * @param text the string
     * @param min set to the lowest version
     * @param max set to the highest version
     * @return false if the text is none of these (or min > max)
     */
    static bool ParseRange(const std::string& text, Version& min, Version& max);
    /// @return "ecdhe", "rsa" or "dhe"
    static std::string GetKeyExchangeName(KeyExchange kx);
    /**
     * @brief Parses "ecdhe", "rsa", "dhe".
     * @param text the string
     * @param kx the result
     * @return false for any other text
     */
    static bool ParseKeyExchange(const std::string& text, KeyExchange& kx);
    /// @return "none", "ticket" or "session-id"
    static std::string GetResumptionName(Resumption resume);
    /**
     * @brief Parses "none", "ticket", "session-id".
     * @param text the string
     * @param resume the result
     * @return false for any other text
     */
    static bool ParseResumption(const std::string& text, Resumption& resume);
};

/**
 * @ingroup tls-openssl
 * @brief An OpenSSL SSL_CTX built from a TlsConfig for one role, shared by all connections that
 * use the same configuration (and so sharing session caches and ticket keys, as a server does).
 */
class TlsContext
{
  public:
    /// Which end of the connection.
    enum Role
    {
        CLIENT,
        SERVER
    };

    /**
     * @brief Returns the (cached) context for a configuration and role.
     * @param config the endpoint configuration
     * @param role client or server
     * @param error set to a one-line message naming the offending value on failure
     * @return the context, or nullptr
     */
    static std::shared_ptr<TlsContext> Get(const TlsConfig& config, Role role, std::string& error);

    /**
     * @brief Writes NSS key-log lines (for Wireshark) of every later handshake to a file.
     * @param path the file; empty closes it
     * @return false if the file cannot be opened
     */
    static bool SetKeyLogFile(const std::string& path);

    /// Drops every cached context (e.g. between simulations in one process).
    static void ClearCache();

    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    /// @return the OpenSSL context
    SSL_CTX* GetSslCtx() const;
    /// @return the role
    Role GetRole() const;
    /// @return the configuration
    const TlsConfig& GetConfig() const;

  private:
    TlsContext() = default;
    SSL_CTX* m_ctx{nullptr};                             //!< the OpenSSL context
    Role m_role{CLIENT};                                 //!< which end
    TlsConfig m_config;                                  //!< what it was built from
    std::shared_ptr<const TlsCredentials> m_credentials; //!< keeps the certificates alive
};

} // namespace ns3

#endif /* TLS_CONTEXT_H */
