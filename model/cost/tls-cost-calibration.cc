/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-cost-calibration.h"

#include "ns3/tls-credentials.h"
#include "ns3/tls-engine.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-operation-cost-model.h"

#include "ns3/abort.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <vector>

namespace ns3
{

namespace
{

double
CpuSeconds()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/// Median over 5 batches of the mean time of op, in microseconds.
double
MeanMicroseconds(const std::function<void()>& op, double seconds)
{
    op(); // warm up
    double t0 = CpuSeconds();
    op();
    double once = std::max(CpuSeconds() - t0, 1e-7);
    int perBatch = std::max(3, static_cast<int>(seconds / 5 / once));
    std::vector<double> batches;
    for (int b = 0; b < 5; ++b)
    {
        double start = CpuSeconds();
        for (int i = 0; i < perBatch; ++i)
        {
            op();
        }
        batches.push_back((CpuSeconds() - start) / perBatch * 1e6);
    }
    std::sort(batches.begin(), batches.end());
    return batches[2];
}

EVP_PKEY*
GroupKey(const std::string& group)
{
    if (group == "x25519")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    }
    if (group == "x448")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "X448");
    }
    if (group.rfind("ffdhe", 0) == 0)
    {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
        EVP_PKEY_keygen_init(ctx);
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(
                                   OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group.c_str()), 0),
                               OSSL_PARAM_construct_end()};
        EVP_PKEY_CTX_set_params(ctx, params);
        EVP_PKEY* key = nullptr;
        EVP_PKEY_keygen(ctx, &key);
        EVP_PKEY_CTX_free(ctx);
        return key;
    }
    const char* curve = group == "p256" ? "P-256" : group == "p384" ? "P-384" : "P-521";
    return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
}

void
Derive(EVP_PKEY* own, EVP_PKEY* peer)
{
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(own, nullptr);
    EVP_PKEY_derive_init(ctx);
    EVP_PKEY_derive_set_peer(ctx, peer);
    unsigned char secret[1024];
    size_t len = sizeof(secret);
    EVP_PKEY_derive(ctx, secret, &len);
    EVP_PKEY_CTX_free(ctx);
}

/// TLS 1.3 signs with RSA-PSS (rsa_pss_rsae_sha256), ECDSA with SHA-256/384, or Ed25519.
void
SignOrVerify(EVP_PKEY* key, bool sign, std::vector<unsigned char>& signature)
{
    static const unsigned char data[130] = {0x20}; // TLS 1.3 CertificateVerify content size
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    // Ed25519, ML-DSA and SLH-DSA sign the message itself (TLS 1.3: RFC 8446 4.4.3, FIPS 204).
    bool prehash = EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "EC");
    const EVP_MD* digest = prehash ? EVP_sha256() : nullptr;
    if (sign)
    {
        EVP_DigestSignInit(md, &pctx, digest, nullptr, key);
    }
    else
    {
        EVP_DigestVerifyInit(md, &pctx, digest, nullptr, key);
    }
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
    {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    if (sign)
    {
        size_t len = 0;
        EVP_DigestSign(md, nullptr, &len, data, sizeof(data)); // up to 49856 B (SLH-DSA-256f)
        signature.resize(len);
        EVP_DigestSign(md, signature.data(), &len, data, sizeof(data));
        signature.resize(len);
    }
    else
    {
        EVP_DigestVerify(md, signature.data(), signature.size(), data, sizeof(data));
    }
    EVP_MD_CTX_free(md);
}

void
RsaCrypt(EVP_PKEY* key, bool encrypt, std::vector<unsigned char>& ciphertext)
{
    static const unsigned char premaster[48] = {0x03, 0x03};
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    unsigned char out[1024];
    size_t len = sizeof(out);
    if (encrypt)
    {
        EVP_PKEY_encrypt_init(ctx);
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
        EVP_PKEY_encrypt(ctx, out, &len, premaster, sizeof(premaster));
        ciphertext.assign(out, out + len);
    }
    else
    {
        EVP_PKEY_decrypt_init(ctx);
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
        EVP_PKEY_decrypt(ctx, out, &len, ciphertext.data(), ciphertext.size());
    }
    EVP_PKEY_CTX_free(ctx);
}

