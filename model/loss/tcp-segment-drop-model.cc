/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tcp-segment-drop-model.h"

#include "ns3/abort.h"
#include "ns3/ipv4-header.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/pointer.h"
#include "ns3/ppp-header.h"
#include "ns3/string.h"
#include "ns3/tcp-header.h"

#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TcpSegmentDropModel");

NS_OBJECT_ENSURE_REGISTERED(TcpSegmentDropModel);

TypeId
TcpSegmentDropModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TcpSegmentDropModel")
              .SetParent<ErrorModel>()
              .SetGroupName("TlsLoss")
              .AddConstructor<TcpSegmentDropModel>()
              .AddAttribute("Drops",
                            "What to drop per connection: 'syn' and/or 1-based indices of "
                            "data-carrying transmissions, comma-separated (e.g. \"syn,1\")",
                            StringValue(""),
                            MakeStringAccessor(&TcpSegmentDropModel::SetDrops),
                            MakeStringChecker())
              .AddAttribute("Chain",
                            "Error model consulted for the packets this one does not drop",
                            PointerValue(),
                            MakePointerAccessor(&TcpSegmentDropModel::m_chain),
                            MakePointerChecker<ErrorModel>());
    return tid;
}

std::string
TcpSegmentDropModel::Parse(const std::string& text, std::set<uint32_t>& indices, uint32_t& syn)
{
    indices.clear();
    syn = 0;
    if (!text.empty() && (text.front() == ',' || text.back() == ','))
    {
        return "empty drop index in '" + text + "'";
    }
    std::istringstream is(text);
    std::string item;
    while (std::getline(is, item, ','))
    {
        if (item.empty())
        {
            return "empty drop index in '" + text + "'"; // e.g. "syn,,2": a typo, not a list
        }
        if (item == "syn")
        {
            ++syn;
        }
        else if (item.find_first_not_of("0123456789") == std::string::npos && item.size() < 9
                 && std::stoul(item) > 0)
        {
            indices.insert(std::stoul(item));
        }
        else
        {
            return "invalid drop index '" + item + "' (expected syn or a segment number >= 1)";
        }
    }
    return "";
}

void
TcpSegmentDropModel::SetDrops(const std::string& text)
{
    std::string error = Parse(text, m_indices, m_dropSyn);
    NS_ABORT_MSG_IF(!error.empty(), error);
}

uint32_t
TcpSegmentDropModel::GetDropped() const
{
    return m_dropped;
}

bool
TcpSegmentDropModel::DoCorrupt(Ptr<Packet> p)
{
    if (DropsChosen(p))
    {
        return true;
    }
    return m_chain && m_chain->IsCorrupt(p);
}

bool
TcpSegmentDropModel::DropsChosen(Ptr<Packet> p)
{
    Ptr<Packet> copy = p->Copy();
    PppHeader ppp;
    Ipv4Header ip;
    TcpHeader tcp;
    if (copy->RemoveHeader(ppp) == 0 || ppp.GetProtocol() != 0x0021 || copy->RemoveHeader(ip) == 0
        || ip.GetProtocol() != 6 || copy->RemoveHeader(tcp) == 0)
    {
        return false; // not TCP over IPv4
    }
    auto conn = std::make_tuple(ip.GetSource().Get(),
                                ip.GetDestination().Get(),
                                (uint32_t(tcp.GetSourcePort()) << 16) | tcp.GetDestinationPort());
    if (tcp.GetFlags() & TcpHeader::SYN)
    {
        if (++m_synSeen[conn] <= m_dropSyn)
        {
            ++m_dropped;
            NS_LOG_INFO("dropping SYN from " << ip.GetSource());
            return true;
        }
        return false;
    }
    if (copy->GetSize() == 0)
    {
        return false; // pure ACK
    }
    uint32_t index = ++m_dataCount[conn];
    if (m_indices.count(index))
    {
        ++m_dropped;
        NS_LOG_INFO("dropping data segment " << index << " from " << ip.GetSource());
        return true;
    }
    return false;
}

void
TcpSegmentDropModel::DoReset()
{
    m_dataCount.clear();
    m_synSeen.clear();
}

} // namespace ns3
