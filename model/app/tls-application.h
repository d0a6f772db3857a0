/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_APPLICATION_H
#define TLS_APPLICATION_H

#include "ns3/tls-context.h"
#include "ns3/tls-cost-model.h"
#include "ns3/tls-cpu.h"

#include "ns3/application.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

#include <memory>
#include <string>

namespace ns3
{

/**
 * @ingroup tls-app
 * @brief What TLS clients and servers share: the TLS configuration attributes, the cost
 * model, the TCP profile and the node's CPU.
 */
class TlsApplication : public Application
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    /**
     * @brief Returns the TLS configuration the attributes describe.
     * @param role client or server (MaxEarlyData is a server setting)
     * @return the configuration
     */
    TlsConfig GetTlsConfig(TlsContext::Role role) const;

  protected:
    void DoDispose() override;

    /**
     * @brief Builds (or finds) this endpoint's context; aborts with the reason on bad config.
     * @param role client or server
     * @return the context
     */
    std::shared_ptr<TlsContext> MakeContext(TlsContext::Role role);

    /**
     * @brief Creates a TCP socket with the TcpProfile, then this endpoint's InitialCwnd and
     * SegmentSize when they are set (Linux: `ip route ... initcwnd N advmss M`).
     * @return the socket
     */
    Ptr<Socket> CreateSocket();

    std::string m_groups;              //!< attribute Groups
    std::string m_ciphers;             //!< attribute Ciphers
    std::string m_signatureAlgorithms; //!< attribute SignatureAlgorithms
    std::string m_credentials;         //!< attribute Credentials
    std::string m_caFile;              //!< attribute CaFile
    bool m_clientAuth{false};          //!< attribute ClientAuth
    std::string m_serverName;          //!< attribute ServerName
    uint32_t m_maxEarlyData{0};        //!< attribute MaxEarlyData
    std::string m_verifyDate;          //!< attribute VerifyDate
    Time m_sessionTimeout;             //!< attribute SessionTimeout
    Ptr<TlsCostModel> m_costModel;     //!< step cost
    std::string m_tcpProfile;          //!< TcpProfile name
    uint32_t m_initialCwnd{0};         //!< attribute InitialCwnd (0: the profile's)
    uint32_t m_segmentSize{0};         //!< attribute SegmentSize (0: the profile's)
    Ptr<TlsCpu> m_cpu;                 //!< the node's CPU (set on start)

    /**
     * @brief Attribute Version: pins MinVersion and MaxVersion to one version.
     * @param version a TlsConfig::Version, or 0 (unset: keep the range)
     */
    void SetVersion(int version);
    /// @return attribute Version (0 if unset)
    int GetVersion() const;

    TlsConfig::Version m_minVersion{TlsConfig::VERSION_1_2};    //!< attribute MinVersion
    TlsConfig::Version m_maxVersion{TlsConfig::VERSION_1_3};    //!< attribute MaxVersion
    int m_version{0};                                           //!< attribute Version (0: unset)
    TlsConfig::KeyExchange m_keyExchange{TlsConfig::KX_ECDHE};  //!< attribute KeyExchange
    TlsConfig::Resumption m_resumption{TlsConfig::RESUME_NONE}; //!< attribute Resumption
};

} // namespace ns3

#endif /* TLS_APPLICATION_H */
