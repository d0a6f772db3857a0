/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-operation-cost-model.h"

#include "ns3/tls-cost-calibration.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/string.h"

#include <openssl/ssl.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <openssl/ssl.h>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TlsOperationCostModel");

NS_OBJECT_ENSURE_REGISTERED(TlsOperationCostModel);

TypeId
TlsOperationCostModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TlsOperationCostModel")
              .SetParent<TlsCostModel>()
              .SetGroupName("TlsCost")
              .AddConstructor<TlsOperationCostModel>()
              .AddAttribute("CostTable",
                            "JSON file of operation costs in microseconds (from ./ns3tls "
                            "calibrate); empty: the built-in table for the OpenSSL in use",
                            StringValue(""),
                            MakeStringAccessor(&TlsOperationCostModel::SetCostTable),
                            MakeStringChecker());
    return tid;
}

TlsOperationCostModel::TlsOperationCostModel()
    : m_table(GetBuiltinTable())
{
}

void
TlsOperationCostModel::SetCostTable(const std::string& path)
{
    m_table = GetBuiltinTable();
    m_tableFile = path;
    if (!path.empty())
    {
        std::string error = LoadTable(path);
        NS_ABORT_MSG_IF(!error.empty(), error);
    }
}

std::string
TlsOperationCostModel::GetTableName() const
{
    std::string builtin = "built-in " + GetBuiltinTableName();
    return m_tableFile.empty() ? builtin : m_tableFile + " over " + builtin;
}

std::string
TlsOperationCostModel::GetName() const
{
    return "model";
}

std::string
TlsOperationCostModel::NormaliseGroup(const std::string& group)
{
    std::string g;
    for (char c : group)
    {
        if (c != '-' && c != '_')
        {
            g += std::tolower(static_cast<unsigned char>(c));
        }
    }
    if (g == "secp256r1" || g == "prime256v1")
    {
        return "p256";
    }
    if (g == "secp384r1")
    {
        return "p384";
    }
    if (g == "secp521r1")
    {
        return "p521";
    }
    return g;
}

void
TlsOperationCostModel::AddKeyShareOperations(std::vector<std::string>& ops,
                                             const std::string& group,
                                             const std::string& role)
{
    // FIPS 203 ML-KEM groups, alone or in a hybrid (draft-ietf-tls-ecdhe-mlkem), e.g.
    // "x25519mlkem768" = x25519 + mlkem768, "secp384r1mlkem1024" = p384 + mlkem1024.
    size_t at = group.find("mlkem");
    std::string classical = at == std::string::npos ? group : group.substr(0, at);
    std::string kem = at == std::string::npos ? "" : group.substr(at);
    if (!classical.empty())
    {
        classical = NormaliseGroup(classical);
        if (role != "client-derive")
        {
            ops.push_back("keygen:" + classical);
        }
        if (role != "client-share")
        {
            ops.push_back("derive:" + classical);
        }
    }
    if (!kem.empty())
    {
        // The client generates a key pair and decapsulates; the server encapsulates.
        ops.push_back((role == "client-share"    ? "keygen:"
                       : role == "client-derive" ? "decaps:"
                                                 : "encaps:")
                      + kem);
    }
}