/// FIPS 203 ML-KEM: the client's key generation, the server's encapsulation, the client's
/// decapsulation (what a TLS 1.3 ML-KEM key share costs each side).
void
MeasureMlKem(std::map<std::string, double>& table, const std::string& kem, double seconds)
{
    std::string alg = "ML-KEM-" + kem.substr(5);
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, alg.c_str());
    NS_ABORT_MSG_IF(key == nullptr, "cannot generate an " << alg << " key");
    std::vector<unsigned char> ct(2048);
    unsigned char secret[64];
    auto encaps = [&]()
    {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
        size_t ctLen = ct.size();
        size_t len = sizeof(secret);
        EVP_PKEY_encapsulate_init(ctx, nullptr);
        EVP_PKEY_encapsulate(ctx, ct.data(), &ctLen, secret, &len);
        ct.resize(ctLen);
        EVP_PKEY_CTX_free(ctx);
    };
    auto decaps = [&]()
    {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
        size_t len = sizeof(secret);
        EVP_PKEY_decapsulate_init(ctx, nullptr);
        EVP_PKEY_decapsulate(ctx, secret, &len, ct.data(), ct.size());
        EVP_PKEY_CTX_free(ctx);
    };
    table["keygen:" + kem] = MeanMicroseconds(
        [&]() { EVP_PKEY_free(EVP_PKEY_Q_keygen(nullptr, nullptr, alg.c_str())); }, seconds);
    table["encaps:" + kem] = MeanMicroseconds(encaps, seconds);
    table["decaps:" + kem] = MeanMicroseconds(decaps, seconds);
    EVP_PKEY_free(key);
}

/// CPU time per step, by role, of in-memory handshakes, minus the modelled operations.
void
MeasureStepOverhead(std::map<std::string, double>& table, int handshakes)
{
    std::map<std::string, double> residual;
    std::map<std::string, int> steps;
    for (TlsConfig::Version version : {TlsConfig::VERSION_1_3, TlsConfig::VERSION_1_2})
    {
        TlsConfig config;
        config.minVersion = config.maxVersion = version;
        config.credentials = "p256";
        std::string error;
        auto cctx = TlsContext::Get(config, TlsContext::CLIENT, error);
        auto sctx = TlsContext::Get(config, TlsContext::SERVER, error);
        NS_ABORT_MSG_IF(!cctx || !sctx, error);
        for (int h = 0; h < handshakes; ++h)
        {
            TlsEngine client(cctx);
            TlsEngine server(sctx);
            std::vector<uint8_t> buf;
            auto account = [&](TlsEngine& e, const char* role)
            {
                TlsCostStep step;
                step.engine = &e;
                step.messages = e.TakeMessages();
                step.bytesOut = e.GetPendingOutput();
                step.established = e.GetState() == TlsEngine::ESTABLISHED;
                double measured = e.TakeCpuNanoseconds() / 1e3;
                double modelled = 0;
                for (const auto& op : TlsOperationCostModel::GetOperations(step))
                {
                    if (op.rfind("step:", 0) != 0)
                    {
                        auto it = table.find(op);
                        modelled += it == table.end() ? 0 : it->second;
                    }
                }
                if (step.bytesOut > 0 || step.established)
                {
                    residual[role] += measured - modelled;
                    steps[role]++;
                }
            };
            client.Advance();
            account(client, "step:client");
            for (int round = 0; round < 4; ++round)
            {
                buf.clear();
                client.TakeOutput(buf);
                server.Receive(buf.data(), buf.size());
                server.Advance();
                account(server, "step:server");
                buf.clear();
                server.TakeOutput(buf);
                if (buf.empty())
                {
                    break;
                }
                client.Receive(buf.data(), buf.size());
                client.Advance();
                account(client, "step:client");
            }
        }
    }
    for (const auto& kv : residual)
    {
        table[kv.first] = std::max(0.0, kv.second / steps[kv.first]);
    }
}

} // namespace

