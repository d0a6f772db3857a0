/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-scenario-config.h"

#include "ns3/tcp-profile.h"

#include "ns3/tcp-segment-drop-model.h"
#include "ns3/tls-clock.h"
#include "ns3/tls-context.h"
#include "ns3/tls-credentials.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-operation-cost-model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace ns3
{

namespace
{

/// One parameter: how to set it from a string and read it back.
struct Parameter
{
    std::string name;                                                       //!< flag name
    std::string help;                                                       //!< one line
    std::function<std::string(TlsScenarioConfig&, const std::string&)> set; //!< "" or error
    std::function<std::string(const TlsScenarioConfig&)> get;               //!< canonical value
};

bool
ParseUnsigned(const std::string& text, uint64_t max, uint64_t& value)
{
    if (text.empty() || text.size() > 19
        || text.find_first_not_of("0123456789") != std::string::npos)
    {
        return false;
    }
    value = std::stoull(text);
    return value <= max;
}

bool
ParseDouble(const std::string& text, double& value)
{
    if (text.empty())
    {
        return false;
    }
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end && *end == '\0' && std::isfinite(value);
}

std::string
Bad(const std::string& name, const std::string& value, const std::string& expected)
{
    return "invalid --" + name + "='" + value + "' (expected " + expected + ")";
}

std::string
FormatDouble(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

Parameter
Choice(const std::string& name,
       const std::string& help,
       std::vector<std::string> choices,
       std::string TlsScenarioConfig::*member)
{
    std::string expected;
    for (const auto& c : choices)
    {
        expected += (expected.empty() ? "" : "|") + c;
    }
    return {name,
            help + " (" + expected + ")",
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                for (const auto& choice : choices)
                {
                    if (v == choice)
                    {
                        c.*member = v;
                        return std::string();
                    }
                }
                return Bad(name, v, expected);
            },
            [=](const TlsScenarioConfig& c) { return c.*member; }};
}

Parameter
Text(const std::string& name, const std::string& help, std::string TlsScenarioConfig::*member)
{
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                c.*member = v;
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return c.*member; }};
}

Parameter
Count(const std::string& name,
      const std::string& help,
      uint32_t TlsScenarioConfig::*member,
      uint64_t min,
      uint64_t max)
{
    std::string expected = "an integer " + std::to_string(min) + ".." + std::to_string(max);
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                uint64_t n = 0;
                if (!ParseUnsigned(v, max, n) || n < min)
                {
                    return Bad(name, v, expected);
                }
                c.*member = static_cast<uint32_t>(n);
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return std::to_string(c.*member); }};
}

Parameter
Duration(const std::string& name,
         const std::string& help,
         Time TlsScenarioConfig::*member,
         bool positive)
{
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                Time t;
                if (!TlsScenarioConfig::ParseTime(v, t) || (positive && !t.IsStrictlyPositive()))
                {
                    return Bad(name,
                               v,
                               std::string(positive ? "a positive" : "a")
                                   + " time with a unit, e.g. 50ms, 0.2s, 800us");
                }
                c.*member = t;
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return TlsScenarioConfig::FormatTime(c.*member); }};
}

Parameter
Rate(const std::string& name, const std::string& help, uint64_t TlsScenarioConfig::*member)
{
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                uint64_t bps = 0;
                if (!TlsScenarioConfig::ParseRate(v, bps) || bps == 0)
                {
                    return Bad(name, v, "a rate with a unit, e.g. 10Mbps, 1Gbps, 500kbps");
                }
                c.*member = bps;
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return TlsScenarioConfig::FormatRate(c.*member); }};
}

Parameter
Factor(const std::string& name, const std::string& help, double TlsScenarioConfig::*member)
{
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                double d = 0;
                if (!ParseDouble(v, d) || d <= 0)
                {
                    return Bad(name, v, "a positive number");
                }
                c.*member = d;
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return FormatDouble(c.*member); }};
}

/// A probability; when optional, "" means unset (stored as -1).
Parameter
Probability(const std::string& name,
            const std::string& help,
            double TlsScenarioConfig::*member,
            bool optional = false)
{
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                if (optional && v.empty())
                {
                    c.*member = -1;
                    return std::string();
                }
                double d = 0;
                if (!ParseDouble(v, d) || d < 0 || d >= 1)
                {
                    return Bad(name, v, "a probability 0 <= p < 1, e.g. 0.01");
                }
                c.*member = d;
                return std::string();
            },
            [=](const TlsScenarioConfig& c)
            { return c.*member < 0 ? std::string() : FormatDouble(c.*member); }};
}

