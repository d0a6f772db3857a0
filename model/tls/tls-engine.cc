/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-engine.h"

#include "ns3/tls-openssl.h"

#include "ns3/log.h"
#include "ns3/tls-operation-cost-model.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsEngine");

namespace
{

/// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
const unsigned char HRR_RANDOM[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

uint64_t g_live = 0; //!< engines alive (as TlsConnection's count: one simulation per thread)
uint64_t g_peak = 0; //!< most alive at once

uint64_t
ThreadCpuNs()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ULL + ts.tv_nsec;
}

/// Adds the CPU time of a scope to a counter (when on).
class CpuTimer
{
  public:
    CpuTimer(uint64_t& sink, bool on)
        : m_sink(sink)
        , m_on(on)
        , m_start(on ? ThreadCpuNs() : 0)
    {
    }

    ~CpuTimer()
    {
        if (m_on)
        {
            m_sink += ThreadCpuNs() - m_start;
        }
    }

  private:
    uint64_t& m_sink;
    bool m_on;
    uint64_t m_start;
};

/// Brackets one engine step with the clock's BeginStep() and EndStep().
class ClockStep
{
  public:
    explicit ClockStep(TlsClock& clock)
        : m_clock(clock)
    {
        m_clock.BeginStep();
    }

    ~ClockStep()
    {
        m_clock.EndStep();
    }

  private:
    TlsClock& m_clock;
};

} // namespace

std::string
TlsEngine::HandshakeTypeName(int type)
{
    switch (type)
    {
        case 0:
            return "HelloRequest";
        case 1:
            return "ClientHello";
        case 2:
            return "ServerHello";
        case 4:
            return "NewSessionTicket";
        case 5:
            return "EndOfEarlyData";
        case 8:
            return "EncryptedExtensions";
        case 11:
            return "Certificate";
        case 12:
            return "ServerKeyExchange";
        case 13:
            return "CertificateRequest";
        case 14:
            return "ServerHelloDone";
        case 15:
            return "CertificateVerify";
        case 16:
            return "ClientKeyExchange";
        case 20:
            return "Finished";
        case 22:
            return "CertificateStatus";
        case 24:
            return "KeyUpdate";
        default:
            return "Handshake(" + std::to_string(type) + ")";
    }
}

TlsEngine::TlsEngine(std::shared_ptr<TlsContext> context)
    : m_context(std::move(context))
    , m_role(m_context->GetRole())
{
    CpuTimer timer(m_cpuNs, m_cpuTiming);
    g_peak = std::max(g_peak, ++g_live);
    m_ssl = SSL_new(m_context->GetSslCtx());
    m_in = BIO_new(BIO_s_mem());
    m_out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(m_in, -1); // empty means "want more", not EOF
    SSL_set_bio(m_ssl, m_in, m_out);
    SSL_set_app_data(m_ssl, this);
    m_clock = std::make_unique<TlsClock>(m_ssl, m_context->GetConfig().verifyDate);
    if (m_role == TlsContext::CLIENT)
    {
        const std::string& name = m_context->GetConfig().serverName;
        SSL_set_tlsext_host_name(m_ssl, name.c_str());
        SSL_set_connect_state(m_ssl);
    }
    else
    {
        SSL_set_accept_state(m_ssl);
        m_earlyDataReading
            = m_context->GetConfig().maxEarlyData > 0 && m_context->GetConfig().AllowsTls13();
    }
}

