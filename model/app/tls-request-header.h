/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_REQUEST_HEADER_H
#define TLS_REQUEST_HEADER_H

#include <cstdint>

namespace ns3
{

/**
 * @ingroup tls-app
 * @brief The first 8 bytes of a client request: its total length and the response length
 * wanted (both big-endian), so that a server answers any request without configuration.
 */
struct TlsRequestHeader
{
    static constexpr uint32_t SIZE = 8; //!< header bytes (constexpr: implicitly inline, ODR-safe)

    /**
     * @brief Writes the header at the start of a request buffer.
     * @param buf at least SIZE bytes
     * @param requestLength total request bytes (header included)
     * @param responseLength response bytes wanted
     */
    static void
    Write(uint8_t* buf, uint32_t requestLength, uint32_t responseLength)
    {
        for (int i = 0; i < 4; ++i)
        {
            buf[i] = static_cast<uint8_t>(requestLength >> (24 - 8 * i));
            buf[4 + i] = static_cast<uint8_t>(responseLength >> (24 - 8 * i));
        }
    }

    /**
     * @brief Reads a header.
     * @param buf SIZE bytes
     * @param requestLength set to the total request bytes
     * @param responseLength set to the response bytes wanted
     */
    static void
    Read(const uint8_t* buf, uint32_t& requestLength, uint32_t& responseLength)
    {
        requestLength = 0;
        responseLength = 0;
        for (int i = 0; i < 4; ++i)
        {
            requestLength = (requestLength << 8) | buf[i];
            responseLength = (responseLength << 8) | buf[4 + i];
        }
    }
};

} // namespace ns3

#endif /* TLS_REQUEST_HEADER_H */
