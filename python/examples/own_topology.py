"""A topology of your own from Python: two Wi-Fi stations -> access point -> WAN link -> server.

    PYTHONPATH=build/python /usr/bin/python3 python/examples/own_topology.py
"""
from ns3tls.network import Network

net = Network(seed=1)
sta1, sta2, sta3, ap, server = net.nodes(5)
net.wifi([sta1, sta2, sta3], ap, distance=10, manager="ns3::MinstrelHtWifiManager")
net.p2p(ap, server, rate="100Mbps", delay="20ms", loss=0.0)
net.server(server, tls="1.3", key="p256")
net.clients([sta1, sta2, sta3], server, tls="1.3", resume="ticket", handshakes=5, interval="200ms")
df = net.run(topology="wifi+wan")
print(df[["client", "conn", "tcp_ms", "tls_ms", "total_ms", "resumed", "ok", "topology"]])
print(df.groupby("resumed")["total_ms"].median())
