/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_OPERATION_COST_MODEL_H
#define TLS_OPERATION_COST_MODEL_H

#include "ns3/tls-cost-model.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup tls-cost
 * @brief The deterministic default cost model (`--cpu=model`): a step costs the sum of the
 * public-key operations it performed plus a fixed per-step overhead, priced from a table.
 *
 * The operations are known from the messages the step wrote and read and the negotiated
 * parameters, e.g. a TLS 1.3 server answering a ClientHello performs keygen:x25519,
 * derive:x25519 and sign:rsa2048; a TLS 1.2 client reading a Certificate with one
 * intermediate performs verify:rsa2048 twice. Operation names:
 * `keygen:G`, `derive:G` (G = the negotiated group as OpenSSL names it, lower case without
 * '-' or '_': x25519, x448, p256, p384, p521, ffdhe2048..ffdhe8192, brainpoolp256r1, and for
 * TLS 1.2 DHE the ephemeral key's RFC 3526 group modp2048..modp8192),
 * `keygen:M`, `encaps:M`, `decaps:M` (M = mlkem512, mlkem768, mlkem1024; a hybrid group such as
 * X25519MLKEM768 costs its parts: x25519 and mlkem768),
 * `sign:K`, `verify:K`, `rsa-encrypt:K`, `rsa-decrypt:K` (K = a key type, TlsEngine::KeyTypeName:
 * rsa2048, rsa8192, p256, p521, ed25519, ed448, mldsa44, mldsa65, mldsa87, slhdsa128f, ...; a
 * certificate's verify is priced by its issuer's key), `step:client`, `step:server` (hashing,
 * record protection, state machine).
 * New algorithms need only new names in the table (and in TlsCostCalibration's lists).
 *
 * The built-in tables were measured on the development machine (x86-64), one per OpenSSL release
 * line, because releases price the same operation differently (e.g. OpenSSL 3.0 validates a
 * finite-field DH peer key with a full pub^q mod p exponentiation that later releases skip for
 * named safe-prime groups): the one for the OpenSSL the process runs is used
 * (GetBuiltinTableName). CostTable names a JSON file written by `./ns3tls calibrate` for the
 * user's machine ({"name": us, ...}); its entries replace the built-in table's.
 * Operations the table lacks can be measured at run start (MeasureMissing); an operation that
 * is still unknown when a step needs it is a fatal error naming it, never a guess.
 */
class TlsOperationCostModel : public TlsCostModel
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    TlsOperationCostModel();

    Time GetCost(const TlsCostStep& step) const override;
    std::string GetName() const override;

    /**
     * @brief Lists the operations a step performed (the model's view, for tests and logs).
     * @param step the step
     * @return operation names, with repetitions
     */
    static std::vector<std::string> GetOperations(const TlsCostStep& step);

    /**
     * @brief Loads a cost table (replacing entries of the built-in one).
     * @param path a JSON file {"operation": microseconds, ...}
     * @return "" or a one-line error
     */
    std::string LoadTable(const std::string& path);

    /// @return the cost of an operation in microseconds (aborts naming an unknown operation)
    double GetOperationCost(const std::string& operation) const;

    /**
     * @brief Prices what the table lacks: unless the credentials are generated ones and every
     * listed group is in the table, runs one in-memory handshake (and a resumption)
     * between the two configurations, lists the operations its steps perform and measures
     * those not in the table (TlsCostCalibration::MeasureOperation), adding them to it. Called
     * once at run start, so the run stays deterministic from then on.
     * @param client the client's configuration
     * @param server the server's configuration
     * @return the operations measured, microseconds (for the run information)
     */
    std::map<std::string, double> MeasureMissing(const TlsConfig& client, const TlsConfig& server);

    /// @return the built-in table for the OpenSSL in use (GetBuiltinTableName())
    static const std::map<std::string, double>& GetBuiltinTable();

    /**
     * @brief Names the built-in table for an OpenSSL release: "openssl-3.0" (measured with
     * OpenSSL 3.0; used for 3.0 to 3.4) or "openssl-3.5" (measured with 3.5; used for 3.5 and
     * later).
     * @param version an OpenSSL version number as OpenSSL_version_num() returns it
     * (0xMNN00PP0L); 0: the OpenSSL the process runs
     * @return the table's name
     */
    static std::string GetBuiltinTableName(unsigned long version = 0);

    /**
     * @param name "openssl-3.0" or "openssl-3.5" (GetBuiltinTableName)
     * @return that built-in table (aborts naming an unknown table)
     */
    static const std::map<std::string, double>& GetBuiltinTable(const std::string& name);

    /**
     * @brief What priced the run, for the run information: "built-in openssl-3.5" or, with
     * CostTable set, "FILE over built-in openssl-3.5" (the file's entries win).
     * @return the description
     */
    std::string GetTableName() const;

    /**
     * @brief Writes a table as JSON.
     * @param table the table
     * @return the JSON text
     */
    static std::string ToJson(const std::map<std::string, double>& table);

    /**
     * @brief Parses a flat JSON object of numbers.
     * @param text the JSON text
     * @param table the result
     * @return "" or an error
     */
    static std::string FromJson(const std::string& text, std::map<std::string, double>& table);

    /// @return a group name in the table's spelling ("P-256", "secp256r1" -> "p256")
    static std::string NormaliseGroup(const std::string& group);

  private:
    /**
     * @brief Appends the operations of a TLS 1.3 key share: an (EC)DH group's keygen/derive,
     * an ML-KEM group's keygen (client), encaps (server) and decaps (client), a hybrid's both.
     * @param ops the list to extend
     * @param group the normalised group, e.g. "x25519mlkem768"
     * @param role "client-share" (ClientHello), "server" (ServerHello) or "client-derive"
     */
    static void AddKeyShareOperations(std::vector<std::string>& ops,
                                      const std::string& group,
                                      const std::string& role);

    /// Attribute setter for CostTable.
    void SetCostTable(const std::string& path);

    std::map<std::string, double> m_table; //!< microseconds per operation
    std::string m_tableFile;               //!< the CostTable file ("": none)
};

} // namespace ns3

#endif /* TLS_OPERATION_COST_MODEL_H */
