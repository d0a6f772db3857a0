/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-application-helper.h"

#include "ns3/abort.h"
#include "ns3/application.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/names.h"
#include "ns3/nstime.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/tls-context.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/uinteger.h"

namespace ns3
{

TlsApplicationHelper::TlsApplicationHelper(TypeId typeId)
{
    m_factory.SetTypeId(typeId);
    // What ./ns3tls run uses (--cpu=model): deterministic crypto costs.
    m_factory.Set("CostModel", PointerValue(CreateObject<TlsOperationCostModel>()));
}

void
TlsApplicationHelper::SetKeyLogFile(const std::string& path)
{
    NS_ABORT_MSG_UNLESS(TlsContext::SetKeyLogFile(path),
                        "cannot write key log file '" << path << "'");
}

void
TlsApplicationHelper::SetNodeNames(const std::string& prefix)
{
    m_namePrefix = prefix;
}

void
TlsApplicationHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

void
TlsApplicationHelper::SetTlsConfig(const TlsConfig& config)
{
    m_factory.Set("MinVersion", EnumValue(config.minVersion));
    m_factory.Set("MaxVersion", EnumValue(config.maxVersion));
    m_factory.Set("KeyExchange", EnumValue(config.keyExchange));
    m_factory.Set("Groups", StringValue(config.groups));
    m_factory.Set("Ciphers", StringValue(config.ciphers));
    m_factory.Set("SignatureAlgorithms", StringValue(config.signatureAlgorithms));
    m_factory.Set("Credentials", StringValue(config.credentials));
    m_factory.Set("CaFile", StringValue(config.caFile));
    m_factory.Set("ClientAuth", BooleanValue(config.clientAuth));
    m_factory.Set("Resumption", EnumValue(config.resume));
    m_factory.Set("ServerName", StringValue(config.serverName));
    m_factory.Set("MaxEarlyData", UintegerValue(config.maxEarlyData));
    m_factory.Set("VerifyDate", StringValue(TlsClock::FormatDate(config.verifyDate)));
    m_factory.Set("SessionTimeout", TimeValue(Seconds(config.sessionTimeout)));
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
    if (!m_namePrefix.empty() && Names::FindName(node).empty())
    {
        Names::Add(m_namePrefix + "-" + std::to_string(m_named++), node);
    }
    Ptr<Application> app = m_factory.Create<Application>();
    node->AddApplication(app);
    return ApplicationContainer(app);
}

} // namespace ns3
