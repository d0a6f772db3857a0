"""Records of a few small runs against committed digests (golden_records.json).

A change that must not change results (speed, refactoring) keeps these digests; a change that
does change results makes this test fail until the digests are updated on purpose:

    NS3TLS_BUILD=build /usr/bin/python3 python/tests/test_golden_records.py --update

and says so in its commit (the sweep cache is keyed by the build, so cached results of the old
build are not served). Digests are kept per OpenSSL major.minor: OpenSSL 3.5 writes other bytes
than 3.0 (it offers more signature algorithms).
"""

import hashlib
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden_records.json")

SCENARIOS = {
    "tls13-loss": ["--tls=1.3", "--loss=0.05", "--handshakes=30"],
    "tls12-rsa-kx-ticket": ["--tls=1.2", "--kx=rsa", "--resume=ticket", "--loss=0.02",
                            "--handshakes=20", "--rtt=10ms"],
    "tls13-0rtt-client-auth": ["--tls=1.3", "--key=p256", "--resume=ticket", "--early-data=100",
                               "--request=300", "--response=2000", "--client-auth",
                               "--handshakes=10"],
    "dumbbell-poisson": ["--tls=1.3", "--clients=40", "--arrival=poisson",
                         "--arrival-window=500ms", "--server-cores=1", "--loss=0.01"],
}


def _example():
    build = os.environ.get("NS3TLS_BUILD") or os.path.join(HERE, "..", "..", "build")
    return os.path.join(os.path.abspath(build), "examples", "tls-handshake-example")


def _openssl():
    from ns3tls import _core

    version = _core.openssl_version() if hasattr(_core, "openssl_version") else "OpenSSL 3.0"
    number = version.split()[1] if version.startswith("OpenSSL ") else version
    return "openssl-" + ".".join(number.split(".")[:2])


def digest(flags, tmpdir):
    csv, tl = os.path.join(tmpdir, "r.csv"), os.path.join(tmpdir, "t.csv")
    subprocess.run([_example(), *flags, f"--csv={csv}", f"--timeline={tl}"], check=True,
                   capture_output=True)
    h = hashlib.sha256()
    for path in (csv, tl):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def _golden():
    with open(GOLDEN) as f:
        return json.load(f)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_records_match_the_committed_digests(name, tmp_path):
    table = _golden().get(_openssl())
    if table is None:
        pytest.skip(f"no golden records for {_openssl()}: run this file with --update")
    assert digest(SCENARIOS[name], str(tmp_path)) == table[name], (
        f"records of '{' '.join(SCENARIOS[name])}' changed: if that is intended, update "
        f"golden_records.json (python3 {os.path.relpath(__file__)} --update) and say so")


if __name__ == "__main__":
    import tempfile

    if "--update" not in sys.argv:
        sys.exit(__doc__)
    sys.path.insert(0, os.path.join(os.path.dirname(_example()), "..", "python"))
    table = _golden() if os.path.exists(GOLDEN) else {}
    with tempfile.TemporaryDirectory() as d:
        table[_openssl()] = {n: digest(f, d) for n, f in sorted(SCENARIOS.items())}
    with open(GOLDEN, "w") as f:
        json.dump(table, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"updated {GOLDEN} for {_openssl()}")
