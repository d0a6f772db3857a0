/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_COST_MODEL_H
#define TLS_COST_MODEL_H

#include "ns3/tls-engine.h"

#include "ns3/nstime.h"
#include "ns3/object.h"

#include <vector>

namespace ns3
{

/**
 * @ingroup tls-cost
 * @brief What one engine step did: the input of a cost model.
 */
struct TlsCostStep
{
    const TlsEngine* engine{nullptr}; //!< the engine (role, negotiated parameters)
    std::vector<TlsMessage> messages; //!< messages written and read in this step
    uint64_t cpuNanoseconds{0};       //!< thread CPU time OpenSSL spent in this step
    uint64_t bytesOut{0};             //!< bytes written in this step
    bool established{false};          //!< the handshake completed in this step
};

/**
 * @ingroup tls-cost
 * @brief How much simulated CPU time a TLS engine step costs, before the node's speed factor.
 *
 * Pluggable like TcpCongestionOps: pick a subclass by TypeId. This base class is the `none`
 * model: crypto is free, so times are pure network times (what the analytic tests assert).
 */
class TlsCostModel : public Object
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /**
     * @brief Returns the CPU time of a step on a reference CPU (speed factor 1).
     * @param step what the step did
     * @return the time; zero in this base class
     */
    virtual Time GetCost(const TlsCostStep& step) const;

    /// @return the model's name as the CLI spells it ("none", "measured", ...)
    virtual std::string GetName() const;

    /// @return true if GetCost() uses TlsCostStep::cpuNanoseconds (engines then time OpenSSL)
    virtual bool NeedsCpuTime() const;
};

} // namespace ns3

#endif /* TLS_COST_MODEL_H */
