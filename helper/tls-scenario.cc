/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-scenario.h"

#include "ns3/tcp-profile.h"
#include "ns3/tls-client-helper.h"
#include "ns3/tls-dumbbell-helper.h"
#include "ns3/tls-server-helper.h"
#include "ns3/tls-tracker-helper.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/tls-client-application.h"
#include "ns3/tls-context.h"
#include "ns3/tls-cpu.h"
#include "ns3/tls-measured-cost-model.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/tls-random.h"
#include "ns3/tls-server-application.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsScenario");

namespace
{

const uint16_t PORT = 443;

/// The endpoint configurations the scenario (and its --fault) implies.
void
MakeTlsConfigs(const TlsScenarioConfig& c, TlsConfig& client, TlsConfig& server)
{
    // The values were checked by TlsScenarioConfig::Set.
    TlsConfig::ParseRange(c.tls, client.minVersion, client.maxVersion);
    TlsConfig::ParseKeyExchange(c.kx, client.keyExchange);
    TlsConfig::ParseResumption(c.resume, client.resume);
    client.groups = c.groups;
    client.ciphers = c.ciphers;
    client.signatureAlgorithms = c.sigalgs;
    client.caFile = c.caFile;
    client.clientAuth = c.clientAuth;
    client.serverName = c.serverName;
    client.verifyDate = c.verifyDate;
    client.sessionTimeout = c.sessionTimeout.GetNanoSeconds() / 1000000000;
    std::string creds = c.certFile.empty()
                            ? c.key + (c.caKey.empty() ? "" : ",ca=" + c.caKey)
                                  + (c.chain ? ",chain=" + std::to_string(c.chain) : "")
                            : "cert=" + c.certFile + ",key=" + c.keyFile;
    client.credentials = creds; // used for client authentication
    server = client;
    TlsConfig::ParseRange(c.GetServerTls(), server.minVersion, server.maxVersion);
    server.groups = c.serverGroups.empty() ? c.groups : c.serverGroups;
    server.maxEarlyData = c.earlyData > 0 ? 16384 : 0;
    if (c.fault == "untrusted-ca")
    {
        server.credentials += ",untrusted";
    }
    else if (c.fault == "expired")
    {
        server.credentials += ",expired";
    }
    else if (c.fault == "no-common-cipher")
    {
        // Disjoint lists for both versions (TlsContext gives each version its TLS_* or other
        // names), so that no version in either range has a cipher in common.
        const char* tls12Client = "DHE-RSA-AES128-GCM-SHA256";
        const char* tls12Server = "DHE-RSA-AES256-GCM-SHA384";
        if (client.keyExchange == TlsConfig::KX_ECDHE)
        {
            tls12Client = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
            tls12Server = "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
        }
        else if (client.keyExchange == TlsConfig::KX_RSA)
        {
            tls12Client = "AES128-GCM-SHA256";
            tls12Server = "AES256-GCM-SHA384";
        }
        client.ciphers = std::string("TLS_AES_128_GCM_SHA256:") + tls12Client;
        server.ciphers = std::string("TLS_CHACHA20_POLY1305_SHA256:") + tls12Server;
    }
}

/// The scenario's cost model; `model` prices what its table lacks by measuring it now.
Ptr<TlsCostModel>
MakeCostModel(const TlsScenarioConfig& c,
              const TlsConfig& client,
              const TlsConfig& server,
              std::map<std::string, double>& measured)
{
    if (c.cpu == "measured")
    {
        return CreateObject<TlsMeasuredCostModel>();
    }
    if (c.cpu == "model")
    {
        Ptr<TlsOperationCostModel> model = CreateObject<TlsOperationCostModel>();
        model->SetAttribute("CostTable", StringValue(c.costTable));
        measured = model->MeasureMissing(client, server);
        // The trial handshakes drew random numbers and filled caches: start the run afresh.
        TlsContext::ClearCache();
        TlsRandom::Seed(c.seed, c.run);
        return model;
    }
    return nullptr;
}

/// @return the file a path names once symlinks are followed (itself if it names none yet)
std::string
ResolveOutput(const std::string& path)
{
    std::error_code ec;
    std::filesystem::path p
        = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
    return ec ? path : p.string();
}

/**
 * Can an output be written, without touching it? An existing file (or device, FIFO) must be
 * writable; a new one needs a writable directory.
 */
std::string
CheckWritable(const std::string& what, const std::string& path)
{
    std::string bad = "cannot write " + what + " '" + path + "'";
    if (path.find('\0') != std::string::npos)
    {
        return bad + ": NUL in the path";
    }
    std::string target = ResolveOutput(path);
    struct stat st;
    if (::stat(target.c_str(), &st) == 0)
    {
        if (S_ISDIR(st.st_mode))
        {
            return bad + ": it is a directory";
        }
        if (::access(target.c_str(), W_OK) != 0)
        {
            return bad + ": " + std::strerror(errno);
        }
        if (!S_ISREG(st.st_mode))
        {
            return ""; // a device or FIFO is written through, not replaced
        }
    }
    // A regular file is replaced by renaming a temporary file of the same directory over it.
    std::string dir = std::filesystem::path(target).parent_path().string();
    if (dir.empty())
    {
        dir = ".";
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
    {
        return bad + ": " + std::strerror(errno);
    }
    return "";
}

} // namespace

std::string
TlsScenario::Run(const TlsScenarioConfig& config, Result& result)
{
    auto wallStart = std::chrono::steady_clock::now();
    TlsConfig clientTls;
    TlsConfig serverTls;
    Ptr<TlsCostModel> cost;
    std::map<std::string, double> measuredCosts;
    std::string error = Prepare(config, clientTls, serverTls, cost, measuredCosts);
    if (!error.empty())
    {
        return error;
    }

    TlsDumbbellHelper topology(config);
    topology.Install();
    if (!config.pcap.empty())
    {
        topology.EnablePcap(config.pcap);
    }

    TlsTrackerHelper tracker;
    Ptr<TlsServerApplication> serverApp
        = Install(config, topology, clientTls, serverTls, cost, tracker);

    auto runStart = std::chrono::steady_clock::now();
    Simulator::Run();
    double runWall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - runStart).count();