Parameter
DropList(const std::string& name, const std::string& help, std::string TlsScenarioConfig::*member)
{
    return {name,
            help,
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                std::set<uint32_t> indices;
                uint32_t syn = 0;
                std::string e = TcpSegmentDropModel::Parse(v, indices, syn);
                if (!e.empty())
                {
                    return Bad(name, v, "syn and/or segment numbers, e.g. 1 or syn,2");
                }
                c.*member = v;
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return c.*member; }};
}

/// A TLS version or range: 1.2, 1.3, 1.2-1.3.
Parameter
VersionRange(const std::string& name,
             const std::string& help,
             std::string TlsScenarioConfig::*member)
{
    return {name,
            help + " (1.2|1.3|1.2-1.3)",
            [=](TlsScenarioConfig& c, const std::string& v)
            {
                TlsConfig::Version min;
                TlsConfig::Version max;
                if (!TlsConfig::ParseRange(v, min, max))
                {
                    return Bad(name, v, "1.2, 1.3 or 1.2-1.3");
                }
                c.*member = TlsConfig::GetRangeName(min, max);
                return std::string();
            },
            [=](const TlsScenarioConfig& c) { return c.*member; }};
}

const std::vector<Parameter>&
Parameters()
{
    using C = TlsScenarioConfig;
    static const std::vector<Parameter> params = {
        VersionRange("tls", "TLS version(s) the client offers", &C::tls),
        VersionRange("server-tls", "TLS version(s) the server accepts", &C::serverTls),
        Text("server-name",
             "server name the client sends (SNI) and verifies in the server's certificate; "
             "give the name your --cert was issued for",
             &C::serverName),
        Choice("kx", "TLS 1.2 key exchange", {"ecdhe", "rsa", "dhe"}, &C::kx),
        Text("groups", "key exchange groups, OpenSSL syntax, e.g. X25519:P-256", &C::groups),
        Text("server-groups",
             "server's groups if they differ (e.g. to provoke a HelloRetryRequest)",
             &C::serverGroups),
        Text("ciphers",
             "OpenSSL cipher names: TLS_* go to the TLS 1.3 ciphersuites, the others to the "
             "TLS 1.2 cipher list",
             &C::ciphers),
        Text("sigalgs", "signature algorithms, OpenSSL syntax", &C::sigalgs),
        {"key",
         "server key type (" + TlsCredentials::KnownKeyTypes() + ")",
         [](C& c, const std::string& v)
         {
             if (!TlsCredentials::IsKnownKeyType(v))
             {
                 return Bad("key", v, TlsCredentials::KnownKeyTypes());
             }
             c.key = v;
             return std::string();
         },
         [](const C& c) { return c.key; }},
        {"ca-key",
         "key type of the root and intermediate CAs that sign the chain (default: --key's; "
         "SLH-DSA only here: "
             + TlsCredentials::KnownCaKeyTypes() + ")",
         [](C& c, const std::string& v)
         {
             if (!v.empty() && !TlsCredentials::IsKnownCaKeyType(v))
             {
                 return Bad("ca-key", v, TlsCredentials::KnownCaKeyTypes());
             }
             c.caKey = v;
             return std::string();
         },
         [](const C& c) { return c.caKey; }},
        Count("chain",
              "intermediate CAs between the leaf and the root (generated chains)",
              &C::chain,
              0,
              32),
        Text("cert", "PEM certificate chain (leaf first) instead of a generated one", &C::certFile),
        Text("private-key", "PEM private key for --cert", &C::keyFile),
        Text("ca-file", "extra trusted CA certificates (PEM)", &C::caFile),
        {"client-auth",
         "mutual authentication: the server requires a client certificate",
         [](C& c, const std::string& v)
         {
             if (v != "true" && v != "false" && v != "1" && v != "0")
             {
                 return Bad("client-auth", v, "true or false");
             }
             c.clientAuth = v == "true" || v == "1";
             return std::string();
         },
         [](const C& c) { return std::string(c.clientAuth ? "true" : "false"); }},
        Choice("resume",
               "resume the previous connection's session",
               {"none", "ticket", "session-id"},
               &C::resume),
        {"verify-date",
         "OpenSSL's date (UTC) at simulated time 0, then moving with the simulation: X.509 "
         "validity is checked, and sessions are dated and expire, on this clock "
         "(YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, or now = today's date, not repeatable)",
         [](C& c, const std::string& v)
         {
             int64_t seconds = 0;
             if (!TlsClock::ParseDate(v, seconds).empty())
             {
                 return Bad("verify-date", v, "YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or now");
             }
             c.verifyDate = seconds;
             return std::string();
         },
         [](const C& c) { return TlsClock::FormatDate(c.verifyDate); }},
        {"session-timeout",
         "session lifetime (OpenSSL's default 7200s): a server resumes no older session, and a "
         "TLS 1.3 ticket's lifetime hint is this (at most 7 days)",
         [](C& c, const std::string& v)
         {
             Time t;
             if (!TlsScenarioConfig::ParseTime(v, t) || t < Seconds(1)
                 || t.GetNanoSeconds() % 1000000000 != 0 || t > Seconds(INT32_MAX))
             {
                 return Bad("session-timeout", v, "whole seconds >= 1s, e.g. 7200s");
             }
             c.sessionTimeout = t;
             return std::string();
         },
         [](const C& c)
         { return std::to_string(c.sessionTimeout.GetNanoSeconds() / 1000000000) + "s"; }},
        Count("early-data",
              "send the first N bytes of the request as 0-RTT data on resumed TLS 1.3 "
              "connections (the request is then at least N bytes); CSV column "
              "early_data_bytes (early_data: 0-RTT accepted)",
              &C::earlyData,
              0,
              16384),
        Count("request", "request bytes sent after the handshake", &C::request, 0, 1u << 30),
        Count("response", "response bytes the server sends back", &C::response, 0, 1u << 30),
        Duration("rtt", "round-trip propagation delay", &C::rtt, false),
        Rate("bandwidth", "link rate, e.g. 10Mbps", &C::bandwidthBps),
        Probability("loss", "packet loss probability in each direction, 0 <= loss < 1", &C::loss),
        Probability(
            "loss-c2s", "client-to-server loss probability (default: --loss)", &C::lossC2s, true),
        Probability(
            "loss-s2c", "server-to-client loss probability (default: --loss)", &C::lossS2c, true),
        Choice("loss-model",
               "random loss: independent per packet, or Gilbert-Elliott bursts of mean --burst",
               {"bernoulli", "gilbert"},
               &C::lossModel),
        {"burst",
         "mean loss burst length in packets (--loss-model=gilbert)",
         [](C& c, const std::string& v)
         {
             double d = 0;
             if (!ParseDouble(v, d) || d < 1)
             {
                 return Bad("burst", v, "a number >= 1");
             }
             c.burst = d;
             return std::string();
         },
         [](const C& c) { return FormatDouble(c.burst); }},
        DropList("drop-c2s",
                 "drop these client-to-server segments of every connection: syn (once per SYN "
                 "transmission to drop: syn,syn = the first two) and/or the k-th data-carrying "
                 "transmission, e.g. 1 or syn,2",
                 &C::dropC2s),
        DropList("drop-s2c",
                 "drop these server-to-client segments of every connection (syn = a SYN-ACK; "
                 "1 = the first server data segment, i.e. the start of ServerHello's flight)",
                 &C::dropS2c),
        {"queue",
         "device queue size, e.g. 100p (packets) or 64KB",
         [](C& c, const std::string& v)
         {
             size_t digits = v.find_first_not_of("0123456789");
             std::string unit = digits == std::string::npos ? "" : v.substr(digits);
             // QueueSize holds a 32-bit count: larger values would silently wrap.
             uint64_t scale = unit == "KB" ? 1000 : unit == "MB" ? 1000000 : 1;
             uint64_t n = 0;
             if (digits == 0 || digits == std::string::npos
                 || (unit != "p" && unit != "B" && unit != "KB" && unit != "MB")
                 || !ParseUnsigned(v.substr(0, digits), UINT32_MAX / scale, n) || n == 0)
             {
                 return Bad("queue",
                            v,
                            "a size like 100p, 1500B, 64KB, at most " + std::to_string(UINT32_MAX)
                                + " packets or bytes");
             }
             c.queue = v;
             return std::string();
         },
         [](const C& c) { return c.queue; }},
        Choice("tcp", "TCP profile", {"linux", "ns3"}, &C::tcp),
        Count("hz",
              "Linux timer ticks per second (CONFIG_HZ) of the linux TCP profile: its "
              "retransmission, probe, SYN and delayed-ACK timers fire on these ticks as Linux's "
              "timer wheel fires them (250: Debian's kernels; 1000: Fedora's; 0: exact times)",
              &C::hz,
              0,
              10000),
        {"tick-phase",
         "where the linux profile's timer ticks fall: auto (each host its own phase, from the "
         "seed, run number and node id, as hosts booted at unrelated times) or a time, the "
         "jiffies counter of every host at simulated time 0 (0ms: ticks at multiples of 1/hz)",
         [](C& c, const std::string& v)
         {
             Time t;
             if (v == "auto")
             {
                 c.tickPhase = NanoSeconds(-1);
             }
             else if (TlsScenarioConfig::ParseTime(v, t) && !t.IsStrictlyNegative())
             {
                 c.tickPhase = t;
             }
             else
             {
                 return Bad("tick-phase", v, "auto or a time with a unit, e.g. 0ms, 2ms");
             }
             return std::string();
         },
         [](const C& c)
         {
             return c.tickPhase.IsStrictlyNegative() ? std::string("auto")
                                                     : TlsScenarioConfig::FormatTime(c.tickPhase);
         }},
        Count("initcwnd",
              "client's initial congestion window in segments (0: the TCP profile's, 10 for linux)",
              &C::initcwnd,
              0,
              1000),
        Count("server-initcwnd",
              "server's initial congestion window in segments (0: the TCP profile's)",
              &C::serverInitcwnd,
              0,
              1000),
        Count("mss",
              "TCP payload bytes per segment, both sides (0: the TCP profile's, 1448 for linux); "
              "links get an MTU of at least mss + 52 (IP, TCP and timestamp headers)",
              &C::mss,
              0,
              65483),
        Choice("cpu",
               "crypto cost in simulated time: per-operation table (deterministic), thread CPU "
               "time actually spent, or nothing",
               {"model", "measured", "none"},
               &C::cpu),
        {"cost-table",
         "JSON operation cost table for --cpu=model (from ./ns3tls calibrate)",
         [](C& c, const std::string& v)
         {
             if (!v.empty())
             {
                 TlsOperationCostModel model;
                 std::string e = model.LoadTable(v);
                 if (!e.empty())
                 {
                     return "invalid --cost-table='" + v + "': " + e;
                 }
             }
             c.costTable = v;
             return std::string();
         },
         [](const C& c) { return c.costTable; }},
        Count("server-cores", "server CPU cores", &C::serverCores, 1, 1024),
        Factor("client-speed", "client CPU cost multiplier (20 = 20x slower)", &C::clientSpeed),
        Factor("server-speed", "server CPU cost multiplier", &C::serverSpeed),
        Count("handshakes", "connections per client", &C::handshakes, 1, 10000000),
        Duration("interval",
                 "pause between one connection's end and the next's start",
                 &C::interval,
                 false),
        Count("clients",
              "client nodes; more than one: a dumbbell (access links, router, bottleneck link "
              "with --bandwidth, --rtt, --queue and the losses)",
              &C::clients,
              1,
              100000),
        Choice("arrival",
               "when clients start: all at once, evenly over --arrival-window, or Poisson with "
               "clients/window arrivals per second",
               {"once", "uniform", "poisson"},
               &C::arrival),
        Duration("arrival-window", "spread of the client arrivals", &C::arrivalWindow, true),
        Rate("access-bandwidth", "dumbbell access link rate", &C::accessBandwidthBps),
        Duration("access-delay",
                 "dumbbell access link one-way delay (taken from --rtt's budget)",
                 &C::accessDelay,
                 false),
        Duration("timeout", "per-connection limit (error 'timeout')", &C::timeout, true),
        {"seed",
         "ns-3 and OpenSSL random seed",
         [](C& c, const std::string& v)
         {
             uint64_t n = 0;
             if (!ParseUnsigned(v, UINT32_MAX, n) || n == 0)
             {
                 return Bad("seed", v, "an integer 1..4294967295");
             }
             c.seed = n;
             return std::string();
         },
         [](const C& c) { return std::to_string(c.seed); }},
        {"run",
         "ns-3 run number (independent replications)",
         [](C& c, const std::string& v)
         {
             uint64_t n = 0;
             if (!ParseUnsigned(v, UINT64_MAX / 2, n))
             {
                 return Bad("run", v, "a non-negative integer");
             }
             c.run = n;
             return std::string();
         },
         [](const C& c) { return std::to_string(c.run); }},
        Choice("fault",
               "provoke a failure on purpose",
               {"none", "untrusted-ca", "expired", "version-mismatch", "no-common-cipher"},
               &C::fault),
        Text("csv", "write a row per handshake to this file", &C::csv),
        Text("timeline",
             "write a row per TLS message and TCP handshake segment or retransmission to this file",
             &C::timeline),
        Text("pcap",
             "write pcaps of the client-server (or bottleneck) link, both ends, with this prefix",
             &C::pcap),
        Text("keylog", "write the NSS key log (for Wireshark) to this file", &C::keylog),
    };
    return params;
}

