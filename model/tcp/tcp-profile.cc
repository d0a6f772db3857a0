/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tcp-profile.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/tcp-linux-socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <utility>
#include <vector>

namespace ns3
{

bool
TcpProfile::IsKnown(const std::string& name)
{
    return name == "linux" || name == "ns3";
}

namespace
{

/// The linux profile: (attribute, value) pairs of TcpSocket / TcpSocketBase.
std::vector<std::pair<std::string, Ptr<AttributeValue>>>
LinuxAttributes()
{
    return {
        {"SegmentSize", Create<UintegerValue>(1448)},
        {"InitialCwnd", Create<UintegerValue>(10)},
        {"ConnTimeout", Create<TimeValue>(Seconds(1))},
        {"ConnCount", Create<UintegerValue>(6)}, // net.ipv4.tcp_syn_retries
        {"DelAckTimeout", Create<TimeValue>(MilliSeconds(40))},
        {"DelAckCount", Create<UintegerValue>(2)},
        // ns-3: RTO = max(srtt + max(G, 4 rttvar), MinRto). With G = 200 ms this is Linux's
        // srtt + max(4 mdev, rto_min), i.e. m + max(2m, 200 ms) after the first sample m.
        {"ClockGranularity", Create<TimeValue>(MilliSeconds(200))},
        {"MinRto", Create<TimeValue>(MilliSeconds(200))},
        {"Sack", Create<BooleanValue>(true)},
        {"Timestamp", Create<BooleanValue>(true)},
        {"WindowScaling", Create<BooleanValue>(true)},
        // TIME_WAIT = 2 MSL = 2 s, not Linux's 60 s: it only guards port reuse, which Linux
        // looks up in a hash table, while ns-3 scans a list of endpoints for every packet, so
        // long sequential runs would slow down with every connection still in TIME_WAIT.
        {"MaxSegLifetime", Create<DoubleValue>(1)},
    };
}

/**
 * The TypeId that declares an attribute (TcpSocket or TcpSocketBase).
 * @param attribute the attribute name
 * @param info set to the attribute's information
 * @return the declaring TypeId
 */
TypeId
Owner(const std::string& attribute, TypeId::AttributeInformation& info)
{
    TypeId socket = TypeId::LookupByName("ns3::TcpSocket");
    if (socket.LookupAttributeByName(attribute, &info))
    {
        return socket;
    }
    TypeId base = TypeId::LookupByName("ns3::TcpSocketBase");
    base.LookupAttributeByName(attribute, &info);
    return base;
}

/// The profile SetDefaults() made the attribute defaults ("" = ns-3's own).
std::string g_defaultsProfile;
/**
 * Whether the defaults SetDefaults() set are still in place: Config::Reset() (which ns-3.38 and
 * later run before and after every TestCase) puts back each attribute's original default object,
 * which SetDefaults() had replaced (a user's later Config::SetDefault does not).
 * @return false if the defaults were reset since
 */
bool
DefaultsInPlace()
{
    TypeId::AttributeInformation info;
    Owner("SegmentSize", info); // one of the profile's attributes
    return info.initialValue != info.originalInitialValue;
}

} // namespace

void
TcpProfile::Apply(Ptr<Socket> socket, const std::string& name)
{
    if (!g_defaultsProfile.empty() && !DefaultsInPlace())
    {
        g_defaultsProfile.clear(); // the defaults are no longer the profile's
    }
    if (name.empty() || name == "ns3" || name == g_defaultsProfile)
    {
        return; // nothing to change, or the profile already is every socket's default
    }
    NS_ABORT_MSG_UNLESS(name == "linux", "unknown TCP profile '" << name << "'");
    for (const auto& [attribute, value] : LinuxAttributes())
    {
        socket->SetAttribute(attribute, *value);
    }
}

void
TcpProfile::SetDefaults(const std::string& name)
{
    NS_ABORT_MSG_UNLESS(IsKnown(name), "unknown TCP profile '" << name << "'");
    g_defaultsProfile = name == "linux" ? name : "";
    for (const auto& [attribute, value] : LinuxAttributes())
    {
        TypeId::AttributeInformation info;
        std::string path = Owner(attribute, info).GetName() + "::" + attribute;
        // ns3: restore ns-3's own defaults (an earlier run in this process may have changed them).
        Config::SetDefault(path, name == "linux" ? *value : *info.originalInitialValue);
    }
}

Ptr<Socket>
TcpProfile::CreateSocket(Ptr<Node> node, const std::string& name)
{
    Ptr<Socket> socket = name == "linux"
                             ? Ptr<Socket>(TcpLinuxSocket::Create(node))
                             : Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    Apply(socket, name);
    return socket;
}

} // namespace ns3
