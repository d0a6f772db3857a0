/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_SCENARIO_H
#define TLS_SCENARIO_H

#include "ns3/tls-scenario-config.h"

#include "ns3/tls-handshake-record.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup tls
 * @brief The canonical experiment: client node(s) -- point-to-point link -- server node.
 *
 * Each client has its own link to the server with the configured rate, one-way delay rtt/2,
 * drop-tail device queue and independent per-direction Bernoulli loss; no traffic-control
 * layer (a handshake path has no AQM). Run() builds it, installs TlsServerApplication and
 * TlsClientApplication, runs the simulation and returns one record per connection.
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
     * @brief Writes a file atomically (temporary file, then rename).
     * @param path the file
     * @param content its content
     * @return "" or an error naming the path
     */
    static std::string WriteFile(const std::string& path, const std::string& content);
};

} // namespace ns3

#endif /* TLS_SCENARIO_H */
