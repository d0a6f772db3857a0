/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_SERVER_HELPER_H
#define TLS_SERVER_HELPER_H

#include "ns3/tls-application-helper.h"

#include "ns3/address.h"

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief Installs TlsServerApplication instances on nodes.
 */
class TlsServerHelper : public TlsApplicationHelper
{
  public:
    /// @param port the TCP port to listen on
    explicit TlsServerHelper(uint16_t port = 443);
};

} // namespace ns3

#endif /* TLS_SERVER_HELPER_H */
