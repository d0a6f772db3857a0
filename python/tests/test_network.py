"""Own topologies from Python (ns3tls.network): analytic round trips and a Wi-Fi cell."""

import subprocess
import sys

import pytest

import ns3tls

# Each topology runs in a fresh interpreter (ns-3 keeps process-wide state, e.g. global routing).
P2P = """
from ns3tls.network import Network
net = Network(seed=1)
client, server = net.nodes(2)
net.p2p(client, server, rate="10Mbps", delay="25ms")
net.server(server, tls="1.3", cpu="none")
net.clients([client], server, tls="1.3", cpu="none", handshakes=2)
print(net.run(topology="p2p").to_csv(index=False), end="")
"""

WIFI = """
from ns3tls.network import Network
net = Network(seed=2)
*stations, ap, server = net.nodes(5)
net.wifi(stations, ap, distance=15, manager="ns3::MinstrelHtWifiManager")
net.p2p(ap, server, rate="100Mbps", delay="10ms")
net.server(server, tls="1.3", key="p256")
net.clients(stations, server, tls="1.3", resume="ticket", handshakes=3, interval="100ms")
print(net.run(topology="wifi").to_csv(index=False), end="")
"""


def _run(code):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return ns3tls.read_csv(r.stdout)


def test_p2p_is_two_round_trips_plus_serialisation_and_matches_run():
    df = _run(P2P)
    assert len(df) == 2 and df["ok"].all() and (df["topology"] == "p2p").all()
    # Loss-free 50 ms RTT, TLS 1.3 full handshake: TCP 1 RTT, TLS 1 RTT, plus serialisation
    # of the critical packets at 10 Mbps (a few ms for the server's certificate flight).
    extra = df["total_ms"] - 100.0
    assert ((extra > 0) & (extra < 6)).all()
    canned = ns3tls.run(tls="1.3", rtt="50ms", bandwidth="10Mbps", cpu="none", handshakes=2)
    n = len(ns3tls._core.columns())
    assert list(df.columns[:n]) == list(canned.columns[:n])  # the same record columns
    for col in ("tcp_ms", "tls_ms", "total_ms", "server_done_ms"):
        assert df[col].tolist() == pytest.approx(canned[col].tolist(), abs=0.005), col


def test_wifi_cell_completes_every_handshake():
    df = _run(WIFI)
    assert len(df) == 3 * 3  # three stations, three connections each
    assert df["ok"].all(), df["error"].tolist()
    assert (df.groupby("client")["resumed"].sum() == 2).all()
    # A Wi-Fi hop plus 2 x 10 ms: each handshake is at least 2 RTT of the wired part.
    assert (df["total_ms"] > 40).all()


def test_bad_parameters_raise_value_error():
    from ns3tls.network import Network

    net = Network()
    a, b = net.nodes(2)
    with pytest.raises(ValueError, match="--tls"):
        net.server(b, tls="1.4")
    with pytest.raises(ValueError, match="manager"):
        net.wifi([a], b, manager="ns3::NoSuchManager")
    with pytest.raises(ValueError, match="no server"):
        net.clients([a], b)
    # the scenario's topology and run parameters say where they belong instead of being ignored
    with pytest.raises(ValueError, match=r"'rtt' does not apply .* p2p\(delay=\)"):
        net.clients([a], b, rtt="10ms")
    with pytest.raises(ValueError, match=r"p2p\(loss=\)"):
        net.server(b, loss=0.5)
    with pytest.raises(ValueError, match=r"Network\(hz=\)"):
        net.server(b, hz=1000)
    with pytest.raises(ValueError, match="--tick-phase"):
        Network(tick_phase="soon")


LOSSY = """
from ns3tls.network import Network
net = Network(seed=4, hz=HZ, tick_phase="PHASE")
client, server = net.nodes(2)
net.p2p(client, server, rate="10Mbps", delay="25ms", loss=0.15)
net.server(server, tls="1.3", cpu="none")
net.clients([client], server, tls="1.3", cpu="none", handshakes=10)
print(net.run().to_csv(index=False), end="")
"""


def test_network_hz_and_tick_phase_reach_the_sockets():
    """Network(hz=, tick_phase=) set the linux profile's timer ticks, as --hz / --tick-phase:
    with the same losses, exact timers (hz=0) and ticks at two phases give other times."""
    runs = {(hz, phase): _run(LOSSY.replace("HZ", hz).replace("PHASE", phase))
            for hz, phase in (("0", "0ms"), ("250", "0ms"), ("250", "2ms"))}
    totals = {k: df["total_ms"].round(3).tolist() for k, df in runs.items()}
    assert all(df["retransmissions"].sum() > 0 for df in runs.values())  # timers did fire
    assert totals[("0", "0ms")] != totals[("250", "0ms")]
    assert totals[("250", "0ms")] != totals[("250", "2ms")]


# Each end of an own topology is validated on its own: a server offering only a TLS 1.2 curve
# (brainpoolP256r1, RFC 7027) is not refused for what a client might negotiate; its TLS 1.2
# clients offer that curve and the server key's curve (RFC 8422 section 5.1).
BRAINPOOL = """
from ns3tls.network import Network
net = Network(seed=3)
client, server = net.nodes(2)
net.p2p(client, server, rate="10Mbps", delay="5ms")
net.server(server, groups="brainpoolP256r1", key="p256", cpu="none")
net.clients([client], server, tls="1.2", groups="brainpoolP256r1:P-256", cpu="none")
print(net.run().to_csv(index=False), end="")
"""


def test_one_end_is_validated_alone():
    df = _run(BRAINPOOL)
    assert df["ok"].all(), df["error"].tolist()
    assert df["version"].tolist() == ["TLSv1.2"]
    assert df["group"].str.lower().tolist() == ["brainpoolp256r1"]


def test_a_connection_the_stop_time_cuts_short_says_unfinished():
    """A record whose connection was still running when the simulation stopped is not ok and
    says why: error 'unfinished' (not an empty error next to ok = 0)."""
    code = P2P.replace('net.run(topology="p2p")', 'net.run(stop=1.05, topology="p2p")')
    df = _run(code)
    assert len(df) >= 1
    assert not df["ok"].any()
    assert (df["error"] == "unfinished").all(), df["error"].tolist()
