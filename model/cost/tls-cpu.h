/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CPU_H
#define TLS_CPU_H

#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"

#include <vector>

namespace ns3
{

/**
 * @ingroup tls-cost
 * @brief A node's CPU for TLS work: N cores and a speed factor. Aggregated to the Node.
 *
 * A step of cost c (on the reference CPU) takes c * SpeedFactor; it starts when a core is
 * free, so concurrent handshakes on a busy server queue.
 */
class TlsCpu : public Object
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /**
     * @brief Returns the node's TlsCpu, aggregating a default one if it has none.
     * @param node the node
     * @return its CPU
     */
    static Ptr<TlsCpu> GetOrCreate(Ptr<Node> node);

    /**
     * @brief Books a core for a step.
     * @param earliest the step cannot start before this time (its input is ready)
     * @param cost the step's cost on the reference CPU
     * @return the time the step finishes
     */
    Time Run(Time earliest, Time cost);

    /**
     * @brief Converts a reference cost into this CPU's time.
     * @param cost the cost on the reference CPU
     * @return cost x SpeedFactor
     */
    Time GetDuration(Time cost) const;

    /// @return total busy time booked so far (all cores)
    Time GetBusyTime() const;
    /// @return the speed factor
    double GetSpeedFactor() const;

  private:
    uint32_t m_cores{1};            //!< number of cores
    double m_speedFactor{1.0};      //!< >1 means slower than the reference
    std::vector<Time> m_coreFreeAt; //!< when each core becomes free
    Time m_busy{0};                 //!< booked time
};

} // namespace ns3

#endif /* TLS_CPU_H */
