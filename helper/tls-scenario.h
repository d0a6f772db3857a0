/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_SCENARIO_H
#define TLS_SCENARIO_H

#include "ns3/tls-scenario-config.h"

#include "ns3/application-container.h"
#include "ns3/tls-context.h"
#include "ns3/tls-handshake-record.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

class TlsClientHelper;
class TlsCostModel;
class TlsServerHelper;
class TlsDumbbellHelper;
class TlsServerApplication;
class TlsTrackerHelper;

/**
 * @ingroup tls-helper
 * @brief The canonical experiment (`./ns3tls run`): K clients, a TLS server, one path.
 *
 * Run() reads as the experiment does: validate the configuration (and build both OpenSSL
 * contexts) -> topology (TlsDumbbellHelper: one link, or a dumbbell for K > 1) -> install
 * (TlsServerApplication, K TlsClientApplication, a TlsTrackerHelper on all of them) -> run ->
 * collect (the tracker's records; the CSVs are the tracker's with the scenario's parameters as
 * extra columns).
 */
class TlsScenario
{
  public:
    /// What a run produced.
    struct Result
    {
        std::vector<Ptr<TlsHandshakeRecord>> records; //!< one per connection, client order
        uint32_t serverAccepted{0};                   //!< connections the server accepted
        uint32_t serverCompleted{0};                  //!< handshakes the server completed
        double simulatedSeconds{0};                   //!< simulated time at the end
        double wallSeconds{0};                        //!< wall-clock time of the run
        double runWallSeconds{0}; //!< of which in Simulator::Run() (not building, tearing down)
        std::map<std::string, double> measuredCosts; //!< --cpu=model: costs measured at start (us)
        /// --cpu=model: the table that priced the run (TlsOperationCostModel::GetTableName)
        std::string costTable;
    };

    /**
     * @brief Runs a scenario (one simulation; ns-3 global state is reset afterwards).
     * @param config the parameters
     * @param result the records
     * @return "" on success, else a one-line error (nothing was written)
     */
    static std::string Run(const TlsScenarioConfig& config, Result& result);

    /// @return the CSV header line (metric columns, then the scenario's parameters)
    static std::string CsvHeader(const TlsScenarioConfig& config);
    /// @return the CSV lines of a result, one per record
    static std::string CsvRows(const TlsScenarioConfig& config, const Result& result);
    /// @return the CSV the --csv flag writes (header and a row per record)
    static std::string Csv(const TlsScenarioConfig& config, const Result& result);
    /// @return the timeline CSV (header and rows)
    static std::string TimelineCsv(const TlsScenarioConfig& config, const Result& result);

    /**
     * @brief The client's and the server's TLS settings that parameters (and --fault) imply.
     * @param config the parameters
     * @param client the client's settings (out)
     * @param server the server's settings (out)
     */
    static void GetTlsConfigs(const TlsScenarioConfig& config,
                              TlsConfig& client,
                              TlsConfig& server);
    /**
     * @brief Sets a server helper as the scenario does: TcpProfile, InitialCwnd
     * (--server-initcwnd), SegmentSize (--mss), CostModel, TLS settings.
     * @param helper the helper
     * @param config the parameters (--tcp, --server-initcwnd, --mss)
     * @param tls the server's TLS settings (GetTlsConfigs)
     * @param cost the cost model (GetCostModel; nullptr for none)
     */
    static void ConfigureServer(TlsServerHelper& helper,
                                const TlsScenarioConfig& config,
                                const TlsConfig& tls,
                                Ptr<TlsCostModel> cost);
    /**
     * @brief Sets a client helper as the scenario does: Handshakes, Interval, Timeout,
     * EarlyData, RequestSize, ResponseSize, TcpProfile, InitialCwnd (--initcwnd), SegmentSize
     * (--mss), CostModel, TLS settings (not
     * ClientIndex or Remote).
     * @param helper the helper
     * @param config the parameters
     * @param tls the client's TLS settings (GetTlsConfigs)
     * @param cost the cost model (GetCostModel; nullptr for none)
     */
    static void ConfigureClient(TlsClientHelper& helper,
                                const TlsScenarioConfig& config,
                                const TlsConfig& tls,
                                Ptr<TlsCostModel> cost);
    /**
     * @param config the parameters (--cpu, --cost-table)
     * @param client the client's TLS settings (operations the table lacks are measured)
     * @param server the server's TLS settings
     * @return the --cpu cost model of the parameters (nullptr for none)
     */
    static Ptr<TlsCostModel> GetCostModel(const TlsScenarioConfig& config,
                                          const TlsConfig& client,
                                          const TlsConfig& server);
    /**
     * @brief Sets the linux TCP profile's timer ticks for every socket created afterwards:
     * the attribute defaults TcpLinuxSocket::Hz and ::TickPhase (process-wide, as ns-3's
     * Config::SetDefault is).
     * @param config the parameters (--hz, --tick-phase)
     */
    static void SetTimerTicks(const TlsScenarioConfig& config);

  private:
    /**
     * @brief Validates, seeds, builds both TLS contexts and checks the outputs can be written.
     * @param config the parameters
     * @param clientTls the client's TLS settings (out)
     * @param serverTls the server's TLS settings (out)
     * @param cost the --cpu cost model, nullptr for none (out)
     * @param measuredCosts operation costs the model measured because its table lacked them (out)
     * @return "" or a one-line error
     */
    static std::string Prepare(const TlsScenarioConfig& config,
                               TlsConfig& clientTls,
                               TlsConfig& serverTls,
                               Ptr<TlsCostModel>& cost,
                               std::map<std::string, double>& measuredCosts);
    /**
     * @brief Installs the server and the clients on the topology and the tracker on them.
     * @param config the parameters
     * @param topology the built topology
     * @param clientTls the client's TLS settings
     * @param serverTls the server's TLS settings
     * @param cost the cost model (nullptr for none)
     * @param tracker the tracker to install
     * @return the server application
     */
    static Ptr<TlsServerApplication> Install(const TlsScenarioConfig& config,
                                             const TlsDumbbellHelper& topology,
                                             const TlsConfig& clientTls,
                                             const TlsConfig& serverTls,
                                             Ptr<TlsCostModel> cost,
                                             TlsTrackerHelper& tracker);

  public:
    /**
     * @brief Writes an output file (TlsTrackerHelper::WriteFile: a regular file replaced via a
     * mkstemp(3) file and rename(2), symlinks followed, devices and FIFOs written to).
     * @param path the file
     * @param content its content
     * @return "" or an error naming the path
     */
    static std::string WriteFile(const std::string& path, const std::string& content);

    /**
     * @brief The files --pcap writes (PcapHelper's PREFIX-NODE-DEVICE.pcap names).
     * @param config the parameters
     * @return the file names, client (or router) end first; empty without --pcap
     */
    static std::vector<std::string> GetPcapFiles(const TlsScenarioConfig& config);
};

} // namespace ns3

#endif /* TLS_SCENARIO_H */
