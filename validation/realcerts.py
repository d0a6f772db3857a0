"""The real reference's certificates, for the simulator's replay of its cells.

run-reference.py keeps the certificates it served in RESULTS_DIR/certs (leaf-KEY.pem,
leaf-KEY.key, ca-KEY.pem). Their size decides how many segments the server's flight takes,
and with it which losses RACK or the tail loss probe repair: the simulator should replay a
cell with these files rather than with its own generated chain (49 bytes larger for rsa2048,
enough to split a TLS 1.3 flight into two segments). Standard library plus the openssl CLI.
"""
import datetime
import functools
import os
import subprocess


@functools.lru_cache(maxsize=None)  # one openssl call per leaf, not per simulated run
def _flags(certs_dir, key):
    """Simulator flags serving certs_dir's leaf of key type `key` (e.g. rsa2048) the way the
    harness did: --cert, --private-key, --ca-file, --server-name (the harness's name) and a
    --verify-date the day after the leaf's notBefore (repeatable, and the leaf is valid then).
    Empty when certs_dir is empty or has no such leaf."""
    leaf = os.path.join(certs_dir or "", f"leaf-{key}.pem")
    if not certs_dir or not os.path.exists(leaf):
        return ()
    out = subprocess.run(["openssl", "x509", "-noout", "-startdate", "-in", leaf],
                         capture_output=True, text=True, check=True).stdout
    start = " ".join(out.strip().split("=", 1)[1].split())  # e.g. "Nov 30 11:17:23 2026 GMT"
    day = datetime.datetime.strptime(start, "%b %d %H:%M:%S %Y %Z") + datetime.timedelta(days=1)
    return (f"--cert={leaf}", f"--private-key={os.path.join(certs_dir, f'leaf-{key}.key')}",
            f"--ca-file={os.path.join(certs_dir, f'ca-{key}.pem')}", "--server-name=server.test",
            f"--verify-date={day:%Y-%m-%d}")


def sim_flags(certs_dir, key):
    """_flags() as a list (see there)."""
    return list(_flags(certs_dir or "", key))
