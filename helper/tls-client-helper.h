/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CLIENT_HELPER_H
#define TLS_CLIENT_HELPER_H

#include "ns3/tls-application-helper.h"

#include "ns3/address.h"

namespace ns3
{

/**
 * @ingroup tls-helper
 * @brief Installs TlsClientApplication instances on nodes.
 */
class TlsClientHelper : public TlsApplicationHelper
{
  public:
    /// @param remote the server's address and port (e.g. InetSocketAddress(addr, 443))
    explicit TlsClientHelper(const Address& remote);
};

} // namespace ns3

#endif /* TLS_CLIENT_HELPER_H */
