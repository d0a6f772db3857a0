"""A user's own scenario for test_user_sweep.py: one client and one server on a p2p link."""

from ns3tls.network import Network


def scenario(delay="25ms", handshakes=2, tls="1.3", seed=1, run=1):
    net = Network(seed=seed, run=run)
    client, server = net.nodes(2)
    net.p2p(client, server, rate="10Mbps", delay=delay)
    net.server(server, tls=tls, cpu="none")
    net.clients([client], server, tls=tls, cpu="none", handshakes=handshakes)
    return net.run(topology="p2p")
