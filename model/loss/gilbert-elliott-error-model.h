/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef GILBERT_ELLIOTT_ERROR_MODEL_H
#define GILBERT_ELLIOTT_ERROR_MODEL_H

#include "ns3/error-model.h"
#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * @ingroup tls-loss
 * @brief Bursty packet loss: a two-state (good/bad) Markov chain stepped once per packet.
 *
 * In the good state a packet is lost with probability LossGood, in the bad state with
 * LossBad. With LossGood = 0 and LossBad = 1 (the Gilbert model) the long-run loss rate is
 * p / (p + r) and the mean burst length 1 / r, where p = PGoodToBad and r = PBadToGood.
 * ForLossAndBurst() sets p and r from a loss rate and a mean burst length.
 */
class GilbertElliottErrorModel : public ErrorModel
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    GilbertElliottErrorModel();

    /**
     * @brief Sets the chain so that the loss rate and mean burst length are as given
     * (LossGood = 0, LossBad = 1).
     * @param loss long-run loss probability, 0 <= loss < 1
     * @param meanBurst mean number of consecutive losses, >= 1
     */
    void ForLossAndBurst(double loss, double meanBurst);

    /**
     * @brief Assigns a fixed random stream.
     * @param stream first stream index
     * @return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override;

    double m_pGoodToBad{0};              //!< p
    double m_pBadToGood{1};              //!< r
    double m_lossGood{0};                //!< loss probability in the good state
    double m_lossBad{1};                 //!< loss probability in the bad state
    bool m_bad{false};                   //!< current state
    Ptr<UniformRandomVariable> m_random; //!< draws
};

} // namespace ns3

#endif /* GILBERT_ELLIOTT_ERROR_MODEL_H */