TlsEngine::~TlsEngine()
{
    if (m_state == ESTABLISHED || m_state == CLOSED)
    {
        // A connection freed without shutdown is a "bad session" that OpenSSL drops from the
        // cache (ssl_clear_bad_session); like s_time, mark an orderly end so it stays resumable.
        SSL_set_shutdown(m_ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    }
    m_clock.reset();
    SSL_free(m_ssl); // frees both BIOs
    SSL_SESSION_free(m_session);
    --g_live;
}

uint64_t
TlsEngine::GetLiveCount()
{
    return g_live;
}

uint64_t
TlsEngine::GetPeakCount()
{
    return g_peak;
}

void
TlsEngine::ResetPeakCount()
{
    g_peak = g_live;
}

void
TlsEngine::SetSession(SSL_SESSION* session)
{
    if (session != nullptr)
    {
        SSL_set_session(m_ssl, session);
    }
}

void
TlsEngine::SetEarlyData(std::vector<uint8_t> data)
{
    m_earlyData = std::move(data);
}

void
TlsEngine::Receive(const uint8_t* data, size_t size)
{
    if (size > 0)
    {
        BIO_write(m_in, data, static_cast<int>(size));
    }
}

void
TlsEngine::Advance()
{
    CpuTimer timer(m_cpuNs, m_cpuTiming);
    ClockStep clockStep(*m_clock);
    if (m_state == HANDSHAKING)
    {
        if (m_role == TlsContext::CLIENT && !m_earlyDataTried)
        {
            m_earlyDataTried = true;
            SSL_SESSION* s = SSL_get_session(m_ssl);
            if (!m_earlyData.empty() && s != nullptr
                && SSL_SESSION_get_max_early_data(s) >= m_earlyData.size())
            {
                size_t written = 0;
                if (SSL_write_early_data(m_ssl, m_earlyData.data(), m_earlyData.size(), &written)
                    != 1)
                {
                    Fail("SSL_write_early_data", SSL_get_error(m_ssl, 0));
                    return;
                }
                NS_LOG_LOGIC("wrote " << written << " bytes of early data");
            }
        }
        if (m_earlyDataReading && !ReadEarlyData())
        {
            return;
        }
        int r = SSL_do_handshake(m_ssl);
        if (m_context->GetConfig().minVersion == TlsConfig::VERSION_1_2)
        {
            GetGroup(); // a DHE group is only known while the ephemeral key lives
        }
        if (r != 1)
        {
            int err = SSL_get_error(m_ssl, r);
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
            {
                Fail("SSL_do_handshake", err);
            }
            return;
        }
        OnEstablished();
    }
    if (m_state == ESTABLISHED)
    {
        ReadApplicationData();
    }
}

bool
TlsEngine::ReadEarlyData()
{
    unsigned char buf[16384];
    while (true)
    {
        size_t n = 0;
        int r = SSL_read_early_data(m_ssl, buf, sizeof(buf), &n);
        if (r == SSL_READ_EARLY_DATA_SUCCESS)
        {
            m_appIn.insert(m_appIn.end(), buf, buf + n);
            continue;
        }
        if (r == SSL_READ_EARLY_DATA_FINISH)
        {
            m_earlyDataReading = false;
            return true;
        }
        int err = SSL_get_error(m_ssl, 0);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
        {
            Fail("SSL_read_early_data", err);
        }
        return false;
    }
}

void
TlsEngine::OnEstablished()
{
    m_state = ESTABLISHED;
    m_handshakeBytesWritten = m_bytesWritten + BIO_ctrl_pending(m_out);
    NS_LOG_INFO((m_role == TlsContext::CLIENT ? "client" : "server")
                << " established " << GetVersion() << " " << GetCipher()
                << (IsResumed() ? " resumed" : ""));
    if (m_role == TlsContext::CLIENT && GetEarlyDataStatus() == EARLY_REJECTED)
    {
        // OpenSSL does not resend rejected 0-RTT data; an application must.
        m_writeQueue.insert(m_writeQueue.begin(), m_earlyData.begin(), m_earlyData.end());
    }
    FlushWrites();
}

void
TlsEngine::ReadApplicationData()
{
    unsigned char buf[16384];
    while (true)
    {
        size_t n = 0;
        int r = SSL_read_ex(m_ssl, buf, sizeof(buf), &n);
        if (r == 1)
        {
            m_appIn.insert(m_appIn.end(), buf, buf + n);
            continue;
        }
        int err = SSL_get_error(m_ssl, r);
        if (err == SSL_ERROR_ZERO_RETURN)
        {
            m_peerClosed = true;
        }
        else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
        {
            Fail("SSL_read_ex", err);
        }
        return;
    }
}

void
TlsEngine::Write(const uint8_t* data, size_t size)
{
    CpuTimer timer(m_cpuNs, m_cpuTiming);
    if (m_state == HANDSHAKING && m_role == TlsContext::SERVER && m_earlyDataReading)
    {
        // 0.5-RTT data: a server may answer 0-RTT data before the client's Finished arrives.
        size_t written = 0;
        if (SSL_write_early_data(m_ssl, data, size, &written) == 1)
        {
            return;
        }
        ERR_clear_error();
    }
    m_writeQueue.insert(m_writeQueue.end(), data, data + size);
    FlushWrites();
}

void
TlsEngine::FlushWrites()
{
    if (m_state != ESTABLISHED || m_writeQueue.empty())
    {
        return;
    }
    size_t written = 0;
    if (SSL_write_ex(m_ssl, m_writeQueue.data(), m_writeQueue.size(), &written) != 1)
    {
        Fail("SSL_write_ex", SSL_get_error(m_ssl, 0));
        return;
    }
    m_writeQueue.clear();
}

void
TlsEngine::Shutdown()
{
    CpuTimer timer(m_cpuNs, m_cpuTiming);
    if (m_state == ESTABLISHED)
    {
        SSL_shutdown(m_ssl);
        m_state = CLOSED;
    }
}

size_t
TlsEngine::GetPendingOutput() const
{
    return BIO_ctrl_pending(m_out);
}

size_t
TlsEngine::TakeOutput(std::vector<uint8_t>& out)
{
    char* data = nullptr;
    long n = BIO_get_mem_data(m_out, &data);
    if (n <= 0)
    {
        return 0;
    }
    out.insert(out.end(), data, data + n);
    (void)BIO_reset(m_out);
    m_bytesWritten += n;
    return n;
}

std::vector<TlsMessage>
TlsEngine::TakeMessages()
{
    std::vector<TlsMessage> m;
    m.swap(m_messages);
    return m;
}

size_t
TlsEngine::TakeApplicationData(std::vector<uint8_t>& out)
{
    size_t n = m_appIn.size();
    out.insert(out.end(), m_appIn.begin(), m_appIn.end());
    m_appIn.clear();
    return n;
}

void
TlsEngine::SetCpuTiming(bool on)
{
    m_cpuTiming = on;
}

uint64_t
TlsEngine::TakeCpuNanoseconds()
{
    uint64_t n = m_cpuNs;
    m_cpuNs = 0;
    return n;
}

void
TlsEngine::Fail(const char* call, int sslError)
{
    if (m_state == FAILED)
    {
        return;
    }
    m_state = FAILED;
    long verify = SSL_get_verify_result(m_ssl);
    unsigned long e = ERR_peek_last_error();
    if (verify != X509_V_OK)
    {
        m_error = std::string("verify: ") + X509_verify_cert_error_string(verify);
    }
    else if (!m_alertReceived.empty())
    {
        m_error = "alert: " + m_alertReceived;
    }
    else if (e != 0)
    {
        const char* reason = ERR_reason_error_string(e);
        char text[256];
        ERR_error_string_n(e, text, sizeof(text));
        m_error = std::string("tls: ") + (reason ? reason : text);
    }
    else
    {
        // Nothing on OpenSSL's error queue: name the call and its SSL_get_error() result.
        static const char* const names[] = {"SSL_ERROR_NONE",
                                            "SSL_ERROR_SSL",
                                            "SSL_ERROR_WANT_READ",
                                            "SSL_ERROR_WANT_WRITE",
                                            "SSL_ERROR_WANT_X509_LOOKUP",
                                            "SSL_ERROR_SYSCALL",
                                            "SSL_ERROR_ZERO_RETURN"};
        std::string code
            = sslError >= 0 && sslError < 7 ? names[sslError] : "error " + std::to_string(sslError);
        m_error = std::string("tls: ") + call + " failed (" + code + ")";
    }
    ERR_clear_error();
    NS_LOG_INFO((m_role == TlsContext::CLIENT ? "client" : "server") << " failed: " << m_error);
}

void
TlsEngine::MessageCallback(int writeP,
                           int /* version */,
                           int contentType,
                           const void* buf,
                           size_t len,
                           SSL* ssl,
                           void* /* arg */)
{
    auto* engine = static_cast<TlsEngine*>(SSL_get_app_data(ssl));
    if (engine == nullptr || len == 0)
    {
        return;
    }
    const auto* b = static_cast<const unsigned char*>(buf);
    TlsMessage m;
    m.sent = writeP != 0;
    m.contentType = static_cast<uint8_t>(contentType);
    m.bytes = static_cast<uint32_t>(len);
    switch (contentType)
    {
        case SSL3_RT_HANDSHAKE:
            m.handshakeType = b[0];
            m.name = HandshakeTypeName(b[0]);
            if (b[0] == 2 && len >= 38 && std::memcmp(b + 6, HRR_RANDOM, 32) == 0)
            {
                m.name = "HelloRetryRequest";
                m.helloRetryRequest = true;
                engine->m_helloRetry = true;
            }
            break;
        case SSL3_RT_CHANGE_CIPHER_SPEC:
            m.name = "ChangeCipherSpec";
            break;
        case SSL3_RT_ALERT:
            if (len < 2)
            {
                return;
            }
            m.name = std::string("Alert(") + SSL_alert_desc_string_long(b[1]) + ")";
            if (!m.sent && b[0] == SSL3_AL_FATAL)
            {
                engine->m_alertReceived = SSL_alert_desc_string_long(b[1]);
            }
            break;
        default:
            return; // record headers, inner content types
    }
    engine->m_messages.push_back(std::move(m));
}

int
TlsEngine::NewSessionCallback(SSL* ssl, SSL_SESSION* session)
{
    auto* engine = static_cast<TlsEngine*>(SSL_get_app_data(ssl));
    if (engine == nullptr)
    {
        return 0;
    }
    engine->m_clock->OnNewSession(session);
    SSL_SESSION_free(engine->m_session);
    engine->m_session = session; // returning 1 keeps OpenSSL's reference for us
    engine->m_sessionsReceived++;
    return 1;
}

TlsEngine::State
TlsEngine::GetState() const
{
    return m_state;
}

bool
TlsEngine::IsPeerClosed() const
{
    return m_peerClosed;
}

bool
TlsEngine::CanDestroyQuietly() const
{
    // The destructor marks an established or closed connection shut down (see there).
    return m_state == ESTABLISHED || m_state == CLOSED || SSL_get_session(m_ssl) == nullptr
           || (SSL_get_shutdown(m_ssl) & SSL_SENT_SHUTDOWN) != 0 || SSL_in_init(m_ssl)
           || SSL_in_before(m_ssl);
}

const std::string&
TlsEngine::GetError() const
{
    return m_error;
}

TlsContext::Role
TlsEngine::GetRole() const
{
    return m_role;
}

bool
TlsEngine::IsTls13() const
{
    // SSL_version: the negotiated version once ServerHello was written or read; before that a
    // client's is the highest version it offers (ssl_set_client_hello_version), a server's
    // TLS_ANY_VERSION.
    int version = SSL_version(m_ssl);
    if (version == TLS_ANY_VERSION)
    {
        return m_context->GetConfig().AllowsTls13();
    }
    return version >= TLS1_3_VERSION;
}

std::string
TlsEngine::GetVersion() const
{
    return SSL_get_version(m_ssl);
}

std::string
TlsEngine::GetCipher() const
{
    const SSL_CIPHER* c = SSL_get_current_cipher(m_ssl);
    return c ? SSL_CIPHER_get_name(c) : "";
}

std::string
TlsEngine::GetGroup() const
{
    if (SSL_get_session(m_ssl) == nullptr)
    {
        return ""; // OpenSSL 3.0 dereferences the session here
    }
    int nid = SSL_get_negotiated_group(m_ssl);
    if (nid != 0)
    {
        const char* name = SSL_group_to_name(m_ssl, nid);
        return name ? name : "";
    }
    // TLS 1.2 DHE has no negotiated group: the ephemeral key's (ssl_get_auto_dh picks an RFC
    // 3526 MODP group matching the certificate key's security level). The server frees its key
    // once the premaster secret is derived: remember it (Advance asks after every step).
    if (!m_dheGroup.empty())
    {
        return m_dheGroup;
    }
    EVP_PKEY* key = nullptr;
    if ((m_role == TlsContext::CLIENT ? SSL_get_peer_tmp_key(m_ssl, &key)
                                      : SSL_get_tmp_key(m_ssl, &key))
            != 1
        || key == nullptr)
    {
        return "";
    }
    char group[64] = "";
    size_t length = 0;
    std::string name;
    if (EVP_PKEY_get_utf8_string_param(
            key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &length)
        == 1)
    {
        name = group;
    }
    else if (EVP_PKEY_get_base_id(key) == EVP_PKEY_DH)
    {
        name = "dh" + std::to_string(EVP_PKEY_get_bits(key));
    }
    EVP_PKEY_free(key);
    ERR_clear_error();
    m_dheGroup = name;
    return name;
}

bool
TlsEngine::IsResumed() const
{
    return SSL_session_reused(m_ssl) == 1;
}

TlsEngine::EarlyDataStatus
TlsEngine::GetEarlyDataStatus() const
{
    switch (SSL_get_early_data_status(m_ssl))
    {
        case SSL_EARLY_DATA_ACCEPTED:
            return EARLY_ACCEPTED;
        case SSL_EARLY_DATA_REJECTED:
            return EARLY_REJECTED;
        default:
            return EARLY_NOT_SENT;
    }
}

bool
TlsEngine::HadHelloRetryRequest() const
{
    return m_helloRetry;
}

uint64_t
TlsEngine::GetBytesWritten() const
{
    return m_bytesWritten;
}

uint64_t
TlsEngine::GetHandshakeBytesWritten() const
{
    return m_handshakeBytesWritten;
}

uint32_t
TlsEngine::GetSessionsReceived() const
{
    return m_sessionsReceived;
}

SSL_SESSION*
TlsEngine::GetSession() const
{
    return m_session;
}

} // namespace ns3

