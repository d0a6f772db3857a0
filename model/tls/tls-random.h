/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_RANDOM_H
#define TLS_RANDOM_H

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * @ingroup tls-openssl
 * @brief Makes OpenSSL's randomness a deterministic function of ns-3's seed and run.
 *
 * OpenSSL draws key shares, randoms, nonces, salts and ticket keys from its RNG. A simulation is
 * only repeatable if those bytes are, so TlsRandom installs a process-wide RAND_METHOD backed by
 * a xoshiro256** generator seeded from (seed, run). This is NOT cryptographically secure; it is
 * a simulator. Credentials use their own named streams (see StreamGuard) so that the same key
 * type always yields the same certificate whatever the run.
 */
class TlsRandom
{
  public:
    /**
     * @brief Installs the deterministic generator (once) and reseeds the main stream.
     * @param seed ns-3 RngSeedManager seed
     * @param run ns-3 RngSeedManager run number
     */
    static void Seed(uint64_t seed, uint64_t run);

    /**
     * @brief Installs the generator if no one has yet, seeded from ns-3's current seed and run.
     */
    static void EnsureInstalled();

    /// @return the number of bytes handed to OpenSSL so far (diagnostics, tests).
    static uint64_t GetBytesDrawn();

    /**
     * @brief While alive, OpenSSL draws from a stream derived from a name only (not from the run).
     */
    class StreamGuard
    {
      public:
        /// @param name the stream name, e.g. "credentials/rsa2048/2"
        explicit StreamGuard(const std::string& name);
        ~StreamGuard();
        StreamGuard(const StreamGuard&) = delete;
        StreamGuard& operator=(const StreamGuard&) = delete;

      private:
        uint64_t m_saved[4]; //!< main stream state to restore
    };
};

} // namespace ns3

#endif /* TLS_RANDOM_H */
