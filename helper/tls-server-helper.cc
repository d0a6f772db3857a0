/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "tls-server-helper.h"

#include "ns3/tls-server-application.h"
#include "ns3/uinteger.h"

namespace ns3
{

TlsServerHelper::TlsServerHelper(uint16_t port)
{
    m_factory.SetTypeId(TlsServerApplication::GetTypeId());
    m_factory.Set("Port", UintegerValue(port));
}

void
TlsServerHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
TlsServerHelper::Install(NodeContainer nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        apps.Add(Install(*it));
    }
    return apps;
}

ApplicationContainer
TlsServerHelper::Install(Ptr<Node> node) const
{
    Ptr<Application> app = m_factory.Create<Application>();
    node->AddApplication(app);
    return ApplicationContainer(app);
}

} // namespace ns3
