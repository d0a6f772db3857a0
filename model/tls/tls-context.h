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
 * @ingroup tls
 * @brief What one TLS endpoint offers and accepts; the input of TlsContext.
 */
struct TlsConfig
{
    std::string version{"1.3"};         //!< "1.2" or "1.3" (the only version offered/accepted)
    std::string keyExchange{"ecdhe"};   //!< TLS 1.2 key exchange: ecdhe | rsa | dhe
    std::string groups;                 //!< e.g. "X25519:P-256"; empty = OpenSSL's default
    std::string ciphers;                //!< 1.2 cipher list / 1.3 ciphersuites; empty = default
    std::string signatureAlgorithms;    //!< e.g. "ecdsa_secp256r1_sha256"; empty = default
    std::string credentials{"rsa2048"}; //!< TlsCredentials specification
    std::string caFile;                 //!< extra trust anchors (PEM)
    bool verifyPeer{true};              //!< client: verify the server chain
    bool clientAuth{false};             //!< server requests (and requires) a client certificate
    std::string resume{"none"};         //!< none | ticket | session-id
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
};

/**
 * @ingroup tls
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
