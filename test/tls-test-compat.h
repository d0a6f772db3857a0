/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_TEST_COMPAT_H
#define TLS_TEST_COMPAT_H

/**
 * @file
 * The suites' names for test durations and suite types in every ns-3 release the module supports
 * (3.37 to 3.48; model/compat/ns3-compat.h has the rest of the version-dependent code).
 *
 * Up to ns-3.41 TestCase::TestDuration (QUICK, EXTENSIVE, TAKES_FOREVER) and TestSuite::Type
 * (UNIT, SYSTEM, ...) are unscoped enums, so a suite's constructor names them unqualified. ns-3.42
 * made them the enum classes TestCase::Duration and TestSuite::Type (CHANGES.md, "Changes from
 * ns-3.41 to ns-3.42"; the unscoped names are gone by 3.48): the same unqualified names are
 * provided here, found after the class scope, where they no longer are.
 */

#include "ns3/ns3-compat.h"
#include "ns3/test.h"

#if NS3TLS_NS3_AT_LEAST(3, 42)
namespace ns3
{
namespace compat
{
namespace test_names
{
constexpr TestCase::Duration QUICK = TestCase::Duration::QUICK;         //!< fast test
constexpr TestCase::Duration EXTENSIVE = TestCase::Duration::EXTENSIVE; //!< longer test
constexpr TestSuite::Type UNIT = TestSuite::Type::UNIT;                 //!< unit test suite
constexpr TestSuite::Type SYSTEM = TestSuite::Type::SYSTEM;             //!< system test suite
} // namespace test_names
} // namespace compat
} // namespace ns3

using namespace ns3::compat::test_names;
#endif

#include <cmath>
#include <type_traits>

/// @return true if x is a floating-point NaN (a missing time in a record); false otherwise
template <typename T>
bool
TlsTestIsNan(const T& x)
{
    if constexpr (std::is_floating_point_v<T>)
    {
        return std::isnan(x);
    }
    else
    {
        return false;
    }
}

/**
 * NS_TEST_ASSERT_MSG_EQ_TOL that also fails on NaN: ns-3's comparison is false for NaN, so a
 * missing value (NaN: an empty CSV cell) would pass any tolerance.
 */
#define TLS_TEST_ASSERT_MSG_EQ_TOL(actual, limit, tol, msg)                                        \
    do                                                                                             \
    {                                                                                              \
        auto tlsTestActual = (actual);                                                             \
        NS_TEST_ASSERT_MSG_EQ(TlsTestIsNan(tlsTestActual), false, "missing (NaN): " << msg);       \
        NS_TEST_ASSERT_MSG_EQ_TOL(tlsTestActual, limit, tol, msg);                                 \
    } while (false)

#endif /* TLS_TEST_COMPAT_H */
