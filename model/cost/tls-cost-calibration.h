/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_COST_CALIBRATION_H
#define TLS_COST_CALIBRATION_H

#include <map>
#include <string>

namespace ns3
{

/**
 * @ingroup tls-cost
 * @brief Measures the operation costs of TlsOperationCostModel on this machine with real
 * OpenSSL calls (thread CPU time, median of several batches).
 *
 * Public-key operations are timed one by one (key generation and derivation per group, sign
 * and verify per key type with the padding TLS uses, RSA encryption and decryption of a
 * premaster secret); the per-step overhead is what remains of real in-memory TLS 1.3 and 1.2
 * handshakes once their modelled operations are subtracted.
 */
class TlsCostCalibration
{
  public:
    /**
     * @brief Runs the measurements.
     * @param seconds approximate CPU time to spend per operation
     * @return operation -> microseconds
     */
    static std::map<std::string, double> Measure(double seconds = 0.05);

    /**
     * @brief Measures one operation of the cost model (e.g. "sign:rsa1536", "keygen:ffdhe6144").
     * @param operation the operation's name (TlsOperationCostModel)
     * @param seconds approximate CPU time to spend
     * @return microseconds, or a negative value if the name means nothing measurable
     */
    static double MeasureOperation(const std::string& operation, double seconds = 0.05);
};

} // namespace ns3

#endif /* TLS_COST_CALIBRATION_H */
