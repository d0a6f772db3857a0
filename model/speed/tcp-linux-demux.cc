/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tcp-linux-demux.h"

#include "ns3/tcp-linux-socket.h"

#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-interface.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/tcp-l4-protocol.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TcpLinuxDemux");

NS_OBJECT_ENSURE_REGISTERED(TcpLinuxDemux);

uint64_t TcpLinuxDemux::s_delivered = 0;

TypeId
TcpLinuxDemux::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TcpLinuxDemux")
                            .SetParent<IpL4Protocol>()
                            .SetGroupName("TlsSpeed")
                            .AddConstructor<TcpLinuxDemux>();
    return tid;
}

Ptr<TcpLinuxDemux>
TcpLinuxDemux::Install(Ptr<Node> node)
{
    Ptr<Ipv4L3Protocol> ipv4 = node->GetObject<Ipv4L3Protocol>();
    Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
    if (!ipv4 || !tcp)
    {
        return nullptr;
    }
    Ptr<IpL4Protocol> current = ipv4->GetProtocol(TcpL4Protocol::PROT_NUMBER);
    if (Ptr<TcpLinuxDemux> demux = DynamicCast<TcpLinuxDemux>(current))
    {
        return demux;
    }
    if (current != tcp)
    {
        return nullptr; // someone else sits in front of TCP: leave it alone
    }
    Ptr<TcpLinuxDemux> demux = CreateObject<TcpLinuxDemux>();
    demux->m_tcp = tcp;
    ipv4->Insert(demux); // replaces TcpL4Protocol as the receiver of protocol 6
    NS_LOG_INFO("node " << node->GetId() << ": hashed TCP demux installed");
    return demux;
}

TcpLinuxDemux::Key
TcpLinuxDemux::Add(TcpLinuxSocket* socket, Ipv4EndPoint* endPoint)
{
    Key key{endPoint->GetLocalAddress().Get(),
            endPoint->GetPeerAddress().Get(),
            endPoint->GetLocalPort(),
            endPoint->GetPeerPort()};
    m_connections[key] = Entry{socket, endPoint};
    return key;
}

void
TcpLinuxDemux::Remove(TcpLinuxSocket* socket, const Key& key)
{
    auto it = m_connections.find(key);
    if (it != m_connections.end() && it->second.socket == socket)
    {
        m_connections.erase(it);
    }
}

uint64_t
TcpLinuxDemux::GetDeliveredCount()
{
    return s_delivered;
}

int
TcpLinuxDemux::GetProtocolNumber() const
{
    return TcpL4Protocol::PROT_NUMBER;
}

IpL4Protocol::RxStatus
TcpLinuxDemux::Receive(Ptr<Packet> p,
                       const Ipv4Header& header,
                       Ptr<Ipv4Interface> incomingInterface)
{
    uint8_t ports[4];
    // With checksums on, TcpL4Protocol must verify the segment first.
    if (!m_connections.empty() && !Node::ChecksumEnabled() && p->CopyData(ports, 4) == 4)
    {
        Key key{header.GetDestination().Get(),
                header.GetSource().Get(),
                uint16_t(ports[2] << 8 | ports[3]),
                uint16_t(ports[0] << 8 | ports[1])};
        auto it = m_connections.find(key);
        if (it != m_connections.end())
        {
            Ipv4EndPoint* endPoint = it->second.endPoint;
            if (!it->second.socket->HasEndPoint(endPoint)
                || endPoint->GetLocalPort() != key.localPort
                || endPoint->GetPeerPort() != key.peerPort
                || endPoint->GetPeerAddress().Get() != key.peerAddress
                || endPoint->GetLocalAddress().Get() != key.localAddress)
            {
                m_connections.erase(it); // the socket let its endpoint go: stale entry
            }
            else if (endPoint->IsRxEnabled()
                     && (!endPoint->GetBoundNetDevice()
                         || (incomingInterface
                             && endPoint->GetBoundNetDevice() == incomingInterface->GetDevice())))
            {
                // What Ipv4EndPointDemux::Lookup would return: the exact 4-tuple match.
                ++s_delivered;
                endPoint->ForwardUp(p, header, key.peerPort, incomingInterface);
                return IpL4Protocol::RX_OK;
            }
        }
    }
    return m_tcp->Receive(p, header, incomingInterface);
}

IpL4Protocol::RxStatus
TcpLinuxDemux::Receive(Ptr<Packet> p,
                       const Ipv6Header& header,
                       Ptr<Ipv6Interface> incomingInterface)
{
    return m_tcp->Receive(p, header, incomingInterface);
}

void
TcpLinuxDemux::ReceiveIcmp(Ipv4Address icmpSource,
                           uint8_t icmpTtl,
                           uint8_t icmpType,
                           uint8_t icmpCode,
                           uint32_t icmpInfo,
                           Ipv4Address payloadSource,
                           Ipv4Address payloadDestination,
                           const uint8_t payload[8])
{
    m_tcp->ReceiveIcmp(icmpSource,
                       icmpTtl,
                       icmpType,
                       icmpCode,
                       icmpInfo,
                       payloadSource,
                       payloadDestination,
                       payload);
}

void
TcpLinuxDemux::ReceiveIcmp(Ipv6Address icmpSource,
                           uint8_t icmpTtl,
                           uint8_t icmpType,
                           uint8_t icmpCode,
                           uint32_t icmpInfo,
                           Ipv6Address payloadSource,
                           Ipv6Address payloadDestination,
                           const uint8_t payload[8])
{
    m_tcp->ReceiveIcmp(icmpSource,
                       icmpTtl,
                       icmpType,
                       icmpCode,
                       icmpInfo,
                       payloadSource,
                       payloadDestination,
                       payload);
}

void
TcpLinuxDemux::SetDownTarget(DownTargetCallback cb)
{
    m_tcp->SetDownTarget(cb);
}

void
TcpLinuxDemux::SetDownTarget6(DownTargetCallback6 cb)
{
    m_tcp->SetDownTarget6(cb);
}

IpL4Protocol::DownTargetCallback
TcpLinuxDemux::GetDownTarget() const
{
    return m_tcp->GetDownTarget();
}

IpL4Protocol::DownTargetCallback6
TcpLinuxDemux::GetDownTarget6() const
{
    return m_tcp->GetDownTarget6();
}

void
TcpLinuxDemux::DoDispose()
{
    m_connections.clear();
    m_tcp = nullptr;
    IpL4Protocol::DoDispose();
}

} // namespace ns3
