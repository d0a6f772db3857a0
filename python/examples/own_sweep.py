"""A cached sweep over your own topology (my_scenarios.wifi_wan), then a plot.

    PYTHONPATH=build/python /usr/bin/python3 python/examples/own_sweep.py [out.png]

Re-running it is served from the cache (results/cache) until my_scenarios.py or the build changes.
"""
import sys

import ns3tls
import my_scenarios

res = ns3tls.sweep(my_scenarios.wifi_wan, {"distance": [5, 40], "delay": ["10ms", "50ms"]},
                   runs=3, jobs=2, cache_dir="results/cache")
print(res.attrs["sweep"])
print(res.groupby(["delay", "distance", "resumed"])["total_ms"].median())
ns3tls.plot.box(res, x="distance", hue="resumed", out=sys.argv[1] if len(sys.argv) > 1
                else "own_sweep.png")
