/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/gilbert-elliott-error-model.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GilbertElliottErrorModel");

NS_OBJECT_ENSURE_REGISTERED(GilbertElliottErrorModel);

TypeId
GilbertElliottErrorModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::GilbertElliottErrorModel")
              .SetParent<ErrorModel>()
              .SetGroupName("TlsLoss")
              .AddConstructor<GilbertElliottErrorModel>()
              .AddAttribute("PGoodToBad",
                            "Probability of moving from the good to the bad state, per packet",
                            DoubleValue(0),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_pGoodToBad),
                            MakeDoubleChecker<double>(0, 1))
              .AddAttribute("PBadToGood",
                            "Probability of moving from the bad to the good state, per packet",
                            DoubleValue(1),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_pBadToGood),
                            MakeDoubleChecker<double>(0, 1))
              .AddAttribute("LossGood",
                            "Loss probability in the good state",
                            DoubleValue(0),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_lossGood),
                            MakeDoubleChecker<double>(0, 1))
              .AddAttribute("LossBad",
                            "Loss probability in the bad state",
                            DoubleValue(1),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_lossBad),
                            MakeDoubleChecker<double>(0, 1));
    return tid;
}

GilbertElliottErrorModel::GilbertElliottErrorModel()
    : m_random(CreateObject<UniformRandomVariable>())
{
}

void
GilbertElliottErrorModel::ForLossAndBurst(double loss, double meanBurst)
{
    NS_ABORT_MSG_IF(loss < 0 || loss >= 1 || meanBurst < 1, "bad Gilbert-Elliott parameters");
    m_pBadToGood = 1.0 / meanBurst;
    m_pGoodToBad = loss * m_pBadToGood / (1 - loss);
    m_lossGood = 0;
    m_lossBad = 1;
}

int64_t
GilbertElliottErrorModel::AssignStreams(int64_t stream)
{
    m_random->SetStream(stream);
    return 1;
}

bool
GilbertElliottErrorModel::DoCorrupt(Ptr<Packet> p)
{
    double u = m_random->GetValue();
    m_bad = m_bad ? u >= m_pBadToGood : u < m_pGoodToBad;
    bool lost = m_random->GetValue() < (m_bad ? m_lossBad : m_lossGood);
    NS_LOG_LOGIC((m_bad ? "bad" : "good") << (lost ? " lost" : ""));
    return lost;
}

void
GilbertElliottErrorModel::DoReset()
{
    m_bad = false;
}

} // namespace ns3
