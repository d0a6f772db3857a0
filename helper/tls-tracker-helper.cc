/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-tracker-helper.h"

#include "ns3/callback.h"
#include "ns3/log.h"
#include "ns3/tls-client-application.h"
#include "ns3/tls-server-application.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

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
    std::string error = CheckColumnName(name);
    NS_ABORT_MSG_IF(!error.empty(), error);
    m_columns.emplace_back(name, value);
}

std::string
TlsTrackerHelper::CheckColumnName(const std::string& name) const
{
    if (name.empty())
    {
        return "invalid column name '': empty";
    }
    auto record = TlsHandshakeRecord::GetColumnNames();
    auto timeline = TlsHandshakeRecord::GetTimelineColumnNames();
    const char* what = nullptr;
    if (std::find(record.begin(), record.end(), name) != record.end())
    {
        what = "a column of the record";
    }
    else if (std::find(timeline.begin(), timeline.end(), name) != timeline.end())
    {
        what = "a column of the timeline";
    }
    else if (std::any_of(m_columns.begin(),
                         m_columns.end(),
                         [&](const auto& c) { return c.first == name; }))
    {
        what = "added already";
    }
    if (!what)
    {
        return "";
    }
    return "invalid column name '" + name + "': " + what + " (a row has one column of each name)";
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
TlsTrackerHelper::WriteFiles(const std::string& csvPath, const std::string& timelinePath) const
{
    std::string error = csvPath.empty() ? "" : WriteCsv(csvPath);
    if (error.empty() && !timelinePath.empty())
    {
        error = WriteTimelineCsv(timelinePath);
    }
    return error;
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

int
TlsTrackerHelper::GetStreamFd(const std::string& path)
{
    if (path == "/dev/stdout")
    {
        return STDOUT_FILENO;
    }
    if (path == "/dev/stderr")
    {
        return STDERR_FILENO;
    }
    for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"})
    {
        std::string p(prefix);
        if (path.rfind(p, 0) == 0 && path.size() > p.size()
            && path.find_first_not_of("0123456789", p.size()) == std::string::npos
            && path.size() - p.size() < 6)
        {
            return std::stoi(path.substr(p.size()));
        }
    }
    return -1;
}

std::string
TlsTrackerHelper::WriteFile(const std::string& path, const std::string& content)
{
    std::string bad = "cannot write '" + path + "'";
    auto writeAll = [&content](int fd)
    {
        size_t done = 0;
        while (done < content.size())
        {
            ssize_t n = ::write(fd, content.data() + done, content.size() - done);
            if (n < 0 && errno == EINTR)
            {
                continue;
            }
            if (n <= 0)
            {
                return false;
            }
            done += n;
        }
        return true;
    };
    // The process's own streams (/dev/stdout, /dev/fd/1, /proc/self/fd/1, ...): write to the
    // descriptor, after what the program printed there; never open, truncate or replace them.
    int streamFd = TlsTrackerHelper::GetStreamFd(path);
    if (streamFd >= 0)
    {
        return writeAll(streamFd) ? "" : bad + ": " + std::strerror(errno);
    }
    struct stat st;
    bool exists = ::stat(path.c_str(), &st) == 0; // follows symlinks
    struct stat lst;
    bool isLink = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
    std::string target = path;
    bool writeThrough = exists && !S_ISREG(st.st_mode); // a device or FIFO: never replaced
    if (isLink && !writeThrough)
    {
        // A symlink is written through: its target is replaced, never the link. If the target
        // cannot be named (dangling, or a magic link such as /proc/PID/fd/N), open the link.
        std::error_code ec;
        std::filesystem::path resolved = std::filesystem::canonical(path, ec);
        struct stat rst;
        if (ec || ::lstat(resolved.c_str(), &rst) != 0 || !S_ISREG(rst.st_mode))
        {
            writeThrough = true;
        }
        else
        {
            target = resolved.string();
        }
    }
    if (writeThrough)
    {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
        {
            return bad + ": " + std::strerror(errno);
        }
        bool ok = writeAll(fd);
        int savedErrno = errno;
        ok = ::close(fd) == 0 && ok;
        return ok ? "" : bad + ": " + std::strerror(ok ? errno : savedErrno);
    }
    // A regular file is replaced atomically: a unique temporary file in the same directory
    // (never a name a user may own), then rename(2) over the target.
    std::filesystem::path t(target);
    std::string tmp = (t.parent_path() / ("." + t.filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(tmp.data());
    if (fd < 0)
    {
        return bad + ": " + std::strerror(errno);
    }
    // mkstemp makes the file 0600: give it the existing file's mode, or what open(2) would.
    mode_t umaskValue = ::umask(0);
    ::umask(umaskValue);
    ::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~umaskValue));
    bool ok = writeAll(fd);
    int savedErrno = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), target.c_str()) != 0)
    {
        savedErrno = ok ? errno : savedErrno;
        std::remove(tmp.c_str());
        return bad + ": " + std::strerror(savedErrno);
    }
    return "";
}

} // namespace ns3
