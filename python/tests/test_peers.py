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
