/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TCP_SEGMENT_DROP_MODEL_H
#define TCP_SEGMENT_DROP_MODEL_H

#include "ns3/error-model.h"

#include <map>
#include <set>
#include <string>
#include <tuple>

namespace ns3
{

/**
 * @ingroup tls-loss
 * @brief Drops chosen TCP segments of every connection crossing a point-to-point receiver:
 * "the 1st data segment", "the SYN", "the 2nd and 3rd data segments".
 *
 * Install as the ReceiveErrorModel of the device that receives the direction to perturb.
 * Counting is per connection (by addresses and ports) over data-carrying transmissions,
 * retransmissions included: Indices "1,2" drops the first data segment and, if nothing else was
 * sent in between, its retransmission. Each "syn" drops one more transmission of the SYN (or
 * SYN-ACK) of each connection: "syn" the first, "syn,syn" the first two. Use it to ask what losing,
 * say, the server's Certificate flight costs. Packets it does not drop are passed to the Chain
 * error model, if any (e.g. random loss on the same link).
 */
class TcpSegmentDropModel : public ErrorModel
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /**
     * @brief Parses an index list such as "syn,1,3".
     * @param text the list
     * @param indices set to the data segment indices (1-based)
     * @param syn set to the number of times "syn" appears: SYN (SYN-ACK) transmissions to drop
     * @return "" or a one-line error naming the bad item
     */
    static std::string Parse(const std::string& text, std::set<uint32_t>& indices, uint32_t& syn);

    /**
     * @brief Sets what to drop.
     * @param text a list as Parse() accepts (aborts if invalid: validate with Parse() first)
     */
    void SetDrops(const std::string& text);

    /// @return the number of packets dropped so far
    uint32_t GetDropped() const;

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    /// @return true if p is one of the chosen segments
    bool DropsChosen(Ptr<Packet> p);
    void DoReset() override;

    Ptr<ErrorModel> m_chain;      //!< consulted for packets not dropped here
    std::set<uint32_t> m_indices; //!< data transmissions to drop
    uint32_t m_dropSyn{0};        //!< SYN / SYN-ACK transmissions to drop
    using ConnectionKey = std::tuple<uint32_t, uint32_t, uint32_t>; //!< addresses, ports
    std::map<ConnectionKey, uint32_t> m_dataCount; //!< data transmissions per connection
    std::map<ConnectionKey, uint32_t> m_synSeen;   //!< SYN transmissions seen per connection
    uint32_t m_dropped{0};                         //!< counter
};

} // namespace ns3

#endif /* TCP_SEGMENT_DROP_MODEL_H */
