/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-application.h"

#include "ns3/tcp-profile.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/ns3-compat.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsApplication");

NS_OBJECT_ENSURE_REGISTERED(TlsApplication);

namespace
{
/// The Version attribute's "not set" value (not a TLS version).
const int VERSION_UNSET = 0;

Ptr<const AttributeChecker>
VersionChecker()
{
    return MakeEnumChecker(TlsConfig::VERSION_1_2, "1.2", TlsConfig::VERSION_1_3, "1.3");
}
} // namespace

TypeId
TlsApplication::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TlsApplication")
              .SetParent<Application>()
              .SetGroupName("Tls")
              .AddAttribute("MinVersion",
                            "Lowest TLS version offered (client) or accepted (server)",
                            EnumValue(TlsConfig::VERSION_1_2),
                            NS3TLS_ENUM_ACCESSOR(TlsConfig::Version, &TlsApplication::m_minVersion),
                            VersionChecker())
              .AddAttribute("MaxVersion",
                            "Highest TLS version offered (client) or accepted (server)",
                            EnumValue(TlsConfig::VERSION_1_3),
                            NS3TLS_ENUM_ACCESSOR(TlsConfig::Version, &TlsApplication::m_maxVersion),
                            VersionChecker())
              .AddAttribute("Version",
                            "Shorthand: offer/accept only this TLS version (sets MinVersion and "
                            "MaxVersion, and wins over them); unset: MinVersion-MaxVersion",
                            EnumValue(VERSION_UNSET),
                            NS3TLS_ENUM_ACCESSOR(
                                int, &TlsApplication::SetVersion, &TlsApplication::GetVersion),
                            MakeEnumChecker(VERSION_UNSET,
                                            "",
                                            int(TlsConfig::VERSION_1_2),
                                            "1.2",
                                            int(TlsConfig::VERSION_1_3),
                                            "1.3"))
              .AddAttribute(
                  "KeyExchange",
                  "TLS 1.2 key exchange of the default cipher list",
                  EnumValue(TlsConfig::KX_ECDHE),
                  NS3TLS_ENUM_ACCESSOR(TlsConfig::KeyExchange, &TlsApplication::m_keyExchange),
                  MakeEnumChecker(TlsConfig::KX_ECDHE,
                                  "ecdhe",
                                  TlsConfig::KX_RSA,
                                  "rsa",
                                  TlsConfig::KX_DHE,
                                  "dhe"))
              .AddAttribute("Groups",
                            "Key exchange groups, OpenSSL syntax (e.g. X25519:P-256); "
                            "empty: OpenSSL's default",
                            StringValue(""),
                            MakeStringAccessor(&TlsApplication::m_groups),
                            MakeStringChecker())
              .AddAttribute("Ciphers",
                            "TLS 1.2 cipher list or TLS 1.3 ciphersuites; empty: a default",
                            StringValue(""),
                            MakeStringAccessor(&TlsApplication::m_ciphers),
                            MakeStringChecker())
              .AddAttribute("SignatureAlgorithms",
                            "Signature algorithms, OpenSSL syntax; empty: OpenSSL's default",
                            StringValue(""),
                            MakeStringAccessor(&TlsApplication::m_signatureAlgorithms),
                            MakeStringChecker())
              .AddAttribute(
                  "Credentials",
                  "Own certificate: key type (" + TlsCredentials::KnownKeyTypes() + "), "
                  "chain=N, expired, untrusted, or cert=FILE,key=FILE (comma-separated)",
                  StringValue("rsa2048"),
                  MakeStringAccessor(&TlsApplication::m_credentials),
                  MakeStringChecker())
              .AddAttribute(
                  "CaFile",
                  "Extra trusted CA certificates (PEM); generated roots are always trusted",
                  StringValue(""),
                  MakeStringAccessor(&TlsApplication::m_caFile),
                  MakeStringChecker())
              .AddAttribute("ClientAuth",
                            "Server: request and require a client certificate; client: have one",
                            BooleanValue(false),
                            MakeBooleanAccessor(&TlsApplication::m_clientAuth),
                            MakeBooleanChecker())
              .AddAttribute(
                  "Resumption",
                  "Session resumption (client: resume the previous connection's)",
                  EnumValue(TlsConfig::RESUME_NONE),
                  NS3TLS_ENUM_ACCESSOR(TlsConfig::Resumption, &TlsApplication::m_resumption),
                  MakeEnumChecker(TlsConfig::RESUME_NONE,
                                  "none",
                                  TlsConfig::RESUME_TICKET,
                                  "ticket",
                                  TlsConfig::RESUME_SESSION_ID,
                                  "session-id"))
              .AddAttribute("ServerName",
                            "SNI sent by the client and name checked in the server certificate",
                            StringValue("server.ns3tls"),
                            MakeStringAccessor(&TlsApplication::m_serverName),
                            MakeStringChecker())
              .AddAttribute("CostModel",
                            "How much simulated CPU time each TLS step costs (null: none)",
                            PointerValue(),
                            MakePointerAccessor(&TlsApplication::m_costModel),
                            MakePointerChecker<TlsCostModel>())
              .AddAttribute("TcpProfile",
                            "TCP socket attribute set applied to the application's sockets: "
                            "linux, ns3, or empty to leave the socket defaults",
                            StringValue("linux"),
                            MakeStringAccessor(&TlsApplication::m_tcpProfile),
                            MakeStringChecker())
              .AddAttribute("InitialCwnd",
                            "Initial congestion window of this end's sockets in segments "
                            "(0: the TcpProfile's; Linux: ip route ... initcwnd N)",
                            UintegerValue(0),
                            MakeUintegerAccessor(&TlsApplication::m_initialCwnd),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("SegmentSize",
                            "TCP payload bytes per segment of this end's sockets (0: the "
                            "TcpProfile's; Linux: ip route ... advmss N)",
                            UintegerValue(0),
                            MakeUintegerAccessor(&TlsApplication::m_segmentSize),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("VerifyDate",
                            "OpenSSL's date at simulated time 0 (UTC, YYYY-MM-DD or "
                            "YYYY-MM-DDTHH:MM:SSZ): certificates are verified, and sessions "
                            "dated, at this date plus the simulated time",
                            StringValue(TlsClock::FormatDate(TlsClock::DEFAULT_EPOCH)),
                            MakeStringAccessor(&TlsApplication::m_verifyDate),
                            MakeStringChecker())
              .AddAttribute("SessionTimeout",
                            "Session lifetime (SSL_CTX_set_timeout, whole seconds): a server "
                            "resumes no older session and a TLS 1.3 ticket's lifetime hint is "
                            "this (at most 7 days)",
                            TimeValue(Seconds(TlsClock::DEFAULT_SESSION_TIMEOUT)),
                            MakeTimeAccessor(&TlsApplication::m_sessionTimeout),
                            MakeTimeChecker(Seconds(1)))
              .AddAttribute("MaxEarlyData",
                            "Server: 0-RTT bytes accepted in TLS 1.3 (0 disables early data)",
                            UintegerValue(16384),
                            MakeUintegerAccessor(&TlsApplication::m_maxEarlyData),
                            MakeUintegerChecker<uint32_t>());
    return tid;
}

TlsConfig
TlsApplication::GetTlsConfig(TlsContext::Role role) const
{
    TlsConfig c;
    c.minVersion = m_minVersion;
    c.maxVersion = m_maxVersion;
    c.keyExchange = m_keyExchange;
    c.groups = m_groups;
    c.ciphers = m_ciphers;
    c.signatureAlgorithms = m_signatureAlgorithms;
    c.credentials = m_credentials;
    c.caFile = m_caFile;
    c.clientAuth = m_clientAuth;
    c.resume = m_resumption;
    c.serverName = m_serverName;
    std::string error = TlsClock::ParseDate(m_verifyDate, c.verifyDate);
    NS_ABORT_MSG_IF(!error.empty(), "VerifyDate: " << error);
    c.sessionTimeout = m_sessionTimeout.GetNanoSeconds() / 1000000000; // checked >= 1 s
    if (role == TlsContext::SERVER)
    {
        c.maxEarlyData = m_maxEarlyData;
    }
    return c;
}

Ptr<Socket>
TlsApplication::CreateSocket()
{
    Ptr<Socket> socket = TcpProfile::CreateSocket(GetNode(), m_tcpProfile);
    if (m_segmentSize > 0)
    {
        socket->SetAttribute("SegmentSize", UintegerValue(m_segmentSize));
    }
    if (m_initialCwnd > 0)
    {
        socket->SetAttribute("InitialCwnd", UintegerValue(m_initialCwnd));
    }
    return socket;
}

void
TlsApplication::SetVersion(int version)
{
    m_version = version;
    if (version != VERSION_UNSET)
    {
        m_minVersion = m_maxVersion = static_cast<TlsConfig::Version>(version);
    }
}

int
TlsApplication::GetVersion() const
{
    return m_version;
}

std::shared_ptr<TlsContext>
TlsApplication::MakeContext(TlsContext::Role role)
{
    m_cpu = TlsCpu::GetOrCreate(GetNode());
    std::string error;
    auto context = TlsContext::Get(GetTlsConfig(role), role, error);
    NS_ABORT_MSG_IF(!context, "TLS configuration: " << error);
    return context;
}

void
TlsApplication::DoDispose()
{
    m_costModel = nullptr;
    m_cpu = nullptr;
    Application::DoDispose();
}

} // namespace ns3
