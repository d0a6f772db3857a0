/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_SCENARIO_CONFIG_H
#define TLS_SCENARIO_CONFIG_H

#include "ns3/nstime.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief The parameters of one canned scenario, settable by name from strings.
 *
 * The names and value formats are the example's command-line flags (design.md), shared with
 * the Python API (where '-' becomes '_'), so both reject a bad value with the same one-line
 * message naming it.
 */
class TlsScenarioConfig
{
  public:
    TlsScenarioConfig();

    /**
     * @brief Sets a parameter from its string form.
     * @param name flag name without dashes, e.g. "rtt" or "early-data"
     * @param value e.g. "50ms"
     * @return "" on success, else a one-line message naming the value
     */
    std::string Set(const std::string& name, const std::string& value);

    /// @return the current value of a parameter, in its canonical string form
    std::string Get(const std::string& name) const;

    /// @return every parameter name, in a stable order
    static std::vector<std::string> GetNames();

    /// @return a one-line help text for a parameter
    static std::string GetHelp(const std::string& name);

    /**
     * @brief Takes a user's ns-3 attribute default (the --ns3::TypeId::Attribute=value flags
     * of ns-3's CommandLine): TcpSocket / TcpSocketBase attributes win over the TCP profile,
     * any other attribute the scenario does not set passes through (Config::SetDefault), and
     * the attributes the scenario sets from its own flags are refused, naming the flag.
     * @param path e.g. "ns3::TcpSocket::InitialCwnd"
     * @param value e.g. "1"
     * @return "" if taken, else a one-line refusal naming the path
     */
    std::string SetNs3Default(const std::string& path, const std::string& value);

    /**
     * @param pair true (the canned scenario): also check that the client and server settings
     *        fit the version they will negotiate (VersionProblem()); false for the settings of
     *        one end only (a server or clients of an own topology), whose peer has its own
     * @return "" if the combination of parameters is valid, else a one-line message
     */
    std::string Validate(bool pair = true) const;

    /**
     * @brief Checks that the groups, keys and signature schemes fit the TLS version the two
     * ends will negotiate, as OpenSSL decides it: e.g. ML-KEM groups and ML-DSA keys exist
     * only in TLS 1.3 (draft-ietf-tls-mlkem, draft-ietf-tls-mldsa), TLS 1.2 ECDHE needs an
     * elliptic-curve group, and in TLS 1.2 an ECDSA key's curve must be among the client's
     * groups (RFC 8422 section 5.1). Without this the handshake would only fail at run time.
     * @return "" if they fit, else a one-line message naming the flag, its value and why
     */
    std::string VersionProblem() const;

    /// @return the loss probability of one direction
    double GetLoss(bool clientToServer) const;

    /**
     * @brief The TLS version(s) the server actually accepts: --server-tls, except under
     * --fault=version-mismatch, where the server accepts only the version the client does not
     * offer. The summary line and the CSV's server_tls column show this.
     * @return "1.2", "1.3" or "1.2-1.3"
     */
    std::string GetServerTls() const;

    /// @return (column, value) pairs that identify the scenario in every CSV row
    std::vector<std::pair<std::string, std::string>> GetParameterColumns() const;