const Parameter*
Find(const std::string& name)
{
    for (const auto& p : Parameters())
    {
        if (p.name == name)
        {
            return &p;
        }
    }
    return nullptr;
}

/// The group names of an OpenSSL group list ("*X25519MLKEM768:?P-256/X25519"): tuples ('/')
/// and prefixes ('*' key share, '?' ignore if unknown) taken apart, removals ('-') left out.
/// @return false if the list holds a name OpenSSL's providers do not know or DEFAULT (then
///   only OpenSSL can tell what it means)
bool
KnownGroups(const std::string& list, std::vector<TlsOpenSsl::GroupInfo>& groups)
{
    std::string item;
    std::istringstream is(list);
    while (std::getline(is, item, ':'))
    {
        std::istringstream tuple(item);
        std::string name;
        while (std::getline(tuple, name, '/'))
        {
            while (!name.empty() && (name[0] == '*' || name[0] == '?'))
            {
                name.erase(0, 1);
            }
            if (name.empty() || name[0] == '-')
            {
                continue;
            }
            TlsOpenSsl::GroupInfo info;
            if (!TlsOpenSsl::GetGroupInfo(name, info))
            {
                return false;
            }
            groups.push_back(info);
        }
    }
    return true;
}

/**
 * Why no group of a list can serve a TLS version, as libssl decides (tls_valid_group).
 * @param list an OpenSSL group list
 * @param tls13 the version: TLS 1.3 or TLS 1.2 (ECDHE)
 * @return "" if some group can (or the list is empty, or only OpenSSL can tell), else why not
 */