std::map<std::string, double>
TlsCostCalibration::Measure(double seconds)
{
    std::map<std::string, double> table;
    for (const char* group : {"x25519", "x448", "p256", "p384", "p521", "ffdhe2048", "ffdhe3072"})
    {
        EVP_PKEY* a = GroupKey(group);
        EVP_PKEY* b = GroupKey(group);
        NS_ABORT_MSG_IF(!a || !b, "cannot generate a key for group " << group);
        table[std::string("keygen:") + group]
            = MeanMicroseconds([&]() { EVP_PKEY_free(GroupKey(group)); }, seconds);
        table[std::string("derive:") + group] = MeanMicroseconds([&]() { Derive(a, b); }, seconds);
        EVP_PKEY_free(a);
        EVP_PKEY_free(b);
    }
    for (const char* keyType : {"rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519"})
    {
        TlsCredentials::Spec spec;
        spec.keyType = keyType;
        std::string error;
        auto creds = TlsCredentials::Get(spec, error);
        NS_ABORT_MSG_IF(!creds, error);
        EVP_PKEY* key = creds->GetKey();
        std::vector<unsigned char> sig;
        table[std::string("sign:") + keyType]
            = MeanMicroseconds([&]() { SignOrVerify(key, true, sig); }, seconds);
        table[std::string("verify:") + keyType]
            = MeanMicroseconds([&]() { SignOrVerify(key, false, sig); }, seconds);
        if (std::string(keyType).rfind("rsa", 0) == 0)
        {
            std::vector<unsigned char> ct;
            table[std::string("rsa-encrypt:") + keyType]
                = MeanMicroseconds([&]() { RsaCrypt(key, true, ct); }, seconds);
            table[std::string("rsa-decrypt:") + keyType]
                = MeanMicroseconds([&]() { RsaCrypt(key, false, ct); }, seconds);
        }
    }
    if (TlsOpenSsl::HasPostQuantum())
    {
        for (const char* kem : {"mlkem512", "mlkem768", "mlkem1024"})
        {
            MeasureMlKem(table, kem, seconds);
        }
        // FIPS 204 ML-DSA (CertificateVerify and certificates) and FIPS 205 SLH-DSA
        // (certificates only: verified by the peer; "s" signing takes ~0.1-1 s and is timed once).
        for (const char* keyType : {"mldsa44",
                                    "mldsa65",
                                    "mldsa87",
                                    "slhdsa128f",
                                    "slhdsa192f",
                                    "slhdsa256f",
                                    "slhdsa128s",
                                    "slhdsa192s",
                                    "slhdsa256s"})
        {
            std::string type = keyType;
            std::string alg = type.rfind("mldsa", 0) == 0 ? "ML-DSA-" + type.substr(5)
                                                          : "SLH-DSA-SHA2-" + type.substr(6);
            EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, alg.c_str());
            NS_ABORT_MSG_IF(key == nullptr, "cannot generate an " << alg << " key");
            std::vector<unsigned char> sig;
            if (type.back() == 's')
            {
                double t0 = CpuSeconds();
                SignOrVerify(key, true, sig);
                table["sign:" + type] = (CpuSeconds() - t0) * 1e6;
            }
            else
            {
                table["sign:" + type]
                    = MeanMicroseconds([&]() { SignOrVerify(key, true, sig); }, seconds);
            }
            table["verify:" + type]
                = MeanMicroseconds([&]() { SignOrVerify(key, false, sig); }, seconds);
            EVP_PKEY_free(key);
        }
    }
    table["step:client"] = 0;
    table["step:server"] = 0;
    MeasureStepOverhead(table, std::max(20, static_cast<int>(seconds * 400)));
    table["default"] = table["verify:rsa2048"];
    return table;
}

} // namespace ns3
