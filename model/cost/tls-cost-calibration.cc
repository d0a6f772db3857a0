/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-cost-calibration.h"

#include "ns3/tls-credentials.h"
#include "ns3/tls-engine.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/tls-random.h"

#include "ns3/abort.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sstream>
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

/// Groups a TLS 1.3 or 1.2 handshake of OpenSSL 3 can negotiate, as the cost model names them.
const char* const GROUPS[] = {"x25519",
                              "x448",
                              "p256",
                              "p384",
                              "p521",
                              "ffdhe2048",
                              "ffdhe3072",
                              "ffdhe4096",
                              "ffdhe6144",
                              "ffdhe8192",
                              "modp2048", // TLS 1.2 DHE (ssl_get_auto_dh: RFC 3526 groups)
                              "modp3072",
                              "modp4096",
                              "modp8192",
                              "brainpoolp256r1", // TLS 1.2 ECDHE
                              "brainpoolp384r1",
                              "brainpoolp512r1"};

/// A key pair in a group (the cost model's name), or nullptr if the name is unknown.
EVP_PKEY*
GroupKey(const std::string& group)
{
    if (group == "x25519" || group == "x448")
    {
        return EVP_PKEY_Q_keygen(nullptr, nullptr, group == "x25519" ? "X25519" : "X448");
    }
    std::string dh = group.rfind("ffdhe", 0) == 0  ? group
                     : group.rfind("modp", 0) == 0 ? "modp_" + group.substr(4)
                                                   : "";
    if (!dh.empty())
    {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
        EVP_PKEY_keygen_init(ctx);
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(
                                   OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(dh.c_str()), 0),
                               OSSL_PARAM_construct_end()};
        EVP_PKEY* key = nullptr;
        if (EVP_PKEY_CTX_set_params(ctx, params) != 1 || EVP_PKEY_keygen(ctx, &key) != 1)
        {
            key = nullptr;
        }
        EVP_PKEY_CTX_free(ctx);
        ERR_clear_error();
        return key;
    }
    std::string curve = group == "p256"                     ? "P-256"
                        : group == "p384"                   ? "P-384"
                        : group == "p521"                   ? "P-521"
                        : group.rfind("brainpoolp", 0) == 0 ? "brainpoolP" + group.substr(10)
                                                            : "";
    EVP_PKEY* key
        = curve.empty() ? nullptr : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve.c_str());
    ERR_clear_error();
    return key;
}

/**
 * A key of a type (the cost model's name): the simulation's own credentials key for the types
 * TlsCredentials generates, else a key generated here from a stream of its own (RSA of any
 * size, or an algorithm by its OpenSSL name), or nullptr.
 */
EVP_PKEY*
TypeKey(const std::string& keyType, bool& owned)
{
    owned = false;
    if (TlsCredentials::IsKnownKeyType(keyType))
    {
        TlsCredentials::Spec spec;
        spec.keyType = keyType;
        std::string error;
        auto creds = TlsCredentials::Get(spec, error);
        return creds ? creds->GetKey() : nullptr;
    }
    TlsRandom::StreamGuard stream("cost/" + keyType);
    EVP_PKEY* key = nullptr;
    if (keyType.rfind("rsa", 0) == 0 && keyType.size() > 3
        && keyType.find_first_not_of("0123456789", 3) == std::string::npos)
    {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", (size_t)std::stoul(keyType.substr(3)));
    }
    else if (TlsCredentials::IsPostQuantum(keyType)) // ML-DSA, SLH-DSA (OpenSSL >= 3.5)
    {
        key = EVP_PKEY_Q_keygen(
            nullptr, nullptr, TlsCredentials::GetPostQuantumAlgorithm(keyType).c_str());
    }
    else
    {
        key = GroupKey(keyType); // EC keys are named by their curve
        if (key == nullptr)
        {
            std::string upper = keyType;
            for (auto& c : upper)
            {
                c = std::toupper(static_cast<unsigned char>(c));
            }
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, upper.c_str());
        }
    }
    ERR_clear_error();
    owned = key != nullptr;
    return key;
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
    // Ed25519, Ed448, ML-DSA and SLH-DSA sign the message itself (RFC 8446 4.4.3, FIPS 204/205).
    bool prehash
        = EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS") || EVP_PKEY_is_a(key, "EC");
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

