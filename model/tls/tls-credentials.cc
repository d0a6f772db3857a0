/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-credentials.h"

#include "ns3/tls-engine.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-random.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sstream>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsCredentials");

namespace
{

const char* const KEY_TYPES[] = {"rsa2048",
                                 "rsa3072",
                                 "rsa4096",
                                 "rsa8192",
                                 "p256",
                                 "p384",
                                 "p521",
                                 "ed25519",
                                 "ed448",
                                 "mldsa44",
                                 "mldsa65",
                                 "mldsa87"};

/// Key types that can only sign certificates (OpenSSL 3.5 has no TLS signature scheme for
/// SLH-DSA, so an SLH-DSA key cannot sign a CertificateVerify): CA keys, see Spec::caKeyType.
const char* const CA_ONLY_KEY_TYPES[]
    = {"slhdsa128s", "slhdsa128f", "slhdsa192s", "slhdsa192f", "slhdsa256s", "slhdsa256f"};

/// OpenSSL's algorithm name of a post-quantum key type ("" for the classical ones).
std::string
PostQuantumAlgorithm(const std::string& keyType)
{
    if (keyType.rfind("mldsa", 0) == 0)
    {
        return "ML-DSA-" + keyType.substr(5); // FIPS 204
    }
    if (keyType.rfind("slhdsa", 0) == 0)
    {
        return "SLH-DSA-SHA2-" + keyType.substr(6); // FIPS 205, SHA2 instances
    }
    return "";
}

/// Certificates are valid 2025..2035 (verified by default "on" 2026-01-01, TlsClock).
const char* const NOT_BEFORE = "20250101000000Z";
const char* const NOT_AFTER = "20350101000000Z";
const char* const EXPIRED_NOT_BEFORE = "20200101000000Z";
const char* const EXPIRED_NOT_AFTER = "20210101000000Z";

/**
 * The process-wide caches (generated keys, roots, credentials) and the trust store, freed at
 * exit so that leak checkers see no loss. OpenSSL is initialised before this object is built,
 * so its own exit handler (registered first) runs after the destructor frees what it owns.
 */
struct Caches
{
    Caches()
    {
        OPENSSL_init_ssl(0, nullptr);
        trustStore = X509_STORE_new();
    }

    ~Caches()
    {
        credentials.clear();
        for (auto& k : keys)
        {
            EVP_PKEY_free(k.second);
        }
        for (auto& r : roots)
        {
            X509_free(r.second);
        }
        X509_STORE_free(trustStore);
    }

    std::map<std::string, EVP_PKEY*> keys;                                    //!< by name
    std::map<std::string, X509*> roots;                                       //!< by CN
    std::map<std::string, std::shared_ptr<const TlsCredentials>> credentials; //!< by spec
    X509_STORE* trustStore{nullptr};                                          //!< generated roots
};

Caches&
GetCaches()
{
    static Caches caches;
    return caches;
}

/// A PEM password callback that fails: an encrypted key must never prompt on the terminal.
int
NoPassword(char* /* buf */, int /* size */, int /* rwflag */, void* /* userdata */)
{
    return -1;
}

/// @return true if the PEM file holds an encrypted private key
bool
IsEncryptedPem(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr)
    {
        return false;
    }
    char line[256];
    bool encrypted = false;
    while (std::fgets(line, sizeof(line), f))
    {
        std::string l(line);
        if (l.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos
            || l.find("Proc-Type: 4,ENCRYPTED") != std::string::npos)
        {
            encrypted = true;
            break;
        }
    }
    std::fclose(f);
    return encrypted;
}

std::string
OpenSslError()
{
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
    {
        return "unknown OpenSSL error";
    }
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    return buf;
}

EVP_PKEY*
GenerateKey(const std::string& keyType)
{
    if (keyType.rfind("rsa", 0) == 0)
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", (size_t)std::stoul(keyType.substr(3)));
    }
    if (keyType == "p256")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    }
    if (keyType == "p384")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
    }
    if (keyType == "p521")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
    }
    if (keyType == "ed25519")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    }
    if (keyType == "ed448")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448");
    }
    std::string pq = PostQuantumAlgorithm(keyType);
    if (!pq.empty())
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, pq.c_str());
    }
    return nullptr;
}

