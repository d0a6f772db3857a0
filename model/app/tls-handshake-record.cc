/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-handshake-record.h"

#include "ns3/tcp-header.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace ns3
{

namespace
{

std::map<Address, Ptr<TlsHandshakeRecord>>&
Registry()
{
    static std::map<Address, Ptr<TlsHandshakeRecord>> registry;
    return registry;
}

double
Span(Time from, Time to)
{
    if (from.IsNegative() || to.IsNegative())
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
            if (messages[j].fromClient == fromClient && !messages[j].received.IsNegative())
            {
                previous = &messages[j];
            }
        }
        for (uint32_t j = cursor; j < i; ++j)
        {
            TlsMessageTiming& skipped = messages[j];
            if (skipped.fromClient == fromClient && skipped.received.IsNegative())
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
        return s.fromClient != atClient && s.received.IsNegative() && s.seq == seq
               && s.bytes == bytes && (s.name == "SYN" || s.name == "SYN-ACK") == syn;
    };
    auto it = std::find_if(segments.rbegin(), segments.rend(), matches);
    if (syn && it == segments.rend())
    {
        TcpSegmentTiming s; // sent where no trace saw it
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
        if (it->fromClient && it->name == "SYN" && it->received.IsNegative())
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

std::vector<std::string>
TlsHandshakeRecord::GetColumnNames()
{
    return {"conn",
            "client",
            "tcp_ms",
            "tls_ms",
            "total_ms",
            "server_done_ms",
            "ttfb_ms",
            "ok",
            "error",
            "resumed",
            "early_data",
            "hello_retry",
            "version",
            "cipher",
            "group",
            "client_bytes",
            "server_bytes",
            "client_hs_bytes",
            "server_hs_bytes",
            "retransmissions",
            "client_retransmissions",
            "server_retransmissions",
            "client_cpu_ms",
            "server_cpu_ms",
            "start_ms"};
}

std::vector<std::string>
TlsHandshakeRecord::GetCells() const
{
    auto ms = [](Time t) { return FormatMs(t.GetNanoSeconds() / 1e6); };
    return {std::to_string(conn),
            std::to_string(client),
            FormatMs(GetTcpMs()),
            FormatMs(GetTlsMs()),
            FormatMs(GetTotalMs()),
            FormatMs(GetServerDoneMs()),
            FormatMs(GetTtfbMs()),
            ok ? "1" : "0",
            Escape(error),
            resumed ? "1" : "0",
            earlyDataAccepted ? "1" : "0",
            helloRetry ? "1" : "0",
            version,
            cipher,
            group,
            std::to_string(clientBytes),
            std::to_string(serverBytes),
            std::to_string(clientHandshakeBytes),
            std::to_string(serverHandshakeBytes),
            std::to_string(clientRetransmissions + serverRetransmissions),
            std::to_string(clientRetransmissions),
            std::to_string(serverRetransmissions),
            ms(clientCpu),
            ms(serverCpu),
            ms(connectTime)};
}

std::vector<std::string>
TlsHandshakeRecord::GetTimelineColumnNames()
{
    return {"conn",
            "client",
            "time_ms",
            "recv_ms",
            "sender",
            "message",
            "bytes",
            "layer",
            "retransmission"};
}

std::vector<std::vector<std::string>>
TlsHandshakeRecord::GetTimelineRows() const
{
    // TCP segments and TLS messages, by send time (a segment before a message sent with it).
    std::vector<std::pair<Time, std::vector<std::string>>> sorted;
    auto row = [this](Time sent,
                      Time received,
                      bool fromClient,
                      const std::string& name,
                      uint32_t bytes,
                      const char* layer,
                      bool retransmission)
    {
        double recv = received.IsNegative() ? std::numeric_limits<double>::quiet_NaN()
                                            : Span(connectTime, received);
        return std::vector<std::string>{std::to_string(conn),
                                        std::to_string(client),
                                        FormatMs(Span(connectTime, sent)),
                                        FormatMs(recv),
                                        fromClient ? "client" : "server",
                                        Escape(name),
                                        std::to_string(bytes),
                                        layer,
                                        retransmission ? "1" : "0"};
    };
    for (const auto& s : segments)
    {
        sorted.emplace_back(
            s.sent.IsNegative() ? s.received : s.sent,
            row(s.sent, s.received, s.fromClient, s.name, s.bytes, "tcp", s.retransmission));
    }
    for (const auto& t : messages)
    {
        sorted.emplace_back(t.sent,
                            row(t.sent, t.received, t.fromClient, t.name, t.bytes, "tls", false));
    }
    std::stable_sort(sorted.begin(),
                     sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::vector<std::string>> rows;
    for (auto& r : sorted)
    {
        rows.push_back(std::move(r.second));
    }
    return rows;
}

void
TlsHandshakeRecord::Register(const Address& clientAddress, Ptr<TlsHandshakeRecord> record)
{
    Registry()[clientAddress] = record;
}

Ptr<TlsHandshakeRecord>
TlsHandshakeRecord::Find(const Address& clientAddress)
{
    auto it = Registry().find(clientAddress);
    return it == Registry().end() ? nullptr : it->second;
}

void
TlsHandshakeRecord::Unregister(const Address& clientAddress, const TlsHandshakeRecord* record)
{
    auto it = Registry().find(clientAddress);
    if (it != Registry().end() && PeekPointer(it->second) == record)
    {
        Registry().erase(it);
    }
}

} // namespace ns3
