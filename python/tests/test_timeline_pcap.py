"""The timeline's TCP 'segment' rows against the segments really sent (the example's pcaps).

Each side's data segments are read from its own end of the link (``--pcap``: PREFIX-0-1.pcap is
the server's device, PREFIX-1-1.pcap the client's; a lost segment is in its sender's file). A
retransmission is a segment carrying payload whose sequence range its sender had all sent
before (SYN and FIN count one sequence number). Per connection and sender, the timeline has one
'segment' row for each, with its payload length, and no other.
"""

import collections
import struct

import pytest

import ns3tls

SERVER_PORT = 443


def _segments(path):
    """(src port, dst port, seq, payload length, SYN, FIN) of each IPv4/TCP packet of a pcap
    (PPP link type, as ns-3's point-to-point devices write)."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and link == 9, (hex(magic), link)
    out, pos = [], 24
    while pos < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if struct.unpack("!H", frame[:2])[0] != 0x0021:  # PPP: IPv4
            continue
        ip = frame[2:]
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 6:
            continue
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        off = (tcp[12] >> 4) * 4
        flags = tcp[13]
        out.append((sport, dport, seq, len(tcp) - off, bool(flags & 0x02), bool(flags & 0x01)))
    return out


def _retransmitted(prefix):
    """{(conn, sender): sorted payload lengths of its retransmitted segments}, conn = order of
    the client ports (connections are sequential)."""
    sent = []  # (client port, sender, seq, payload, syn, fin) in send order per file
    for path, sender in ((f"{prefix}-1-1.pcap", "client"), (f"{prefix}-0-1.pcap", "server")):
        for sport, dport, seq, payload, syn, fin in _segments(path):
            own = dport == SERVER_PORT if sender == "client" else sport == SERVER_PORT
            if own:
                port = sport if sender == "client" else dport
                sent.append((port, sender, seq, payload, syn, fin))
    conn = {p: i for i, p in enumerate(sorted({s[0] for s in sent}))}
    highest, again = {}, collections.defaultdict(list)
    for port, sender, seq, payload, syn, fin in sent:
        length = payload + syn + fin
        if length == 0:
            continue
        key = (conn[port], sender)
        end = (seq + length) % 2**32
        if payload > 0 and key in highest and (highest[key] - end) % 2**32 < 2**31:
            again[key].append(payload)
        if key not in highest or (end - highest[key]) % 2**32 < 2**31:
            highest[key] = end
    return {k: sorted(v) for k, v in again.items()}


@pytest.mark.parametrize("flags", [
    ["--tls=1.3", "--client-auth", "--loss=0.05", "--handshakes=50"],
    ["--tls=1.3", "--loss=0.05", "--handshakes=50"],
    ["--tls=1.3", "--client-auth", "--drop-c2s=2", "--handshakes=2"],
    ["--tls=1.2", "--client-auth", "--loss=0.1", "--handshakes=30"],
])
def test_segment_rows_are_the_retransmissions_in_the_pcaps(example, tmp_path, flags):
    import subprocess

    prefix = str(tmp_path / "p")
    timeline = tmp_path / "t.csv"
    subprocess.run([example, *flags, f"--pcap={prefix}", f"--timeline={timeline}"], check=True,
                   capture_output=True)
    tl = ns3tls.read_csv(str(timeline))
    rows = tl[(tl["layer"] == "tcp") & (tl["message"] == "segment")]
    assert (rows["retransmission"] == 1).all()
    from_timeline = {k: sorted(g["bytes"].tolist())
                     for k, g in rows.groupby(["conn", "sender"])}
    from_pcap = _retransmitted(prefix)
    assert from_pcap, "the scenario retransmits something"
    assert from_timeline == from_pcap