/// Where generated keys are kept between processes ("" = no disk cache): $NS3TLS_KEY_CACHE,
/// else $XDG_CACHE_HOME/ns3tls/keys, else ~/.cache/ns3tls/keys; NS3TLS_KEY_CACHE=off disables.
std::string
KeyCacheDir()
{
    const char* env = std::getenv("NS3TLS_KEY_CACHE");
    if (env && std::string(env) == "off")
    {
        return "";
    }
    if (env && *env)
    {
        return env;
    }
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    if (xdg && *xdg)
    {
        return std::string(xdg) + "/ns3tls/keys";
    }
    return home && *home ? std::string(home) + "/.cache/ns3tls/keys" : "";
}

/**
 * Keys are shared by role so that chains of any length cost at most three key generations.
 * They are generated from a stream seeded by their name alone, so the disk cache only saves
 * time (an RSA-4096 key takes seconds): a cached key is the key that would be generated.
 */
EVP_PKEY*
CachedKey(const std::string& keyType, const std::string& role)
{
    std::map<std::string, EVP_PKEY*>& keys = GetCaches().keys;
    std::string name = "key/" + keyType + "/" + role;
    auto it = keys.find(name);
    if (it != keys.end())
    {
        return it->second;
    }
    std::string dir = KeyCacheDir();
    std::string file = dir.empty() ? "" : dir + "/" + keyType + "-" + role + ".pem";
    EVP_PKEY* key = nullptr;
    if (!file.empty())
    {
        if (FILE* f = std::fopen(file.c_str(), "r"))
        {
            key = PEM_read_PrivateKey(f, nullptr, NoPassword, nullptr);
            std::fclose(f);
            ERR_clear_error();
        }
        if (key && TlsEngine::KeyTypeName(key) != keyType)
        {
            // Not the key its name claims (edited, truncated, another build's): make it again.
            NS_LOG_WARN("ignoring cached key " << file << ": it is a "
                                               << TlsEngine::KeyTypeName(key) << " key");
            EVP_PKEY_free(key);
            key = nullptr;
        }
    }
    if (key == nullptr)
    {
        NS_LOG_INFO("generating " << name);
        TlsRandom::StreamGuard stream(name);
        key = GenerateKey(keyType);
        NS_ABORT_MSG_IF(key == nullptr,
                        "key generation failed for " << keyType << ": " << OpenSslError());
        std::error_code ec;
        if (!file.empty() && (std::filesystem::create_directories(dir, ec) || !ec))
        {
            std::string tmp = file + "." + std::to_string(::getpid()) + ".tmp";
            if (FILE* f = std::fopen(tmp.c_str(), "w"))
            {
                bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
                ok = std::fclose(f) == 0 && ok;
                if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0)
                {
                    std::remove(tmp.c_str());
                }
            }
        }
    }
    keys[name] = key;
    return key;
}