std::string
GroupListProblem(const std::string& list, bool tls13)
{
    std::vector<TlsOpenSsl::GroupInfo> groups;
    if (list.empty() || !KnownGroups(list, groups) || groups.empty())
    {
        return "";
    }
    std::vector<std::string> reasons;
    for (const auto& g : groups)
    {
        if (TlsOpenSsl::IsGroupUsable(g, tls13))
        {
            return "";
        }
        std::string reason;
        TlsOpenSsl::GroupInfo other;
        if (g.algorithm.find("ML-KEM") != std::string::npos
            || g.name.find("MLKEM") != std::string::npos)
        {
            reason = "ML-KEM groups need TLS 1.3"; // draft-ietf-tls-mlkem, -ecdhe-mlkem
        }
        else if (!tls13 && TlsOpenSsl::IsGroupUsable(g, true))
        {
            reason = g.name + " is a TLS 1.3 group";
        }
        else if (!tls13)
        {
            reason = g.name + " is not an elliptic-curve group, which TLS 1.2 ECDHE needs";
        }
        else if (TlsOpenSsl::GetGroupInfo(g.name + "tls13", other))
        {
            reason = g.name + " is TLS 1.2's name (RFC 7027); TLS 1.3's is " + other.name;
        }
        else
        {
            reason = g.name + " is a TLS 1.2 group";
        }
        if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
        {
            reasons.push_back(reason);
        }
    }
    std::string text;
    for (const auto& r : reasons)
    {
        text += (text.empty() ? "" : "; ") + r;
    }
    return text;
}

