/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-measured-cost-model.h"

#include "ns3/double.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TlsMeasuredCostModel);

TypeId
TlsMeasuredCostModel::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TlsMeasuredCostModel")
                            .SetParent<TlsCostModel>()
                            .SetGroupName("TlsCost")
                            .AddConstructor<TlsMeasuredCostModel>()
                            .AddAttribute("Scale",
                                          "Multiplier applied to the measured CPU time",
                                          DoubleValue(1.0),
                                          MakeDoubleAccessor(&TlsMeasuredCostModel::m_scale),
                                          MakeDoubleChecker<double>(0));
    return tid;
}

Time
TlsMeasuredCostModel::GetCost(const TlsCostStep& step) const
{
    return NanoSeconds(static_cast<int64_t>(step.cpuNanoseconds * m_scale));
}

std::string
TlsMeasuredCostModel::GetName() const
{
    return "measured";
}

bool
TlsMeasuredCostModel::NeedsCpuTime() const
{
    return true;
}

} // namespace ns3
