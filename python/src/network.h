/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NS3TLS_PY_NETWORK_H
#define NS3TLS_PY_NETWORK_H

#include "ns3/tls-scenario-config.h"

#include <pybind11/pybind11.h>

#include <map>
#include <string>

/// Parameters by ns3tls.run's names -> a validated configuration; raises ValueError (core.cc).
/// pair: also check the client/server pairing (false for one end of an own topology).
ns3::TlsScenarioConfig MakeConfig(const std::map<std::string, std::string>& params,
                                  bool pair = true);

/// Adds ns3tls._core.Network (own topologies from Python) to the module.
void BindNetwork(pybind11::module_& m);

#endif