/// @return the TLS group of an ECDSA key type's curve, e.g. "P-256" for p256 ("" if not ECDSA)
std::string
EcdsaGroup(const std::string& keyType)
{
    static const std::map<std::string, std::string> curves{
        {"p256", "P-256"}, {"p384", "P-384"}, {"p521", "P-521"}};
    auto it = curves.find(keyType);
    return it == curves.end() ? "" : it->second;
}

} // namespace

TlsScenarioConfig::TlsScenarioConfig()
    : verifyDate(TlsClock::DEFAULT_EPOCH)
    , sessionTimeout(Seconds(TlsClock::DEFAULT_SESSION_TIMEOUT))
{
}

std::string
TlsScenarioConfig::Set(const std::string& name, const std::string& value)
{
    const Parameter* p = Find(name);
    if (p == nullptr)
    {
        return "unknown parameter '" + name + "'";
    }
    return p->set(*this, value);
}

std::string
TlsScenarioConfig::Get(const std::string& name) const
{
    const Parameter* p = Find(name);
    return p ? p->get(*this) : "";
}

std::vector<std::string>
TlsScenarioConfig::GetNames()
{
    std::vector<std::string> names;
    for (const auto& p : Parameters())
    {
        names.push_back(p.name);
    }
    return names;
}

std::string
TlsScenarioConfig::GetHelp(const std::string& name)
{
    const Parameter* p = Find(name);
    return p ? p->help : "";
}

