"""Generates the figures of doc/tls.rst with the project's own simulator and plot code.

Usage: python3 doc/make-figures.py OUTDIR   (./ns3tls docs calls it; needs PYTHONPATH=build/python)
"""
import os
import sys

import ns3tls
from ns3tls import plot


def main(out):
    os.makedirs(out, exist_ok=True)
    cases = {
        "sequence-tls12-rsa": dict(tls="1.2", kx="rsa", cpu="none"),
        "sequence-tls13": dict(tls="1.3", cpu="none"),
        "sequence-tls13-hrr": dict(tls="1.3", groups="X25519:P-256", server_groups="P-256",
                                   cpu="none"),
        "sequence-tls13-0rtt": dict(tls="1.3", resume="ticket", early_data=100, response=1000,
                                    handshakes=2, cpu="none"),
        "sequence-tls13-lost": dict(tls="1.3", drop_c2s="syn,1", drop_s2c="syn", cpu="none"),
    }
    for name, params in cases.items():
        tl = ns3tls.timeline(rtt="50ms", bandwidth="10Mbps", **params)
        conn = params.get("handshakes", 1) - 1
        title = None  # TLS version, key exchange, RTT, drops
        if name == "sequence-tls13-hrr":
            title = "TLS 1.3 HelloRetryRequest (client X25519, server P-256 only), RTT 50 ms"
        elif name == "sequence-tls13-0rtt":
            title = "TLS 1.3 resumed with 0-RTT (ticket), RTT 50 ms \u2014 second connection"
        plot.sequence(tl, conn=conn, out=os.path.join(out, name + ".png"), title=title)
    df = ns3tls.sweep({"tls": ["1.2", "1.3"], "loss": [0, 0.01, 0.05, 0.1], "rtt": "50ms",
                       "handshakes": 50, "interval": "0ms"}, runs=4, jobs=2, progress=False,
                      cache_dir=os.path.join(out, ".cache"))
    plot.box(df, x="loss", hue="tls", out=os.path.join(out, "box-loss.png"), logy=True,
             title="RTT 50 ms")
    plot.ecdf(df[df["loss"] == 0.05], hue="tls", out=os.path.join(out, "ecdf-loss5.png"),
              title="RTT 50 ms, loss 5 %")
    plot.line(df, x="loss", hue="tls", stat="mean", runs=True, title="RTT 50 ms",
              out=os.path.join(out, "line-loss.png"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "doc/figures")
