/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_MEMORY_H
#define TLS_MEMORY_H

#include <string>

namespace ns3
{

/**
 * @ingroup tls-speed
 * @brief OpenSSL's allocations come from mimalloc, apart from ns-3's heap (see tls-memory.cc).
 *
 * Installed with CRYPTO_set_mem_functions() while the library loads; OpenSSL allows that
 * only before its first allocation, so in a process that used OpenSSL earlier (e.g. a Python
 * interpreter that imported ssl first) OpenSSL keeps malloc. Only speed depends on it: the
 * allocator never changes what OpenSSL computes.
 */
class TlsMemory
{
  public:
    /**
     * @brief The allocator OpenSSL uses in this process.
     * @return "mimalloc", or "malloc" (built without mimalloc, NS3TLS_OPENSSL_MALLOC=1, or
     *         OpenSSL had allocated before the library loaded)
     */
    static std::string GetAllocator();

    /**
     * @brief The allocator behind malloc() and operator new in this process (ns-3's packets,
     *        events, callbacks): mimalloc when it was linked before the C library (this
     *        project's programs) or preloaded (LD_PRELOAD=libmimalloc.so.2, the Python fork
     *        server), else glibc's.
     * @return "mimalloc" if a calloc() block lies in mimalloc's heap (mi_is_in_heap_region),
     *         else "malloc"
     */
    static std::string GetProcessAllocator();
};

} // namespace ns3

#endif /* TLS_MEMORY_H */
