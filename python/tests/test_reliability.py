"""Reliability of the command line and outputs: whole values, one line per mistake, outputs
checked before anything runs (issue 12)."""
import os
import subprocess

import pytest

import ns3tls


def _run(example, *args, cwd=None):
    return subprocess.run([example, *args], capture_output=True, text=True, cwd=cwd)


def test_values_are_whole(example, tmp_path):
    p = _run(example, "--handshakes=1", "--csv=my results.csv", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert os.listdir(tmp_path) == ["my results.csv"]
    p = _run(example, "--groups=X25519 P-256")
    assert p.returncode == 2 and p.stderr == "error: unsupported group list 'X25519 P-256'\n"


@pytest.mark.parametrize("args, message", [
    (["rtt=500ms"], "error: unexpected argument 'rtt=500ms'"),
    (["--rt=5ms"], "error: unknown flag '--rt' (did you mean --rtt?)"),
    (["--frobnicate"], "error: unknown flag '--frobnicate'"),
    (["--queue=99999999999999999999p"], "error: invalid --queue='99999999999999999999p'"),
    (["--queue=4294967301p"], "error: invalid --queue='4294967301p'"),
    (["--drop-c2s=syn,,2"], "error: invalid --drop-c2s='syn,,2'"),
    (["--client-auth=maybe"], "error: invalid --client-auth='maybe'"),
])
def test_bad_command_line_is_one_line(example, args, message):
    p = _run(example, *args)
    assert p.returncode == 2
    assert p.stderr.startswith(message) and p.stderr.count("\n") == 1, p.stderr
    assert p.stdout == ""


def test_outputs_checked_before_running(example, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("keep me")
    p = _run(example, f"--keylog={keys}", f"--pcap={tmp_path}/no/such/dir/cap")
    assert p.returncode == 2 and p.stderr.startswith("error: cannot write pcap file"), p.stderr
    assert keys.read_text() == "keep me"
    same = tmp_path / "x.csv"
    p = _run(example, f"--csv={same}", f"--timeline={same}")
    assert p.returncode == 2 and "name the same file" in p.stderr and not same.exists()
    with pytest.raises(ValueError, match="cannot write pcap file"):
        ns3tls.simulate(pcap=str(tmp_path / "no/such/dir/cap"))


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def test_wrong_cached_key_is_replaced(example, tmp_path):
    # A P-256 key where the rsa2048 leaf key should be: ignored, regenerated, replaced.
    cached = tmp_path / "rsa2048-leaf.pem"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", str(cached))
    env = dict(os.environ, NS3TLS_KEY_CACHE=str(tmp_path))
    p = subprocess.run([example, "--key=rsa2048", "--handshakes=1"], capture_output=True,
                       text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert p.returncode == 0, p.stderr
    text = subprocess.run(["openssl", "pkey", "-in", str(cached), "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert "Private-Key: (2048 bit" in text and "NIST CURVE" not in text


def test_encrypted_key_is_refused_not_prompted(example, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-aes128", "-pass", "pass:secret", "-out", str(key))
    _openssl("req", "-x509", "-key", str(key), "-passin", "pass:secret", "-subj", "/CN=x",
             "-days", "2", "-out", str(cert))
    p = subprocess.run([example, f"--cert={cert}", f"--private-key={key}"], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2
    assert p.stderr.startswith(f"error: private key '{key}' is encrypted"), p.stderr


def test_csv_to_own_stdout_is_written_not_replaced(tmp_path):
    """--csv=/dev/stdout (or /dev/fd/1): the CSV goes to the program's stdout, whatever that is
    (a file here), after what it printed; /dev/stdout stays the link it was."""
    import os
    import subprocess

    from conftest import EXAMPLE

    before = os.readlink("/dev/stdout")
    for name in ("/dev/stdout", "/dev/fd/1"):
        out = tmp_path / "out.txt"
        with open(out, "w") as f:
            subprocess.run([EXAMPLE, "--handshakes=2", f"--csv={name}"], stdout=f, check=True)
        text = out.read_text()
        assert text.count("\n0,0,") == 1 and "conn,client," in text, text
        assert "handshakes 2" in text  # the summary is still there
    assert os.path.islink("/dev/stdout") and os.readlink("/dev/stdout") == before


def test_tls12_key_exchange_with_tls13_only_is_refused():
    """--kx picks a TLS 1.2 key exchange: with --tls=1.3 it would be silently ignored."""
    import subprocess

    from conftest import EXAMPLE

    p = subprocess.run([EXAMPLE, "--tls=1.3", "--kx=rsa"], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        "error: --kx=rsa is a TLS 1.2 key exchange: use --tls=1.2 (or 1.2-1.3), or --groups "
        "for TLS 1.3"]
