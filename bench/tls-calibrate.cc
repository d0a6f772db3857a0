/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tls-calibrate: measures the per-operation crypto costs of the deterministic cost model
 * (--cpu=model) on this machine and writes them as JSON.
 *
 *   ./ns3tls calibrate                      # prints the table
 *   ./ns3tls calibrate --out=costs.json     # writes it; use with --cost-table=costs.json
 */
#include "ns3/command-line.h"
#include "ns3/tls-cost-calibration.h"
#include "ns3/tls-operation-cost-model.h"
#include "ns3/tls-random.h"
#include "ns3/tls-scenario.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string out;
    double seconds = 0.1;
    CommandLine cmd(__FILE__);
    cmd.AddValue("out", "write the JSON table to this file (default: stdout)", out);
    cmd.AddValue("seconds", "CPU seconds to spend per operation", seconds);
    cmd.Parse(argc, argv);
    TlsRandom::Seed(1, 1);
    std::string json = TlsOperationCostModel::ToJson(TlsCostCalibration::Measure(seconds));
    if (out.empty())
    {
        std::cout << json;
        return 0;
    }
    std::string error = TlsScenario::WriteFile(out, json);
    if (!error.empty())
    {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    std::cerr << "wrote " << out << std::endl;
    return 0;
}