std::string
TlsScenarioConfig::SetNs3Default(const std::string& path, const std::string& value)
{
    // Attributes the scenario sets on its objects from its own flags (an attribute default
    // would be overwritten silently): the flag to use instead.
    static const std::vector<std::pair<std::string, std::string>> owned{
        {"ns3::TlsClientApplication::Handshakes", "--handshakes"},
        {"ns3::TlsClientApplication::Interval", "--interval"},
        {"ns3::TlsClientApplication::Timeout", "--timeout"},
        {"ns3::TlsClientApplication::EarlyData", "--early-data"},
        {"ns3::TlsClientApplication::RequestSize", "--request"},
        {"ns3::TlsClientApplication::ResponseSize", "--response"},
        {"ns3::TlsClientApplication::", "the scenario's flags"},
        {"ns3::TlsServerApplication::", "the scenario's flags"},
        {"ns3::TlsApplication::MinVersion", "--tls / --server-tls"},
        {"ns3::TlsApplication::MaxVersion", "--tls / --server-tls"},
        {"ns3::TlsApplication::Version", "--tls / --server-tls"},
        {"ns3::TlsApplication::ServerName", "--server-name"},
        {"ns3::TlsApplication::TcpProfile", "--tcp"},
        {"ns3::TlsApplication::", "the scenario's flags"},
        {"ns3::PointToPointNetDevice::DataRate", "--bandwidth / --access-bandwidth"},
        {"ns3::PointToPointChannel::Delay", "--rtt / --access-delay"},
        {"ns3::DropTailQueue<Packet>::MaxSize", "--queue"},
        {"ns3::RateErrorModel::", "--loss"},
        {"ns3::TlsCpu::", "--server-cores / --client-speed / --server-speed"},
        {"ns3::TlsOperationCostModel::", "--cpu / --cost-table"},
        {"ns3::TcpLinuxSocket::Hz", "--hz"},
        {"ns3::TcpLinuxSocket::TickPhase", "--tick-phase"},
    };
    for (const auto& [prefix, flag] : owned)
    {
        if (path.rfind(prefix, 0) == 0)
        {
            return "--" + path + " is set by the scenario: use " + flag;
        }
    }
    ns3Defaults.emplace_back(path, value);
    return "";
}

std::string
TlsScenarioConfig::Validate(bool pair) const
{
    for (const auto& [flag, value] :
         std::vector<std::pair<std::string, std::string>>{{"groups", groups},
                                                          {"server-groups", serverGroups},
                                                          {"sigalgs", sigalgs},
                                                          {"key", key},
                                                          {"ca-key", caKey}})
    {
        std::string e = TlsOpenSsl::PostQuantumError("--" + flag + "=" + value, value);
        if (!e.empty())
        {
            return e;
        }
    }
    if (!caKey.empty() && !certFile.empty())
    {
        return "--ca-key=" + caKey + " needs generated credentials: drop --cert";
    }
    if (chain != 0 && !certFile.empty())
    {
        return "--chain=" + std::to_string(chain) + " needs generated credentials: drop --cert";
    }
    if (mss != 0 && mss < 88)
    {
        return "invalid --mss=" + std::to_string(mss) + " (expected 0 or 88..65483)";
    }
    bool rsaKey = key.rfind("rsa", 0) == 0;
    TlsConfig::Version min;
    TlsConfig::Version max;
    TlsConfig::ParseRange(tls, min, max);
    if (min == TlsConfig::VERSION_1_2 && (kx == "rsa" || kx == "dhe") && !rsaKey
        && certFile.empty())
    {
        return "--kx=" + kx + " needs an RSA key (--key=rsa...), not --key=" + key;
    }
    if (min == TlsConfig::VERSION_1_3 && kx != "ecdhe")
    {
        // TLS 1.3 has no RSA or finite-field-only key exchange choice: --groups picks its group
        return "--kx=" + kx
               + " is a TLS 1.2 key exchange: use --tls=1.2 (or 1.2-1.3), or "
                 "--groups for TLS 1.3";
    }
    if (earlyData > 0 && (max != TlsConfig::VERSION_1_3 || resume == "none"))
    {
        return "--early-data needs --tls=1.3 (or 1.2-1.3) and --resume=ticket|session-id";
    }
    if (fault == "version-mismatch" && min != max)
    {
        return "--fault=version-mismatch needs one client version (--tls=1.2 or 1.3), not --tls="
               + tls;
    }
    std::string e = pair ? VersionProblem() : "";
    if (!e.empty())
    {
        return e;
    }
    if (serverName.empty())
    {
        return "invalid --server-name='' (expected a DNS name)";
    }
    if (accessDelay * 2 > rtt)
    {
        return "--access-delay=" + FormatTime(accessDelay)
               + " exceeds half of --rtt=" + FormatTime(rtt);
    }
    if (certFile.empty() != keyFile.empty())
    {
        return "--cert and --private-key go together";
    }
    if (fault == "no-common-cipher" && !ciphers.empty())
    {
        return "--fault=no-common-cipher chooses the ciphers itself: drop --ciphers";
    }
    if ((fault == "untrusted-ca" || fault == "expired") && !certFile.empty())
    {
        return "--fault=" + fault + " needs generated credentials: drop --cert";
    }
    return "";
}

