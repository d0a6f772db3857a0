/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NS3TLS_PY_NETWORK_H
#define NS3TLS_PY_NETWORK_H

#include <pybind11/pybind11.h>

/// Adds ns3tls._core.Network (own topologies from Python) to the module.
void BindNetwork(pybind11::module_& m);

#endif
