/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_HANDSHAKE_RECORD_H
#define TLS_HANDSHAKE_RECORD_H

#include "ns3/tls-engine.h"

#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ns3
{

/**
 * @ingroup tls-app
 * @brief One TLS message on the wire: who sent it, when it was sent and when it was read.
 */
struct TlsMessageTiming
{
    uint32_t conn{0};           //!< connection index of the client application
    bool fromClient{true};      //!< sender
    std::string name;           //!< e.g. "ServerHello"
    uint32_t bytes{0};          //!< message length
    Time sent{Time(-1)};        //!< when the sender handed it to TCP (negative: unknown)
    Time received{Time(-1)};    //!< when the receiver's TLS engine read it (negative: never)
    bool tcp{false};            //!< a TCP segment (TcpSegmentTiming), not a TLS message
    bool retransmission{false}; //!< TCP: sent before
};

class TlsHandshakeRecord;

/**
 * @ingroup tls-app
 * @brief What a results column holds; it fixes how a value is written to CSV and read back.
 */
enum class TlsColumnKind
{
    INTEGER, //!< a count or index; written in decimal
    BOOLEAN, //!< 1 or 0
    MS,      //!< a time or time span in ms, 6 decimals (ns); empty when it never happened
    TEXT,    //!< text, quoted when needed; stays text when read back ("1.3")
};

/// A column's value: INTEGER and BOOLEAN as int64_t, MS as double (NaN: none), TEXT as string.
using TlsColumnValue = std::variant<int64_t, double, std::string>;

/**
 * @ingroup tls-app
 * @brief One column of the results (Args = the record) or timeline (Args = record, message).
 *
 * The column tables (TlsHandshakeRecord::GetColumns(), GetTimelineColumns()) are the single
 * definition of the output schema: the CSV writers, the Python bindings and the Python
 * package's text/number typing all read them. To add a column, add one entry.
 */
template <typename... Args>
struct TlsColumn
{
    std::string name;                                  //!< CSV header and Python attribute
    TlsColumnKind kind;                                //!< how the value is written and read
    std::string help;                                  //!< one line for the docs
    std::function<TlsColumnValue(const Args&...)> get; //!< the value

    /// @return the CSV cell of this column for the given row
    std::string Cell(const Args&... args) const;
};

/**
 * @ingroup tls-app
 * @brief One TCP segment of the timeline: the three-way handshake (RFC 9293 section 3.5) and
 * every retransmission of data, from the sockets' "Tx"/"Rx" trace sources.
 */
struct TcpSegmentTiming : public TlsMessageTiming
{
    /// A TCP segment (name "SYN", "SYN-ACK", "ACK" or "segment"; bytes: payload; received:
    /// when the receiver's TCP got it, negative if lost or unseen).
    TcpSegmentTiming()
    {
        tcp = true;
    }

    uint32_t seq{0}; //!< sequence number
};

/**
 * @ingroup tls-app
 * @brief Everything measured about one client connection: the row of the results CSV.
 *
 * Filled by the client application, and by the server application that accepted the
 * connection when a TlsTrackerHelper joins the two sides (the server's times and bytes then
 * land in the same row). Its CSV columns are GetColumns().
 */
class TlsHandshakeRecord : public SimpleRefCount<TlsHandshakeRecord>
{
  public:
    uint32_t conn{0};                  //!< index of the connection at its client application
    uint32_t client{0};                //!< index of the client (node) in the scenario
    Address clientAddress;             //!< client IP and port
    Time connectTime{Time(-1)};        //!< Connect() called
    Time tcpDone{Time(-1)};            //!< TCP established at the client
    Time clientDone{Time(-1)};         //!< client handshake complete
    Time serverDone{Time(-1)};         //!< server handshake complete
    Time firstResponseByte{Time(-1)};  //!< first application byte from the server
    Time endTime{Time(-1)};            //!< connection finished at the client (closed or failed)
    bool ok{false};                    //!< the client handshake completed
    std::string error;                 //!< handshake failure reason, "" if none (or ok)
    std::string postError;             //!< what failed after the handshake, "" if nothing
    bool resumed{false};               //!< abbreviated handshake
    bool earlyDataSent{false};         //!< 0-RTT offered
    bool earlyDataAccepted{false};     //!< 0-RTT accepted
    bool helloRetry{false};            //!< HelloRetryRequest happened
    std::string version;               //!< negotiated protocol version
    std::string cipher;                //!< negotiated cipher suite
    std::string group;                 //!< key exchange group
    uint64_t clientBytes{0};           //!< TLS bytes written by the client
    uint64_t serverBytes{0};           //!< TLS bytes written by the server
    uint64_t clientHandshakeBytes{0};  //!< client bytes until its handshake completed
    uint64_t serverHandshakeBytes{0};  //!< server bytes until its handshake completed
    uint32_t clientRetransmissions{0}; //!< TCP segments the client sent again
    uint32_t serverRetransmissions{0}; //!< TCP segments the server sent again
    uint64_t clientSent{0};            //!< TLS bytes the client handed to TCP
    uint64_t clientReceived{0};        //!< TLS bytes the client read from TCP
    uint64_t serverSent{0};            //!< TLS bytes the server handed to TCP
    uint64_t serverReceived{0};        //!< TLS bytes the server read from TCP
    Time clientCpu{0};                 //!< simulated CPU time charged to the client
    Time serverCpu{0};                 //!< simulated CPU time charged to the server
    std::vector<TlsMessageTiming> messages; //!< per-message timeline, in send order per side
    std::vector<TcpSegmentTiming> segments; //!< TCP handshake and retransmissions, in send order
    /// Not a column: the server sets it once its side of the record is final (handshake
    /// complete or failed, connection ended), then calls onServerFinal if set.
    bool serverFinal{false};
    Callback<void> onServerFinal; //!< not a column: see serverFinal
    /// Not a column: the server accepted the connection; from then on its TlsConnection
    /// records the server's segments (until it is detached), not the listener's trace.
    bool serverAccepted{false};

    /// Marks the server side final and calls onServerFinal (once).
    void SetServerFinal();

    /**
     * @brief Records a message sent or read by one side, pairing reads with earlier sends.
     * @param atClient true if the event happened at the client
     * @param message the message as the engine saw it
     * @param time the simulated time of the event
     * @return the entry created (send) or completed (read), or nullptr if a read matched none
     */
    const TlsMessageTiming* AddMessage(bool atClient, const TlsMessage& message, Time time);

    /**
     * @brief Records a TCP segment one side transmitted (from TcpSocketBase's "Tx" trace):
     * SYN, SYN-ACK, the handshake's ACK and data retransmissions; other segments are ignored.
     * @param atClient true if the client sent it
     * @param flags the TCP flags
     * @param seq the sequence number
     * @param bytes the payload length
     * @param retransmission true if the sender sent this sequence range before
     * @param time the simulated time
     */
    void AddTcpSent(
        bool atClient, uint8_t flags, uint32_t seq, uint32_t bytes, bool retransmission, Time time);
    /**
     * @brief Marks a recorded segment received (from TcpSocketBase's "Rx" trace): the latest
     * unreceived segment of the peer with this sequence number, length and SYN flag (an
     * earlier copy was lost, or it had not been sent again). A SYN or SYN-ACK sent unseen (e.g.
     * by a socket of the "ns3" profile before Accept) is added with an unknown send time.
     * @param atClient true if the client received it
     * @param flags the TCP flags
     * @param seq the sequence number
     * @param bytes the payload length
     * @param time the simulated time
     */
    void AddTcpReceived(bool atClient, uint8_t flags, uint32_t seq, uint32_t bytes, Time time);
    /**
     * @brief The server got a connection request (a SYN reached its listening socket, which
     * forks the socket that answers; ns-3 TcpSocketBase::ProcessListen).
     * @param time the simulated time
     */
    void AddServerSyn(Time time);

    /// @return Connect() -> TCP established, in ms (NaN if not)
    double GetTcpMs() const;
    /// @return TCP established -> client handshake complete, in ms (NaN if not)
    double GetTlsMs() const;
    /// @return Connect() -> client handshake complete, in ms (NaN if not)
    double GetTotalMs() const;
    /// @return Connect() -> server handshake complete, in ms (NaN if not)
    double GetServerDoneMs() const;
    /// @return Connect() -> first response byte, in ms (NaN if none)
    double GetTtfbMs() const;
    /**
     * @brief What a failed handshake cost the client: Connect() -> the end of the attempt
     * (the alert sent or received, the TCP error, or the timeout), in ms.
     * @return the span, NaN if the client's handshake completed
     */
    double GetFailMs() const;

    /// A results column: a function of the record.
    using Column = TlsColumn<TlsHandshakeRecord>;
    /// A timeline column: a function of the record and one of its messages.
    using TimelineColumn = TlsColumn<TlsHandshakeRecord, TlsMessageTiming>;

    /// @return the metric columns, in CSV order (scenario parameters are added by callers)
    static const std::vector<Column>& GetColumns();
    /// @return the timeline columns, in CSV order
    static const std::vector<TimelineColumn>& GetTimelineColumns();
    /// @return the metric column names, in CSV order
    static std::vector<std::string> GetColumnNames();
    /// @return this record's metric values as CSV cells, matching GetColumns()
    std::vector<std::string> GetCells() const;
    /// @return the timeline column names
    static std::vector<std::string> GetTimelineColumnNames();
    /// @return the timeline rows (cells), sorted by send time
    std::vector<std::vector<std::string>> GetTimelineRows() const;
    /// @return the messages sorted by send time (stable: equal times keep their order)
    std::vector<const TlsMessageTiming*> GetMessagesBySendTime() const;

    /**
     * @brief Writes a value as a CSV cell.
     * @param kind the column's kind
     * @param value the value (its alternative must match the kind)
     * @return the cell: decimal, 1/0, FormatMs() or Escape()d text
     */
    static std::string FormatCell(TlsColumnKind kind, const TlsColumnValue& value);
    /// @return "integer", "boolean", "ms" or "text"
    static std::string GetKindName(TlsColumnKind kind);

    /// @return a CSV cell (quoted when needed)
    static std::string Escape(const std::string& cell);
    /// @return a time span in ms with 6 decimals (ns resolution), "" for NaN
    static std::string FormatMs(double ms);

  private:
    uint32_t m_readByClient{0};   //!< index in messages after the last one the client read
    uint32_t m_readByServer{0};   //!< index in messages after the last one the server read
    bool m_synAckReceived{false}; //!< the client received a SYN-ACK (its next ACK is the 3rd)
};

template <typename... Args>
std::string
TlsColumn<Args...>::Cell(const Args&... args) const
{
    return TlsHandshakeRecord::FormatCell(kind, get(args...));
}

} // namespace ns3

#endif /* TLS_HANDSHAKE_RECORD_H */