std::string
TlsScenarioConfig::VersionProblem() const
{
    TlsConfig::Version clientMin;
    TlsConfig::Version clientMax;
    TlsConfig::Version serverMin;
    TlsConfig::Version serverMax;
    TlsConfig::ParseRange(tls, clientMin, clientMax);
    TlsConfig::ParseRange(GetServerTls(), serverMin, serverMax);
    const bool clientTls13 = clientMax == TlsConfig::VERSION_1_3;
    // A client that may offer TLS 1.3 sends key shares only for TLS 1.3 groups: without one it
    // refuses to start (tls_construct_ctos_supported_groups: "No groups enabled for max
    // supported SSL/TLS version"), whatever the server would choose.
    std::string why = clientTls13 ? GroupListProblem(groups, true) : "";
    if (!why.empty())
    {
        return "--groups=" + groups + ": " + why + " (a client that offers TLS 1.3 needs a "
               + "TLS 1.3 group; or use --tls=1.2)";
    }
    // The version the two ends settle on: the highest both accept (none: a version mismatch,
    // the handshake's own failure).
    if (clientMin > serverMax || serverMin > clientMax)
    {
        return "";
    }
    const bool tls13 = clientTls13 && serverMax == TlsConfig::VERSION_1_3;
    if (tls13)
    {
        why = GroupListProblem(serverGroups, true);
        return why.empty() ? ""
                           : "--server-groups=" + serverGroups + ": " + why
                                 + " (TLS 1.3 is negotiated: the server needs a TLS 1.3 group)";
    }
    const std::string use
        = clientTls13 ? "use --server-tls=1.3 or 1.2-1.3" : "use --tls=1.3 or 1.2-1.3";
    std::string keyType = certFile.empty() ? key : TlsCredentials::GetCertificateKeyType(certFile);
    std::string keyFlag = certFile.empty() ? "--key=" + key : "--cert=" + certFile;
    if (TlsCredentials::IsPostQuantum(keyType))
    {
        // No TLS 1.2 signature scheme: draft-ietf-tls-mldsa registers ML-DSA for TLS 1.3 only.
        return keyFlag + ": ML-DSA signatures need TLS 1.3 (" + use + ")";
    }
    if (!sigalgs.empty() && TlsOpenSsl::OnlyTls13Sigalgs(sigalgs))
    {
        return "--sigalgs=" + sigalgs + ": these signature schemes need TLS 1.3 (" + use + ")";
    }
    if (kx != "ecdhe")
    {
        return ""; // RSA and DHE key exchange in TLS 1.2 use no group
    }
    for (const auto& [flag, list] :
         {std::pair<std::string, std::string>{"groups", groups}, {"server-groups", serverGroups}})
    {
        why = GroupListProblem(list, false);
        if (!why.empty())
        {
            return "--" + flag + "=" + list + ": " + why + " (" + use + ")";
        }
    }
    // RFC 8422 section 5.1 (RFC 4492 before it): in TLS 1.2 the client's supported groups
    // also bound the curves of the ECDSA certificates it accepts (and may send); OpenSSL
    // refuses a certificate on another curve (tls1_check_cert_param).
    TlsOpenSsl::GroupInfo curve;
    std::vector<TlsOpenSsl::GroupInfo> known;
    if (TlsOpenSsl::GetGroupInfo(EcdsaGroup(keyType), curve) && !groups.empty()
        && KnownGroups(groups, known)
        && std::none_of(known.begin(),
                        known.end(),
                        [&curve](const TlsOpenSsl::GroupInfo& g)
                        {
                            return g.internal == curve.internal; // P-256 = secp256r1
                        }))
    {
        return "--groups=" + groups + ": in TLS 1.2 the client's groups must include the "
               + "curve of the ECDSA " + keyFlag + " (RFC 8422 section 5.1): add " + curve.name
               + " (--groups=" + groups + ":" + curve.name + "), or " + use;
    }
    return "";
}

std::string
TlsScenarioConfig::GetServerTls() const
{
    if (fault == "version-mismatch")
    {
        // The client offers one version (Validate): the server accepts only the other.
        return tls == "1.3" ? "1.2" : "1.3";
    }
    return serverTls;
}

