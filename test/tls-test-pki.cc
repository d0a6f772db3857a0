/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "tls-test-pki.h"

#include "ns3/abort.h"

#include <cstdio>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace ns3
{

namespace
{

/// Sets one end of the validity: an absolute GeneralizedTime, or else seconds from now.
void
SetTime(ASN1_TIME* t, const std::string& when, long offset)
{
    bool ok = when.empty() ? X509_gmtime_adj(t, offset) != nullptr
                           : ASN1_TIME_set_string_X509(t, when.c_str()) == 1;
    NS_ABORT_MSG_UNLESS(ok, "bad certificate time " << when);
}

/// Adds one extension in OpenSSL's configuration syntax (X509V3_EXT_conf_nid).
void
AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value)
{
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
    NS_ABORT_MSG_IF(ext == nullptr, "bad extension " << value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

} // namespace

X509*
MakeTestCertificate(const TlsTestCertificateSpec& spec,
                    EVP_PKEY* subjectKey,
                    X509* issuer,
                    EVP_PKEY* issuerKey)
{
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), spec.serial);
    SetTime(X509_getm_notBefore(cert), spec.notBefore, spec.notBeforeOffset);
    SetTime(X509_getm_notAfter(cert), spec.notAfter, spec.notAfterOffset);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, (const unsigned char*)spec.commonName.c_str(), -1, -1, 0);
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert, subjectKey);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    AddExtension(
        cert, &ctx, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (!spec.dnsName.empty())
    {
        AddExtension(cert, &ctx, NID_subject_alt_name, "DNS:" + spec.dnsName);
    }
    EVP_PKEY* signer = issuerKey ? issuerKey : subjectKey;
    // RSA and ECDSA sign a SHA-256 digest; Ed25519, ML-DSA and SLH-DSA sign the message itself.
    const EVP_MD* md
        = EVP_PKEY_is_a(signer, "RSA") || EVP_PKEY_is_a(signer, "EC") ? EVP_sha256() : nullptr;
    NS_ABORT_MSG_IF(X509_sign(cert, signer, md) == 0, "X509_sign failed for " << spec.commonName);
    return cert;
}

void
WriteTestPem(const std::string& path, const std::vector<X509*>& certs, EVP_PKEY* key)
{
    FILE* f = std::fopen(path.c_str(), "w");
    NS_ABORT_MSG_UNLESS(f, "cannot write " << path);
    bool ok = true;
    for (X509* cert : certs)
    {
        ok = ok && PEM_write_X509(f, cert) == 1;
    }
    if (key != nullptr)
    {
        ok = ok && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    }
    ok = std::fclose(f) == 0 && ok;
    NS_ABORT_MSG_UNLESS(ok, "cannot write " << path);
}

} // namespace ns3