std::vector<std::string>
TlsOperationCostModel::GetOperations(const TlsCostStep& step)
{
    std::vector<std::string> ops;
    const TlsEngine* e = step.engine;
    bool client = e->GetRole() == TlsContext::CLIENT;
    if (step.bytesOut > 0 || step.established)
    {
        // Per-flight work (transcript hash, key schedule, record protection). A step that only
        // buffered part of a flight split across TCP segments does not pay it again.
        ops.push_back(client ? "step:client" : "step:server");
    }
    bool tls13 = e->IsTls13();
    std::string cipher = e->GetCipher();
    std::string kx = cipher.rfind("ECDHE", 0) == 0 ? "ecdhe"
                     : cipher.rfind("DHE", 0) == 0 ? "dhe"
                                                   : "rsa";
    std::string negotiated = e->GetGroup();
    std::string group = NormaliseGroup(negotiated); // TLS 1.2 DHE: the ephemeral key's group
    std::string peerKey = e->GetPeerKeyType();
    std::string ownKey = e->GetOwnKeyType();
    for (const auto& m : step.messages)
    {
        if (m.contentType != 22)
        {
            continue;
        }
        // Keyed on the handshake type (OpenSSL's SSL3_MT_*), not the display name; a
        // HelloRetryRequest shares ServerHello's type and costs nothing here.
        const int n = m.helloRetryRequest ? -1 : m.handshakeType;
        if (client && m.sent && n == SSL3_MT_CLIENT_HELLO)
        {
            // TLS 1.3 key share: the first group, or the one a HelloRetryRequest asked for.
            if (tls13)
            {
                std::vector<std::string> shares = e->HadHelloRetryRequest()
                                                      ? std::vector<std::string>{negotiated}
                                                      : e->GetKeyShareGroups();
                for (const auto& g : shares)
                {
                    AddKeyShareOperations(ops, NormaliseGroup(g), "client-share");
                }
            }
        }
        else if (client && !m.sent && n == SSL3_MT_SERVER_HELLO && tls13)
        {
            AddKeyShareOperations(ops, group, "client-derive");
        }
        else if (!m.sent && n == SSL3_MT_CERTIFICATE)
        {
            // Each certificate's signature, verified with its issuer's key.
            for (const auto& issuer : e->GetPeerChainIssuerKeyTypes())
            {
                ops.push_back("verify:" + issuer);
            }
        }
        else if (!m.sent && (n == SSL3_MT_CERTIFICATE_VERIFY || n == SSL3_MT_SERVER_KEY_EXCHANGE))
        {
            ops.push_back("verify:" + peerKey);
        }
        else if (m.sent && (n == SSL3_MT_CERTIFICATE_VERIFY || n == SSL3_MT_SERVER_KEY_EXCHANGE))
        {
            if (n == SSL3_MT_SERVER_KEY_EXCHANGE)
            {
                ops.push_back("keygen:" + group);
            }
            ops.push_back("sign:" + ownKey);
        }
        else if (!client && m.sent && n == SSL3_MT_SERVER_HELLO && tls13)
        {
            AddKeyShareOperations(ops, group, "server");
        }
        else if (client && m.sent && n == SSL3_MT_CLIENT_KEY_EXCHANGE)
        {
            if (kx == "rsa")
            {
                ops.push_back("rsa-encrypt:" + peerKey);
            }
            else
            {
                ops.push_back("keygen:" + group);
                ops.push_back("derive:" + group);
            }
        }
        else if (!client && !m.sent && n == SSL3_MT_CLIENT_KEY_EXCHANGE)
        {
            ops.push_back(kx == "rsa" ? "rsa-decrypt:" + ownKey : "derive:" + group);
        }
    }
    return ops;
}

double
TlsOperationCostModel::GetOperationCost(const std::string& operation) const
{
    auto it = m_table.find(operation);
    NS_ABORT_MSG_IF(it == m_table.end(),
                    "TlsOperationCostModel: no cost for operation '"
                        << operation
                        << "' (not in the cost table, not measured at run start; add it with "
                           "./ns3tls calibrate --out=FILE and --cost-table=FILE)");
    return it->second;
}

std::map<std::string, double>
TlsOperationCostModel::MeasureMissing(const TlsConfig& client, const TlsConfig& server)
{
    // Generated credentials and listed groups the table prices need no trial handshake (which
    // would draw random numbers and so change the run's bytes, never its sizes or times).
    bool priced = client.credentials.find("cert=") == std::string::npos
                  && server.credentials.find("cert=") == std::string::npos;
    for (const std::string* list : {&client.groups, &server.groups})
    {
        std::istringstream groups(*list);
        std::string g;
        while (priced && std::getline(groups, g, ':'))
        {
            // '*' marks a key share (OpenSSL >= 3.5); a hybrid is priced as its parts.
            std::vector<std::string> ops;
            for (const char* role : {"client-share", "client-derive", "server"})
            {
                AddKeyShareOperations(ops, NormaliseGroup(g.substr(g.rfind('*') + 1)), role);
            }
            for (const auto& op : ops)
            {
                priced = priced && m_table.count(op);
            }
        }
    }
    if (priced)
    {
        return {};
    }
    std::set<std::string> missing;
    std::string error;
    auto clientContext = TlsContext::Get(client, TlsContext::CLIENT, error);
    auto serverContext = TlsContext::Get(server, TlsContext::SERVER, error);
    if (!clientContext || !serverContext)
    {
        return {};
    }
    SSL_SESSION* session = nullptr;
    for (int h = 0; h < 2; ++h)
    {
        TlsEngine c(clientContext);
        TlsEngine s(serverContext);
        c.SetCpuTiming(false);
        s.SetCpuTiming(false);
        c.SetSession(session);
        auto account = [&](TlsEngine& e)
        {
            TlsCostStep step;
            step.engine = &e;
            step.messages = e.TakeMessages();
            step.bytesOut = e.GetPendingOutput();
            step.established = e.GetState() == TlsEngine::ESTABLISHED;
            for (const auto& op : GetOperations(step))
            {
                if (m_table.find(op) == m_table.end())
                {
                    missing.insert(op);
                }
            }
        };
        std::vector<uint8_t> buf;
        c.Advance();
        account(c);
        for (int round = 0; round < 8; ++round)
        {
            TlsEngine& from = round % 2 == 0 ? c : s;
            TlsEngine& to = round % 2 == 0 ? s : c;
            buf.clear();
            from.TakeOutput(buf);
            if (buf.empty())
            {
                break;
            }
            to.Receive(buf.data(), buf.size());
            to.Advance();
            account(to);
        }
        if (c.GetSession() == nullptr || client.resume == TlsConfig::RESUME_NONE)
        {
            break;
        }
        SSL_SESSION_free(session);
        session = c.GetSession();
        SSL_SESSION_up_ref(session);
    }
    SSL_SESSION_free(session);
    std::map<std::string, double> measured;
    for (const auto& op : missing)
    {
        double us = TlsCostCalibration::MeasureOperation(op);
        if (us >= 0)
        {
            NS_LOG_INFO("measured " << op << ": " << us << " us");
            m_table[op] = us;
            measured[op] = us;
        }
    }
    return measured;
}

