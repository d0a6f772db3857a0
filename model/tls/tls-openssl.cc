/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-openssl.h"

#include "ns3/abort.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <sstream>

namespace ns3
{

namespace
{

/// @return a lower-case copy (OpenSSL compares group and algorithm names case-insensitively)
std::string
Lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

} // namespace

std::string
TlsOpenSsl::GetVersion()
{
    return OpenSSL_version(OPENSSL_VERSION);
}

bool
TlsOpenSsl::HasPostQuantum()
{
    // The library actually loaded, not the headers compiled against.
    return OPENSSL_version_major() > 3
           || (OPENSSL_version_major() == 3 && OPENSSL_version_minor() >= 5);
}

bool
TlsOpenSsl::IsBundled()
{
#ifdef NS3TLS_OPENSSL_BUNDLED
    return true;
#else
    return false;
#endif
}

std::string
TlsOpenSsl::PostQuantumError(const std::string& what, const std::string& value)
{
    if (HasPostQuantum())
    {
        return "";
    }
    std::string lower = Lower(value);
    const char* names[] = {"mlkem", "mldsa", "slhdsa", "ml-kem", "ml-dsa", "slh-dsa"};
    for (const char* n : names)
    {
        if (lower.find(n) != std::string::npos)
        {
            return what + " needs OpenSSL >= 3.5 (ML-KEM, ML-DSA, SLH-DSA); this build runs "
                   + GetVersion() + " (tools/openssl35.sh builds 3.5 for the module)";
        }
    }
    return "";
}

namespace
{

/// OSSL_CALLBACK for the "TLS-GROUP" capability: one group per call.
int
CollectGroup(const OSSL_PARAM params[], void* arg)
{
    auto* groups = static_cast<std::map<std::string, TlsOpenSsl::GroupInfo>*>(arg);
    TlsOpenSsl::GroupInfo info;
    const char* text = nullptr;
    const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_CAPABILITY_TLS_GROUP_NAME);
    if (p == nullptr || !OSSL_PARAM_get_utf8_string_ptr(p, &text))
    {
        return 1;
    }
    info.name = text;
    p = OSSL_PARAM_locate_const(params, OSSL_CAPABILITY_TLS_GROUP_NAME_INTERNAL);
    if (p != nullptr && OSSL_PARAM_get_utf8_string_ptr(p, &text))
    {
        info.internal = text;
    }
    p = OSSL_PARAM_locate_const(params, OSSL_CAPABILITY_TLS_GROUP_ALG);
    if (p != nullptr && OSSL_PARAM_get_utf8_string_ptr(p, &text))
    {
        info.algorithm = text;
    }
    p = OSSL_PARAM_locate_const(params, OSSL_CAPABILITY_TLS_GROUP_MIN_TLS);
    if (p != nullptr)
    {
        OSSL_PARAM_get_int(p, &info.minTls);
    }
    p = OSSL_PARAM_locate_const(params, OSSL_CAPABILITY_TLS_GROUP_MAX_TLS);
    if (p != nullptr)
    {
        OSSL_PARAM_get_int(p, &info.maxTls);
    }
    groups->emplace(Lower(info.name), info); // the first provider's entry wins, as in libssl
    return 1;
}

/// OSSL_PROVIDER_do_all callback: collects one provider's groups.
int
CollectProviderGroups(OSSL_PROVIDER* provider, void* arg)
{
    OSSL_PROVIDER_get_capabilities(provider, "TLS-GROUP", CollectGroup, arg);
    return 1;
}

} // namespace

bool
TlsOpenSsl::GetGroupInfo(const std::string& name, GroupInfo& info)
{
    static const std::map<std::string, GroupInfo> groups = []()
    {
        // OSSL_PROVIDER_do_all activates the fallback (default) provider first if none is.
        std::map<std::string, GroupInfo> all;
        OSSL_PROVIDER_do_all(nullptr, CollectProviderGroups, &all);
        NS_ABORT_MSG_IF(all.empty(), "OpenSSL's providers offer no TLS group");
        return all;
    }();
    auto it = groups.find(Lower(name));
    if (it == groups.end())
    {
        return false;
    }
    info = it->second;
    return true;
}

bool
TlsOpenSsl::IsGroupUsable(const GroupInfo& info, bool tls13)
{
    int version = tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
    if ((info.minTls > 0 && version < info.minTls) || (info.maxTls > 0 && version > info.maxTls)
        || info.minTls < 0 || info.maxTls < 0)
    {
        return false;
    }
    return tls13 || info.algorithm == "EC" || info.algorithm == "X25519"
           || info.algorithm == "X448";
}

bool
TlsOpenSsl::OnlyTls13Sigalgs(const std::string& list)
{
    std::string item;
    std::istringstream is(list);
    bool any = false;
    while (std::getline(is, item, ':'))
    {
        std::string lower = Lower(item);
        if (lower.find("mldsa") == std::string::npos && lower.find("ml-dsa") == std::string::npos
            && lower.find("tls13") == std::string::npos)
        {
            return false;
        }
        any = true;
    }
    return any;
}

} // namespace ns3
