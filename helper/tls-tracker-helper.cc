/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-tracker-helper.h"

#include "ns3/callback.h"
#include "ns3/log.h"
#include "ns3/tls-client-application.h"
#include "ns3/tls-server-application.h"

#include <cstdio>
#include <fstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsTrackerHelper");

namespace
{

std::string
Join(const std::vector<std::string>& cells)
{
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i)
    {
        s += (i ? "," : "") + cells[i];
    }
    return s;
}

/// ",v1,v2..." for the extra columns' values.
std::string
ExtraCells(const std::vector<std::pair<std::string, std::string>>& columns)
{
    std::string s;
    for (const auto& c : columns)
    {
        s += "," + TlsHandshakeRecord::Escape(c.second);
    }
    return s;
}

/// ",n1,n2..." for the extra columns' names.
std::string
ExtraNames(const std::vector<std::pair<std::string, std::string>>& columns)
{
    std::string s;
    for (const auto& c : columns)
    {
        s += "," + c.first;
    }
    return s;
}

} // namespace

void
TlsTrackerHelper::State::OnConnectionStart(uint32_t i, Ptr<TlsHandshakeRecord> record)
{
    clients[i].push_back(record);
    // A later connection from the same address and port replaces an earlier one.
    byAddress[record->clientAddress] = record;
}

Ptr<TlsHandshakeRecord>
TlsTrackerHelper::State::Find(const Address& clientAddress)
{
    auto it = byAddress.find(clientAddress);
    return it == byAddress.end() ? nullptr : it->second;
}

TlsTrackerHelper::TlsTrackerHelper()
    : m_state(Create<State>())
{
}

void
TlsTrackerHelper::Install(ApplicationContainer apps)
{
    for (uint32_t i = 0; i < apps.GetN(); ++i)
    {
        Ptr<Application> app = apps.Get(i);
        if (Ptr<TlsClientApplication> client = DynamicCast<TlsClientApplication>(app))
        {
            uint32_t index = m_state->clients.size();
            m_state->clients.emplace_back();
            client->TraceConnectWithoutContext(
                "ConnectionStart",
                MakeBoundCallback(
                    +[](Ptr<State> s, uint32_t index, Ptr<TlsHandshakeRecord> r)
                    { s->OnConnectionStart(index, r); },
                    m_state,
                    index));
        }
        else if (Ptr<TlsServerApplication> server = DynamicCast<TlsServerApplication>(app))
        {
            server->SetRecordLookup(MakeCallback(&State::Find, m_state));
        }
    }
}

void
TlsTrackerHelper::AddColumn(const std::string& name, const std::string& value)
{
    m_columns.emplace_back(name, value);
}

const std::vector<std::pair<std::string, std::string>>&
TlsTrackerHelper::GetColumns() const
{
    return m_columns;
}

std::vector<Ptr<TlsHandshakeRecord>>
TlsTrackerHelper::GetRecords() const
{
    std::vector<Ptr<TlsHandshakeRecord>> records;
    for (const auto& c : m_state->clients)
    {
        records.insert(records.end(), c.begin(), c.end());
    }
    return records;
}

std::string
TlsTrackerHelper::GetCsv() const
{
    return CsvHeader(m_columns) + "\n" + CsvRows(GetRecords(), m_columns);
}

std::string
TlsTrackerHelper::GetTimelineCsv() const
{
    return TimelineCsv(GetRecords(), m_columns);
}

std::string
TlsTrackerHelper::WriteCsv(const std::string& path) const
{
    return WriteFile(path, GetCsv());
}

std::string
TlsTrackerHelper::WriteTimelineCsv(const std::string& path) const
{
    return WriteFile(path, GetTimelineCsv());
}

std::string
TlsTrackerHelper::CsvHeader(const std::vector<std::pair<std::string, std::string>>& columns)
{
    return Join(TlsHandshakeRecord::GetColumnNames()) + ExtraNames(columns);
}

std::string
TlsTrackerHelper::CsvRows(const std::vector<Ptr<TlsHandshakeRecord>>& records,
                          const std::vector<std::pair<std::string, std::string>>& columns)
{
    std::string extra = ExtraCells(columns);
    std::string out;
    for (const auto& r : records)
    {
        out += Join(r->GetCells()) + extra + "\n";
    }
    return out;
}

std::string
TlsTrackerHelper::TimelineCsv(const std::vector<Ptr<TlsHandshakeRecord>>& records,
                              const std::vector<std::pair<std::string, std::string>>& columns)
{
    std::string extra = ExtraCells(columns);
    std::string out
        = Join(TlsHandshakeRecord::GetTimelineColumnNames()) + ExtraNames(columns) + "\n";
    for (const auto& r : records)
    {
        for (const auto& row : r->GetTimelineRows())
        {
            out += Join(row) + extra + "\n";
        }
    }
    return out;
}

std::string
TlsTrackerHelper::WriteFile(const std::string& path, const std::string& content)
{
    std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::out | std::ios::trunc);
        if (!f)
        {
            return "cannot write '" + path + "'";
        }
        f << content;
        if (!f.good())
        {
            return "cannot write '" + path + "'";
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        std::remove(tmp.c_str());
        return "cannot write '" + path + "'";
    }
    return "";
}

} // namespace ns3
