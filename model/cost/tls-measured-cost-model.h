/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_MEASURED_COST_MODEL_H
#define TLS_MEASURED_COST_MODEL_H

#include "ns3/tls-cost-model.h"

namespace ns3
{

/**
 * @ingroup tls-cost
 * @brief Charges each step the thread CPU time OpenSSL really spent in it (times a scale).
 *
 * Realistic for the machine the simulation runs on, but not repeatable: two runs differ by
 * the measurement noise. Use the deterministic model for sweeps that must be reproducible.
 */
class TlsMeasuredCostModel : public TlsCostModel
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();
    Time GetCost(const TlsCostStep& step) const override;
    std::string GetName() const override;
    bool NeedsCpuTime() const override;

  private:
    double m_scale{1.0}; //!< multiplier applied to the measured time
};

} // namespace ns3

#endif /* TLS_MEASURED_COST_MODEL_H */
