"""Scenario functions for own_sweep.py: a module of its own, so that the sweep's worker
processes can import them by reference ("my_scenarios:wifi_wan")."""

from ns3tls.network import Network


def wifi_wan(distance=10, delay="20ms", stations=2, handshakes=5, seed=1, run=1):
    """Wi-Fi stations `distance` m from an access point, a WAN link of one-way `delay` to a
    TLS 1.3 server; a row per handshake."""
    net = Network(seed=seed, run=run)
    *sta, ap, server = net.nodes(stations + 2)
    net.wifi(sta, ap, distance=distance, manager="ns3::MinstrelHtWifiManager")
    net.p2p(ap, server, rate="100Mbps", delay=delay)
    net.server(server, tls="1.3", key="p256")
    net.clients(sta, server, tls="1.3", resume="ticket", handshakes=handshakes, interval="200ms")
    return net.run(topology="wifi+wan")