std::vector<std::pair<std::string, std::string>>
TlsScenarioConfig::GetParameterColumns() const
{
    // A --cert chain's own intermediates and CA key types (what generated chains take from
    // --chain and --ca-key).
    TlsCredentials::PemChainInfo pem;
    if (!certFile.empty())
    {
        pem = TlsCredentials::DescribePemChain(certFile, caFile);
    }
    return {{"tls", tls},
            {"kx", tls == "1.3" ? "ecdhe" : kx},
            {"server_tls", GetServerTls()},
            {"key", certFile.empty() ? key : TlsCredentials::GetCertificateKeyType(certFile)},
            {"ca_key", certFile.empty() ? (caKey.empty() ? key : caKey) : pem.caKeyType},
            {"chain",
             certFile.empty()        ? std::to_string(chain)
             : pem.intermediates < 0 ? ""
                                     : std::to_string(pem.intermediates)},
            {"groups", groups},
            {"server_groups", serverGroups.empty() ? groups : serverGroups},
            {"resume", resume},
            {"client_auth", clientAuth ? "1" : "0"},
            {"early_data_bytes", std::to_string(earlyData)},
            {"request", std::to_string(request)},
            {"response", std::to_string(response)},
            {"rtt", FormatTime(rtt)},
            {"rtt_ms", FormatDouble(rtt.GetNanoSeconds() / 1e6)},
            {"bandwidth", FormatRate(bandwidthBps)},
            {"bandwidth_mbps", FormatDouble(bandwidthBps / 1e6)},
            {"loss", FormatDouble(loss)},
            {"loss_c2s", FormatDouble(GetLoss(true))},
            {"loss_s2c", FormatDouble(GetLoss(false))},
            {"loss_model", lossModel},
            {"burst", lossModel == "gilbert" ? FormatDouble(burst) : ""},
            {"drop_c2s", dropC2s},
            {"drop_s2c", dropS2c},
            {"queue", queue},
            {"tcp", tcp},
            {"hz", std::to_string(hz)},
            {"tick_phase", tickPhase.IsStrictlyNegative() ? "auto" : FormatTime(tickPhase)},
            {"initcwnd", std::to_string(initcwnd)},
            {"server_initcwnd", std::to_string(serverInitcwnd)},
            {"mss", std::to_string(mss)},
            {"cpu", cpu},
            {"clients", std::to_string(clients)},
            {"arrival", arrival},
            {"fault", fault},
            {"seed", std::to_string(seed)},
            {"run", std::to_string(run)}};
}

double
TlsScenarioConfig::GetLoss(bool clientToServer) const
{
    double d = clientToServer ? lossC2s : lossS2c;
    return d < 0 ? loss : d;
}

bool
TlsScenarioConfig::ParseTime(const std::string& text, Time& t)
{
    static const std::vector<std::pair<std::string, double>> units
        = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    for (const auto& u : units)
    {
        if (text.size() > u.first.size()
            && text.compare(text.size() - u.first.size(), u.first.size(), u.first) == 0)
        {
            double v = 0;
            std::string number = text.substr(0, text.size() - u.first.size());
            if (!ParseDouble(number, v) || v < 0 || v * u.second > 1e18)
            {
                return false;
            }
            // "ms" also ends in "s": make sure the number part has no letters left.
            if (number.find_first_of("munµ") != std::string::npos)
            {
                continue;
            }
            t = NanoSeconds(static_cast<int64_t>(std::llround(v * u.second)));
            return true;
        }
    }
    return false;
}

bool
TlsScenarioConfig::ParseRate(const std::string& text, uint64_t& bps)
{
    static const std::vector<std::pair<std::string, double>> units
        = {{"Gbps", 1e9}, {"Mbps", 1e6}, {"kbps", 1e3}, {"Kbps", 1e3}, {"bps", 1}};
    for (const auto& u : units)
    {
        if (text.size() > u.first.size()
            && text.compare(text.size() - u.first.size(), u.first.size(), u.first) == 0)
        {
            double v = 0;
            if (!ParseDouble(text.substr(0, text.size() - u.first.size()), v) || v < 0
                || v * u.second > 1e15)
            {
                return false;
            }
            bps = static_cast<uint64_t>(std::llround(v * u.second));
            return true;
        }
    }
    return false;
}

std::string
TlsScenarioConfig::FormatTime(Time t)
{
    int64_t ns = t.GetNanoSeconds();
    if (ns % 1000000 == 0)
    {
        return std::to_string(ns / 1000000) + "ms";
    }
    if (ns % 1000 == 0)
    {
        return std::to_string(ns / 1000) + "us";
    }
    return std::to_string(ns) + "ns";
}

std::string
TlsScenarioConfig::FormatRate(uint64_t bps)
{
    if (bps % 1000000000 == 0)
    {
        return std::to_string(bps / 1000000000) + "Gbps";
    }
    if (bps % 1000000 == 0)
    {
        return std::to_string(bps / 1000000) + "Mbps";
    }
    if (bps % 1000 == 0)
    {
        return std::to_string(bps / 1000) + "kbps";
    }
    return std::to_string(bps) + "bps";
}

} // namespace ns3
