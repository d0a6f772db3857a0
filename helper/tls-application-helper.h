/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_APPLICATION_HELPER_H
#define TLS_APPLICATION_HELPER_H

#include "ns3/application-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/tls-context.h"

#include <string>

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief Installs applications of one TypeId, configured through attributes (the common part
 * of TlsClientHelper and TlsServerHelper).
 *
 * The defaults are those of `./ns3tls run`: "CostModel" is a deterministic
 * ns3::TlsOperationCostModel (with its built-in cost table) shared by the applications this
 * helper installs (set PointerValue() for no crypto cost, or another TlsCostModel);
 * "TcpProfile" is linux (the applications' default; the applications create their own sockets).
 * Every attribute of ns3::TlsApplication and of the installed type can be set: Version,
 * KeyExchange, Groups, Ciphers, SignatureAlgorithms, Credentials, CaFile, ClientAuth,
 * Resumption, ServerName, MaxEarlyData, CostModel, TcpProfile; the client's Remote, Handshakes,
 * Interval, Timeout, EarlyData, RequestSize, ResponseSize, ClientIndex; the server's Port.
 * SetKeyLogFile() and SetNodeNames() give what --keylog and readable pcap file names give.
 */
class TlsApplicationHelper
{
  public:
    /// @param typeId the application type to install
    explicit TlsApplicationHelper(TypeId typeId);

    /**
     * @brief Sets an attribute of the applications to be installed.
     * @param name the attribute name (e.g. "Version", "Credentials", "CostModel")
     * @param value its value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * @brief Sets every TLS attribute of the applications from one typed configuration
     * (MinVersion, MaxVersion, KeyExchange, Groups, Ciphers, SignatureAlgorithms, Credentials,
     * CaFile, ClientAuth, Resumption, ServerName, MaxEarlyData); TlsApplication::GetTlsConfig
     * gives it back. verifyPeer is not an attribute: a client always verifies.
     * @param config the configuration
     */
    void SetTlsConfig(const TlsConfig& config);

    /**
     * @brief Installs one application on each node.
     * @param nodes the nodes
     * @return the applications
     */
    ApplicationContainer Install(NodeContainer nodes) const;

    /**
     * @brief Installs one application on a node.
     * @param node the node
     * @return the application
     */
    ApplicationContainer Install(Ptr<Node> node) const;

    /**
     * @brief Writes the TLS secrets of every connection in this process to a key log file
     * (NSS format, SSLKEYLOGFILE), so Wireshark decrypts the pcaps (TlsContext::SetKeyLogFile,
     * OpenSSL's SSL_CTX_set_keylog_callback). Aborts if the file cannot be written.
     * @param path the file; empty closes it
     */
    void SetKeyLogFile(const std::string& path);

    /**
     * @brief Names each node this helper installs on, when it has no name yet, PREFIX-N (N
     * counts from 0 per helper), with ns-3's Names: pcap files are then PCAP-PREFIX-N-DEVICE.pcap
     * rather than numbered by node id, and config paths can use /Names/PREFIX-N.
     * @param prefix e.g. "client"; empty (the default) names nothing
     */
    void SetNodeNames(const std::string& prefix);

  protected:
    ObjectFactory m_factory;     //!< application factory
    std::string m_namePrefix;    //!< node name prefix, "" for none
    mutable uint32_t m_named{0}; //!< nodes named so far
};

} // namespace ns3

#endif /* TLS_APPLICATION_HELPER_H */
