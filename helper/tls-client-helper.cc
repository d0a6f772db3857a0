/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "tls-client-helper.h"

#include "ns3/address.h"
#include "ns3/tls-client-application.h"

namespace ns3
{

TlsClientHelper::TlsClientHelper(const Address& remote)
{
    m_factory.SetTypeId(TlsClientApplication::GetTypeId());
    m_factory.Set("Remote", AddressValue(remote));
}

void
TlsClientHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
TlsClientHelper::Install(NodeContainer nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        apps.Add(Install(*it));
    }
    return apps;
}

ApplicationContainer
TlsClientHelper::Install(Ptr<Node> node) const
{
    Ptr<Application> app = m_factory.Create<Application>();
    node->AddApplication(app);
    return ApplicationContainer(app);
}

} // namespace ns3
