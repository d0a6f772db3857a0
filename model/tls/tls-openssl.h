/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_OPENSSL_H
#define TLS_OPENSSL_H

#include <string>

namespace ns3
{

/**
 * @ingroup tls-openssl
 * @brief Which OpenSSL the module runs, and what it can do.
 *
 * Post-quantum algorithms (FIPS 203 ML-KEM key exchange groups, FIPS 204 ML-DSA and FIPS 205
 * SLH-DSA keys) are native in OpenSSL 3.5 and later. A build against an older OpenSSL still works
 * for everything else; asking it for a post-quantum algorithm gives the one-line message
 * PostQuantumError() makes.
 */
class TlsOpenSsl
{
  public:
    /// @return the version text of the OpenSSL in use, e.g. "OpenSSL 3.5.7 ..." (OpenSSL_version())
    static std::string GetVersion();

    /// @return true if this OpenSSL has ML-KEM, ML-DSA and SLH-DSA (OpenSSL >= 3.5)
    static bool HasPostQuantum();

    /**
     * @return true if OpenSSL is linked statically into the module (NS3TLS_OPENSSL_ROOT), false
     * if the module uses the system's shared libssl/libcrypto
     */
    static bool IsBundled();

    /**
     * @brief Checks whether a setting asks for a post-quantum algorithm this OpenSSL lacks.
     * @param what the setting as the user gave it, e.g. "--groups=X25519MLKEM768"
     * @param value its value: a group or signature algorithm list, or a key type
     * @return "" if fine, else one line naming the setting and the OpenSSL version needed
     */
    static std::string PostQuantumError(const std::string& what, const std::string& value);

    /// What OpenSSL's providers say about one TLS key exchange group.
    struct GroupInfo
    {
        std::string name;      //!< the TLS name as the provider spells it, e.g. "X25519MLKEM768"
        std::string internal;  //!< OpenSSL's own name, e.g. "prime256v1" for P-256 and secp256r1
        std::string algorithm; //!< key algorithm, e.g. "EC", "X25519", "DH", "ML-KEM-768"
        int minTls{0};         //!< lowest TLS version (0x0303 = TLS 1.2); 0: no limit
        int maxTls{0};         //!< highest TLS version (0x0304 = TLS 1.3); 0: no limit
    };

    /**
     * @brief Looks a TLS group name up among the groups the loaded providers offer.
     *
     * From the providers' "TLS-GROUP" capabilities (OSSL_PROVIDER_get_capabilities), the table
     * libssl itself negotiates from (tls_valid_group in ssl/t1_lib.c): e.g. the ML-KEM groups
     * have minTls = TLS 1.3 (draft-ietf-tls-mlkem), brainpoolP256r1 maxTls = TLS 1.2 (RFC 7027)
     * and brainpoolP256r1tls13 minTls = TLS 1.3 (RFC 8734).
     * @param name a group name (case-insensitive), e.g. "x25519mlkem768", "P-256"
     * @param info set to the group's entry when found
     * @return false if no provider offers a group of that name
     */
    static bool GetGroupInfo(const std::string& name, GroupInfo& info);

    /**
     * @brief Whether a group can serve a TLS version, as libssl decides (tls_valid_group):
     * its version range includes the version and, for TLS 1.2 ECDHE (RFC 8422), it is an
     * elliptic-curve group (EC, X25519, X448; not DH or ML-KEM).
     * @param info the group
     * @param tls13 true for TLS 1.3, false for TLS 1.2 (ECDHE)
     * @return true if usable
     */
    static bool IsGroupUsable(const GroupInfo& info, bool tls13);

    /**
     * @brief Whether every entry of an OpenSSL signature algorithm list exists only in TLS 1.3:
     * ML-DSA (draft-ietf-tls-mldsa) and the brainpool "...tls13..." schemes (RFC 8734).
     * @param list a colon-separated list (SSL_CTX_set1_sigalgs_list syntax), case-insensitive
     * @return true if the list is non-empty and all its entries are TLS 1.3-only
     */
    static bool OnlyTls13Sigalgs(const std::string& list);
};

} // namespace ns3

#endif /* TLS_OPENSSL_H */
