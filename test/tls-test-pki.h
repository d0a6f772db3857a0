/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_TEST_PKI_H
#define TLS_TEST_PKI_H

/**
 * @file
 * Test-only X.509 certificates and PEM files for the suites that hand the module a user's own
 * PEM chain (--cert, --private-key, --ca-file), made with OpenSSL's X509 and PEM API.
 */

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @brief What a test certificate says: subject, SAN, serial, CA flag and validity.
 *
 * The validity is either absolute (notBefore/notAfter as ASN.1 GeneralizedTime strings, e.g.
 * "20150101000000Z", set with ASN1_TIME_set_string_X509) or, when those are empty, relative to
 * the wall clock when the certificate is made (X509_gmtime_adj), for chains that tests verify
 * with --verify-date=now.
 */
struct TlsTestCertificateSpec
{
    std::string commonName; //!< the subject's CN (the only subject entry)
    std::string dnsName;    //!< subjectAltName DNS entry; empty: no subjectAltName extension
    long serial{1};         //!< serial number
    /// basicConstraints: true "critical,CA:TRUE", false "critical,CA:FALSE" (RFC 5280, 4.2.1.9)
    bool ca{false};
    std::string notBefore; //!< start of validity (GeneralizedTime); empty: now + notBeforeOffset
    std::string notAfter;  //!< end of validity (GeneralizedTime); empty: now + notAfterOffset
    long notBeforeOffset{-3600}; //!< start of validity, s from now, when notBefore is empty
    long notAfterOffset{86400};  //!< end of validity, s from now, when notAfter is empty
};

/**
 * @brief Makes an X.509 v3 certificate for a key, signed by an issuer's key.
 *
 * The signature's digest follows the issuer's key type: SHA-256 for RSA and ECDSA, none for
 * keys that sign the message itself (Ed25519, ML-DSA, SLH-DSA). Aborts (NS_ABORT_MSG) when a
 * date, an extension or the signature is refused by OpenSSL.
 *
 * @param spec subject, SAN, serial, CA flag and validity
 * @param subjectKey the certificate's public key
 * @param issuer the issuer's certificate (its subject is the issuer name); null: self-issued
 * @param issuerKey the key that signs (X509_sign); null: subjectKey (self-signed)
 * @return the certificate; the caller frees it with X509_free
 */
X509* MakeTestCertificate(const TlsTestCertificateSpec& spec,
                          EVP_PKEY* subjectKey,
                          X509* issuer = nullptr,
                          EVP_PKEY* issuerKey = nullptr);

/**
 * @brief Writes certificates, then optionally a private key, to one PEM file.
 *
 * PEM_write_X509 for each certificate in order (a chain file lists the leaf first), then
 * PEM_write_PrivateKey (unencrypted PKCS#8). Aborts (NS_ABORT_MSG) when the file cannot be
 * written.
 *
 * @param path the file to create or overwrite
 * @param certs the certificates, in the file's order
 * @param key the private key to append; null: none
 */
void WriteTestPem(const std::string& path,
                  const std::vector<X509*>& certs,
                  EVP_PKEY* key = nullptr);

} // namespace ns3

#endif /* TLS_TEST_PKI_H */
