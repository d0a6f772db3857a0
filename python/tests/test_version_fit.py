"""What the negotiated TLS version cannot do is refused before anything runs, with the same
one-line message from the example (stderr, exit 2, no file written) and from Python
(ValueError); and the parameter columns say what was configured."""

import subprocess

import pytest

import ns3tls
from ns3tls import _params

CORE = _params.core()
PQ = CORE.has_post_quantum()
NO_PQ = f"{CORE.openssl_version()} has no ML-KEM/ML-DSA (needs OpenSSL >= 3.5)"

REFUSED = [
    pytest.param({"tls": "1.2", "groups": "X25519MLKEM768"},
                 "--groups=X25519MLKEM768: ML-KEM groups need TLS 1.3 (use --tls=1.3 or 1.2-1.3)",
                 marks=pytest.mark.skipif(not PQ, reason=NO_PQ), id="ml-kem"),
    pytest.param({"tls": "1.2", "key": "mldsa65"},
                 "--key=mldsa65: ML-DSA signatures need TLS 1.3 (use --tls=1.3 or 1.2-1.3)",
                 marks=pytest.mark.skipif(not PQ, reason=NO_PQ), id="ml-dsa"),
    pytest.param({"tls": "1.2", "groups": "brainpoolP256r1", "key": "p256"},
                 "--groups=brainpoolP256r1: in TLS 1.2 the client's groups must include the curve "
                 "of the ECDSA --key=p256 (RFC 8422 section 5.1): add P-256 "
                 "(--groups=brainpoolP256r1:P-256), or use --tls=1.3 or 1.2-1.3", id="ecdsa-curve"),
]


@pytest.mark.parametrize("params,message", REFUSED)
def test_refused_up_front_with_one_line(example, tmp_path, params, message):
    csv = tmp_path / "out.csv"
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in params.items()]
    out = subprocess.run([example, *flags, f"--csv={csv}"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [f"error: {message}"]
    assert out.stdout == "" and not csv.exists()
    with pytest.raises(ValueError) as e:
        ns3tls.run(**params)
    assert str(e.value) == message


@pytest.mark.skipif(not PQ, reason=NO_PQ)
def test_range_that_allows_tls13_runs():
    df = ns3tls.run(tls="1.2-1.3", groups="X25519MLKEM768", key="mldsa65", cpu="none")
    row = df.iloc[0]
    assert bool(row["ok"]) and row["version"] == "TLSv1.3" and row["group"] == "X25519MLKEM768"


def test_brainpool_with_the_key_curve_runs_tls12():
    df = ns3tls.run(tls="1.2", groups="brainpoolP256r1:P-256", key="p256", cpu="none")
    row = df.iloc[0]
    assert bool(row["ok"]) and row["version"] == "TLSv1.2" and row["group"] == "brainpoolP256r1"


def test_version_mismatch_names_the_server_version(example):
    df = ns3tls.run(tls="1.3", fault="version-mismatch", cpu="none")
    assert df.iloc[0]["server_tls"] == "1.2"
    out = subprocess.run([example, "--tls=1.2", "--fault=version-mismatch", "--cpu=none"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert out.stdout.splitlines()[0].startswith("TLS 1.2 (server 1.3)")


def test_pem_chain_columns_from_the_files(tmp_path):
    """A --cert chain: chain counts its intermediates, ca_key names the CA keys found up to a
    self-signed root (the file or --ca-file), and stays empty (text, not NaN) when unknown."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    openssl("req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "root.key", "-out",
            "root.pem", "-subj", "/CN=root", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "leaf.key", "-out", "leaf.csr", "-subj", "/CN=server.ns3tls")
    (tmp_path / "leaf.ext").write_text("subjectAltName=DNS:server.ns3tls\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-out",
            "leaf.pem", "-days", "2", "-extfile", "leaf.ext")
    common = dict(cert=str(tmp_path / "leaf.pem"), private_key=str(tmp_path / "leaf.key"),
                  verify_date="now", cpu="none")
    row = ns3tls.run(ca_file=str(tmp_path / "root.pem"), **common).iloc[0]
    assert bool(row["ok"]), row["error"]
    assert (row["key"], row["ca_key"], row["chain"]) == ("p256", "ed25519", 0)
    row = ns3tls.run(**common).iloc[0]  # root unknown: not trusted, CA key type not known
    assert not bool(row["ok"])
    assert row["ca_key"] == "" and row["chain"] == 0