namespace ns3
{

std::string
TlsEngine::KeyTypeName(const EVP_PKEY* key)
{
    if (key == nullptr)
    {
        return "";
    }
    switch (EVP_PKEY_get_base_id(key))
    {
        case EVP_PKEY_RSA:
        case EVP_PKEY_RSA_PSS: // the same private-key operation, PSS-only key
            return "rsa" + std::to_string(EVP_PKEY_get_bits(key));
        case EVP_PKEY_EC:
        {
            char curve[64] = "";
            size_t length = 0;
            EVP_PKEY_get_group_name(key, curve, sizeof(curve), &length);
            return TlsOperationCostModel::NormaliseGroup(curve);
        }
        default:
        {
            // ED25519, ED448 and any other algorithm by its OpenSSL name, in lower case; the
            // provider-only FIPS 204/205 keys (OpenSSL 3.5) by TlsCredentials' key type names:
            // "ML-DSA-65" -> "mldsa65", "SLH-DSA-SHA2-128f" -> "slhdsa128f".
            const char* name = EVP_PKEY_get0_type_name(key);
            std::string n = name ? name : "unknown";
            for (auto& c : n)
            {
                c = std::tolower(static_cast<unsigned char>(c));
            }
            if (n.rfind("ml-dsa-", 0) == 0)
            {
                return "mldsa" + n.substr(7);
            }
            if (n.rfind("slh-dsa-sha2-", 0) == 0)
            {
                return "slhdsa" + n.substr(13);
            }
            if (n.rfind("slh-dsa-shake-", 0) == 0)
            {
                return "slhdsashake" + n.substr(14);
            }
            return n;
        }
    }
}

std::vector<std::string>
TlsEngine::GetPeerChainIssuerKeyTypes() const
{
    // Certificate i was signed by certificate i + 1's key. The verified chain runs leaf ..
    // trust anchor; without one (verification off or failed), the chain as sent, whose last
    // certificate is taken as signed by its own key.
    std::vector<X509*> chain;
    STACK_OF(X509)* verified = SSL_get0_verified_chain(m_ssl);
    STACK_OF(X509)* sent = SSL_get_peer_cert_chain(m_ssl);
    if (verified != nullptr && sk_X509_num(verified) > 0)
    {
        for (int i = 0; i < sk_X509_num(verified); ++i)
        {
            chain.push_back(sk_X509_value(verified, i));
        }
    }
    else
    {
        if (m_role == TlsContext::SERVER && SSL_get0_peer_certificate(m_ssl) != nullptr)
        {
            chain.push_back(SSL_get0_peer_certificate(m_ssl)); // not in the server's stack
        }
        for (int i = 0; sent != nullptr && i < sk_X509_num(sent); ++i)
        {
            chain.push_back(sk_X509_value(sent, i));
        }
    }
    std::vector<std::string> types;
    int n = static_cast<int>(chain.size());
    for (int i = 0; i < GetPeerChainLength() && i < n; ++i)
    {
        types.push_back(KeyTypeName(X509_get0_pubkey(chain[i + 1 < n ? i + 1 : i])));
    }
    return types;
}

std::string
TlsEngine::GetPeerKeyType() const
{
    X509* peer = SSL_get0_peer_certificate(m_ssl);
    return peer ? KeyTypeName(X509_get0_pubkey(peer)) : "";
}

std::string
TlsEngine::GetOwnKeyType() const
{
    X509* own = SSL_get_certificate(m_ssl);
    return own ? KeyTypeName(X509_get0_pubkey(own)) : "";
}

int
TlsEngine::GetPeerChainLength() const
{
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(m_ssl);
    int n = chain ? sk_X509_num(chain) : 0;
    // A server's chain from SSL_get_peer_cert_chain excludes its own leaf on the server side.
    return m_role == TlsContext::SERVER && SSL_get0_peer_certificate(m_ssl) ? n + 1 : n;
}

std::vector<std::string>
TlsEngine::GetKeyShareGroups() const
{
    std::vector<std::string> shares;
    const std::string& groups = m_context->GetConfig().groups;
    if (groups == "DEFAULT" && TlsOpenSsl::HasPostQuantum())
    {
        return {"x25519mlkem768", "x25519"}; // OpenSSL 3.5's default key shares
    }
    size_t i = 0;
    while (i <= groups.size())
    {
        size_t end = groups.find_first_of(":/", i);
        end = end == std::string::npos ? groups.size() : end;
        std::string g = groups.substr(i, end - i);
        bool share = false;
        while (!g.empty() && (g[0] == '*' || g[0] == '?'))
        {
            share = share || g[0] == '*';
            g.erase(0, 1);
        }
        if (share)
        {
            for (auto& c : g)
            {
                c = std::tolower(static_cast<unsigned char>(c));
            }
            shares.push_back(g);
        }
        i = end + 1;
    }
    if (shares.empty())
    {
        shares.push_back(GetFirstGroup());
    }
    return shares;
}

std::string
TlsEngine::GetFirstGroup() const
{
    std::string groups = m_context->GetConfig().groups;
    // OpenSSL 3.5 syntax: '*' marks a key share, '?' an optional group, '/' separates tuples.
    size_t start = groups.find_first_not_of("*?");
    groups = start == std::string::npos ? "" : groups.substr(start);
    std::string first = groups.substr(0, groups.find_first_of(":/"));
    if (first.empty())
    {
        return "x25519"; // OpenSSL 3.0's first default key share
    }
    for (auto& c : first)
    {
        c = std::tolower(static_cast<unsigned char>(c));
    }
    return first;
}

} // namespace ns3