    result = Result();
    result.records = tracker.GetRecords();
    for (auto& r : result.records)
    {
        if (r->ok && r->serverDone.IsStrictlyNegative() && r->postError.empty())
        {
            // The run ended (one --timeout after the last client finished) before the server
            // read the client's last flight: say so rather than leave it unsaid.
            r->postError = "server: handshake incomplete";
        }
    }
    result.serverAccepted = serverApp->GetAccepted();
    result.serverCompleted = serverApp->GetCompleted();
    result.simulatedSeconds = Simulator::Now().GetSeconds();
    result.runWallSeconds = runWall;
    result.measuredCosts = measuredCosts;
    if (Ptr<TlsOperationCostModel> model = DynamicCast<TlsOperationCostModel>(cost))
    {
        result.costTable = model->GetTableName();
    }
    Simulator::Destroy();
    TlsContext::SetKeyLogFile("");
    TlsContext::ClearCache();
    result.wallSeconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    for (const auto& p : config.GetParameterColumns())
    {
        tracker.AddColumn(p.first, p.second);
    }
    return tracker.WriteFiles(config.csv, config.timeline);
}

std::string
TlsScenario::Prepare(const TlsScenarioConfig& config,
                     TlsConfig& clientTls,
                     TlsConfig& serverTls,
                     Ptr<TlsCostModel>& cost,
                     std::map<std::string, double>& measuredCosts)
{
    std::string error = config.Validate();
    if (!error.empty())
    {
        return error;
    }
    // Every TCP socket of the scenario uses the profile: set it once as the attribute
    // defaults rather than per socket (name lookups per attribute per connection).
    TcpProfile::SetDefaults(config.tcp);
    SetTimerTicks(config);
    for (const auto& [path, value] : config.ns3Defaults)
    {
        // The user's explicit values win over the profile.
        if (!Config::SetDefaultFailSafe(path, StringValue(value)))
        {
            return "invalid --" + path + "='" + value + "'";
        }
    }
    RngSeedManager::SetSeed(config.seed);
    RngSeedManager::SetRun(config.run);
    TlsRandom::Seed(config.seed, config.run);
    TlsContext::ClearCache(); // fresh ticket keys and session caches for this run

    // Build (and so validate against OpenSSL) both contexts before anything is written.
    MakeTlsConfigs(config, clientTls, serverTls);
    if (!TlsContext::Get(serverTls, TlsContext::SERVER, error)
        || !TlsContext::Get(clientTls, TlsContext::CLIENT, error))
    {
        return error;
    }
    cost = MakeCostModel(config, clientTls, serverTls, measuredCosts);
    // Fail before anything is truncated or simulated: every output can be written, and no two
    // outputs are one file (one would silently overwrite the other).
    std::vector<std::pair<std::string, std::string>> outputs; // flag, path
    for (const auto& [flag, path] : {std::make_pair("--csv", &config.csv),
                                     std::make_pair("--timeline", &config.timeline),
                                     std::make_pair("--keylog", &config.keylog)})
    {
        if (!path->empty())
        {
            outputs.emplace_back(flag, *path);
        }
    }
    for (const std::string& file : GetPcapFiles(config))
    {
        outputs.emplace_back("--pcap", file);
    }
    for (size_t i = 0; i < outputs.size(); ++i)
    {
        error = CheckWritable(outputs[i].first.substr(2) + " file", outputs[i].second);
        if (!error.empty())
        {
            return error;
        }
        for (size_t j = 0; j < i; ++j)
        {
            if (ResolveOutput(outputs[i].second) == ResolveOutput(outputs[j].second))
            {
                return outputs[j].first + " and " + outputs[i].first + " name the same file '"
                       + outputs[i].second + "'";
            }
        }
    }
    if (!config.keylog.empty() && !TlsContext::SetKeyLogFile(config.keylog))
    {
        return "cannot write keylog file '" + config.keylog + "'";
    }
    return "";
}

