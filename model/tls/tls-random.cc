/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-random.h"

#include "ns3/rng-seed-manager.h"

#include <cstring>
#include <openssl/rand.h>

// RAND_METHOD is deprecated in OpenSSL 3 but still honoured by RAND_bytes_ex and
// RAND_priv_bytes_ex, which every provider operation of the default provider goes through.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace ns3
{

namespace
{

uint64_t g_state[4] = {0x9E3779B97F4A7C15ULL, 1, 2, 3};
uint64_t g_bytesDrawn = 0;
bool g_installed = false;

uint64_t
SplitMix64(uint64_t& x)
{
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void
SeedState(uint64_t a, uint64_t b)
{
    uint64_t x = a * 0xD1B54A32D192ED03ULL ^ (b + 0x8CB92BA72F3D8DD7ULL);
    for (auto& s : g_state)
    {
        s = SplitMix64(x);
    }
}

inline uint64_t
Rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t
Next()
{
    const uint64_t result = Rotl(g_state[1] * 5, 7) * 9;
    const uint64_t t = g_state[1] << 17;
    g_state[2] ^= g_state[0];
    g_state[3] ^= g_state[1];
    g_state[1] ^= g_state[2];
    g_state[0] ^= g_state[3];
    g_state[2] ^= t;
    g_state[3] = Rotl(g_state[3], 45);
    return result;
}

int
RandBytes(unsigned char* buf, int num)
{
    g_bytesDrawn += num;
    while (num >= 8)
    {
        uint64_t v = Next();
        std::memcpy(buf, &v, 8);
        buf += 8;
        num -= 8;
    }
    if (num > 0)
    {
        uint64_t v = Next();
        std::memcpy(buf, &v, num);
    }
    return 1;
}

int
RandSeed(const void*, int)
{
    return 1; // entropy from OpenSSL is ignored: determinism is the point
}

int
RandAdd(const void*, int, double)
{
    return 1;
}

int
RandStatus()
{
    return 1;
}

const RAND_METHOD g_method = {RandSeed, RandBytes, nullptr, RandAdd, RandBytes, RandStatus};

uint64_t
HashName(const std::string& name)
{
    uint64_t h = 1469598103934665603ULL; // FNV-1a
    for (unsigned char c : name)
    {
        h = (h ^ c) * 1099511628211ULL;
    }
    return h;
}

} // namespace

void
TlsRandom::Seed(uint64_t seed, uint64_t run)
{
    if (!g_installed)
    {
        RAND_set_rand_method(&g_method);
        g_installed = true;
    }
    SeedState(seed, run);
}

void
TlsRandom::EnsureInstalled()
{
    if (!g_installed)
    {
        Seed(RngSeedManager::GetSeed(), RngSeedManager::GetRun());
    }
}

uint64_t
TlsRandom::GetBytesDrawn()
{
    return g_bytesDrawn;
}

TlsRandom::StreamGuard::StreamGuard(const std::string& name)
{
    EnsureInstalled();
    std::memcpy(m_saved, g_state, sizeof(g_state));
    SeedState(HashName(name), 0x5EED);
}

TlsRandom::StreamGuard::~StreamGuard()
{
    std::memcpy(g_state, m_saved, sizeof(g_state));
}

} // namespace ns3
