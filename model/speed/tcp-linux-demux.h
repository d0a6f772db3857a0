/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TCP_LINUX_DEMUX_H
#define TCP_LINUX_DEMUX_H

#include "ns3/ip-l4-protocol.h"

#include <cstdint>
#include <unordered_map>

namespace ns3
{

class Ipv4EndPoint;
class Node;
class TcpL4Protocol;
class TcpLinuxSocket;

/**
 * @ingroup tls-speed
 * @brief The linux profile's per-node front end of TcpL4Protocol.
 *
 * ns-3's Ipv4EndPointDemux keeps every endpoint of a node in a list and scans it for each
 * received segment, so a server holding K connections pays O(K) per packet. This object
 * takes TCP's place in the node's Ipv4L3Protocol: a segment whose 4-tuple belongs to an open
 * TcpLinuxSocket is handed to that socket's endpoint through a hash table, exactly as the
 * list scan would have done (same endpoint, same checks); anything else (SYNs to a
 * listener, unknown tuples, checksums enabled, IPv6, ICMP) goes to TcpL4Protocol unchanged.
 */
class TcpLinuxDemux : public IpL4Protocol
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /// A connection's 4-tuple, local side first.
    struct Key
    {
        uint32_t localAddress{0}; //!< local IPv4 address
        uint32_t peerAddress{0};  //!< peer IPv4 address
        uint16_t localPort{0};    //!< local port
        uint16_t peerPort{0};     //!< peer port

        /// @param o the other key @return true if equal
        bool
        operator==(const Key& o) const
        {
            return localAddress == o.localAddress && peerAddress == o.peerAddress
                   && localPort == o.localPort && peerPort == o.peerPort;
        }
    };

    TcpLinuxDemux() = default;

    /**
     * @brief Returns the node's demux, installing it in front of the node's TCP if needed.
     * @param node a node with IPv4 and TCP
     * @return the demux, or nullptr if the node has no IPv4 or no TCP
     */
    static Ptr<TcpLinuxDemux> Install(Ptr<Node> node);

    /**
     * @brief Indexes a socket's fully specified endpoint.
     * @param socket the socket owning the endpoint
     * @param endPoint its endpoint (local and peer address and port set)
     * @return the key it was indexed under
     */
    Key Add(TcpLinuxSocket* socket, Ipv4EndPoint* endPoint);

    /**
     * @brief Removes a socket's entry, if it is still the one under that key.
     * @param socket the socket
     * @param key the key Add returned
     */
    void Remove(TcpLinuxSocket* socket, const Key& key);

    /// @return segments delivered through a hash table so far, all nodes of this process
    static uint64_t GetDeliveredCount();

    int GetProtocolNumber() const override;
    RxStatus Receive(Ptr<Packet> p,
                     const Ipv4Header& header,
                     Ptr<Ipv4Interface> incomingInterface) override;
    RxStatus Receive(Ptr<Packet> p,
                     const Ipv6Header& header,
                     Ptr<Ipv6Interface> incomingInterface) override;
    void ReceiveIcmp(Ipv4Address icmpSource,
                     uint8_t icmpTtl,
                     uint8_t icmpType,
                     uint8_t icmpCode,
                     uint32_t icmpInfo,
                     Ipv4Address payloadSource,
                     Ipv4Address payloadDestination,
                     const uint8_t payload[8]) override;
    void ReceiveIcmp(Ipv6Address icmpSource,
                     uint8_t icmpTtl,
                     uint8_t icmpType,
                     uint8_t icmpCode,
                     uint32_t icmpInfo,
                     Ipv6Address payloadSource,
                     Ipv6Address payloadDestination,
                     const uint8_t payload[8]) override;
    void SetDownTarget(DownTargetCallback cb) override;
    void SetDownTarget6(DownTargetCallback6 cb) override;
    DownTargetCallback GetDownTarget() const override;
    DownTargetCallback6 GetDownTarget6() const override;

  protected:
    void DoDispose() override;

  private:
    /// Hash of a Key.
    struct KeyHash
    {
        /// @param k the key @return its hash
        size_t
        operator()(const Key& k) const
        {
            uint64_t a = (uint64_t(k.localAddress) << 32) | k.peerAddress;
            uint64_t b = (uint64_t(k.localPort) << 16) | k.peerPort;
            return std::hash<uint64_t>()(a * 0x9E3779B97F4A7C15ull ^ b);
        }
    };

    /// An indexed connection.
    struct Entry
    {
        TcpLinuxSocket* socket; //!< the socket (removes itself before it is destroyed)
        Ipv4EndPoint* endPoint; //!< its endpoint when indexed
    };

    Ptr<TcpL4Protocol> m_tcp;                              //!< the node's TCP
    static uint64_t s_delivered;                           //!< see GetDeliveredCount
    std::unordered_map<Key, Entry, KeyHash> m_connections; //!< open connections
};

} // namespace ns3

#endif /* TCP_LINUX_DEMUX_H */
