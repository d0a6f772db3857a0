/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-cpu.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TlsCpu);

TypeId
TlsCpu::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TlsCpu")
              .SetParent<Object>()
              .SetGroupName("TlsCost")
              .AddConstructor<TlsCpu>()
              .AddAttribute("Cores",
                            "Number of cores that run TLS steps in parallel",
                            UintegerValue(1),
                            MakeUintegerAccessor(&TlsCpu::m_cores),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("SpeedFactor",
                            "Cost multiplier of this CPU (e.g. 20 for an IoT device 20x slower "
                            "than the reference)",
                            DoubleValue(1.0),
                            MakeDoubleAccessor(&TlsCpu::m_speedFactor),
                            MakeDoubleChecker<double>(0));
    return tid;
}

Ptr<TlsCpu>
TlsCpu::GetOrCreate(Ptr<Node> node)
{
    Ptr<TlsCpu> cpu = node->GetObject<TlsCpu>();
    if (!cpu)
    {
        cpu = CreateObject<TlsCpu>();
        node->AggregateObject(cpu);
    }
    return cpu;
}

Time
TlsCpu::Run(Time earliest, Time cost)
{
    if (cost.IsZero())
    {
        return earliest;
    }
    if (m_coreFreeAt.size() != m_cores)
    {
        m_coreFreeAt.resize(m_cores, Time(0));
    }
    auto core = std::min_element(m_coreFreeAt.begin(), m_coreFreeAt.end());
    Time duration = GetDuration(cost);
    Time start = std::max(earliest, *core);
    *core = start + duration;
    m_busy += duration;
    return *core;
}

Time
TlsCpu::GetDuration(Time cost) const
{
    return NanoSeconds(static_cast<int64_t>(cost.GetNanoSeconds() * m_speedFactor));
}

Time
TlsCpu::GetBusyTime() const
{
    return m_busy;
}

double
TlsCpu::GetSpeedFactor() const
{
    return m_speedFactor;
}

} // namespace ns3
