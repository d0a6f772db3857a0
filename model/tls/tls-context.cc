/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-context.h"

#include "ns3/tls-engine.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-random.h"

#include "ns3/fatal-error.h"
#include "ns3/log.h"

#include <fstream>
#include <map>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sstream>
#include <utility>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsContext");

namespace
{

std::ofstream g_keyLog;

void
KeyLogCallback(const SSL*, const char* line)
{
    if (g_keyLog.is_open())
    {
        g_keyLog << line << '\n';
        g_keyLog.flush();
    }
}

/// The contexts of the current run. OpenSSL is initialised before the map is built, so the map
/// (destroyed at exit in reverse order) frees its SSL_CTXs before OpenSSL's own exit handler.
struct ContextCache
{
    ContextCache()
    {
        OPENSSL_init_ssl(0, nullptr);
    }

    std::map<std::string, std::shared_ptr<TlsContext>> map; //!< by role and TlsConfig::Key()
};

std::map<std::string, std::shared_ptr<TlsContext>>&
Cache()
{
    static ContextCache cache;
    return cache.map;
}

/// The TLS 1.2 cipher list offered for a key exchange when the user gives none.
const char*
DefaultTls12Ciphers(TlsConfig::KeyExchange kx)
{
    switch (kx)
    {
        case TlsConfig::KX_RSA:
            return "AES128-GCM-SHA256:AES256-GCM-SHA384";
        case TlsConfig::KX_DHE:
            return "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
        case TlsConfig::KX_ECDHE:
            break;
    }
    return "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
           "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
           "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
}

/**
 * Splits a cipher string into TLS 1.3 ciphersuites (OpenSSL names them all TLS_*, e.g.
 * TLS_AES_128_GCM_SHA256) and the TLS 1.2 cipher list (no TLS 1.2 name starts with TLS_).
 */
void
SplitCiphers(const std::string& ciphers, std::string& tls13, std::string& tls12)
{
    std::istringstream in(ciphers);
    std::string name;
    while (std::getline(in, name, ':'))
    {
        std::string& list = name.rfind("TLS_", 0) == 0 ? tls13 : tls12;
        if (!name.empty())
        {
            list += (list.empty() ? "" : ":") + name;
        }
    }
}

/// The command-line spellings of the closed choices (shared with the attributes' checkers).
const std::vector<std::pair<TlsConfig::KeyExchange, std::string>> KX_NAMES{
    {TlsConfig::KX_ECDHE, "ecdhe"}, {TlsConfig::KX_RSA, "rsa"}, {TlsConfig::KX_DHE, "dhe"}};
const std::vector<std::pair<TlsConfig::Resumption, std::string>> RESUME_NAMES{
    {TlsConfig::RESUME_NONE, "none"},
    {TlsConfig::RESUME_TICKET, "ticket"},
    {TlsConfig::RESUME_SESSION_ID, "session-id"}};
const std::vector<std::pair<TlsConfig::Version, std::string>> VERSION_NAMES{
    {TlsConfig::VERSION_1_2, "1.2"}, {TlsConfig::VERSION_1_3, "1.3"}};

template <typename E>
std::string
NameOf(const std::vector<std::pair<E, std::string>>& names, E value)
{
    for (const auto& [v, n] : names)
    {
        if (v == value)
        {
            return n;
        }
    }
    NS_FATAL_ERROR("no name for value " << int(value));
}

template <typename E>
bool
ValueOf(const std::vector<std::pair<E, std::string>>& names, const std::string& text, E& value)
{
    for (const auto& [v, n] : names)
    {
        if (n == text)
        {
            value = v;
            return true;
        }
    }
    return false;
}

} // namespace

std::string
TlsConfig::GetVersionName(Version version)
{
    return NameOf(VERSION_NAMES, version);
}

std::string
TlsConfig::GetRangeName(Version min, Version max)
{
    return min == max ? GetVersionName(min) : GetVersionName(min) + "-" + GetVersionName(max);
}

bool
TlsConfig::ParseRange(const std::string& text, Version& min, Version& max)
{
    size_t dash = text.find('-');
    if (dash == std::string::npos)
    {
        return ValueOf(VERSION_NAMES, text, min) && ValueOf(VERSION_NAMES, text, max);
    }
    return ValueOf(VERSION_NAMES, text.substr(0, dash), min)
           && ValueOf(VERSION_NAMES, text.substr(dash + 1), max) && min <= max;
}

std::string
TlsConfig::GetKeyExchangeName(KeyExchange kx)
{
    return NameOf(KX_NAMES, kx);
}

bool
TlsConfig::ParseKeyExchange(const std::string& text, KeyExchange& kx)
{
    return ValueOf(KX_NAMES, text, kx);
}

std::string
TlsConfig::GetResumptionName(Resumption resume)
{
    return NameOf(RESUME_NAMES, resume);
}

