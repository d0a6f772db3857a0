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
 * @ingroup tls
 * @brief Installs applications of one TypeId, configured through attributes (the common part
 * of TlsClientHelper and TlsServerHelper).
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

  protected:
    ObjectFactory m_factory; //!< application factory
};

} // namespace ns3

#endif /* TLS_APPLICATION_HELPER_H */
