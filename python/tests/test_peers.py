"""Version ranges, server names and what a failure costs, through the Python API."""

import math

import pytest

import ns3tls


def test_version_range_downgrade_and_text_columns():
    df = ns3tls.run(tls="1.2-1.3", server_tls="1.2", key="p256", rtt="50ms", bandwidth="10Gbps",
                    cpu="none")
    row = df.iloc[0]
    assert row["version"] == "TLSv1.2"
    assert row["tls"] == "1.2-1.3" and row["server_tls"] == "1.2"  # text, not numbers
    assert row["total_ms"] == pytest.approx(150, abs=0.05)  # TCP 1 RTT + TLS 1.2 2 RTT
    assert math.isnan(row["fail_ms"])


def test_fail_ms_and_bad_range():
    df = ns3tls.run(tls="1.3", fault="version-mismatch", rtt="50ms", bandwidth="10Gbps",
                    cpu="none")
    assert df.iloc[0]["error"] == "alert: protocol version"
    assert df.iloc[0]["fail_ms"] == pytest.approx(100, abs=0.05)  # ClientHello -> alert: 2 RTT
    with pytest.raises(ValueError, match="1.3-1.2"):
        ns3tls.run(tls="1.3-1.2")


def _example(*flags):
    import os
    import subprocess

    from conftest import BUILD

    exe = os.path.join(BUILD, "examples", "tls-handshake-example")
    return subprocess.run([exe, *flags], capture_output=True, text=True, timeout=300)


FAST_FLAGS = ("--rtt=50ms", "--bandwidth=10Gbps", "--cpu=none", "--key=p256")


def test_example_user_config_flags(tmp_path):
    csv = tmp_path / "cwnd.csv"
    # rsa2048: the server's flight (~1.6 kB) needs two 1448-byte segments.
    r = _example(*FAST_FLAGS, "--key=rsa2048", "--ns3::TcpSocket::InitialCwnd=1", f"--csv={csv}")
    assert r.returncode == 0, r.stderr
    # The second segment waits for the client's ACK of the first, a quick ACK sent at once.
    assert ns3tls.read_csv(csv).iloc[0]["total_ms"] == pytest.approx(3 * 50, abs=0.05)
    r = _example(*FAST_FLAGS, "--ns3::TlsClientApplication::Handshakes=5", f"--csv={csv}.2")
    assert r.returncode == 2
    assert r.stderr.strip() == ("error: --ns3::TlsClientApplication::Handshakes is set by the "
                                "scenario: use --handshakes")
    assert not (tmp_path / "cwnd.csv.2").exists()


def test_example_summary_states_its_basis():
    r = _example(*FAST_FLAGS, "--handshakes=4", "--drop-s2c=1", "--timeout=200ms")
    assert r.returncode == 0, r.stderr
    assert "failed 4 (100.0 %)" in r.stdout
    assert "fail " in r.stdout and "200.000" in r.stdout
    r = _example(*FAST_FLAGS, "--handshakes=2")
    assert "over the 2 successful handshakes only" in r.stdout and "failed 0 (0.0 %)" in r.stdout