Ptr<TlsServerApplication>
TlsScenario::Install(const TlsScenarioConfig& config,
                     const TlsDumbbellHelper& topology,
                     const TlsConfig& clientTls,
                     const TlsConfig& serverTls,
                     Ptr<TlsCostModel> cost,
                     TlsTrackerHelper& tracker)
{
    Ptr<Node> server = topology.GetServer();
    NodeContainer clients = topology.GetClients();
    Ptr<TlsCpu> serverCpu = TlsCpu::GetOrCreate(server);
    serverCpu->SetAttribute("Cores", UintegerValue(config.serverCores));
    serverCpu->SetAttribute("SpeedFactor", DoubleValue(config.serverSpeed));
    TlsServerHelper serverHelper(PORT);
    ConfigureServer(serverHelper, config, serverTls, cost);
    ApplicationContainer serverApps = serverHelper.Install(server);
    serverApps.Start(Seconds(0));
    tracker.Install(serverApps);

    // Arrival offsets: all at once, evenly spread over the window, or a Poisson process with
    // K arrivals per window on average.
    std::vector<Time> arrivals(config.clients, Time(0));
    Ptr<ExponentialRandomVariable> gap = CreateObject<ExponentialRandomVariable>();
    gap->SetStream(999);
    gap->SetAttribute("Mean", DoubleValue(config.arrivalWindow.GetSeconds() / config.clients));
    Time t(0);
    for (uint32_t i = 0; i < config.clients; ++i)
    {
        if (config.arrival == "uniform")
        {
            arrivals[i] = config.arrivalWindow * (double(i) / config.clients);
        }
        else if (config.arrival == "poisson")
        {
            arrivals[i] = t;
            t += Seconds(gap->GetValue());
        }
    }

    // End the run once every connection is done plus one timeout for server-side events. (ns-3
    // 3.37 can retransmit a lost FIN forever: it resends it with sequence number FIN+1, which
    // a peer in LAST_ACK never acknowledges. Teardown is after every measurement.)
    auto remaining = std::make_shared<uint32_t>(config.clients * config.handshakes);
    Time grace = config.timeout;
    auto onDone = [remaining, grace](Ptr<const TlsHandshakeRecord>)
    {
        if (--*remaining == 0)
        {
            Simulator::Stop(grace);
        }
    };
    for (uint32_t i = 0; i < config.clients; ++i)
    {
        Ptr<TlsCpu> cpu = TlsCpu::GetOrCreate(clients.Get(i));
        cpu->SetAttribute("SpeedFactor", DoubleValue(config.clientSpeed));
        TlsClientHelper clientHelper(InetSocketAddress(topology.GetServerAddress(), PORT));
        ConfigureClient(clientHelper, config, clientTls, cost);
        clientHelper.SetAttribute("ClientIndex", UintegerValue(i));
        ApplicationContainer app = clientHelper.Install(clients.Get(i));
        // The first arrival is at 1 s (a round start time keeps timelines readable).
        app.Start(Seconds(1) + arrivals[i]);
        tracker.Install(app);
        app.Get(0)->TraceConnectWithoutContext(
            "ConnectionDone",
            Callback<void, Ptr<const TlsHandshakeRecord>>(
                std::function<void(Ptr<const TlsHandshakeRecord>)>(onDone)));
    }
    return DynamicCast<TlsServerApplication>(serverApps.Get(0));
}

