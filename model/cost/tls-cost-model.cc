/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-cost-model.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TlsCostModel);

TypeId
TlsCostModel::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TlsCostModel")
                            .SetParent<Object>()
                            .SetGroupName("TlsCost")
                            .AddConstructor<TlsCostModel>();
    return tid;
}

Time
TlsCostModel::GetCost(const TlsCostStep& /* step */) const
{
    return Time(0);
}

std::string
TlsCostModel::GetName() const
{
    return "none";
}

bool
TlsCostModel::NeedsCpuTime() const
{
    return false;
}

} // namespace ns3
