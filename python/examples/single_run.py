"""One scenario from Python: 200 TLS 1.3 handshakes over 50 ms RTT with 1 % loss.

    PYTHONPATH=build/python /usr/bin/python3 python/examples/single_run.py
"""
import ns3tls

df = ns3tls.run(tls="1.3", rtt="50ms", bandwidth="10Mbps", loss=0.01, handshakes=200,
                interval="0ms", seed=1)
print(df[["tcp_ms", "tls_ms", "total_ms"]].describe(percentiles=[0.5, 0.95]).round(3))
print("failed:", int((df["ok"] == 0).sum()), " retransmissions:", int(df["retransmissions"].sum()))

# The messages of the slowest handshake.
tl = ns3tls.timeline(tls="1.3", rtt="50ms", loss=0.01, handshakes=200, interval="0ms", seed=1)
slowest = int(df.loc[df["total_ms"].idxmax(), "conn"])
print(tl[tl["conn"] == slowest][["time_ms", "recv_ms", "sender", "message", "bytes"]])