    // Parsed values.
    std::string tls{"1.3"};             //!< client's TLS version(s): 1.2, 1.3 or 1.2-1.3
    std::string kx{"ecdhe"};            //!< TLS 1.2 key exchange
    std::string groups;                 //!< client (and server) groups
    std::string serverGroups;           //!< server groups if different
    std::string ciphers;                //!< cipher list / suites
    std::string sigalgs;                //!< signature algorithms
    std::string key{"rsa2048"};         //!< key type
    std::string caKey;                  //!< CA key type ("" = key's)
    uint32_t chain{0};                  //!< intermediates
    std::string certFile;               //!< PEM chain instead of a generated one
    std::string keyFile;                //!< PEM key for certFile
    std::string caFile;                 //!< extra trust anchors
    bool clientAuth{false};             //!< mutual authentication
    std::string resume{"none"};         //!< none | ticket | session-id
    int64_t verifyDate;                 //!< OpenSSL's date at time 0 (s since 1970)
    Time sessionTimeout;                //!< session lifetime (whole seconds)
    uint32_t earlyData{0};              //!< 0-RTT bytes
    uint32_t request{0};                //!< request bytes
    uint32_t response{0};               //!< response bytes
    Time rtt{MilliSeconds(50)};         //!< round-trip propagation delay
    uint64_t bandwidthBps{10000000};    //!< link rate
    double loss{0};                     //!< packet loss probability per direction
    double lossC2s{-1};                 //!< client-to-server loss (negative: = loss)
    double lossS2c{-1};                 //!< server-to-client loss (negative: = loss)
    std::string lossModel{"bernoulli"}; //!< bernoulli | gilbert
    double burst{2};                    //!< gilbert: mean loss burst length (packets)
    std::string dropC2s;                //!< chosen client-to-server segments to drop
    std::string dropS2c;                //!< chosen server-to-client segments to drop
    std::string queue{"100p"};          //!< device queue size
    std::string tcp{"linux"};           //!< TCP profile
    uint32_t hz{250};                   //!< linux profile's timer ticks per second (0: exact)
    Time tickPhase{NanoSeconds(-1)};    //!< hosts' jiffies at time 0 (< 0: each host its own)
    uint32_t initcwnd{0};               //!< client initial window, segments (0 = profile's)
    uint32_t serverInitcwnd{0};         //!< server initial window, segments (0 = profile's)
    uint32_t mss{0};                    //!< TCP SegmentSize, bytes (0 = profile's)
    std::string cpu{"model"};           //!< cost model: none | model | measured
    std::string costTable;            //!< JSON cost table for cpu=model            //!< cost model
    uint32_t serverCores{1};          //!< server CPU cores
    double clientSpeed{1};            //!< client CPU cost multiplier
    double serverSpeed{1};            //!< server CPU cost multiplier
    uint32_t handshakes{1};           //!< connections per client
    Time interval{MilliSeconds(100)}; //!< pause between connections
    uint32_t clients{1};              //!< client nodes
    std::string arrival{"once"};      //!< once | uniform | poisson
    Time arrivalWindow{Seconds(1)};   //!< uniform/poisson: spread of the client arrivals
    uint64_t accessBandwidthBps{1000000000}; //!< dumbbell access link rate
    Time accessDelay{Time(0)};               //!< dumbbell access link one-way delay (part of rtt/2)
    Time timeout{Seconds(30)};               //!< per-connection limit
    uint64_t seed{1};                        //!< ns-3 seed
    uint64_t run{1};                         //!< ns-3 run
    std::string fault{"none"};               //!< provoked failure
    std::string csv;                         //!< output CSV
    std::string timeline;                    //!< output timeline CSV
    std::string pcap;                        //!< pcap prefix
    std::string keylog;                      //!< NSS key log file

    std::string serverTls{"1.2-1.3"};        //!< server's TLS version(s)
    std::string serverName{"server.ns3tls"}; //!< SNI and the name the client verifies
    /// User ns-3 attribute defaults (path, value), applied after the TCP profile
    std::vector<std::pair<std::string, std::string>> ns3Defaults;

    /**
     * @brief Parses "50ms", "0.2s", "800us".
     * @param text the string
     * @param t the result
     * @return true on success
     */
    static bool ParseTime(const std::string& text, Time& t);
    /**
     * @brief Parses "10Mbps", "1Gbps", "500kbps".
     * @param text the string
     * @param bps the result
     * @return true on success
     */
    static bool ParseRate(const std::string& text, uint64_t& bps);
    /// @return a time as "50ms" (exact, shortest unit that keeps it integral)
    static std::string FormatTime(Time t);
    /// @return a rate as "10Mbps"
    static std::string FormatRate(uint64_t bps);
};

} // namespace ns3

#endif /* TLS_SCENARIO_CONFIG_H */