bool
TlsConfig::ParseResumption(const std::string& text, Resumption& resume)
{
    return ValueOf(RESUME_NAMES, text, resume);
}

bool
TlsConfig::AllowsTls13() const
{
    return maxVersion >= VERSION_1_3;
}

std::string
TlsConfig::Validate() const
{
    if (minVersion > maxVersion)
    {
        return "invalid TLS version range " + GetVersionName(minVersion) + "-"
               + GetVersionName(maxVersion) + " (minimum above maximum)";
    }
    if (sessionTimeout < 1)
    {
        return "invalid session timeout " + std::to_string(sessionTimeout) + " s (expected >= 1)";
    }
    TlsCredentials::Spec spec;
    return TlsCredentials::Parse(credentials, spec);
}

std::string
TlsConfig::Key() const
{
    std::ostringstream os;
    os << minVersion << '-' << maxVersion << '|' << keyExchange << '|' << groups << '|' << ciphers
       << '|' << signatureAlgorithms << '|' << credentials << '|' << caFile << '|' << verifyPeer
       << '|' << clientAuth << '|' << resume << '|' << maxEarlyData << '|' << serverName << '|'
       << verifyDate << '|' << sessionTimeout;
    return os.str();
}

std::shared_ptr<TlsContext>
TlsContext::Get(const TlsConfig& config, Role role, std::string& error)
{
    std::string key = (role == CLIENT ? "C|" : "S|") + config.Key();
    auto it = Cache().find(key);
    if (it != Cache().end())
    {
        return it->second;
    }
    error = config.Validate();
    if (!error.empty())
    {
        return nullptr;
    }
    TlsRandom::EnsureInstalled();
    std::shared_ptr<TlsContext> context(new TlsContext());
    context->m_role = role;
    context->m_config = config;
    SSL_CTX* ctx = SSL_CTX_new(role == CLIENT ? TLS_client_method() : TLS_server_method());
    context->m_ctx = ctx;
    SSL_CTX_set_min_proto_version(ctx, config.minVersion);
    SSL_CTX_set_max_proto_version(ctx, config.maxVersion);
    // OpenSSL hex-formats every secret for a key-log callback (hundreds of sprintf calls per
    // handshake): install it only while a key log is open.
    SSL_CTX_set_keylog_callback(ctx, g_keyLog.is_open() ? KeyLogCallback : nullptr);
    // Send exactly the configured chain (leaf + intermediates). Without this OpenSSL completes
    // the chain from the trust store and also sends the root, which real servers do not.
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
    // Free each connection's ~17 KB read and ~17 KB write record buffers whenever they are
    // empty (between engine steps: always) instead of keeping them for the connection's
    // life; what OpenSSL reads and writes is the same.
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_msg_callback(ctx, TlsEngine::MessageCallback);
    // Certificates are checked at the simulated date, never the wall clock's (TlsClock moves
    // each connection's verification date along with the simulation).
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(config.verifyDate));
    SSL_CTX_set_timeout(ctx, config.sessionTimeout);

    // Each version in the range gets its part of the cipher string, or its default.
    std::string tls13;
    std::string tls12;
    SplitCiphers(config.ciphers, tls13, tls12);
    bool tls12Allowed = config.minVersion <= TlsConfig::VERSION_1_2;
    bool none12 = !tls12Allowed || tls12.empty();
    bool none13 = !config.AllowsTls13() || tls13.empty();
    if (!config.ciphers.empty() && none12 && none13)
    {
        error = "no cipher for TLS " + TlsConfig::GetRangeName(config.minVersion, config.maxVersion)
                + " in '" + config.ciphers + "'";
        return nullptr;
    }
    if (tls12Allowed)
    {
        if (tls12.empty())
        {
            tls12 = DefaultTls12Ciphers(config.keyExchange);
        }
        if (SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1)
        {
            ERR_clear_error();
            error = "no usable TLS 1.2 cipher in '" + tls12 + "'";
            return nullptr;
        }
        if (config.keyExchange == TlsConfig::KX_DHE)
        {
            SSL_CTX_set_dh_auto(ctx, 1);
        }
    }
    if (config.AllowsTls13() && !tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1)
    {
        ERR_clear_error();
        error = "no usable TLS 1.3 ciphersuite in '" + tls13 + "'";
        return nullptr;
    }
    // OpenSSL 3.5's default groups offer X25519MLKEM768 first (a 1216-byte key share): the
    // module's default stays OpenSSL 3.0's classical list, so that results do not depend on the
    // OpenSSL version; post-quantum groups are asked for by name, or "DEFAULT" (the library's).
    std::string groups = config.groups.empty() && TlsOpenSsl::HasPostQuantum()
                             ? "x25519:secp256r1:x448:secp521r1:secp384r1:ffdhe2048:ffdhe3072:"
                               "ffdhe4096:ffdhe6144:ffdhe8192"
                             : config.groups;
    if (!groups.empty() && groups != "DEFAULT"
        && SSL_CTX_set1_groups_list(ctx, groups.c_str()) != 1)
    {
        ERR_clear_error();
        error = TlsOpenSsl::PostQuantumError("group list '" + config.groups + "'", config.groups);
        error = error.empty() ? "unsupported group list '" + config.groups + "'" : error;
        return nullptr;
    }
    if (!config.signatureAlgorithms.empty()
        && SSL_CTX_set1_sigalgs_list(ctx, config.signatureAlgorithms.c_str()) != 1)
    {
        ERR_clear_error();
        error = TlsOpenSsl::PostQuantumError("signature algorithm list '"
                                                 + config.signatureAlgorithms + "'",
                                             config.signatureAlgorithms);
        error = error.empty()
                    ? "unsupported signature algorithm list '" + config.signatureAlgorithms + "'"
                    : error;
        return nullptr;
    }

    bool needsCredentials = role == SERVER || config.clientAuth;
    if (needsCredentials)
    {
        TlsCredentials::Spec spec;
        TlsCredentials::Parse(config.credentials, spec);
        context->m_credentials = TlsCredentials::Get(spec, error);
        if (!context->m_credentials)
        {
            return nullptr;
        }
        if (SSL_CTX_use_certificate(ctx, context->m_credentials->GetLeaf()) != 1
            || SSL_CTX_use_PrivateKey(ctx, context->m_credentials->GetKey()) != 1)
        {
            error = "cannot use credentials '" + config.credentials + "'";
            ERR_clear_error();
            return nullptr;
        }
        for (X509* c : context->m_credentials->GetChain())
        {
            X509_up_ref(c);
            SSL_CTX_add1_chain_cert(ctx, c);
            X509_free(c);
        }
    }

    // Trust (after the credentials, whose generated root it includes): the simulation's
    // generated roots, plus the user's CA file. A CA file goes into a
    // store of this context's own (a copy of the generated roots), never into the shared one:
    // it must not stay trusted by later contexts or runs.
    X509_STORE* shared = TlsCredentials::GetTrustStore();
    if (config.caFile.empty())
    {
        X509_STORE_up_ref(shared);
        SSL_CTX_set_cert_store(ctx, shared);
    }
    else
    {
        X509_STORE* own = X509_STORE_new();
        STACK_OF(X509)* roots = X509_STORE_get1_all_certs(shared);
        for (int i = 0; i < sk_X509_num(roots); ++i)
        {
            X509_STORE_add_cert(own, sk_X509_value(roots, i));
        }
        sk_X509_pop_free(roots, X509_free);
        SSL_CTX_set_cert_store(ctx, own);
        if (SSL_CTX_load_verify_locations(ctx, config.caFile.c_str(), nullptr) != 1)
        {
            ERR_clear_error();
            error = "cannot read CA file '" + config.caFile + "'";
            return nullptr;
        }
    }

    if (role == CLIENT)
    {
        SSL_CTX_set_verify(ctx, config.verifyPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
        X509_VERIFY_PARAM_set1_host(param, config.serverName.c_str(), 0);
        // The application keeps the session itself (TlsEngine's new-session callback).
        SSL_CTX_set_session_cache_mode(ctx,
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_new_cb(ctx, TlsEngine::NewSessionCallback);
    }
    else
    {
        if (config.clientAuth)
        {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        }
        static const unsigned char sid[] = "ns3tls";
        SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        if (config.maxEarlyData > 0)
        {
            SSL_CTX_set_max_early_data(ctx, config.maxEarlyData);
            SSL_CTX_set_recv_max_early_data(ctx, config.maxEarlyData);
        }
    }
    if (config.resume == TlsConfig::RESUME_SESSION_ID)
    {
        // TLS 1.2: session ids; TLS 1.3: stateful tickets (the PSK is a server cache key).
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    TlsClock::Install(ctx, role == SERVER);
    NS_LOG_INFO("new " << (role == CLIENT ? "client" : "server") << " context " << key);
    Cache()[key] = context;
    return context;
}

bool
TlsContext::SetKeyLogFile(const std::string& path)
{
    if (g_keyLog.is_open())
    {
        g_keyLog.close();
    }
    if (!path.empty())
    {
        g_keyLog.open(path, std::ios::out | std::ios::trunc);
    }
    for (auto& entry : Cache())
    {
        SSL_CTX_set_keylog_callback(entry.second->m_ctx,
                                    g_keyLog.is_open() ? KeyLogCallback : nullptr);
    }
    return path.empty() || g_keyLog.is_open();
}

void
TlsContext::ClearCache()
{
    Cache().clear();
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(m_ctx);
}

SSL_CTX*
TlsContext::GetSslCtx() const
{
    return m_ctx;
}

TlsContext::Role
TlsContext::GetRole() const
{
    return m_role;
}

const TlsConfig&
TlsContext::GetConfig() const
{
    return m_config;
}

} // namespace ns3
