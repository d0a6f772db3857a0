"""ARP on a LAN: what a client's first connection waits for, and Network.static_arp().

Two nodes on a CSMA LAN (100 Mbit/s, 2 ms): an established TCP connection costs one round trip,
2 x (2 ms + a 74-byte SYN or SYN-ACK frame at 100 Mbit/s, 5.92 us) = 4.01184 ms. The first one
also waits for two ARP exchanges of 2 x (2 ms + a 64-byte ARP frame, 5.12 us) each: the client's
for the server before its SYN, and the server's for the client before its SYN-ACK (ns-3's
ArpL3Protocol does not learn the asker's address from a request), each sent after a
RequestJitter of U(0, 10 ms) truncated to whole milliseconds (0..9 ms), and a reply that finds
the channel still busy backs off a few 1-us slots (CsmaNetDevice).
"""

import subprocess
import sys

import pytest

import ns3tls

LAN = """
from ns3tls.network import Network
net = Network(seed=1, run={run})
client, server = net.nodes(2)
net.csma([client, server], rate="100Mbps", delay="2ms")
if {static}:
    net.static_arp()
net.server(server, tls="1.3", cpu="none")
net.clients([client], server, tls="1.3", cpu="none", handshakes=2)
print(net.run().to_csv(index=False), end="")
"""

RTT = 2 * (2 + 74 * 8 / 100e6 * 1e3)
ARP = 2 * 2 * (2 + 64 * 8 / 100e6 * 1e3)


def _tcp_ms(run, static):
    r = subprocess.run([sys.executable, "-c", LAN.format(run=run, static=static)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    df = ns3tls.read_csv(r.stdout)
    assert df["ok"].all()
    return df["tcp_ms"].tolist()


@pytest.mark.parametrize("run", [1, 2])
def test_first_connection_on_a_lan_waits_for_two_arp_exchanges(run):
    first, second = _tcp_ms(run, False)
    assert second == pytest.approx(RTT, abs=1e-6)
    waited = first - second - ARP
    jitter = round(waited)  # whole milliseconds
    assert 0 <= jitter <= 18
    # plus CSMA/CD backoff slots of 1 us when a reply meets the channel still busy
    assert 0 <= waited - jitter < 0.05


def test_static_arp_removes_it():
    assert _tcp_ms(1, True) == pytest.approx([RTT, RTT], abs=1e-6)
