/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-handshake-record.h"

#include "ns3/fatal-error.h"
#include "ns3/tcp-header.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ns3
{

namespace
{

double
Span(Time from, Time to)
{
    if (from.IsStrictlyNegative() || to.IsStrictlyNegative())
    {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return (to - from).GetNanoSeconds() / 1e6;
}

} // namespace

const TlsMessageTiming*
TlsHandshakeRecord::AddMessage(bool atClient, const TlsMessage& message, Time time)
{
    bool fromClient = atClient == message.sent;
    if (message.sent)
    {
        TlsMessageTiming t;
        t.conn = conn;
        t.fromClient = fromClient;
        t.name = message.name;
        t.bytes = message.bytes;
        t.sent = time;
        messages.push_back(t);
        return &messages.back();
    }
    // TLS is in order, but a reader does not report every message (OpenSSL drops TLS 1.3's
    // dummy ChangeCipherSpec silently): pair with the next unread message of that name. A
    // skipped message arrived with its flight: it takes the read time of the previous read
    // message if it was sent with it, else of this one.
    uint32_t& cursor = atClient ? m_readByClient : m_readByServer;
    for (uint32_t i = cursor; i < messages.size(); ++i)
    {
        TlsMessageTiming& t = messages[i];
        if (t.fromClient != fromClient || t.name != message.name)
        {
            continue;
        }
        const TlsMessageTiming* previous = nullptr;
        for (uint32_t j = 0; j < cursor; ++j)
        {
            if (messages[j].fromClient == fromClient && !messages[j].received.IsStrictlyNegative())
            {
                previous = &messages[j];
            }
        }
        for (uint32_t j = cursor; j < i; ++j)
        {
            TlsMessageTiming& skipped = messages[j];
            if (skipped.fromClient == fromClient && skipped.received.IsStrictlyNegative())
            {
                bool withPrevious = previous && previous->sent == skipped.sent;
                skipped.received = withPrevious ? previous->received : time;
            }
        }
        t.received = time;
        cursor = i + 1;
        return &t;
    }
    return nullptr;
}

void
TlsHandshakeRecord::AddTcpSent(
    bool atClient, uint8_t flags, uint32_t seq, uint32_t bytes, bool retransmission, Time time)
{
    bool syn = flags & TcpHeader::SYN;
    std::string name;
    if (syn)
    {
        name = (flags & TcpHeader::ACK) ? "SYN-ACK" : "SYN";
    }
    else if (retransmission && bytes > 0)
    {
        name = "segment"; // data sent again (a FIN alone is not part of the handshake)
    }
    else if (atClient && bytes == 0 && (flags & TcpHeader::ACK) && m_synAckReceived
             && std::none_of(segments.begin(),
                             segments.end(),
                             [](const auto& s) { return s.fromClient && s.name == "ACK"; }))
    {
        name = "ACK"; // the third segment of the three-way handshake
    }
    else
    {
        return;
    }
    TcpSegmentTiming s;
    s.conn = conn;
    s.fromClient = atClient;
    s.name = name;
    s.seq = seq;
    s.bytes = bytes;
    s.retransmission = retransmission;
    s.sent = time;
    segments.push_back(s);
}

void
TlsHandshakeRecord::AddTcpReceived(
    bool atClient, uint8_t flags, uint32_t seq, uint32_t bytes, Time time)
{
    bool syn = flags & TcpHeader::SYN;
    if (atClient && syn)
    {
        m_synAckReceived = true;
    }
    auto matches = [&](const TcpSegmentTiming& s)
    {
        return s.fromClient != atClient && s.received.IsStrictlyNegative() && s.seq == seq
               && s.bytes == bytes && (s.name == "SYN" || s.name == "SYN-ACK") == syn;
    };
    auto it = std::find_if(segments.rbegin(), segments.rend(), matches);
    if (syn && it == segments.rend())
    {
        TcpSegmentTiming s; // sent where no trace saw it
        s.conn = conn;
        s.fromClient = !atClient;
        s.name = atClient ? "SYN-ACK" : "SYN";
        s.seq = seq;
        s.received = time;
        segments.push_back(s);
        return;
    }
    // The latest copy sent: an earlier unreceived one was lost (else it had not been resent).
    if (it != segments.rend())
    {
        it->received = time;
    }
}

void
TlsHandshakeRecord::AddServerSyn(Time time)
{
    // The SYN that got through is the latest one sent (an earlier unanswered one was lost).
    for (auto it = segments.rbegin(); it != segments.rend(); ++it)
    {
        if (it->fromClient && it->name == "SYN" && it->received.IsStrictlyNegative())
        {
            it->received = time;
            break;
        }
    }
}

double
TlsHandshakeRecord::GetTcpMs() const
{
    return Span(connectTime, tcpDone);
}

double
TlsHandshakeRecord::GetTlsMs() const
{
    return Span(tcpDone, clientDone);
}

double
TlsHandshakeRecord::GetTotalMs() const
{
    return Span(connectTime, clientDone);
}

double
TlsHandshakeRecord::GetServerDoneMs() const
{
    return Span(connectTime, serverDone);
}

double
TlsHandshakeRecord::GetTtfbMs() const
{
    return Span(connectTime, firstResponseByte);
}

double
TlsHandshakeRecord::GetFailMs() const
{
    return ok ? std::numeric_limits<double>::quiet_NaN() : Span(connectTime, endTime);
}

void
TlsHandshakeRecord::SetServerFinal()
{
    if (serverFinal)
    {
        return;
    }
    serverFinal = true;
    if (!onServerFinal.IsNull())
    {
        Callback<void> cb = onServerFinal;
        onServerFinal = Callback<void>();
        cb();
    }
}

std::string
TlsHandshakeRecord::FormatMs(double ms)
{
    if (std::isnan(ms))
    {
        return "";
    }
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%.6f", ms);
    return buf;
}

std::string
TlsHandshakeRecord::Escape(const std::string& cell)
{
    if (cell.find_first_of(",\"\n") == std::string::npos)
    {
        return cell;
    }
    std::string s = "\"";
    for (char c : cell)
    {
        s += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return s + "\"";
}

std::string
TlsHandshakeRecord::FormatCell(TlsColumnKind kind, const TlsColumnValue& value)
{
    switch (kind)
    {
        case TlsColumnKind::INTEGER:
            return std::to_string(std::get<int64_t>(value));
        case TlsColumnKind::BOOLEAN:
            return std::get<int64_t>(value) ? "1" : "0";
        case TlsColumnKind::MS:
            return FormatMs(std::get<double>(value));
        case TlsColumnKind::TEXT:
            return Escape(std::get<std::string>(value));
    }
    NS_FATAL_ERROR("unknown column kind");
}

std::string
TlsHandshakeRecord::GetKindName(TlsColumnKind kind)
{
    switch (kind)
    {
        case TlsColumnKind::INTEGER:
            return "integer";
        case TlsColumnKind::BOOLEAN:
            return "boolean";
        case TlsColumnKind::MS:
            return "ms";
        case TlsColumnKind::TEXT:
            return "text";
    }
    NS_FATAL_ERROR("unknown column kind");
}

const std::vector<TlsHandshakeRecord::Column>&
TlsHandshakeRecord::GetColumns()
{
    using K = TlsColumnKind;
    using R = TlsHandshakeRecord;
    auto ms = [](Time t) { return t.GetNanoSeconds() / 1e6; };
    static const std::vector<Column> columns{
        {"conn",
         K::INTEGER,
         "connection index at its client",
         [](const R& r) -> TlsColumnValue { return int64_t(r.conn); }},
        {"client",
         K::INTEGER,
         "client index",
         [](const R& r) -> TlsColumnValue { return int64_t(r.client); }},
        {"tcp_ms",
         K::MS,
         "Connect() -> TCP established at the client",
         [](const R& r) -> TlsColumnValue { return r.GetTcpMs(); }},
        {"tls_ms",
         K::MS,
         "TCP established -> client handshake complete",
         [](const R& r) -> TlsColumnValue { return r.GetTlsMs(); }},
        {"total_ms",
         K::MS,
         "Connect() -> client handshake complete (tcp_ms + tls_ms)",
         [](const R& r) -> TlsColumnValue { return r.GetTotalMs(); }},
        {"server_done_ms",
         K::MS,
         "Connect() -> server handshake complete",
         [](const R& r) -> TlsColumnValue { return r.GetServerDoneMs(); }},
        {"ttfb_ms",
         K::MS,
         "Connect() -> first response byte (with a request)",
         [](const R& r) -> TlsColumnValue { return r.GetTtfbMs(); }},
        {"fail_ms",
         K::MS,
         "failed handshake: Connect() -> end of the attempt (alert sent or received, TCP error, "
         "timeout)",
         [](const R& r) -> TlsColumnValue { return r.GetFailMs(); }},
        {"ok",
         K::BOOLEAN,
         "client handshake completed",
         [](const R& r) -> TlsColumnValue { return int64_t(r.ok); }},
        {"error",
         K::TEXT,
         "why the client handshake failed, empty if it completed; 'unfinished' if the "
         "simulation ended while it was still running (a Simulator::Stop before its timeout)",
         [](const R& r) -> TlsColumnValue
         {
             bool unfinished = !r.ok && r.error.empty() && !r.connectTime.IsStrictlyNegative();
             return unfinished ? std::string("unfinished") : r.error;
         }},
        {"post_error",
         K::TEXT,
         "what failed after a completed handshake (e.g. timeout: response), or 'server: "
         "handshake incomplete' if the run ended before the server completed; empty if nothing",
         [](const R& r) -> TlsColumnValue { return r.postError; }},
        {"resumed",
         K::BOOLEAN,
         "abbreviated handshake",
         [](const R& r) -> TlsColumnValue { return int64_t(r.resumed); }},
        {"early_data",
         K::BOOLEAN,
         "0-RTT data accepted",
         [](const R& r) -> TlsColumnValue { return int64_t(r.earlyDataAccepted); }},
        {"hello_retry",
         K::BOOLEAN,
         "HelloRetryRequest happened",
         [](const R& r) -> TlsColumnValue { return int64_t(r.helloRetry); }},
        {"version",
         K::TEXT,
         "negotiated protocol version",
         [](const R& r) -> TlsColumnValue { return r.version; }},
        {"cipher",
         K::TEXT,
         "negotiated cipher suite",
         [](const R& r) -> TlsColumnValue { return r.cipher; }},
        {"group",
         K::TEXT,
         "key exchange group",
         [](const R& r) -> TlsColumnValue { return r.group; }},
        {"client_bytes",
         K::INTEGER,
         "TLS bytes written by the client",
         [](const R& r) -> TlsColumnValue { return int64_t(r.clientBytes); }},
        {"server_bytes",
         K::INTEGER,
         "TLS bytes written by the server",
         [](const R& r) -> TlsColumnValue { return int64_t(r.serverBytes); }},
        {"client_hs_bytes",
         K::INTEGER,
         "client bytes until its handshake completed",
         [](const R& r) -> TlsColumnValue { return int64_t(r.clientHandshakeBytes); }},
        {"server_hs_bytes",
         K::INTEGER,
         "server bytes until its handshake completed",
         [](const R& r) -> TlsColumnValue { return int64_t(r.serverHandshakeBytes); }},
        {"retransmissions",
         K::INTEGER,
         "TCP segments sent again, both sides",
         [](const R& r) -> TlsColumnValue
         { return int64_t(r.clientRetransmissions) + r.serverRetransmissions; }},
        {"client_retransmissions",
         K::INTEGER,
         "TCP segments the client sent again",
         [](const R& r) -> TlsColumnValue { return int64_t(r.clientRetransmissions); }},
        {"server_retransmissions",
         K::INTEGER,
         "TCP segments the server sent again",
         [](const R& r) -> TlsColumnValue { return int64_t(r.serverRetransmissions); }},
        {"client_cpu_ms",
         K::MS,
         "simulated CPU time charged to the client",
         [ms](const R& r) -> TlsColumnValue { return ms(r.clientCpu); }},
        {"server_cpu_ms",
         K::MS,
         "simulated CPU time charged to the server",
         [ms](const R& r) -> TlsColumnValue { return ms(r.serverCpu); }},
        {"start_ms",
         K::MS,
         "simulated time of the Connect() call",
         [ms](const R& r) -> TlsColumnValue { return ms(r.connectTime); }},
    };
    return columns;
}

const std::vector<TlsHandshakeRecord::TimelineColumn>&
TlsHandshakeRecord::GetTimelineColumns()
{
    using K = TlsColumnKind;
    using R = TlsHandshakeRecord;
    using M = TlsMessageTiming;
    static const std::vector<TimelineColumn> columns{
        {"conn",
         K::INTEGER,
         "connection index at its client",
         [](const R& r, const M&) -> TlsColumnValue { return int64_t(r.conn); }},
        {"client",
         K::INTEGER,
         "client index",
         [](const R& r, const M&) -> TlsColumnValue { return int64_t(r.client); }},
        {"time_ms",
         K::MS,
         "Connect() -> the sender handed the message to TCP (TCP: sent the segment; empty: "
         "unseen)",
         [](const R& r, const M& m) -> TlsColumnValue { return Span(r.connectTime, m.sent); }},
        {"recv_ms",
         K::MS,
         "Connect() -> the receiver's TLS engine read it (TCP: its TCP received the segment; "
         "empty: never, e.g. lost)",
         [](const R& r, const M& m) -> TlsColumnValue
         {
             return m.received.IsStrictlyNegative() ? std::numeric_limits<double>::quiet_NaN()
                                            : Span(r.connectTime, m.received);
         }},
        {"sender",
         K::TEXT,
         "client or server",
         [](const R&, const M& m) -> TlsColumnValue
         { return std::string(m.fromClient ? "client" : "server"); }},
        {"message",
         K::TEXT,
         "message name (RFC 8446/5246)",
         [](const R&, const M& m) -> TlsColumnValue { return m.name; }},
        {"bytes",
         K::INTEGER,
         "message length (TCP: payload bytes)",
         [](const R&, const M& m) -> TlsColumnValue { return int64_t(m.bytes); }},
        {"layer",
         K::TEXT,
         "tls (a TLS message) or tcp (a TCP segment: SYN, SYN-ACK, ACK of the three-way "
         "handshake, or segment: data sent again)",
         [](const R&, const M& m) -> TlsColumnValue { return std::string(m.tcp ? "tcp" : "tls"); }},
        {"retransmission",
         K::BOOLEAN,
         "1: a TCP segment its sender had sent before",
         [](const R&, const M& m) -> TlsColumnValue { return int64_t(m.retransmission); }},
    };
    return columns;
}

std::vector<std::string>
TlsHandshakeRecord::GetColumnNames()
{
    std::vector<std::string> names;
    for (const auto& c : GetColumns())
    {
        names.push_back(c.name);
    }
    return names;
}

std::vector<std::string>
TlsHandshakeRecord::GetCells() const
{
    std::vector<std::string> cells;
    for (const auto& c : GetColumns())
    {
        cells.push_back(c.Cell(*this));
    }
    return cells;
}

std::vector<std::string>
TlsHandshakeRecord::GetTimelineColumnNames()
{
    std::vector<std::string> names;
    for (const auto& c : GetTimelineColumns())
    {
        names.push_back(c.name);
    }
    return names;
}

std::vector<const TlsMessageTiming*>
TlsHandshakeRecord::GetMessagesBySendTime() const
{
    // TCP segments and TLS messages, by send time (a segment before a message sent with it;
    // a segment sent unseen by its receive time).
    std::vector<const TlsMessageTiming*> sorted;
    for (const auto& s : segments)
    {
        sorted.push_back(&s);
    }
    for (const auto& t : messages)
    {
        sorted.push_back(&t);
    }
    auto key
        = [](const TlsMessageTiming* t) { return t->sent.IsStrictlyNegative() ? t->received : t->sent; };
    std::stable_sort(sorted.begin(), sorted.end(), [&](auto a, auto b) { return key(a) < key(b); });
    return sorted;
}

std::vector<std::vector<std::string>>
TlsHandshakeRecord::GetTimelineRows() const
{
    std::vector<std::vector<std::string>> rows;
    for (const auto* t : GetMessagesBySendTime())
    {
        std::vector<std::string> row;
        for (const auto& c : GetTimelineColumns())
        {
            row.push_back(c.Cell(*this, *t));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace ns3
