/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_DUMBBELL_HELPER_H
#define TLS_DUMBBELL_HELPER_H

#include "ns3/tls-scenario-config.h"

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/point-to-point-helper.h"

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief The canned scenario's topology: K clients, a router, one bottleneck link, a server.
 *
 * One client: client -- bottleneck -- server. More: a dumbbell, each client on its own access
 * link (--access-bandwidth, --access-delay) to a router, one bottleneck link (the configured
 * rate, one-way delay rtt/2 minus the access delay, drop-tail device queue, and the per-direction
 * loss models) from the router to the server. No traffic-control layer (a handshake path has no
 * AQM); host routes (Ipv4HostRouting) keep forwarding O(1) per packet, and the router hands IPv4
 * packets straight to Ipv4L3Protocol::Receive (its devices carry nothing else). Every link has
 * an MTU of at least --mss + 52 (IP and TCP headers with timestamps), 1500 by default.
 */
class TlsDumbbellHelper
{
  public:
    /**
     * @param config the scenario (clients, rtt, bandwidth, queue, access link, losses, mss, pcap);
     *        it must outlive Install()
     */
    explicit TlsDumbbellHelper(const TlsScenarioConfig& config);

    /**
     * @brief Creates the nodes with an IPv4 stack, the links, the loss models and the routes.
     * @param stream the first random stream number for the loss models (incremented per model)
     */
    void Install(int64_t stream = 1000);

    /// @return the server node
    Ptr<Node> GetServer() const;
    /// @return the client nodes, in client index order
    NodeContainer GetClients() const;
    /// @return the server's address on the bottleneck link
    Ipv4Address GetServerAddress() const;

    /**
     * @brief Writes a pcap file per end of the bottleneck link (every connection crosses it),
     * named PREFIX-NODE-DEVICE.pcap as ns-3's helpers do; not the access links of K clients.
     * @param prefix the file name prefix
     */
    void EnablePcap(const std::string& prefix);

  private:
    const TlsScenarioConfig& m_config; //!< the scenario
    NodeContainer m_server;            //!< one node
    NodeContainer m_clients;           //!< K nodes
    NodeContainer m_router;            //!< one node if K > 1
    PointToPointHelper m_bottleneck;   //!< the shared link
    NetDeviceContainer m_captured;     //!< its two devices
    Ipv4Address m_serverAddress;       //!< server on the bottleneck
};

} // namespace ns3

#endif /* TLS_DUMBBELL_HELPER_H */
