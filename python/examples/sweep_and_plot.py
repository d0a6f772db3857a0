"""A cached parallel sweep, then the three standard plots.

TLS 1.2 vs 1.3 x RTT {10, 50, 200} ms x loss {0, 1, 5} % x 5 runs of 50 handshakes. Re-running
it only simulates what is not in the cache (results/cache).

    PYTHONPATH=build/python /usr/bin/python3 python/examples/sweep_and_plot.py
"""
import ns3tls
from ns3tls import plot

grid = {"tls": ["1.2", "1.3"], "rtt": ["10ms", "50ms", "200ms"], "loss": [0, 0.01, 0.05],
        "handshakes": 50, "interval": "0ms"}
df = ns3tls.sweep(grid, runs=5, jobs=2, cache_dir="results/cache")
df.to_csv("results/sweep.csv", index=False)

plot.ecdf(df[df["rtt_ms"] == 50], hue="tls", col="loss", out="results/ecdf.png")
plot.box(df[df["rtt_ms"] == 50], x="loss", hue="tls", out="results/box.png")
plot.line(df[df["loss"] == 0], x="rtt_ms", hue="tls", out="results/rtt.png")
print(df.groupby(["tls", "rtt_ms", "loss"])["total_ms"].median().unstack("loss").round(1))
