/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-openssl.h"

#include <algorithm>
#include <cctype>
#include <openssl/crypto.h>

namespace ns3
{

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
    std::string lower = value;
    std::transform(
        lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
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

} // namespace ns3