void
AddExtension(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    NS_ABORT_MSG_IF(ext == nullptr, "bad extension " << value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

/**
 * Makes a certificate for subject's key, signed by issuerKey (self-signed when issuer is null).
 */
X509*
MakeCertificate(const std::string& commonName,
                EVP_PKEY* subjectKey,
                X509* issuer,
                EVP_PKEY* issuerKey,
                bool isCa,
                bool expired)
{
    TlsRandom::StreamGuard stream("cert/" + commonName);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    uint64_t serial = 0;
    for (unsigned char c : commonName)
    {
        serial = serial * 131 + c;
    }
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial & 0x7FFFFFFFFFFFFFFFULL);
    ASN1_TIME_set_string_X509(X509_getm_notBefore(cert), expired ? EXPIRED_NOT_BEFORE : NOT_BEFORE);
    ASN1_TIME_set_string_X509(X509_getm_notAfter(cert), expired ? EXPIRED_NOT_AFTER : NOT_AFTER);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char*)"ns3tls", -1, -1, 0);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, (const unsigned char*)commonName.c_str(), -1, -1, 0);
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert, subjectKey);
    X509* issuerCert = issuer ? issuer : cert;
    AddExtension(cert, issuerCert, NID_subject_key_identifier, "hash");
    AddExtension(cert, issuerCert, NID_authority_key_identifier, "keyid:always");
    if (isCa)
    {
        AddExtension(cert, issuerCert, NID_basic_constraints, "critical,CA:TRUE");
        AddExtension(cert, issuerCert, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    else
    {
        AddExtension(cert, issuerCert, NID_basic_constraints, "critical,CA:FALSE");
        AddExtension(cert, issuerCert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        AddExtension(cert, issuerCert, NID_ext_key_usage, "serverAuth,clientAuth");
        AddExtension(cert, issuerCert, NID_subject_alt_name, "DNS:server.ns3tls,DNS:client.ns3tls");
    }
    // RSA and ECDSA sign a SHA-256 digest; Ed25519, ML-DSA and SLH-DSA sign the message itself.
    const EVP_MD* md = EVP_PKEY_is_a(issuerKey, "RSA") || EVP_PKEY_is_a(issuerKey, "EC")
                           ? EVP_sha256()
                           : nullptr;
    NS_ABORT_MSG_IF(X509_sign(cert, issuerKey, md) == 0, "X509_sign failed: " << OpenSslError());
    return cert;
}

X509*
CachedRoot(const std::string& keyType, bool untrusted)
{
    std::map<std::string, X509*>& roots = GetCaches().roots;
    std::string cn
        = std::string(untrusted ? "ns3tls Untrusted Root CA " : "ns3tls Root CA ") + keyType;
    auto it = roots.find(cn);
    if (it != roots.end())
    {
        return it->second;
    }
    EVP_PKEY* key = CachedKey(keyType, untrusted ? "untrusted-root" : "root");
    X509* root = MakeCertificate(cn, key, nullptr, key, true, false);
    roots[cn] = root;
    if (!untrusted)
    {
        X509_STORE_add_cert(TlsCredentials::GetTrustStore(), root);
    }
    return root;
}

std::string
Trim(const std::string& s)
{
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

} // namespace

std::string
TlsCredentials::Spec::ToString() const
{
    std::ostringstream os;
    if (!certFile.empty())
    {
        os << "cert=" << certFile << ",key=" << keyFile;
        return os.str();
    }
    os << keyType;
    if (!caKeyType.empty() && caKeyType != keyType)
    {
        os << ",ca=" << caKeyType;
    }
    if (chainLength > 0)
    {
        os << ",chain=" << chainLength;
    }
    if (expired)
    {
        os << ",expired";
    }
    if (untrusted)
    {
        os << ",untrusted";
    }
    return os.str();
}

bool
TlsCredentials::IsKnownKeyType(const std::string& keyType)
{
    for (const char* k : KEY_TYPES)
    {
        if (keyType == k)
        {
            return true;
        }
    }
    return false;
}

bool
TlsCredentials::IsKnownCaKeyType(const std::string& keyType)
{
    for (const char* k : CA_ONLY_KEY_TYPES)
    {
        if (keyType == k)
        {
            return true;
        }
    }
    return IsKnownKeyType(keyType);
}

std::string
TlsCredentials::KnownKeyTypes()
{
    std::string s;
    for (const char* k : KEY_TYPES)
    {
        s += (s.empty() ? "" : "|") + std::string(k);
    }
    return s;
}

std::string
TlsCredentials::KnownCaKeyTypes()
{
    std::string s = KnownKeyTypes();
    for (const char* k : CA_ONLY_KEY_TYPES)
    {
        s += "|" + std::string(k);
    }
    return s;
}

bool
TlsCredentials::IsPostQuantum(const std::string& keyType)
{
    return !PostQuantumAlgorithm(keyType).empty();
}

std::string
TlsCredentials::GetPostQuantumAlgorithm(const std::string& keyType)
{
    return PostQuantumAlgorithm(keyType);
}

std::string
TlsCredentials::Parse(const std::string& text, Spec& spec)
{
    spec = Spec();
    std::istringstream is(text);
    std::string item;
    while (std::getline(is, item, ','))
    {
        item = Trim(item);
        if (item.empty())
        {
            continue;
        }
        if (IsKnownKeyType(item))
        {
            spec.keyType = item;
        }
        else if (item.rfind("ca=", 0) == 0)
        {
            if (!IsKnownCaKeyType(item.substr(3)))
            {
                return "unknown CA key type '" + item.substr(3) + "' (expected " + KnownCaKeyTypes()
                       + ")";
            }
            spec.caKeyType = item.substr(3);
        }
        else if (item.rfind("chain=", 0) == 0)
        {
            std::string n = item.substr(6);
            if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos
                || std::stoul(n) > 32)
            {
                return "invalid chain length '" + n + "' (expected 0..32)";
            }
            spec.chainLength = std::stoul(n);
        }
        else if (item == "expired")
        {
            spec.expired = true;
        }
        else if (item == "untrusted")
        {
            spec.untrusted = true;
        }
        else if (item.rfind("cert=", 0) == 0)
        {
            spec.certFile = item.substr(5);
        }
        else if (item.rfind("key=", 0) == 0)
        {
            spec.keyFile = item.substr(4);
        }
        else
        {
            if (IsKnownCaKeyType(item))
            {
                return "key type '" + item
                       + "' has no TLS signature scheme (OpenSSL 3.5): use it to sign the "
                         "certificates, ca="
                       + item;
            }
            return "unknown credentials item '" + item + "' (key types: " + KnownKeyTypes()
                   + "; or ca=KEYTYPE, chain=N, expired, untrusted, cert=FILE, key=FILE)";
        }
    }
    if (spec.certFile.empty() != spec.keyFile.empty())
    {
        return "PEM credentials need both cert=FILE and key=FILE";
    }
    return "";
}

X509_STORE*
TlsCredentials::GetTrustStore()
{
    return GetCaches().trustStore;
}

std::string
TlsCredentials::GetCertificateKeyType(const std::string& certFile)
{
    FILE* f = std::fopen(certFile.c_str(), "r");
    if (f == nullptr)
    {
        return "pem";
    }
    X509* cert = PEM_read_X509(f, nullptr, NoPassword, nullptr);
    std::fclose(f);
    ERR_clear_error();
    std::string type = cert ? TlsEngine::KeyTypeName(X509_get0_pubkey(cert)) : "pem";
    X509_free(cert);
    return type;
}

namespace
{

/// @return every certificate of a PEM file, in order (none if unreadable); the caller frees them
std::vector<X509*>
ReadPemCertificates(const std::string& path)
{
    std::vector<X509*> certs;
    FILE* f = path.empty() ? nullptr : std::fopen(path.c_str(), "r");
    if (f == nullptr)
    {
        return certs;
    }
    while (X509* cert = PEM_read_X509(f, nullptr, NoPassword, nullptr))
    {
        certs.push_back(cert);
    }
    std::fclose(f);
    ERR_clear_error();
    return certs;
}

} // namespace

TlsCredentials::PemChainInfo
TlsCredentials::DescribePemChain(const std::string& certFile, const std::string& caFile)
{
    NS_LOG_FUNCTION(certFile << caFile);
    PemChainInfo info;
    std::vector<X509*> chain = ReadPemCertificates(certFile);
    if (chain.empty())
    {
        return info;
    }
    info.intermediates = 0;
    for (size_t i = 1; i < chain.size(); ++i)
    {
        info.intermediates += X509_self_signed(chain[i], 0) == 1 ? 0 : 1;
    }
    std::vector<X509*> anchors = ReadPemCertificates(caFile);
    std::vector<X509*> candidates(chain.begin() + 1, chain.end());
    candidates.insert(candidates.end(), anchors.begin(), anchors.end());
    std::vector<std::string> types;
    X509* cert = chain[0];
    // Each step climbs one issuer; a path longer than all candidates would be a loop.
    for (size_t step = 0; step <= candidates.size(); ++step)
    {
        if (X509_self_signed(cert, 0) == 1)
        {
            if (cert == chain[0])
            {
                types.push_back(TlsEngine::KeyTypeName(X509_get0_pubkey(cert)));
            }
            std::string joined;
            for (const auto& t : types)
            {
                if (joined.empty() || ("+" + joined + "+").find("+" + t + "+") == std::string::npos)
                {
                    joined += (joined.empty() ? "" : "+") + t;
                }
            }
            info.caKeyType = joined;
            break;
        }
        auto issuer = std::find_if(
            candidates.begin(),
            candidates.end(),
            [cert](X509* c) { return c != cert && X509_check_issued(c, cert) == X509_V_OK; });
        if (issuer == candidates.end())
        {
            break; // the root is in neither file: unknown
        }
        cert = *issuer;
        types.push_back(TlsEngine::KeyTypeName(X509_get0_pubkey(cert)));
    }
    for (X509* c : chain)
    {
        X509_free(c);
    }
    for (X509* c : anchors)
    {
        X509_free(c);
    }
    ERR_clear_error();
    return info;
}

std::shared_ptr<const TlsCredentials>
TlsCredentials::Get(const Spec& spec, std::string& error)
{
    auto& cache = GetCaches().credentials;
    std::string cacheKey = spec.ToString();
    auto it = cache.find(cacheKey);
    if (it != cache.end())
    {
        return it->second;
    }
    std::shared_ptr<TlsCredentials> creds(new TlsCredentials());
    if (!spec.certFile.empty())
    {
        FILE* f = std::fopen(spec.certFile.c_str(), "r");
        if (f == nullptr)
        {
            error = "cannot read certificate file '" + spec.certFile + "'";
            return nullptr;
        }
        creds->m_leaf = PEM_read_X509(f, nullptr, NoPassword, nullptr);
        while (X509* extra = PEM_read_X509(f, nullptr, NoPassword, nullptr))
        {
            creds->m_chain.push_back(extra);
        }
        std::fclose(f);
        ERR_clear_error();
        if (creds->m_leaf == nullptr)
        {
            error = "no PEM certificate in '" + spec.certFile + "'";
            return nullptr;
        }
        f = std::fopen(spec.keyFile.c_str(), "r");
        if (f == nullptr)
        {
            error = "cannot read private key file '" + spec.keyFile + "'";
            return nullptr;
        }
        creds->m_key = PEM_read_PrivateKey(f, nullptr, NoPassword, nullptr);
        std::fclose(f);
        if (creds->m_key == nullptr && IsEncryptedPem(spec.keyFile))
        {
            ERR_clear_error();
            error = "private key '" + spec.keyFile
                    + "' is encrypted (give an unencrypted copy, "
                      "e.g. openssl pkey -in KEY -out PLAIN)";
            return nullptr;
        }
        if (creds->m_key == nullptr)
        {
            error = "no PEM private key in '" + spec.keyFile + "': " + OpenSslError();
            return nullptr;
        }
        if (X509_check_private_key(creds->m_leaf, creds->m_key) != 1)
        {
            ERR_clear_error();
            error = "private key '" + spec.keyFile + "' does not match '" + spec.certFile + "'";
            return nullptr;
        }
        creds->m_keyType = TlsEngine::KeyTypeName(creds->m_key);
        // Not cached: the files are read again by every new context, so an edited file is
        // seen by the next run of the same process (contexts are per run).
        return creds;
    }
    if (!IsKnownKeyType(spec.keyType))
    {
        error = "unknown key type '" + spec.keyType + "' (expected " + KnownKeyTypes() + ")";
        return nullptr;
    }
    for (const std::string& type : {spec.keyType, spec.caKeyType})
    {
        error = TlsOpenSsl::PostQuantumError("key type '" + type + "'", type);
        if (!error.empty())
        {
            return nullptr;
        }
    }
    creds->m_keyType = spec.keyType;
    const std::string prefix = spec.untrusted ? "untrusted-" : "";
    // The CAs (root and intermediates) have keys of caKeyType: a mixed chain when it differs.
    const std::string caType = spec.caKeyType.empty() ? spec.keyType : spec.caKeyType;
    X509* issuer = CachedRoot(caType, spec.untrusted);
    EVP_PKEY* issuerKey = CachedKey(caType, prefix + "root");
    creds->m_root = issuer;
    std::vector<X509*> intermediates;
    for (unsigned i = 1; i <= spec.chainLength; ++i)
    {
        EVP_PKEY* key = CachedKey(caType, "intermediate");
        std::string cn = "ns3tls " + prefix + "Intermediate CA " + std::to_string(i) + " " + caType;
        X509* cert = MakeCertificate(cn, key, issuer, issuerKey, true, false);
        intermediates.push_back(cert);
        issuer = cert;
        issuerKey = key;
    }
    creds->m_key = CachedKey(spec.keyType, "leaf");
    EVP_PKEY_up_ref(creds->m_key);
    creds->m_leaf = MakeCertificate(
        "server.ns3tls " + spec.ToString(), creds->m_key, issuer, issuerKey, false, spec.expired);
    // Sent order: the leaf's issuer first.
    creds->m_chain.assign(intermediates.rbegin(), intermediates.rend());
    cache[cacheKey] = creds;
    return creds;
}

TlsCredentials::~TlsCredentials()
{
    X509_free(m_leaf);
    EVP_PKEY_free(m_key);
    for (X509* c : m_chain)
    {
        X509_free(c);
    }
}

X509*
TlsCredentials::GetLeaf() const
{
    return m_leaf;
}

EVP_PKEY*
TlsCredentials::GetKey() const
{
    return m_key;
}

const std::vector<X509*>&
TlsCredentials::GetChain() const
{
    return m_chain;
}

X509*
TlsCredentials::GetRoot() const
{
    return m_root;
}

const std::string&
TlsCredentials::GetKeyType() const
{
    return m_keyType;
}

} // namespace ns3
