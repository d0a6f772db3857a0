/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NS3TLS_NS3_COMPAT_H
#define NS3TLS_NS3_COMPAT_H

/**
 * @file
 * @ingroup tls
 * The one place where the module's C++ depends on the ns-3 release it is built against.
 *
 * Covers ns-3.37 (Debian 12's libns3-dev, the 3.37 source tree) up to ns-3.48 (June 2026).
 * NS3TLS_NS3_VERSION is major * 100 + minor (337, 348, ...), set by CMakeLists.txt from the
 * release being built against (ns-3's VERSION file in a source tree, find_package(ns3) standalone)
 * and exported to everything that links the module. The differences handled here:
 *
 *  - Ipv4RoutingProtocol::RouteInput callbacks: by value up to 3.38, const references from 3.39
 *    (NS3TLS_ROUTE_INPUT_CB);
 *  - EventId::IsRunning() became IsPending() in 3.42 (compat::IsPending);
 *  - EnumValue is a template from 3.41: MakeEnumAccessor names the enum type
 *    (NS3TLS_ENUM_ACCESSOR), and one checker's values are all of one type;
 *  - Object::GetInstanceTypeId() is final from 3.45 (NS3TLS_DECLARE_GET_INSTANCE_TYPE_ID);
 *  - CommandLine::AddValue's callback takes a const reference from 3.38
 *    (compat::CommandLineCallback);
 *  - TcpSocketState::m_isCwndLimited gates cwnd growth from 3.42 (compat::SetCwndLimited);
 *  - TcpCongestionOps::SetRateOps() exists from 3.45 (NS3TLS_TCP_CONGESTION_OPS_HAS_SET_RATE_OPS).
 *
 * The TcpSocketBase hooks TcpLinuxSocket overrides (SendDataPacket, NewAck, ReTxTimeout,
 * DoForwardUp, CompleteFork, Fork) and the Ipv4L3Protocol / Ipv4EndPoint calls TcpLinuxDemux makes
 * have the same signatures in 3.37 and 3.48; ns-3 sets the C++ standard of an
 * in-tree build itself (C++17 in 3.37, C++20 from 3.41, C++23 from 3.46), and the module's code is
 * valid in all three.
 */

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/type-id.h"

#include <string>

#if !defined(NS3TLS_NS3_VERSION) && __has_include("ns3/tls-ns3-version.h")
#include "ns3/tls-ns3-version.h" // written by a standalone build, installed with the headers
#endif
#ifndef NS3TLS_NS3_VERSION
#error "NS3TLS_NS3_VERSION is not set: build the module with its CMakeLists.txt (it defines it)"
#endif

/// True when building against ns-3.MAJOR.MINOR or a later release.
#define NS3TLS_NS3_AT_LEAST(major, minor) (NS3TLS_NS3_VERSION >= (major)*100 + (minor))

/**
 * Parameter type of the four callbacks of Ipv4RoutingProtocol::RouteInput: by value up to
 * ns-3.38, a const reference from ns-3.39 (CHANGES.md, "Changes from ns-3.38 to ns-3.39").
 */
#if NS3TLS_NS3_AT_LEAST(3, 39)
#define NS3TLS_ROUTE_INPUT_CB(type) const type&
#else
#define NS3TLS_ROUTE_INPUT_CB(type) type
#endif

/**
 * MakeEnumAccessor for an attribute of enum type TYPE (a member or a setter/getter pair): from
 * ns-3.41 EnumValue<TYPE> is a template and the accessor names the type (CHANGES.md, "Changes from
 * ns-3.40 to ns-3.41"); before, EnumValue holds an int and the type is deduced.
 */
#if NS3TLS_NS3_AT_LEAST(3, 41)
#define NS3TLS_ENUM_ACCESSOR(type, ...) MakeEnumAccessor<type>(__VA_ARGS__)
#else
#define NS3TLS_ENUM_ACCESSOR(type, ...) MakeEnumAccessor(__VA_ARGS__)
#endif

