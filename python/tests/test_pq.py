"""Post-quantum handshakes from Python (OpenSSL >= 3.5 under the module).

The module's OpenSSL may differ from the one Python's ssl module loaded (both are libssl.so.3 on
Debian 12: 3.0 for Python, 3.5 for the module): one process must keep both working, each with
its own symbols.
"""

import os
import subprocess
import sys

import pytest

from ns3tls import _params

CORE = _params.core()
PQ = CORE.has_post_quantum()
NO_PQ = f"{CORE.openssl_version()} has no ML-KEM/ML-DSA (needs OpenSSL >= 3.5)"

# Runs in a fresh interpreter so that ssl really is loaded before the module.
SSL_FIRST = r"""
import json, ssl, hashlib
ssl_version = ssl.OPENSSL_VERSION
import ns3tls
from ns3tls import _params
core = _params.core()
res = ns3tls.simulate(groups="X25519MLKEM768", key="mldsa65", rtt="50ms", cpu="none")
r = res.records[0]
ctx = ssl.create_default_context()          # the system OpenSSL still works afterwards
maps = open("/proc/self/maps").read()
libs = sorted({line.split()[-1] for line in maps.splitlines()
               if "libssl" in line or "libcrypto" in line})
print(json.dumps({"ssl": ssl_version, "ssl_after": ssl.OPENSSL_VERSION,
                  "module": core.openssl_version(), "ok": r.ok, "error": r.error,
                  "group": r.group, "total_ms": r.total_ms, "libs": libs,
                  "sha": hashlib.sha256(b"x").hexdigest()[:8]}))
"""


@pytest.mark.skipif(not PQ, reason=NO_PQ)
def test_ssl_first_then_module_runs_ml_kem():
    import json

    out = subprocess.run([sys.executable, "-c", SSL_FIRST], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=300)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["ok"], info["error"]
    assert info["group"] == "X25519MLKEM768"
    assert info["module"].startswith("OpenSSL 3.") and not info["module"].startswith("OpenSSL 3.0")
    assert info["ssl_after"] == info["ssl"]
    assert info["sha"] == "2d711642"
    # At most one libssl and one libcrypto file mapped: the module's OpenSSL is inside libns3tls.
    assert len([p for p in info["libs"] if "libssl" in p]) <= 1, info["libs"]
    assert len([p for p in info["libs"] if "libcrypto" in p]) <= 1, info["libs"]
    # Loss-free TLS 1.3: 2 RTT plus a little serialisation at 10 Mbps.
    assert 100 < info["total_ms"] < 110


@pytest.mark.skipif(not PQ, reason=NO_PQ)
def test_run_info_names_openssl():
    import ns3tls

    df = ns3tls.run(groups="X25519MLKEM768", key="mldsa44", ca_key="slhdsa128f", cpu="none")
    assert bool(df["ok"].iloc[0]), df["error"].iloc[0]
    assert df.attrs["info"]["openssl_version"] == CORE.openssl_version()
    assert df["ca_key"].iloc[0] == "slhdsa128f"


@pytest.mark.skipif(PQ, reason="this build has OpenSSL >= 3.5")
def test_pq_flag_without_openssl35_says_which_version(example):
    out = subprocess.run([example, "--groups=X25519MLKEM768:X25519"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs OpenSSL >= 3.5" in lines[0], out.stderr
    with pytest.raises(ValueError, match="needs OpenSSL >= 3.5"):
        CORE.make_config({"key": "mldsa65"})


@pytest.mark.skipif(not PQ, reason=NO_PQ)
def test_keylog_decrypts_pq_handshake(example, tmp_path):
    """X25519MLKEM768 + ML-DSA-65 mutual TLS: the NSS key log lets Wireshark decrypt the flight."""
    import shutil

    if shutil.which("tshark") is None:
        pytest.skip("tshark not installed (apt-get install tshark)")
    keylog, pcap = tmp_path / "keys.txt", tmp_path / "cap"
    subprocess.run([example, "--groups=X25519MLKEM768", "--key=mldsa65", "--client-auth=true",
                    "--cpu=none", f"--keylog={keylog}", f"--pcap={pcap}"], check=True,
                   capture_output=True, timeout=120)
    assert "CLIENT_HANDSHAKE_TRAFFIC_SECRET" in keylog.read_text()
    out = subprocess.run(["tshark", "-r", f"{pcap}-0-1.pcap", "-o", f"tls.keylog_file:{keylog}",
                          "-Y", "tls.handshake.type", "-T", "fields", "-e", "tls.handshake.type"],
                         capture_output=True, text=True, timeout=120, check=True)
    types = {int(t) for line in out.stdout.split() for t in line.split(",")}
    # Encrypted in TLS 1.3, readable only with the keys: EncryptedExtensions, CertificateRequest,
    # Certificate, CertificateVerify, Finished.
    assert {8, 13, 11, 15, 20} <= types, out.stdout


def test_cache_identity_does_not_depend_on_pythons_ssl():
    """Sweep caches are keyed by the simulator's build: the system libssl that Python's ssl
    module maps is the simulator's only when the module links it (not a bundled OpenSSL)."""
    ids = []
    for prefix in ("", "import ssl\n"):
        out = subprocess.run([sys.executable, "-c", prefix + "from ns3tls import _cache\n"
                              "print(_cache.build_identity())"], capture_output=True, text=True,
                             env=os.environ.copy(), timeout=120, check=True)
        ids.append(out.stdout.strip())
    assert ids[0] == ids[1]
