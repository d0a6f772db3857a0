#!/usr/bin/env python3
"""Runs N random valid configurations of tls-handshake-example and checks invariants.

Not part of the default test run (`./ns3tls test --fuzz [-n N] [--seed S]`). Each configuration
is drawn from a seeded generator, so a failure is reproduced by its printed command line.

Invariants checked per run:
  * the process exits 0 within --timeout seconds (no crash, no hang);
  * the CSV has one row per handshake: clients x handshakes rows, conn 0..handshakes-1 per client;
  * an ok=1 row has tcp_ms, tls_ms, total_ms, version and cipher and no handshake error;
  * an ok=0 row names its error;
  * an ok=1 row without server_done_ms says why in post_error.
"""
import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile


def draw(rng):
    """One random valid configuration, as a dict of flag -> value."""
    c = {
        "tls": rng.choice(["1.2", "1.3"]),
        "rtt": rng.choice(["1ms", "10ms", "50ms", "200ms", "513ms"]),
        "bandwidth": rng.choice(["1Mbps", "10Mbps", "100Mbps"]),
        "loss": rng.choice(["0", "0", "0.01", "0.05", "0.2"]),
        "handshakes": str(rng.randint(1, 6)),
        "clients": str(rng.choice([1, 1, 2, 3])),
        "interval": rng.choice(["0ms", "1ms", "100ms"]),
        "cpu": rng.choice(["model", "none"]),
        "key": rng.choice(["rsa2048", "p256", "ed25519"]),
        "resume": rng.choice(["none", "ticket", "session-id"]),
        "tcp": rng.choice(["linux", "ns3"]),
        "seed": str(rng.randint(1, 10000)),
        "timeout": rng.choice(["5s", "30s"]),
    }
    if rng.random() < 0.2:
        c["loss-model"] = "gilbert"
        c["burst"] = rng.choice(["1.5", "3"])
    if rng.random() < 0.2:
        c["drop-" + rng.choice(["c2s", "s2c"])] = rng.choice(["syn", "1", "2", "syn,2"])
    if rng.random() < 0.3:
        c["request"] = str(rng.choice([100, 2000]))
        c["response"] = str(rng.choice([0, 1000, 50000]))
    if rng.random() < 0.2:
        c["client-auth"] = "true"
    if rng.random() < 0.15:
        c["chain"] = str(rng.randint(1, 3))
    if c["tls"] == "1.2":
        c["kx"] = rng.choice(["ecdhe", "ecdhe", "rsa", "dhe"])
        if c["kx"] != "ecdhe":
            c["key"] = "rsa2048"
    elif c["resume"] != "none" and rng.random() < 0.4:
        c["early-data"] = str(rng.choice([100, 1000, 14592]))
    if rng.random() < 0.1:
        c["fault"] = rng.choice(["untrusted-ca", "expired", "version-mismatch",
                                 "no-common-cipher"])
    if int(c["clients"]) > 1:
        c["arrival"] = rng.choice(["once", "uniform", "poisson"])
    return c


def check(rows, c):
    """@return a list of broken invariants (empty when all hold)."""
    problems = []
    clients, handshakes = int(c["clients"]), int(c["handshakes"])
    if len(rows) != clients * handshakes:
        problems.append(f"{len(rows)} rows for {clients} x {handshakes} handshakes")
    seen = {(r["client"], r["conn"]) for r in rows}
    want = {(str(i), str(k)) for i in range(clients) for k in range(handshakes)}
    if seen != want:
        problems.append(f"(client, conn) pairs differ: missing {sorted(want - seen)[:3]}")
    for r in rows:
        where = f"client {r['client']} conn {r['conn']}"
        if r["ok"] == "1":
            for col in ("tcp_ms", "tls_ms", "total_ms", "version", "cipher"):
                if r[col] == "":
                    problems.append(f"{where}: ok=1 without {col}")
            if r["error"]:
                problems.append(f"{where}: ok=1 with handshake error '{r['error']}'")
            if r["server_done_ms"] == "" and not r["post_error"]:
                problems.append(f"{where}: ok=1, no server_done_ms and no post_error")
        elif r["ok"] == "0":
            if not r["error"]:
                problems.append(f"{where}: ok=0 without error")
        else:
            problems.append(f"{where}: ok='{r['ok']}'")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=300, help="configurations (default 300)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per run (default 300)")
    ap.add_argument("--build", default=os.environ.get("NS3TLS_BUILD", "build"),
                    help="build directory (default $NS3TLS_BUILD or ./build)")
    args = ap.parse_args()
    example = os.path.join(args.build, "examples", "tls-handshake-example")
    rng = random.Random(args.seed)
    failures = 0
    rows_total = 0
    outcomes = {"ok": 0, "failed": 0, "post_error": 0}
    errors = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.csv")
        for i in range(args.n):
            c = draw(rng)
            cmd = [example] + [f"--{k}={v}" for k, v in c.items()] + [f"--csv={out}"]
            if os.path.exists(out):
                os.remove(out)
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
                problems = [] if p.returncode == 0 else [
                    f"exit {p.returncode}: {p.stderr.strip()[-300:]}"]
                if p.returncode == 0:
                    with open(out, newline="") as f:
                        rows = list(csv.DictReader(f))
                    problems += check(rows, c)
                    rows_total += len(rows)
                    for r in rows:
                        outcomes["ok" if r["ok"] == "1" else "failed"] += 1
                        outcomes["post_error"] += bool(r["post_error"])
                        for e in (r["error"], r["post_error"]):
                            if e:
                                errors[e] = errors.get(e, 0) + 1
            except subprocess.TimeoutExpired:
                problems = [f"no result after {args.timeout} s (hang?)"]
            if problems:
                failures += 1
                print(f"[{i}] FAIL {' '.join(cmd[:-1])}", flush=True)
                for pr in problems[:5]:
                    print(f"      {pr}", flush=True)
    print(f"{args.n} configurations (seed {args.seed}): {args.n - failures} passed, "
          f"{failures} failed; {rows_total} rows: {outcomes['ok']} ok, "
          f"{outcomes['failed']} failed handshakes, {outcomes['post_error']} with post_error")
    for e, n in sorted(errors.items(), key=lambda x: -x[1])[:8]:
        print(f"  {n:6d}  {e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
