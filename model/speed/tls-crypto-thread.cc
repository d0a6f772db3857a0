/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-crypto-thread.h"

#include "ns3/abort.h"
#include "ns3/global-value.h"
#include "ns3/string.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <thread>

namespace ns3
{

namespace
{

const char*
DefaultMode()
{
    const char* env = std::getenv("NS3TLS_CRYPTO_THREAD");
    return env && *env ? env : "auto";
}

GlobalValue g_cryptoThread("TlsCryptoThread",
                           "Run OpenSSL on a thread of its own, one call at a time: "
                           "auto (when the process may use 2+ CPUs), on or off. "
                           "Default: $NS3TLS_CRYPTO_THREAD, else auto",
                           StringValue(DefaultMode()),
                           MakeStringChecker());

/// The caller busy-waits this long for a step before sleeping (a step takes 0.05-5 ms; waking
/// a sleeper costs tens of microseconds), the crypto thread this long for the next step (the
/// simulator's work between two steps is 0.02-0.2 ms): bounded waste when steps are rare.
constexpr auto kCallerSpin = std::chrono::microseconds(5000);
constexpr auto kWorkerSpin = std::chrono::microseconds(1000);

/// The hand-over between the simulation thread and the crypto thread.
struct Channel
{
    std::atomic<uint64_t> posted{0}; //!< number of the last task posted
    std::atomic<uint64_t> done{0};   //!< number of the last task done
    void (*fn)(void*){nullptr};      //!< the task
    void* arg{nullptr};              //!< its argument
    std::mutex mutex;
    std::condition_variable cv;
    std::atomic<bool> workerAsleep{false};
    std::atomic<bool> callerAsleep{false};
    std::mutex callers; //!< one caller at a time (several simulation threads are allowed)
};

/// Never destroyed: the thread may outlive static destruction at exit.
Channel* g_channel = nullptr;

/// A hint to the CPU that this is a spin loop.
inline void
CpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// Waits until cond() holds: spins for a while, then sleeps on the channel's condition variable.
template <typename C>
void
Await(Channel& ch, std::atomic<bool>& asleep, std::chrono::microseconds spin, C cond)
{
    auto start = std::chrono::steady_clock::now();
    for (uint32_t i = 1; !cond(); ++i)
    {
        if ((i & 63) == 0 && std::chrono::steady_clock::now() - start > spin)
        {
            std::unique_lock<std::mutex> lock(ch.mutex);
            asleep.store(true);
            ch.cv.wait(lock, cond);
            asleep.store(false);
            return;
        }
        CpuRelax();
    }
}

/// Wakes the other side if it went to sleep (it re-checks its condition under the mutex).
void
Wake(Channel& ch, const std::atomic<bool>& asleep)
{
    if (asleep.load())
    {
        std::lock_guard<std::mutex> lock(ch.mutex);
        ch.cv.notify_all();
    }
}

void
Serve(Channel* ch)
{
    uint64_t last = 0;
    for (;;)
    {
        Await(*ch, ch->workerAsleep, kWorkerSpin, [&] { return ch->posted.load() != last; });
        last = ch->posted.load();
        ch->fn(ch->arg);
        ch->done.store(last);
        Wake(*ch, ch->callerAsleep);
    }
}

Channel&
GetChannel()
{
    static std::once_flag once;
    std::call_once(once,
                   []
                   {
                       // A forked child has no crypto thread: it starts its own (the parent's
                       // channel may be mid-call and is left alone).
                       pthread_atfork(nullptr, nullptr, [] { g_channel = nullptr; });
                   });
    if (!g_channel)
    {
        g_channel = new Channel;
        std::thread(Serve, g_channel).detach();
    }
    return *g_channel;
}

} // namespace

std::string
TlsCryptoThread::GetModeError()
{
    StringValue v;
    g_cryptoThread.GetValue(v);
    const std::string& mode = v.Get();
    return mode == "auto" || mode == "on" || mode == "off"
               ? ""
               : "invalid TlsCryptoThread='" + mode + "' (expected auto|on|off)";
}

bool
TlsCryptoThread::IsEnabled()
{
    StringValue v;
    g_cryptoThread.GetValue(v);
    const std::string& mode = v.Get();
    if (mode == "off")
    {
        return false;
    }
    if (mode == "on")
    {
        return true;
    }
    NS_ABORT_MSG_UNLESS(mode == "auto", GetModeError());
    static bool multiCore = []
    {
        cpu_set_t set;
        return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) >= 2;
    }();
    return multiCore;
}

void
TlsCryptoThread::Dispatch(void (*fn)(void*), void* arg)
{
    static std::mutex starting;
    Channel* channel;
    {
        std::lock_guard<std::mutex> lock(starting);
        channel = &GetChannel();
    }
    Channel& ch = *channel;
    std::lock_guard<std::mutex> caller(ch.callers);
    ch.fn = fn;
    ch.arg = arg;
    uint64_t n = ch.posted.load() + 1;
    ch.posted.store(n);
    Wake(ch, ch.workerAsleep);
    Await(ch, ch.callerAsleep, kCallerSpin, [&] { return ch.done.load() == n; });
}

} // namespace ns3
