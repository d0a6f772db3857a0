"""Your own topology from Python: nodes, point-to-point / CSMA / Wi-Fi links, TLS servers and
clients with ns3tls.run's parameter names, one run, the records as a pandas DataFrame.

>>> from ns3tls.network import Network
>>> net = Network(seed=1)
>>> sta1, sta2, ap, server = net.nodes(4)
>>> net.wifi([sta1, sta2], ap, distance=10)                 # Wi-Fi hop (ns-3's wifi module)
>>> net.p2p(ap, server, rate="100Mbps", delay="20ms")       # WAN link to the server
>>> net.server(server, tls="1.3", key="p256")
>>> net.clients([sta1, sta2], server, tls="1.3", handshakes=5)
>>> df = net.run(topology="wifi+wan")                       # a row a handshake

What is exposed: nodes with an IPv4 stack and ns-3's global routing; point-to-point links
(rate, delay, drop-tail queue, per-packet Bernoulli loss both ways), CSMA LANs, Wi-Fi
infrastructure cells (YANS channel, stations on a circle of the given distance around the access
point, any WifiRemoteStationManager); TLS servers and clients configured with the TLS,
request, timing, ``tcp`` and ``cpu`` parameters of :func:`ns3tls.run` (its topology and run
parameters - rtt, bandwidth, loss, clients, arrival, seed, ... - raise ValueError there, naming
where to say them: the links, ``clients(start=)``, ``Network(seed=, run=, hz=, tick_phase=)``).
The rows carry the record columns of ``ns3tls.run`` (from the C++ TlsTrackerHelper; not its
parameter columns), then your ``columns`` (``run(tls="1.3", topology="wifi")``), then seed and
run. Not exposed: IPv6, mobility beyond fixed positions, other ns-3 models, per-packet
callbacks. ARP: on CSMA and Wi-Fi links each client's first connection resolves addresses
first (``static_arp()`` fills the caches instead). The simulation runs in this process (ns-3
keeps process-wide state): one run per Network; run many from a sweep (one process per point).
"""

from . import _core, _params
from ._frames import read_csv

__all__ = ["Network"]


# ns3tls.run's parameters that describe its own topology or run, not one end: where to say it
# in a Network instead (a ValueError names it; silently ignoring them looked like they applied).
_NOT_AN_END = {
    "rtt": "the links' delays: p2p(delay=), csma(delay=)",
    "bandwidth": "the links' rates: p2p(rate=), csma(rate=)",
    "access_bandwidth": "the links' rates: p2p(rate=), csma(rate=)",
    "access_delay": "the links' delays: p2p(delay=), csma(delay=)",
    "queue": "p2p(queue=)",
    "loss": "p2p(loss=)",
    "loss_c2s": "p2p(loss=)",
    "loss_s2c": "p2p(loss=)",
    "loss_model": "p2p(loss=) (Bernoulli)",
    "burst": "p2p(loss=) (Bernoulli)",
    "drop_c2s": "./ns3tls run or ns3tls.run (chosen drops need its dumbbell)",
    "drop_s2c": "./ns3tls run or ns3tls.run (chosen drops need its dumbbell)",
    "clients": "the nodes you pass to clients()",
    "arrival": "clients(start=) per group of clients",
    "arrival_window": "clients(start=) per group of clients",
    "hz": "Network(hz=)",
    "tick_phase": "Network(tick_phase=)",
    "seed": "Network(seed=)",
    "run": "Network(run=)",
    "csv": "the DataFrame Network.run() returns",
    "timeline": "Network.timeline after run()",
    "pcap": "./ns3tls run or ns3tls.run",
}


def _flags(params):
    for name in params:
        where = _NOT_AN_END.get(str(name).replace("-", "_"))
        if where:
            raise ValueError(f"'{name}' does not apply to a server or clients of a Network: "
                             f"use {where}")
    return _params.normalize(params)


class Network:
    """One simulation's topology and TLS applications (see the module docstring)."""

    def __init__(self, seed=1, run=1, hz=250, tick_phase="auto"):
        """seed, run: ns-3's and OpenSSL's randomness; hz, tick_phase: the linux TCP profile's
        timer ticks for every socket (as --hz and --tick-phase)."""
        self._net = _core.Network(int(seed), int(run))
        self._net.ticks(str(hz), str(tick_phase))
        self.timeline = None  #: the per-message timeline of the last run (DataFrame)
        self.info = None

    def nodes(self, n=1):
        """Creates n nodes (IPv4 stack installed); returns their ids."""
        return self._net.add_nodes(int(n))

    def p2p(self, a, b, rate="10Mbps", delay="25ms", queue="100p", loss=0.0):
        """A point-to-point link a--b: rate, one-way delay, device queue, loss per direction."""
        self._net.p2p(a, b, str(rate), str(delay), str(queue), float(loss))

    def csma(self, nodes, rate="100Mbps", delay="1ms"):
        """A CSMA (Ethernet-like) LAN joining the nodes."""
        self._net.csma(list(nodes), str(rate), str(delay))

    def static_arp(self):
        """Fill every node's ARP cache when the run starts (ns-3 NeighborCacheHelper), so
        that no connection waits for ARP. Without it, a client's first connection over a CSMA
        LAN or a Wi-Fi cell waits for two ARP exchanges (the client's before its SYN, the
        peer's before its SYN-ACK: ns-3 does not learn the asker's address from a request),
        each after a 0..9 ms ArpL3Protocol::RequestJitter; point-to-point links have no
        ARP."""
        self._net.static_arp()

    def wifi(self, stations, ap, distance=10.0, manager="ns3::IdealWifiManager",
             standard="80211n"):
        """A Wi-Fi cell: the stations associate with the access point ap, placed `distance`
        metres away; `manager` is the rate manager (e.g. ns3::MinstrelHtWifiManager)."""
        self._net.wifi(list(stations), ap, float(distance), str(manager), str(standard))

    def server(self, node, **params):
        """A TLS server on node (port 443), with ns3tls.run's TLS parameter names."""
        self._net.server(node, _flags(params))

    def clients(self, nodes, server, start=1.0, **params):
        """One TLS client per node, connecting to `server`'s node, starting at `start` s."""
        self._net.clients(list(nodes), server, _flags(params), float(start))

    def run(self, stop=3600.0, **columns):
        """Runs until every connection is done (or `stop` s); returns the records as a
        DataFrame. Keyword arguments become extra columns (e.g. topology="wifi+wan")."""
        csv, timeline, info = self._net.run(float(stop), [(k, str(v)) for k, v in columns.items()])
        self.timeline = read_csv(timeline)
        self.info = info
        df = read_csv(csv)
        df.attrs["info"] = info
        return df
