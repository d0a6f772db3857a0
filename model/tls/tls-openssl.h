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
};

} // namespace ns3

#endif /* TLS_OPENSSL_H */
