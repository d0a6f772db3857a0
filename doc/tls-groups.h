/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Doxygen groups of the tls module, one per room of model/ and one for helper/ (read by
 * Doxygen only: neither compiled nor installed).
 */

/**
 * @defgroup tls TLS handshakes over simulated TCP
 * @brief Real OpenSSL handshakes run by ns-3 applications over ns-3 TCP (see doc/tls.rst).
 *
 * Data flows bottom to top: TCP socket bytes -> TlsConnection -> TlsEngine (OpenSSL) ->
 * TlsHandshakeRecord -> TlsTrackerHelper (CSV, timeline) -> Python.
 */

/**
 * @defgroup tls-openssl OpenSSL side (model/tls)
 * @ingroup tls
 * @brief TlsEngine, TlsContext, TlsCredentials, TlsRandom, TlsClock: OpenSSL over memory BIOs,
 * with no ns-3 networking inside.
 */

/**
 * @defgroup tls-app Applications and glue (model/app)
 * @ingroup tls
 * @brief TlsConnection (socket <-> engine), the client and server applications, the record.
 */

/**
 * @defgroup tls-cost Crypto cost in simulated time (model/cost)
 * @ingroup tls
 * @brief Cost models chosen by TypeId (as TcpCongestionOps), calibration, per-node TlsCpu.
 */

/**
 * @defgroup tls-tcp TCP profiles (model/tcp)
 * @ingroup tls
 * @brief TcpProfile (linux, ns3), TcpLinuxSocket and TcpLinuxCwndValidation.
 */

/**
 * @defgroup tls-loss Loss models (model/loss)
 * @ingroup tls
 * @brief Gilbert-Elliott bursts and chosen-segment drops, as ns-3 ErrorModels.
 */

/**
 * @defgroup tls-speed Speed only (model/speed)
 * @ingroup tls
 * @brief What makes runs faster and must never change a record; tests switch each and compare.
 */

/**
 * @defgroup tls-helper Helpers (helper/)
 * @ingroup tls
 * @brief Installers, the tracker, the dumbbell topology and the canned scenario.
 */
