/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-application-helper.h"

#include "ns3/application.h"

namespace ns3
{

TlsApplicationHelper::TlsApplicationHelper(TypeId typeId)
{
    m_factory.SetTypeId(typeId);
}

void
TlsApplicationHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
TlsApplicationHelper::Install(NodeContainer nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        apps.Add(Install(*it));
    }
    return apps;
}

ApplicationContainer
TlsApplicationHelper::Install(Ptr<Node> node) const
{
    Ptr<Application> app = m_factory.Create<Application>();
    node->AddApplication(app);
    return ApplicationContainer(app);
}

} // namespace ns3
