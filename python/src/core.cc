/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3tls._core: pybind11 bindings of the canned TLS scenario (helper/tls-scenario.h).
 *
 * The Python package (python/ns3tls) is the public API; this module is its engine:
 *   - Config: TlsScenarioConfig, set by flag name from strings (the C++ example's parsing);
 *   - run_csv(params): one simulation -> (csv text, timeline text, info), exactly the text the
 *     example writes with --csv / --timeline;
 *   - run(params): one simulation -> Result with the TlsHandshakeRecord objects themselves;
 *   - columns() / timeline_columns(): the output schema (name, kind, help), from the C++ column
 *     tables, which also give Record its properties.
 * The simulation runs without the GIL. ns-3 keeps process-wide state, so the package runs each
 * simulation in a fresh worker process (ns3tls._worker); calling run()/run_csv() here directly
 * is fine for one-off use.
 */
#include "network.h"

#include "ns3/inet-socket-address.h"
#include "ns3/rng-stream.h"
#include "ns3/tls-handshake-record.h"
#include "ns3/tls-memory.h"
#include "ns3/tls-openssl.h"
#include "ns3/tls-scenario-config.h"
#include "ns3/tls-scenario.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <openssl/ssl.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#ifndef NS3TLS_VERSION
#define NS3TLS_VERSION "0.0.0"
#endif

namespace py = pybind11;
using namespace ns3;

// ns3::Ptr is an intrusive reference-counting pointer: usable as a pybind11 holder.
PYBIND11_DECLARE_HOLDER_TYPE(T, ns3::Ptr<T>, true);

namespace pybind11
{
namespace detail
{
template <typename T>
struct holder_helper<ns3::Ptr<T>>
{
    static const T*
    get(const ns3::Ptr<T>& p)
    {
        return ns3::PeekPointer(p);
    }
};
} // namespace detail
} // namespace pybind11

namespace
{

/// Python names use '_' where flags use '-' ("early_data" -> "early-data").
std::string
FlagName(std::string name)
{
    for (auto& c : name)
    {
        if (c == '_')
        {
            c = '-';
        }
    }
    return name;
}

/// A time in ms, NaN when negative (the record's "never happened").
double
Ms(Time t)
{
    return t.IsStrictlyNegative() ? NAN : t.GetNanoSeconds() / 1e6;
}

/// A column value as Python sees it: int, bool, float (ms; NaN for none) or str.
py::object
ToPython(TlsColumnKind kind, const TlsColumnValue& value)
{
    switch (kind)
    {
        case TlsColumnKind::INTEGER:
            return py::int_(std::get<int64_t>(value));
        case TlsColumnKind::BOOLEAN:
            return py::bool_(std::get<int64_t>(value) != 0);
        case TlsColumnKind::MS:
            return py::float_(std::get<double>(value));
        case TlsColumnKind::TEXT:
            return py::str(std::get<std::string>(value));
    }
    return py::none();
}

/// A column table as [(name, kind, help)].
template <typename Column>
std::vector<std::tuple<std::string, std::string, std::string>>
ColumnTable(const std::vector<Column>& columns)
{
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& c : columns)
    {
        out.emplace_back(c.name, TlsHandshakeRecord::GetKindName(c.kind), c.help);
    }
    return out;
}

/// Every parameter's canonical value.
std::map<std::string, std::string>
Canonical(const TlsScenarioConfig& config)
{
    std::map<std::string, std::string> out;
    for (const auto& n : TlsScenarioConfig::GetNames())
    {
        out[n] = config.Get(n);
    }
    return out;
}

py::dict
Info(const TlsScenario::Result& result)
{
    py::dict info;
    info["records"] = result.records.size();
    info["server_accepted"] = result.serverAccepted;
    info["server_completed"] = result.serverCompleted;
    info["simulated_seconds"] = result.simulatedSeconds;
    info["wall_seconds"] = result.wallSeconds;
    info["run_wall_seconds"] = result.runWallSeconds;
    info["openssl_version"] = TlsOpenSsl::GetVersion();
    info["measured_costs"] = result.measuredCosts; // --cpu=model: measured at run start (us)
    info["cost_table"] = result.costTable; // --cpu=model: "built-in openssl-3.5", ...; else ""
    return info;
}

/// Runs a scenario without the GIL; throws ValueError on a configuration error.
TlsScenario::Result
RunScenario(const TlsScenarioConfig& config)
{
    TlsScenario::Result result;
    std::string error;
    {
        py::gil_scoped_release release;
        error = TlsScenario::Run(config, result);
    }
    if (!error.empty())
    {
        throw py::value_error(error);
    }
    return result;
}

std::string
AddressString(const Address& a)
{
    if (InetSocketAddress::IsMatchingType(a))
    {
        InetSocketAddress inet = InetSocketAddress::ConvertFrom(a);
        std::ostringstream os;
        inet.GetIpv4().Print(os);
        os << ":" << inet.GetPort();
        return os.str();
    }
    return "";
}

} // namespace