/// FIPS 203 ML-KEM (OpenSSL >= 3.5): the client's key generation ("keygen"), the server's
/// encapsulation ("encaps"), the client's decapsulation ("decaps"): what a TLS 1.3 ML-KEM key
/// share costs each side. @return microseconds, or -1 if OpenSSL has no such KEM.
double
MeasureMlKem(const std::string& kind, const std::string& kem, double seconds)
{
    std::string alg = "ML-KEM-" + kem.substr(5);
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, alg.c_str());
    if (key == nullptr)
    {
        ERR_clear_error();
        return -1;
    }
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
    double us = -1;
    if (kind == "keygen")
    {
        us = MeanMicroseconds(
            [&]() { EVP_PKEY_free(EVP_PKEY_Q_keygen(nullptr, nullptr, alg.c_str())); }, seconds);
    }
    else if (kind == "encaps")
    {
        us = MeanMicroseconds(encaps, seconds);
    }
    else
    {
        encaps(); // a ciphertext to decapsulate
        us = MeanMicroseconds(decaps, seconds);
    }
    EVP_PKEY_free(key);
    return us;
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

double
TlsCostCalibration::MeasureOperation(const std::string& operation, double seconds)
{
    size_t colon = operation.find(':');
    std::string kind = operation.substr(0, colon);
    std::string name = colon == std::string::npos ? "" : operation.substr(colon + 1);
    double us = -1;
    if (name.rfind("mlkem", 0) == 0 && (kind == "keygen" || kind == "encaps" || kind == "decaps"))
    {
        return MeasureMlKem(kind, name, seconds);
    }
    if (kind == "keygen" || kind == "derive")
    {
        EVP_PKEY* a = GroupKey(name);
        EVP_PKEY* b = GroupKey(name);
        if (a && b)
        {
            us = kind == "keygen"
                     ? MeanMicroseconds([&]() { EVP_PKEY_free(GroupKey(name)); }, seconds)
                     : MeanMicroseconds([&]() { Derive(a, b); }, seconds);
        }
        EVP_PKEY_free(a);
        EVP_PKEY_free(b);
        return us;
    }
    bool rsaOp = kind == "rsa-encrypt" || kind == "rsa-decrypt";
    if (kind != "sign" && kind != "verify" && !rsaOp)
    {
        return -1;
    }
    bool owned = false;
    EVP_PKEY* key = TypeKey(name, owned);
    if (key != nullptr && (!rsaOp || EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA))
    {
        std::vector<unsigned char> data;
        if (rsaOp)
        {
            RsaCrypt(key, true, data);
            us = MeanMicroseconds([&]() { RsaCrypt(key, kind == "rsa-encrypt", data); }, seconds);
        }
        else if (kind == "sign" && name.rfind("slhdsa", 0) == 0 && name.back() == 's')
        {
            // SLH-DSA "s" (small) signing takes ~0.1-1 s: timed once.
            double t0 = CpuSeconds();
            SignOrVerify(key, true, data);
            us = (CpuSeconds() - t0) * 1e6;
        }
        else
        {
            SignOrVerify(key, true, data);
            us = MeanMicroseconds([&]() { SignOrVerify(key, kind == "sign", data); }, seconds);
        }
    }
    if (owned)
    {
        EVP_PKEY_free(key);
    }
    return us;
}

std::map<std::string, double>
TlsCostCalibration::Measure(double seconds)
{
    std::map<std::string, double> table;
    std::vector<std::string> operations;
    for (const char* group : GROUPS)
    {
        operations.push_back(std::string("keygen:") + group);
        operations.push_back(std::string("derive:") + group);
    }
    if (TlsOpenSsl::HasPostQuantum())
    {
        for (const char* kem : {"mlkem512", "mlkem768", "mlkem1024"})
        {
            for (const char* kind : {"keygen:", "encaps:", "decaps:"})
            {
                operations.push_back(kind + std::string(kem));
            }
        }
    }
    // Every key type TlsCredentials makes, including the CA-only SLH-DSA ones (certificates).
    std::istringstream keyTypes(TlsCredentials::KnownCaKeyTypes());
    std::string keyType;
    while (std::getline(keyTypes, keyType, '|'))
    {
        if (TlsCredentials::IsPostQuantum(keyType) && !TlsOpenSsl::HasPostQuantum())
        {
            continue;
        }
        operations.push_back("sign:" + keyType);
        operations.push_back("verify:" + keyType);
        if (keyType.rfind("rsa", 0) == 0)
        {
            operations.push_back("rsa-encrypt:" + keyType);
            operations.push_back("rsa-decrypt:" + keyType);
        }
    }
    for (const auto& op : operations)
    {
        double us = MeasureOperation(op, seconds);
        NS_ABORT_MSG_IF(us < 0, "calibration cannot measure " << op);
        table[op] = us;
    }
    table["step:client"] = 0;
    table["step:server"] = 0;
    MeasureStepOverhead(table, std::max(20, static_cast<int>(seconds * 400)));
    return table;
}

} // namespace ns3
