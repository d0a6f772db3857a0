/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_MEMORY_H
#define TLS_MEMORY_H

namespace ns3
{

/**
 * @ingroup tls
 * @brief OpenSSL's small allocations come from a pool of their own (see tls-memory.cc).
 *
 * Installed with CRYPTO_set_mem_functions() while the library loads; OpenSSL allows that
 * only before its first allocation, so in a process that used OpenSSL earlier (e.g. a Python
 * interpreter that imported ssl first) OpenSSL keeps malloc.
 */
class TlsMemory
{
  public:
    /// @return true if OpenSSL allocates from the pool in this process
    static bool IsPooled();
};

} // namespace ns3

#endif /* TLS_MEMORY_H */