/// Builds and validates a configuration; throws ValueError with the C++ message.
TlsScenarioConfig
MakeConfig(const std::map<std::string, std::string>& params, bool pair)
{
    TlsScenarioConfig config;
    for (const auto& [name, value] : params)
    {
        std::string error = config.Set(FlagName(name), value);
        if (!error.empty())
        {
            throw py::value_error(error);
        }
    }
    std::string error = config.Validate(pair);
    if (!error.empty())
    {
        throw py::value_error(error);
    }
    return config;
}

PYBIND11_MODULE(_core, m)
{
    m.doc() = "ns3tls compiled core: the canned TLS-over-ns-3 scenario (see the ns3tls package)";
    m.attr("__version__") = NS3TLS_VERSION;
    BindNetwork(m);

    py::class_<TlsScenarioConfig>(m, "Config", "Scenario parameters, set by flag name from strings")
        .def(py::init<>())
        .def(
            "set",
            [](TlsScenarioConfig& c, const std::string& name, const std::string& value)
            {
                std::string error = c.Set(FlagName(name), value);
                if (!error.empty())
                {
                    throw py::value_error(error);
                }
            },
            py::arg("name"),
            py::arg("value"),
            "Sets a parameter from its flag string (raises ValueError with the C++ message)")
        .def(
            "get",
            [](const TlsScenarioConfig& c, const std::string& name)
            { return c.Get(FlagName(name)); },
            py::arg("name"),
            "The canonical string value of a parameter")
        .def(
            "validate",
            [](const TlsScenarioConfig& c)
            {
                std::string error = c.Validate();
                if (!error.empty())
                {
                    throw py::value_error(error);
                }
            },
            "Raises ValueError if the combination of parameters is invalid")
        .def("canonical", &Canonical, "Every parameter's canonical value, by flag name")
        .def("parameter_columns",
             &TlsScenarioConfig::GetParameterColumns,
             "(column, value) pairs carried by every CSV row")
        .def("csv_header", [](const TlsScenarioConfig& c) { return TlsScenario::CsvHeader(c); })
        .def_static("names", &TlsScenarioConfig::GetNames, "Every flag name, in a stable order")
        .def_static("help", &TlsScenarioConfig::GetHelp, py::arg("name"));

    py::class_<TlsMessageTiming>(m, "Message", "One TLS message on the wire")
        .def_readonly("conn", &TlsMessageTiming::conn)
        .def_readonly("from_client", &TlsMessageTiming::fromClient)
        .def_property_readonly("sender",
                               [](const TlsMessageTiming& t)
                               { return std::string(t.fromClient ? "client" : "server"); })
        .def_readonly("name", &TlsMessageTiming::name)
        .def_readonly("bytes", &TlsMessageTiming::bytes)
        .def_property_readonly("sent_ms", [](const TlsMessageTiming& t) { return Ms(t.sent); })
        .def_property_readonly("received_ms",
                               [](const TlsMessageTiming& t) { return Ms(t.received); })
        .def("__repr__",
             [](const TlsMessageTiming& t)
             {
                 std::ostringstream os;
                 os << "<Message " << (t.fromClient ? "client" : "server") << " " << t.name << " "
                    << t.bytes << "B sent=" << Ms(t.sent) << "ms>";
                 return os.str();
             });

    // The record's columns come from its column table (TlsHandshakeRecord::GetColumns()): one
    // read-only property per CSV column, same name, typed by the column's kind.
    py::class_<TlsHandshakeRecord, Ptr<TlsHandshakeRecord>> record(
        m,
        "Record",
        "Everything measured about one client connection (a row of the results CSV); its "
        "properties are the CSV columns (see columns()) plus a few that are not written");
    for (const auto& column : TlsHandshakeRecord::GetColumns())
    {
        const TlsHandshakeRecord::Column* c = &column; // the table is static
        record.def_property_readonly(
            c->name.c_str(),
            [c](const TlsHandshakeRecord& r) { return ToPython(c->kind, c->get(r)); },
            c->help.c_str());
    }
    record
        .def_property_readonly(
            "client_address",
            [](const TlsHandshakeRecord& r) { return AddressString(r.clientAddress); },
            "client IP:port (not a CSV column)")
        .def_property_readonly(
            "connect_ms",
            [](const TlsHandshakeRecord& r) { return Ms(r.connectTime); },
            "simulated time of Connect() in ms (not a CSV column; NaN if never)")
        .def_property_readonly(
            "end_ms",
            [](const TlsHandshakeRecord& r) { return Ms(r.endTime); },
            "simulated time the connection finished at the client (not a CSV column)")
        .def_readonly("early_data_sent",
                      &TlsHandshakeRecord::earlyDataSent,
                      "0-RTT data offered (not a CSV column; early_data = accepted)")
        .def_readonly("messages", &TlsHandshakeRecord::messages)
        .def(
            "values",
            [](const TlsHandshakeRecord& r)
            {
                py::dict d;
                for (const auto& c : TlsHandshakeRecord::GetColumns())
                {
                    d[py::str(c.name)] = ToPython(c.kind, c.get(r));
                }
                return d;
            },
            "The record's column values by name (int, bool, float ms or str)")
        .def(
            "cells",
            [](const TlsHandshakeRecord& r)
            {
                py::dict d;
                for (const auto& c : TlsHandshakeRecord::GetColumns())
                {
                    d[py::str(c.name)] = c.Cell(r);
                }
                return d;
            },
            "The record's CSV cells by column name (strings, as written)")
        .def_static("column_names", &TlsHandshakeRecord::GetColumnNames)
        .def("__repr__",
             [](const TlsHandshakeRecord& r)
             {
                 std::ostringstream os;
                 os << "<Record conn=" << r.conn << " client=" << r.client << " ok=" << r.ok
                    << " total_ms=" << r.GetTotalMs();
                 if (!r.error.empty())
                 {
                     os << " error='" << r.error << "'";
                 }
                 os << ">";
                 return os.str();
             });

    py::class_<TlsScenario::Result>(m, "Result", "What one simulation produced")
        .def_readonly("records", &TlsScenario::Result::records)
        .def_readonly("server_accepted", &TlsScenario::Result::serverAccepted)
        .def_readonly("server_completed", &TlsScenario::Result::serverCompleted)
        .def_readonly("simulated_seconds", &TlsScenario::Result::simulatedSeconds)
        .def_readonly("wall_seconds", &TlsScenario::Result::wallSeconds)
        .def_readonly("run_wall_seconds", &TlsScenario::Result::runWallSeconds)
        .def_readonly("measured_costs", &TlsScenario::Result::measuredCosts)
        .def_readonly("cost_table", &TlsScenario::Result::costTable)
        .def_property_readonly("info", &Info);

    m.def(
        "columns",
        []() { return ColumnTable(TlsHandshakeRecord::GetColumns()); },
        "The results columns, in CSV order: (name, kind, help) with kind integer, boolean, ms "
        "or text (the scenario's parameter columns follow them in a CSV)");
    m.def(
        "timeline_columns",
        []() { return ColumnTable(TlsHandshakeRecord::GetTimelineColumns()); },
        "The timeline columns, in CSV order: (name, kind, help)");
    m.def("names", &TlsScenarioConfig::GetNames, "Every parameter (flag) name, in a stable order");
    m.def("openssl_version",
          &TlsOpenSsl::GetVersion,
          "The OpenSSL the module runs (OpenSSL_version()), e.g. 'OpenSSL 3.5.7 ...'");
    m.def("openssl_bundled",
          &TlsOpenSsl::IsBundled,
          "True if OpenSSL is linked into libns3tls (not the system's libssl.so/libcrypto.so)");
    m.def("has_post_quantum",
          &TlsOpenSsl::HasPostQuantum,
          "True if that OpenSSL has ML-KEM, ML-DSA and SLH-DSA (>= 3.5)");
    m.def("help", &TlsScenarioConfig::GetHelp, py::arg("name"), "One-line help of a parameter");
    m.def(
        "make_config",
        [](const std::map<std::string, std::string>& params) { return MakeConfig(params); },
        py::arg("params"),
        "Config from {name: string value}; raises ValueError naming a bad parameter");
    m.def(
        "canonical",
        [](const std::map<std::string, std::string>& params)
        { return Canonical(MakeConfig(params)); },
        py::arg("params"),
        "Validates params and returns every parameter's canonical value");
    m.def(
        "parameter_columns",
        [](const std::map<std::string, std::string>& params)
        { return MakeConfig(params).GetParameterColumns(); },
        py::arg("params"),
        "The scenario columns every CSV row of these params carries");
    m.def(
        "run_csv",
        [](const std::map<std::string, std::string>& params)
        {
            TlsScenarioConfig config = MakeConfig(params);
            TlsScenario::Result result = RunScenario(config);
            return py::make_tuple(py::str(TlsScenario::Csv(config, result)),
                                  py::str(TlsScenario::TimelineCsv(config, result)),
                                  Info(result));
        },
        py::arg("params"),
        "Runs one simulation in this process: (csv_text, timeline_text, info). The texts equal "
        "what the example writes with --csv and --timeline.");
    m.def(
        "run",
        [](const std::map<std::string, std::string>& params)
        { return RunScenario(MakeConfig(params)); },
        py::arg("params"),
        "Runs one simulation in this process and returns the Result (records)");
    m.def(
        "warm_up",
        []()
        {
            // One-time, process-wide work that every first simulation in a process repeats:
            // ns-3's MRG32k3a jump-ahead matrices (computed on the first RngStream, the same
            // constants for every seed and stream) and OpenSSL's library initialisation. Neither
            // draws a random number or touches simulation state, so a fork server calls this
            // once and its children start where a fresh process would, minus the work.
            RngStream stream(1, (uint64_t(1) << 63) + 1, 1); // non-zero: the table is built
            OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
                             nullptr);
        },
        "Process-wide one-time initialisation (the fork server calls it before forking)");
    m.def(
        "allocators",
        []()
        {
            return std::map<std::string, std::string>{{"process", TlsMemory::GetProcessAllocator()},
                                                      {"openssl", TlsMemory::GetAllocator()}};
        },
        "This process's allocators: {'process': malloc() and operator new, 'openssl': OpenSSL's "
        "own}, each 'mimalloc' or 'malloc' (speed only: no result depends on them)");
}