/**
 * Declaration and definition of CLASS::GetInstanceTypeId() returning CLASS::GetTypeId(), which an
 * Object subclass whose base overrides it needs up to ns-3.44; from ns-3.45 Object keeps the
 * TypeId the object was created with (CreateObject, CopyObject) and the method is final
 * (CHANGES.md, "Changes from ns-3.44 to ns-3.45").
 */
#if NS3TLS_NS3_AT_LEAST(3, 45)
#define NS3TLS_DECLARE_GET_INSTANCE_TYPE_ID
#define NS3TLS_DEFINE_GET_INSTANCE_TYPE_ID(cls)
#else
#define NS3TLS_DECLARE_GET_INSTANCE_TYPE_ID TypeId GetInstanceTypeId() const override;
#define NS3TLS_DEFINE_GET_INSTANCE_TYPE_ID(cls) \
    TypeId cls::GetInstanceTypeId() const       \
    {                                           \
        return GetTypeId();                     \
    }
#endif

/**
 * 1 when TcpCongestionOps has the virtual SetRateOps(Ptr<TcpRateOps>), which TcpSocketBase calls
 * after Init(): from ns-3.45 (ns-3-dev commit 0bf177fff, "tcp: (fixes #1013) Sync
 * TcpBbr::m_appLimited with TcpRateOps::TcpRateConnection::m_appLimited"); a wrapper of a
 * congestion control forwards it.
 */
#define NS3TLS_TCP_CONGESTION_OPS_HAS_SET_RATE_OPS NS3TLS_NS3_AT_LEAST(3, 45)

namespace ns3
{
namespace compat
{

/**
 * @brief Whether an event is scheduled and has neither run nor been cancelled.
 * @param event the event
 * @return EventId::IsPending() from ns-3.42, EventId::IsRunning() (same meaning) before
 */
inline bool
IsPending(const EventId& event)
{
#if NS3TLS_NS3_AT_LEAST(3, 42)
    return event.IsPending();
#else
    return event.IsRunning();
#endif
}

/**
 * The callback CommandLine::AddValue(name, help, callback, default) takes: its argument is a
 * std::string up to ns-3.37 and a const std::string& from ns-3.38 (ns-3-dev commit 7e7f766f,
 * "core: Align Callback usage with signature in CommandLine class").
 */
#if NS3TLS_NS3_AT_LEAST(3, 38)
using CommandLineCallback = Callback<bool, const std::string&>;
#else
using CommandLineCallback = Callback<bool, std::string>;
#endif

/**
 * @brief Sets TcpSocketState::m_isCwndLimited, which ns-3.42 and later read before growing cwnd.
 *
 * From ns-3.42 (ns-3-dev commit f75345fa0, "tcp (fixes #966): Suppress cwnd growth when
 * rate-limited") TcpCubic::IncreaseWindow() and TcpLinuxReno's congestion avoidance grow cwnd
 * only if the flag is set; TcpSocketBase::SendDataPacket() sets it to whether the segment sent
 * left less than one segment of cwnd free (BytesInFlight() >= cwnd in 3.42). Up to ns-3.41 there
 * is no flag and cwnd always grows: nothing to set. A template so that this header needs no
 * internet-module include.
 * @param tcb a TcpSocketState
 * @param limited the value to set
 * @return the previous value (true up to ns-3.41)
 */
template <typename SocketState>
inline bool
SetCwndLimited(SocketState& tcb [[maybe_unused]], bool limited [[maybe_unused]])
{
#if NS3TLS_NS3_AT_LEAST(3, 42)
    bool previous = tcb.m_isCwndLimited;
    tcb.m_isCwndLimited = limited;
    return previous;
#else
    return true;
#endif
}

} // namespace compat
} // namespace ns3

#endif /* NS3TLS_NS3_COMPAT_H */
