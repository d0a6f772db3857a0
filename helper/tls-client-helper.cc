/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-client-helper.h"

#include "ns3/address.h"
#include "ns3/tls-client-application.h"

namespace ns3
{

TlsClientHelper::TlsClientHelper(const Address& remote)
    : TlsApplicationHelper(TlsClientApplication::GetTypeId())
{
    m_factory.Set("Remote", AddressValue(remote));
}

} // namespace ns3