void
TlsScenario::GetTlsConfigs(const TlsScenarioConfig& config, TlsConfig& client, TlsConfig& server)
{
    MakeTlsConfigs(config, client, server);
}

void
TlsScenario::ConfigureServer(TlsServerHelper& helper,
                             const TlsScenarioConfig& config,
                             const TlsConfig& tls,
                             Ptr<TlsCostModel> cost)
{
    helper.SetAttribute("TcpProfile", StringValue(config.tcp));
    helper.SetAttribute("InitialCwnd", UintegerValue(config.serverInitcwnd));
    helper.SetAttribute("SegmentSize", UintegerValue(config.mss));
    helper.SetAttribute("CostModel", PointerValue(cost));
    helper.SetTlsConfig(tls);
}

void
TlsScenario::ConfigureClient(TlsClientHelper& helper,
                             const TlsScenarioConfig& config,
                             const TlsConfig& tls,
                             Ptr<TlsCostModel> cost)
{
    helper.SetAttribute("Handshakes", UintegerValue(config.handshakes));
    helper.SetAttribute("Interval", TimeValue(config.interval));
    helper.SetAttribute("Timeout", TimeValue(config.timeout));
    helper.SetAttribute("EarlyData", UintegerValue(config.earlyData));
    helper.SetAttribute("RequestSize", UintegerValue(config.request));
    helper.SetAttribute("ResponseSize", UintegerValue(config.response));
    helper.SetAttribute("TcpProfile", StringValue(config.tcp));
    helper.SetAttribute("InitialCwnd", UintegerValue(config.initcwnd));
    helper.SetAttribute("SegmentSize", UintegerValue(config.mss));
    helper.SetAttribute("CostModel", PointerValue(cost));
    helper.SetTlsConfig(tls);
}

void
TlsScenario::SetTimerTicks(const TlsScenarioConfig& config)
{
    Config::SetDefault("ns3::TcpLinuxSocket::Hz", UintegerValue(config.hz));
    Config::SetDefault("ns3::TcpLinuxSocket::TickPhase", TimeValue(config.tickPhase));
}

Ptr<TlsCostModel>
TlsScenario::GetCostModel(const TlsScenarioConfig& config,
                          const TlsConfig& client,
                          const TlsConfig& server)
{
    std::map<std::string, double> measured;
    return MakeCostModel(config, client, server, measured);
}

std::string
TlsScenario::CsvHeader(const TlsScenarioConfig& config)
{
    return TlsTrackerHelper::CsvHeader(config.GetParameterColumns());
}

std::string
TlsScenario::CsvRows(const TlsScenarioConfig& config, const Result& result)
{
    return TlsTrackerHelper::CsvRows(result.records, config.GetParameterColumns());
}

std::string
TlsScenario::Csv(const TlsScenarioConfig& config, const Result& result)
{
    return CsvHeader(config) + "\n" + CsvRows(config, result);
}

std::string
TlsScenario::TimelineCsv(const TlsScenarioConfig& config, const Result& result)
{
    return TlsTrackerHelper::TimelineCsv(result.records, config.GetParameterColumns());
}

std::string
TlsScenario::WriteFile(const std::string& path, const std::string& content)
{
    return TlsTrackerHelper::WriteFile(path, content);
}

std::vector<std::string>
TlsScenario::GetPcapFiles(const TlsScenarioConfig& config)
{
    if (config.pcap.empty())
    {
        return {};
    }
    // PcapHelper::GetFilenameFromDevice: PREFIX-NODE-DEVICE.pcap. Node 0 is the server; the
    // other end of the captured link is the client (node 1) or the router (after the
    // clients). Device 0 of every node is its loopback, the captured link is each one's first.
    uint32_t other = config.clients > 1 ? config.clients + 1 : 1;
    return {config.pcap + "-" + std::to_string(other) + "-1.pcap", config.pcap + "-0-1.pcap"};
}

} // namespace ns3
