/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-memory.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <openssl/crypto.h>

namespace ns3
{

namespace
{

/*
 * OpenSSL makes thousands of small allocations per handshake (BIGNUMs, ASN.1 items,
 * X509 structures). Inside a simulation they came from the same glibc heap as ns-3's
 * packets, headers and events, and after a few simulations in one process even a plain
 * handshake loop ran ~30 % slower on that heap (tls-bench: TLS 1.3 p256, 1340-1410 vs 1995
 * handshakes/s). Small OpenSSL blocks therefore come from pools of their own: size classes
 * of 16 bytes, one pool per thread (no locks), carved from 256 KB slabs that are never
 * returned. A block freed by another thread (TlsCryptoThread allocates, the simulation may
 * free a session) goes back to its owner's pool through a lock-free list. Larger blocks go
 * to malloc. Each block carries a 16-byte header: its class and its pool.
 */
constexpr size_t kHeader = 16;
constexpr size_t kGranule = 16;
constexpr size_t kClasses = 64; // up to 1024 bytes
constexpr size_t kMaxSmall = kClasses * kGranule;
constexpr size_t kSlab = 256 * 1024;
constexpr uint64_t kLarge = ~uint64_t(0);

struct FreeBlock
{
    FreeBlock* next;
};

struct Pool
{
    FreeBlock* free[kClasses] = {};
    char* cursor = nullptr;
    char* end = nullptr;
    std::atomic<FreeBlock*> remote{nullptr}; //!< blocks other threads freed
};

struct Header
{
    uint64_t sizeClass; //!< or kLarge
    union
    {
        Pool* owner;   //!< small blocks
        uint64_t size; //!< large blocks
    };
};

static_assert(sizeof(Header) == kHeader, "header size");

/// Never freed: a block may be returned to a pool after its thread ended.
thread_local Pool* t_pool = nullptr;

Header*
HeaderOf(void* ptr)
{
    return reinterpret_cast<Header*>(static_cast<char*>(ptr) - kHeader);
}

/// Moves the blocks other threads returned into the free lists.
void
Reclaim(Pool& pool)
{
    FreeBlock* b = pool.remote.exchange(nullptr, std::memory_order_acquire);
    while (b)
    {
        FreeBlock* next = b->next;
        uint64_t c = HeaderOf(b)->sizeClass;
        b->next = pool.free[c];
        pool.free[c] = b;
        b = next;
    }
}

void*
Allocate(size_t size, const char*, int)
{
    if (size == 0)
    {
        size = 1;
    }
    if (size > kMaxSmall)
    {
        auto* h = static_cast<Header*>(std::malloc(size + kHeader));
        if (!h)
        {
            return nullptr;
        }
        h->sizeClass = kLarge;
        h->size = size;
        return h + 1;
    }
    size_t c = (size - 1) / kGranule;
    if (!t_pool)
    {
        t_pool = new Pool;
    }
    Pool& pool = *t_pool;
    if (!pool.free[c] && pool.remote.load(std::memory_order_relaxed))
    {
        Reclaim(pool);
    }
    if (FreeBlock* b = pool.free[c])
    {
        pool.free[c] = b->next;
        return b;
    }
    size_t bytes = kHeader + (c + 1) * kGranule;
    if (!pool.cursor || pool.cursor + bytes > pool.end)
    {
        pool.cursor = static_cast<char*>(std::malloc(kSlab));
        if (!pool.cursor)
        {
            return nullptr;
        }
        pool.end = pool.cursor + kSlab;
    }
    auto* h = reinterpret_cast<Header*>(pool.cursor);
    pool.cursor += bytes;
    h->sizeClass = c;
    h->owner = &pool;
    return h + 1;
}

void
Free(void* ptr, const char*, int)
{
    if (!ptr)
    {
        return;
    }
    Header* h = HeaderOf(ptr);
    if (h->sizeClass == kLarge)
    {
        std::free(h);
        return;
    }
    auto* b = static_cast<FreeBlock*>(ptr);
    Pool* owner = h->owner;
    if (owner == t_pool)
    {
        b->next = owner->free[h->sizeClass];
        owner->free[h->sizeClass] = b;
        return;
    }
    FreeBlock* head = owner->remote.load(std::memory_order_relaxed);
    do
    {
        b->next = head;
    } while (!owner->remote.compare_exchange_weak(
        head, b, std::memory_order_release, std::memory_order_relaxed));
}

size_t
UsableSize(void* ptr)
{
    Header* h = HeaderOf(ptr);
    return h->sizeClass == kLarge ? h->size : (h->sizeClass + 1) * kGranule;
}

void*
Reallocate(void* ptr, size_t size, const char* file, int line)
{
    if (!ptr)
    {
        return Allocate(size, file, line);
    }
    if (size == 0)
    {
        Free(ptr, file, line);
        return nullptr;
    }
    size_t old = UsableSize(ptr);
    if (size <= old && (old <= kMaxSmall || size > kMaxSmall))
    {
        return ptr;
    }
    void* q = Allocate(size, file, line);
    if (q)
    {
        std::memcpy(q, ptr, old < size ? old : size);
        Free(ptr, file, line);
    }
    return q;
}

/// Installed while the library loads, before anything can have used OpenSSL's allocator.
/// NS3TLS_OPENSSL_POOL=0 keeps malloc (e.g. for valgrind or AddressSanitizer).
bool
Install()
{
    const char* env = std::getenv("NS3TLS_OPENSSL_POOL");
    if (env && std::strcmp(env, "0") == 0)
    {
        return false;
    }
    return CRYPTO_set_mem_functions(&Allocate, &Reallocate, &Free) == 1;
}

bool g_installed = Install();

} // namespace

bool
TlsMemory::IsPooled()
{
    return g_installed;
}

} // namespace ns3
