/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CRYPTO_THREAD_H
#define TLS_CRYPTO_THREAD_H

#include <string>
#include <utility>

namespace ns3
{

/**
 * @ingroup tls
 * @brief Runs the engines' OpenSSL work on a thread of its own, one call at a time.
 *
 * Between two handshake steps the simulator processes packets, events and sockets; on one
 * core that evicts OpenSSL's code and data from the caches, and the steps of a simulated
 * handshake took ~25-35 % longer than the same steps in a plain loop. With this thread the
 * simulation hands each step over and waits for it: nothing runs concurrently, the order of
 * every OpenSSL call (and so every random byte and result) is unchanged, but OpenSSL keeps
 * a core and its caches to itself. It costs a second core while simulating.
 *
 * Chosen by the global value TlsCryptoThread (auto|on|off, also --TlsCryptoThread=... on
 * any ns-3 command line), whose default comes from the environment variable
 * NS3TLS_CRYPTO_THREAD, else auto: on when this process may use two or more CPUs. Parallel
 * sweeps turn it off in their workers (they already use every core).
 */
class TlsCryptoThread
{
  public:
    /**
     * @brief Calls f() on the crypto thread and waits for it, or calls it here.
     * @param threaded IsEnabled(), read once by the caller (reading it is not free)
     * @param f the work; it must not call into the simulator
     */
    template <typename F>
    static void
    Run(bool threaded, F&& f)
    {
        if (!threaded)
        {
            f();
            return;
        }
        Dispatch(&Invoke<std::remove_reference_t<F>>, &f);
    }

    /// @return true if the TlsCryptoThread global value asks for the crypto thread
    static bool IsEnabled();

    /// @return "" if TlsCryptoThread is auto, on or off, else a one-line error
    static std::string GetModeError();

  private:
    /// Calls a callable through a type-erased pointer.
    template <typename F>
    static void
    Invoke(void* f)
    {
        (*static_cast<F*>(f))();
    }

    /**
     * @brief Hands fn(arg) to the thread (started on first use) and waits for it.
     * @param fn the function
     * @param arg its argument
     */
    static void Dispatch(void (*fn)(void*), void* arg);
};

} // namespace ns3

#endif /* TLS_CRYPTO_THREAD_H */
