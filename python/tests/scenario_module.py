"""A user's own scenario for test_user_sweep.py: one client and one server on a p2p link."""

from ns3tls.network import Network


def scenario(delay="25ms", handshakes=2, tls="1.3", seed=1, run=1):
    net = Network(seed=seed, run=run)
    client, server = net.nodes(2)
    net.p2p(client, server, rate="10Mbps", delay=delay)
    net.server(server, tls=tls, cpu="none")
    net.clients([client], server, tls=tls, cpu="none", handshakes=handshakes)
    return net.run(topology="p2p")


def scenario_early_data(early_data=0, group="mine", seed=1, run=1):
    """Resumed TLS 1.3 with 0-RTT. Its parameters are named like results columns: early_data
    (the bytes the client tries to send early; the rows' early_data is "0-RTT accepted") and
    group (the rows' group is the negotiated key exchange group)."""
    net = Network(seed=seed, run=run)
    client, server = net.nodes(2)
    net.p2p(client, server, rate="10Mbps", delay="25ms")
    params = dict(tls="1.3", cpu="none", resume="ticket", early_data=early_data, request=200,
                  response=100)
    net.server(server, **params)
    net.clients([client], server, handshakes=2, **params)
    return net.run()
