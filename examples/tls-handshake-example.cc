/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tls-handshake-example: real OpenSSL handshakes over a simulated TCP link.
 *
 * One or more clients open --handshakes TLS connections each to a server across a
 * point-to-point link (--rtt, --bandwidth, --loss, --queue), and the example prints a summary
 * and optionally writes a CSV row per handshake (--csv), a row per TLS message (--timeline),
 * pcaps (--pcap) and a key log that lets Wireshark decrypt them (--keylog).
 *
 *   ./ns3tls run --tls=1.3 --rtt=50ms --loss=0.01 --handshakes=200 --csv=out.csv
 *   ./ns3tls run --tls=1.2 --kx=rsa --pcap=cap --keylog=keys.txt
 *   ./ns3tls run --fault=untrusted-ca
 *
 * Run with --help for every flag. A bad value prints one line on stderr and exits with 2.
 */
#include "ns3/command-line.h"
#include "ns3/ns3-compat.h"
#include "ns3/tls-credentials.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <set>

using namespace ns3;

namespace
{

double
Quantile(std::vector<double> v, double q)
{
    if (v.empty())
    {
        return NAN;
    }
    std::sort(v.begin(), v.end());
    double pos = q * (v.size() - 1);
    size_t i = static_cast<size_t>(pos);
    double frac = pos - i;
    return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

void
PrintSummary(const TlsScenarioConfig& config, const TlsScenario::Result& result)
{
    std::vector<double> total;
    std::vector<double> tcp;
    std::vector<double> tls;
    std::vector<double> fail;
    std::map<std::string, int> errors;
    int ok = 0;
    int resumed = 0;
    for (const auto& r : result.records)
    {
        if (r->ok)
        {
            ++ok;
            total.push_back(r->GetTotalMs());
            tcp.push_back(r->GetTcpMs());
            tls.push_back(r->GetTlsMs());
            resumed += r->resumed;
        }
        else
        {
            fail.push_back(r->GetFailMs());
        }
        if (!r->error.empty())
        {
            errors[r->error]++;
        }
        if (!r->postError.empty())
        {
            errors["after the handshake: " + r->postError]++;
        }
    }
    // As the CSV's key column: the real type of a --cert chain's leaf key.
    std::string key = config.certFile.empty()
                          ? config.Get("key")
                          : TlsCredentials::GetCertificateKeyType(config.certFile);
    std::printf(
        "TLS %s (server %s)  kx=%s  key=%s  rtt=%s  bandwidth=%s  loss=%s  tcp=%s  cpu=%s\n",
        config.tls.c_str(),
        config.GetServerTls().c_str(),
        config.Get("kx").c_str(),
        key.c_str(),
        config.Get("rtt").c_str(),
        config.Get("bandwidth").c_str(),
        config.Get("loss").c_str(),
        config.tcp.c_str(),
        config.cpu.c_str());
    size_t n = result.records.size();
    std::printf("handshakes %zu  ok %d  resumed %d  failed %zu (%.1f %%)\n",
                n,
                ok,
                resumed,
                fail.size(),
                n ? 100.0 * fail.size() / n : 0.0);
    auto row = [](const char* name, const std::vector<double>& v)
    {
        std::printf("%-10s %12.3f %12.3f %12.3f\n",
                    name,
                    Quantile(v, 0.5),
                    Quantile(v, 0.95),
                    *std::max_element(v.begin(), v.end()));
    };
    if (ok > 0)
    {
        std::printf("%-10s %12s %12s %12s   over the %d successful handshakes only\n",
                    "",
                    "median_ms",
                    "p95_ms",
                    "max_ms",
                    ok);
        row("tcp", tcp);
        row("tls", tls);
        row("total", total);
    }
    if (!fail.empty())
    {
        std::printf("%-10s %12s %12s %12s   connect -> end of each of the %zu failed attempts\n",
                    "",
                    "median_ms",
                    "p95_ms",
                    "max_ms",
                    fail.size());
        row("fail", fail);
    }
    for (const auto& e : errors)
    {
        std::printf("error x%d: %s\n", e.second, e.first.c_str());
    }
    if (!result.costTable.empty())
    {
        std::printf("cost table: %s\n", result.costTable.c_str());
    }
    for (const auto& c : result.measuredCosts)
    {
        std::printf("cost measured at run start (not in the table): %s %.2f us\n",
                    c.first.c_str(),
                    c.second);
    }
    std::printf("simulated %.3f s in %.3f s wall (%.3f s running, the rest building and "
                "tearing down)\n",
                result.simulatedSeconds,
                result.wallSeconds,
                result.runWallSeconds);
    std::printf("openssl: %s\n", TlsOpenSsl::GetVersion().c_str());
}

/// @return the edit distance between two strings (for "did you mean")
size_t
EditDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
    {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i)
    {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
        {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

/**
 * Checks every argument before CommandLine sees it, which ignores words without dashes and
 * answers an unknown flag with its whole help: "" if all are flags it knows, else one line.
 */
std::string
CheckArguments(int argc, char* argv[], const std::vector<std::string>& names)
{
    // CommandLine's own flags; "ns3::Type::Attribute" sets an attribute default.
    static const std::set<std::string> builtins = {"help",
                                                   "PrintHelp",
                                                   "PrintGlobals",
                                                   "PrintGroups",
                                                   "PrintGroup",
                                                   "PrintTypeIds",
                                                   "PrintAttributes",
                                                   "PrintVersion",
                                                   "version"};
    for (int i = 1; i < argc; ++i)
    {
        std::string arg = argv[i];
        if (arg.size() < 2 || arg[0] != '-')
        {
            return "unexpected argument '" + arg + "' (flags look like --rtt=50ms; see --help)";
        }
        size_t start = arg.find_first_not_of('-');
        std::string name = start == std::string::npos ? "" : arg.substr(start);
        name = name.substr(0, name.find('='));
        if (std::find(names.begin(), names.end(), name) != names.end() || builtins.count(name)
            || name.find("::") != std::string::npos)
        {
            continue;
        }
        std::string best;
        size_t bestDistance = std::max<size_t>(2, name.size() / 3) + 1;
        for (const auto& n : names)
        {
            size_t d = EditDistance(name, n);
            if (d < bestDistance)
            {
                best = n;
                bestDistance = d;
            }
        }
        return "unknown flag '" + arg.substr(0, arg.find('=')) + "'"
               + (best.empty() ? " (see --help)" : " (did you mean --" + best + "?)");
    }
    return "";
}

} // namespace

int
main(int argc, char* argv[])
{
    TlsScenarioConfig config;
    std::vector<std::string> names = TlsScenarioConfig::GetNames();
    std::string error = CheckArguments(argc, argv, names);
    if (!error.empty())
    {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    std::map<std::string, std::string> values;
    CommandLine cmd(__FILE__);
    cmd.Usage("Real OpenSSL handshakes over a simulated ns-3 TCP link (see README.md).\n"
              "ns-3 attribute flags (--ns3::TypeId::Attribute=VALUE): TcpSocket and TcpSocketBase "
              "values win over the --tcp profile; attributes the scenario sets from its own flags "
              "are refused, naming the flag to use.\n"
              "The summary's median/p95/max are over the successful handshakes only; failed "
              "attempts are counted beside them, with fail_ms (connect -> end of the attempt).");
    for (const auto& n : names)
    {
        values[n] = config.Get(n);
        // A callback receives the whole value: CommandLine reads a std::string with '>>',
        // which would stop at the first space ("my results.csv" -> "my").
        std::function<bool(const std::string&)> set = [&values, n](const std::string& v)
        {
            values[n] = n == "client-auth" && v.empty() ? "true" : v; // bare --client-auth
            return true; // checked below by TlsScenarioConfig::Set, in one line
        };
        cmd.AddValue(n, TlsScenarioConfig::GetHelp(n), compat::CommandLineCallback(set), values[n]);
    }
    cmd.Parse(argc, argv);
    // ns-3 attribute flags (--ns3::TypeId::Attribute=value): CommandLine set them as defaults;
    // the scenario re-applies those it does not own after its TCP profile and refuses the others.
    for (int i = 1; i < argc; ++i)
    {
        std::string arg = argv[i];
        size_t eq = arg.find('=');
        if (arg.rfind("--ns3::", 0) == 0 && eq != std::string::npos)
        {
            error = config.SetNs3Default(arg.substr(2, eq - 2), arg.substr(eq + 1));
            if (!error.empty())
            {
                std::cerr << "error: " << error << std::endl;
                return 2;
            }
        }
    }
    for (const auto& n : names)
    {
        error = config.Set(n, values[n]);
        if (!error.empty())
        {
            std::cerr << "error: " << error << std::endl;
            return 2;
        }
    }
    TlsScenario::Result result;
    error = TlsScenario::Run(config, result);
    if (!error.empty())
    {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    PrintSummary(config, result);
    return 0;
}
