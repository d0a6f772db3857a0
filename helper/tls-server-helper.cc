/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/tls-server-helper.h"

#include "ns3/tls-server-application.h"
#include "ns3/uinteger.h"

namespace ns3
{

TlsServerHelper::TlsServerHelper(uint16_t port)
    : TlsApplicationHelper(TlsServerApplication::GetTypeId())
{
    m_factory.Set("Port", UintegerValue(port));
}

} // namespace ns3
