/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-memory.h"

#include <cstdlib>
#include <openssl/crypto.h>

#ifdef NS3TLS_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

namespace ns3
{

namespace
{

/*
 * OpenSSL makes thousands of small allocations per handshake (BIGNUMs, ASN.1 items, X509
 * structures). From the same glibc heap as ns-3's packets, headers and events, a plain
 * handshake loop ran ~30 % slower after a few simulations in one process (TLS 1.3 p256,
 * 1340-1410 vs 1995 handshakes/s): OpenSSL's blocks end up scattered among ns-3's. mimalloc
 * (a separate, size-segregated heap with per-thread free lists) keeps them together.
 */
#ifdef NS3TLS_HAVE_MIMALLOC
void*
Allocate(size_t size, const char*, int)
{
    return mi_malloc(size);
}

void*
Reallocate(void* ptr, size_t size, const char*, int)
{
    return mi_realloc(ptr, size);
}

void
Free(void* ptr, const char*, int)
{
    mi_free(ptr);
}
#endif

/// Installed while the library loads, before anything can have used OpenSSL's allocator.
/// NS3TLS_OPENSSL_MALLOC=1 keeps malloc (e.g. for valgrind or AddressSanitizer).
bool
Install()
{
#ifdef NS3TLS_HAVE_MIMALLOC
    const char* env = std::getenv("NS3TLS_OPENSSL_MALLOC");
    if (env && env[0] == '1')
    {
        return false;
    }
    return CRYPTO_set_mem_functions(&Allocate, &Reallocate, &Free) == 1;
#else
    return false;
#endif
}

bool g_installed = Install();

} // namespace

std::string
TlsMemory::GetAllocator()
{
    return g_installed ? "mimalloc" : "malloc";
}

std::string
TlsMemory::GetProcessAllocator()
{
#ifdef NS3TLS_HAVE_MIMALLOC
    void* block = std::calloc(1, 64); // calloc: GCC warns of an uninitialised block
    bool ours = mi_is_in_heap_region(block);
    std::free(block);
    return ours ? "mimalloc" : "malloc";
#else
    return "malloc";
#endif
}

} // namespace ns3
