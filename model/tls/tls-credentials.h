/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CREDENTIALS_H
#define TLS_CREDENTIALS_H

#include <memory>
#include <string>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;
typedef struct x509_store_st X509_STORE;

namespace ns3
{

/**
 * @ingroup tls-openssl
 * @brief A certificate chain and its private key, generated in memory or read from PEM files.
 *
 * The specification string is a comma-separated list of items:
 *  - a key type: rsa2048 | rsa3072 | rsa4096 | rsa8192 | p256 | p384 | p521 | ed25519 | ed448
 *    (default rsa2048), or, with OpenSSL >= 3.5, mldsa44 | mldsa65 | mldsa87 (FIPS 204 ML-DSA);
 *  - `ca=KEYTYPE`: the root and intermediate CAs have keys of this type (default: the leaf's),
 *    so their certificates carry its signatures: any key type above, or an SLH-DSA one
 *    (FIPS 205, SHA2 instances: slhdsa128s | slhdsa128f | slhdsa192s | slhdsa192f | slhdsa256s |
 *    slhdsa256f), which can sign certificates but not a TLS CertificateVerify;
 *  - `chain=N`: N intermediate CAs between the leaf and the root (default 0);
 *  - `expired`: the leaf's validity ended in 2021;
 *  - `untrusted`: the chain ends in a root that no simulated peer trusts;
 *  - `cert=FILE` and `key=FILE`: a PEM chain (leaf first) and its key instead of generated ones
 *    (the paths cannot contain commas).
 *
 * Generated roots (not `untrusted` ones) are added to a process-wide trust store that peers
 * verify against by default. Generation is deterministic (a named TlsRandom stream) and cached
 * per process: a sweep must not spend its time making keys. To keep long chains cheap, all
 * intermediates of one key type share one key pair; the certificates and signatures are real.
 */
class TlsCredentials
{
  public:
    /// Parsed form of a specification string.
    struct Spec
    {
        std::string keyType{"rsa2048"}; //!< key algorithm and size
        std::string caKeyType;          //!< CA key type ("" = keyType)
        unsigned chainLength{0};        //!< number of intermediates
        bool expired{false};            //!< leaf validity in the past
        bool untrusted{false};          //!< root not in the shared trust store
        std::string certFile;           //!< PEM chain (leaf first) or empty
        std::string keyFile;            //!< PEM private key or empty

        /// @return the canonical string form (the cache key)
        std::string ToString() const;
    };

    /**
     * @brief Parses a specification string.
     * @param text the specification, e.g. "p256,chain=2"
     * @param spec the result
     * @return an empty string on success, else a one-line error naming the bad item
     */
    static std::string Parse(const std::string& text, Spec& spec);

    /// @return true if keyType names a key type this build can generate
    static bool IsKnownKeyType(const std::string& keyType);

    /// @return true if keyType can be a CA's key (a leaf key type or an SLH-DSA one)
    static bool IsKnownCaKeyType(const std::string& keyType);

    /// @return the list of key types, for messages
    static std::string KnownKeyTypes();

    /// @return the list of CA key types, for messages
    static std::string KnownCaKeyTypes();

    /// @return true for ML-DSA and SLH-DSA key types (they need OpenSSL >= 3.5)
    static bool IsPostQuantum(const std::string& keyType);

    /**
     * @brief OpenSSL's algorithm name of a post-quantum key type.
     * @param keyType e.g. "mldsa65", "slhdsa128f"
     * @return e.g. "ML-DSA-65", "SLH-DSA-SHA2-128f" (EVP_PKEY_Q_keygen); "" for the others
     */
    static std::string GetPostQuantumAlgorithm(const std::string& keyType);

    /**
     * @brief Returns (generating or loading once per process) the credentials for a spec.
     * @param spec the credentials wanted
     * @param error set to a one-line message on failure (e.g. unreadable PEM file)
     * @return the credentials, or nullptr on failure
     */
    static std::shared_ptr<const TlsCredentials> Get(const Spec& spec, std::string& error);

    /// @return the process-wide store of trusted generated roots (not owned by the caller)
    static X509_STORE* GetTrustStore();

    /**
     * @brief The key type of a PEM certificate file's (first) certificate, e.g. "rsa2048".
     * @param certFile the PEM file
     * @return the type as TlsEngine::KeyTypeName names it, or "pem" if the file is unreadable
     */
    static std::string GetCertificateKeyType(const std::string& certFile);

    /// What a PEM chain says about itself, as the CSV's chain and ca_key columns need it.
    struct PemChainInfo
    {
        /// intermediate CA certificates in the file: those after the leaf, less a self-signed
        /// root; -1 if the file holds no readable certificate
        int intermediates{-1};
        /// key type(s) of the CAs that sign the chain, the leaf's issuer up to the root (e.g.
        /// "p256", or "p256+rsa4096" when they differ); the leaf's own for a self-signed leaf;
        /// "" if the path to a self-signed root cannot be followed in the files
        std::string caKeyType;
    };

    /**
     * @brief Follows a PEM chain from its leaf to a self-signed root, looking each issuer up
     * (X509_check_issued) among the chain's certificates and then the trust anchors.
     * @param certFile the PEM chain, leaf first
     * @param caFile PEM trust anchors that may hold the root ("" = none)
     * @return the chain's description; unknown parts are -1 / ""
     */
    static PemChainInfo DescribePemChain(const std::string& certFile, const std::string& caFile);

    ~TlsCredentials();
    TlsCredentials(const TlsCredentials&) = delete;
    TlsCredentials& operator=(const TlsCredentials&) = delete;

    /// @return the leaf certificate
    X509* GetLeaf() const;
    /// @return the leaf's private key
    EVP_PKEY* GetKey() const;
    /// @return the intermediates, leaf's issuer first (the root is not sent, as in practice)
    const std::vector<X509*>& GetChain() const;
    /// @return the root CA certificate
    X509* GetRoot() const;
    /// @return the key type
    const std::string& GetKeyType() const;

  private:
    TlsCredentials() = default;

    X509* m_leaf{nullptr};      //!< end-entity certificate
    EVP_PKEY* m_key{nullptr};   //!< its private key
    std::vector<X509*> m_chain; //!< intermediates
    X509* m_root{nullptr};      //!< trust anchor
    std::string m_keyType;      //!< e.g. rsa2048
};

} // namespace ns3

#endif /* TLS_CREDENTIALS_H */