Time
TlsOperationCostModel::GetCost(const TlsCostStep& step) const
{
    double us = 0;
    for (const auto& op : GetOperations(step))
    {
        us += GetOperationCost(op);
    }
    return NanoSeconds(static_cast<int64_t>(std::llround(us * 1000)));
}

std::string
TlsOperationCostModel::LoadTable(const std::string& path)
{
    std::ifstream f(path);
    if (!f)
    {
        return "cannot read cost table '" + path + "'";
    }
    std::stringstream ss;
    ss << f.rdbuf();
    std::map<std::string, double> table;
    std::string error = FromJson(ss.str(), table);
    if (!error.empty())
    {
        return "cost table '" + path + "': " + error;
    }
    for (const auto& kv : table)
    {
        m_table[kv.first] = kv.second;
    }
    return "";
}

std::string
TlsOperationCostModel::ToJson(const std::map<std::string, double>& table)
{
    std::ostringstream os;
    os << "{\n";
    size_t i = 0;
    for (const auto& kv : table)
    {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.2f", kv.second);
        os << "  \"" << kv.first << "\": " << buf << (++i < table.size() ? "," : "") << "\n";
    }
    os << "}\n";
    return os.str();
}

std::string
TlsOperationCostModel::FromJson(const std::string& text, std::map<std::string, double>& table)
{
    size_t i = text.find('{');
    if (i == std::string::npos)
    {
        return "expected a JSON object";
    }
    ++i;
    while (true)
    {
        size_t q1 = text.find_first_not_of(" \t\r\n,", i);
        if (q1 == std::string::npos)
        {
            return "unterminated object";
        }
        if (text[q1] == '}')
        {
            return "";
        }
        if (text[q1] != '"')
        {
            return "expected a quoted name at offset " + std::to_string(q1);
        }
        size_t q2 = text.find('"', q1 + 1);
        size_t colon = text.find(':', q2);
        if (q2 == std::string::npos || colon == std::string::npos)
        {
            return "bad entry at offset " + std::to_string(q1);
        }
        std::string name = text.substr(q1 + 1, q2 - q1 - 1);
        const char* start = text.c_str() + colon + 1;
        char* end = nullptr;
        double v = std::strtod(start, &end);
        if (end == start || !std::isfinite(v) || v < 0)
        {
            return "bad value for '" + name + "'";
        }
        table[name] = v;
        i = end - text.c_str();
    }
}

} // namespace ns3

namespace ns3
{

std::string
TlsOperationCostModel::GetBuiltinTableName(unsigned long version)
{
    if (version == 0)
    {
        version = OpenSSL_version_num(); // the library linked, not the headers compiled against
    }
    return version >= 0x30500000L ? "openssl-3.5" : "openssl-3.0";
}

const std::map<std::string, double>&
TlsOperationCostModel::GetBuiltinTable(const std::string& name)
{
    static const std::map<std::string, double> openssl30 = {
#include "tls-builtin-costs-3.0.inc"
    };
    static const std::map<std::string, double> openssl35 = {
#include "tls-builtin-costs-3.5.inc"
    };
    NS_ABORT_MSG_UNLESS(name == "openssl-3.0" || name == "openssl-3.5",
                        "no built-in cost table '" << name << "'");
    return name == "openssl-3.5" ? openssl35 : openssl30;
}

const std::map<std::string, double>&
TlsOperationCostModel::GetBuiltinTable()
{
    return GetBuiltinTable(GetBuiltinTableName());
}

} // namespace ns3
