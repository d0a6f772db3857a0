/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "tcp-profile.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

namespace ns3
{

bool
TcpProfile::IsKnown(const std::string& name)
{
    return name == "linux" || name == "ns3";
}

void
TcpProfile::Apply(Ptr<Socket> socket, const std::string& name)
{
    if (name.empty() || name == "ns3")
    {
        return;
    }
    NS_ABORT_MSG_UNLESS(name == "linux", "unknown TCP profile '" << name << "'");
    socket->SetAttribute("SegmentSize", UintegerValue(1448));
    socket->SetAttribute("InitialCwnd", UintegerValue(10));
    socket->SetAttribute("ConnTimeout", TimeValue(Seconds(1)));
    socket->SetAttribute("ConnCount", UintegerValue(6)); // net.ipv4.tcp_syn_retries
    socket->SetAttribute("DelAckTimeout", TimeValue(MilliSeconds(40)));
    socket->SetAttribute("DelAckCount", UintegerValue(2));
    // ns-3: RTO = max(srtt + max(G, 4 rttvar), MinRto). With G = 200 ms this is Linux's
    // srtt + max(4 mdev, rto_min), i.e. m + max(2m, 200 ms) after the first sample m.
    socket->SetAttribute("ClockGranularity", TimeValue(MilliSeconds(200)));
    socket->SetAttribute("MinRto", TimeValue(MilliSeconds(200)));
    socket->SetAttribute("Sack", BooleanValue(true));
    socket->SetAttribute("Timestamp", BooleanValue(true));
    socket->SetAttribute("WindowScaling", BooleanValue(true));
    // TIME_WAIT = 2 MSL = 2 s, not Linux's 60 s: it only guards port reuse, which Linux looks
    // up in a hash table, while ns-3 scans a list of endpoints for every packet, so long
    // sequential runs would slow down with every connection still in TIME_WAIT.
    socket->SetAttribute("MaxSegLifetime", DoubleValue(1));
}

} // namespace ns3
