/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-handshake-record.h"

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
            "fail_ms",
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
            FormatMs(GetFailMs()),
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
    return {"conn", "client", "time_ms", "recv_ms", "sender", "message", "bytes"};
}

std::vector<std::vector<std::string>>
TlsHandshakeRecord::GetTimelineRows() const
{
    std::vector<const TlsMessageTiming*> sorted;
    for (const auto& t : messages)
    {
        sorted.push_back(&t);
    }
    std::stable_sort(
        sorted.begin(), sorted.end(), [](auto a, auto b) { return a->sent < b->sent; });
    std::vector<std::vector<std::string>> rows;
    for (const auto* t : sorted)
    {
        double recv = t->received.IsNegative() ? std::numeric_limits<double>::quiet_NaN()
                                               : Span(connectTime, t->received);
        rows.push_back({std::to_string(conn),
                        std::to_string(client),
                        FormatMs(Span(connectTime, t->sent)),
                        FormatMs(recv),
                        t->fromClient ? "client" : "server",
                        Escape(t->name),
                        std::to_string(t->bytes)});
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
