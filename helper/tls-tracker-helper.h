/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_TRACKER_HELPER_H
#define TLS_TRACKER_HELPER_H

#include "ns3/address.h"
#include "ns3/application-container.h"
#include "ns3/tls-handshake-record.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class TlsClientApplication;

/**
 * @ingroup tls-helper
 * @brief Collects the records of any set of TLS client and server applications, on any
 * topology, and writes the results CSV and the timeline (as ns-3's FlowMonitorHelper collects
 * flows).
 *
 * Install() it on the applications before the simulation runs. For a client it listens to the
 * ConnectionStart trace source (each connection's record, client address known); for a server
 * it sets the record lookup (TlsServerApplication::SetRecordLookup) to the client addresses it
 * has seen, so the server's times, bytes and messages land in the client's row. A server whose
 * client is not tracked keeps a record of its own. Rows come in install order of the clients,
 * then connection order: what `./ns3tls run` writes, plus the columns added with AddColumn().
 *
 * @code
 * TlsTrackerHelper tracker;
 * tracker.Install(serverApps);
 * tracker.Install(clientApps);
 * tracker.AddColumn("topology", "wifi+wan");
 * Simulator::Run();
 * tracker.WriteCsv("out.csv");      // same columns as ./ns3tls run --csv, then "topology"
 * Simulator::Destroy();
 * @endcode
 */
class TlsTrackerHelper
{
  public:
    TlsTrackerHelper();

    /**
     * @brief Tracks TLS applications (other applications are ignored).
     * @param apps TlsClientApplication and/or TlsServerApplication instances
     */
    void Install(ApplicationContainer apps);

    /**
     * @brief Adds a column carried by every row (after the record's columns), e.g. the
     * topology's name or a parameter of the user's program.
     * @param name column name (CSV header); aborts (NS_ABORT_MSG) if CheckColumnName() objects
     * @param value its value, written as given (quoted when needed)
     */
    void AddColumn(const std::string& name, const std::string& value);

    /**
     * @brief Whether AddColumn() accepts a name: a row has one column of each name, so a name
     * of the record's or the timeline's columns (TlsHandshakeRecord::GetColumns(),
     * GetTimelineColumns()) or of a column added before is refused. E.g. "early_data" is the
     * record's "0-RTT accepted"; the bytes a client tries to send early (--early-data) are the
     * scenario's column "early_data_bytes".
     * @param name the column name
     * @return empty if AddColumn() accepts it, else one line saying why not
     */
    std::string CheckColumnName(const std::string& name) const;

    /// @return the extra columns, in order
    const std::vector<std::pair<std::string, std::string>>& GetColumns() const;

    /// @return every tracked connection's record: clients in install order, then connection order
    std::vector<Ptr<TlsHandshakeRecord>> GetRecords() const;

    /// @return the results CSV: header (record columns, then the extra columns) and a row per
    /// record
    std::string GetCsv() const;
    /// @return the timeline CSV: header and a row per message
    std::string GetTimelineCsv() const;

    /**
     * @brief Writes GetCsv() to a file atomically (temporary file, then rename).
     * @param path the file
     * @return "" or an error naming the path
     */
    std::string WriteCsv(const std::string& path) const;
    /**
     * @brief Writes GetTimelineCsv() to a file atomically.
     * @param path the file
     * @return "" or an error naming the path
     */
    std::string WriteTimelineCsv(const std::string& path) const;
    /**
     * @brief Writes the results CSV, then the timeline CSV, each only if its path is given
     * (what a program's --csv and --timeline flags ask for); stops at the first error.
     * @param csvPath WriteCsv()'s file, or "" for none
     * @param timelinePath WriteTimelineCsv()'s file, or "" for none
     * @return "" or the first error, naming its path
     */
    std::string WriteFiles(const std::string& csvPath, const std::string& timelinePath) const;

    /// @return the results CSV header line (no newline) for these extra columns
    static std::string CsvHeader(const std::vector<std::pair<std::string, std::string>>& columns);
    /**
     * @param records the records
     * @param columns the extra columns
     * @return the results CSV lines of the records (each ending in a newline)
     */
    static std::string CsvRows(const std::vector<Ptr<TlsHandshakeRecord>>& records,
                               const std::vector<std::pair<std::string, std::string>>& columns);
    /**
     * @param records the records
     * @param columns the extra columns
     * @return the timeline CSV (header and a row per message, sorted by send time per record)
     */
    static std::string TimelineCsv(const std::vector<Ptr<TlsHandshakeRecord>>& records,
                                   const std::vector<std::pair<std::string, std::string>>& columns);
    /**
     * @brief The descriptor a path names when it is one of the process's own streams.
     * @param path an output path
     * @return 1 for /dev/stdout, 2 for /dev/stderr, N for /dev/fd/N and /proc/self/fd/N;
     *         -1 for any other path
     */
    static int GetStreamFd(const std::string& path);

    /**
     * @brief Writes a file atomically (temporary file, then rename).
     * @param path the file
     * @param content its content
     * @return "" or an error naming the path
     */
    static std::string WriteFile(const std::string& path, const std::string& content);

  private:
    /// What the trace callbacks share (outlives a copied or destroyed helper).
    struct State : public SimpleRefCount<State>
    {
        /// Per tracked client application (install order): its records, in connection order.
        std::vector<std::vector<Ptr<TlsHandshakeRecord>>> clients;
        std::map<Address, Ptr<TlsHandshakeRecord>> byAddress; //!< latest record per client address

        /// ConnectionStart of the i-th client.
        void OnConnectionStart(uint32_t i, Ptr<TlsHandshakeRecord> record);
        /// The server's lookup.
        Ptr<TlsHandshakeRecord> Find(const Address& clientAddress);
    };

    Ptr<State> m_state;                                         //!< the records
    std::vector<std::pair<std::string, std::string>> m_columns; //!< extra columns
};

} // namespace ns3

#endif /* TLS_TRACKER_HELPER_H */
