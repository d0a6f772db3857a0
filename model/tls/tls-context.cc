/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-context.h"

#include "ns3/tls-engine.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-random.h"

#include "ns3/log.h"

#include <fstream>
#include <map>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sstream>

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

std::map<std::string, std::shared_ptr<TlsContext>>&
Cache()
{
    static std::map<std::string, std::shared_ptr<TlsContext>> cache;
    return cache;
}

/// The TLS 1.2 cipher list offered for a key exchange when the user gives none.
const char*
DefaultTls12Ciphers(const std::string& kx)
{
    if (kx == "rsa")
    {
        return "AES128-GCM-SHA256:AES256-GCM-SHA384";
    }
    if (kx == "dhe")
    {
        return "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
    }
    return "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
           "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
           "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
}

} // namespace

std::string
TlsConfig::Validate() const
{
    if (version != "1.2" && version != "1.3")
    {
        return "invalid TLS version '" + version + "' (expected 1.2 or 1.3)";
    }
    if (keyExchange != "ecdhe" && keyExchange != "rsa" && keyExchange != "dhe")
    {
        return "invalid key exchange '" + keyExchange + "' (expected ecdhe, rsa or dhe)";
    }
    if (resume != "none" && resume != "ticket" && resume != "session-id")
    {
        return "invalid resumption mode '" + resume + "' (expected none, ticket or session-id)";
    }
    TlsCredentials::Spec spec;
    return TlsCredentials::Parse(credentials, spec);
}

std::string
TlsConfig::Key() const
{
    std::ostringstream os;
    os << version << '|' << keyExchange << '|' << groups << '|' << ciphers << '|'
       << signatureAlgorithms << '|' << credentials << '|' << caFile << '|' << verifyPeer << '|'
       << clientAuth << '|' << resume << '|' << maxEarlyData << '|' << serverName;
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
    int version = config.version == "1.2" ? TLS1_2_VERSION : TLS1_3_VERSION;
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    // OpenSSL hex-formats every secret for a key-log callback (hundreds of sprintf calls per
    // handshake): install it only while a key log is open.
    SSL_CTX_set_keylog_callback(ctx, g_keyLog.is_open() ? KeyLogCallback : nullptr);
    // Send exactly the configured chain (leaf + intermediates). Without this OpenSSL completes
    // the chain from the trust store and also sends the root, which real servers do not.
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
    SSL_CTX_set_msg_callback(ctx, TlsEngine::MessageCallback);
    // Generated certificates are checked at a fixed date so that runs do not depend on the wall
    // clock; certificates the user brings (with their own CA file) are dated in real time.
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    if (config.caFile.empty())
    {
        X509_VERIFY_PARAM_set_time(param, TlsCredentials::GetVerificationTime());
    }

    std::string ciphers = config.ciphers;
    if (config.version == "1.2")
    {
        if (ciphers.empty())
        {
            ciphers = DefaultTls12Ciphers(config.keyExchange);
        }
        if (SSL_CTX_set_cipher_list(ctx, ciphers.c_str()) != 1)
        {
            ERR_clear_error();
            error = "no usable TLS 1.2 cipher in '" + ciphers + "'";
            return nullptr;
        }
        if (config.keyExchange == "dhe")
        {
            SSL_CTX_set_dh_auto(ctx, 1);
        }
    }
    else if (!ciphers.empty() && SSL_CTX_set_ciphersuites(ctx, ciphers.c_str()) != 1)
    {
        ERR_clear_error();
        error = "no usable TLS 1.3 ciphersuite in '" + ciphers + "'";
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

    // Trust: the simulation's generated roots, plus the user's CA file.
    X509_STORE* store = TlsCredentials::GetTrustStore();
    X509_STORE_up_ref(store);
    SSL_CTX_set_cert_store(ctx, store);
    if (!config.caFile.empty()
        && SSL_CTX_load_verify_locations(ctx, config.caFile.c_str(), nullptr) != 1)
    {
        ERR_clear_error();
        error = "cannot read CA file '" + config.caFile + "'";
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
    if (config.resume == "session-id")
    {
        // TLS 1.2: session ids; TLS 1.3: stateful tickets (the PSK is a server cache key).
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
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
