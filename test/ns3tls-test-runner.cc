/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns-3's test runner (utils/test-runner.cc) for the standalone build: the suites register
 * themselves as static TestSuite objects; run with --suite=NAME, --list, --verbose.
 */
#include "ns3/test.h"

int
main(int argc, char* argv[])
{
    return ns3::TestRunner::Run(argc, argv);
}
