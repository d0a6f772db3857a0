#!/usr/bin/python3
"""Per loss pattern: what a lost packet costs real Linux + OpenSSL, and the simulator.

    validation/loss-patterns.py RESULTS_DIR [--bin build/examples/tls-handshake-example] [--min 5]

RESULTS_DIR is a run-reference.py output directory made with --relay-log (real.csv plus
cellN.log.csv, the relay's per-packet log of cell N). For every real handshake the relay log
tells which packets were lost ("enq_lost"): the pattern is the list of lost packets, each named
by direction and kind: c2s:SYN, s2c:SYNACK, c2s:dataK / s2c:dataK (the K-th data-carrying
transmission of that direction, retransmissions counted; SYN#2 is the second SYN sent),
c2s:ack / s2c:ack (pure ACKs). For
every pattern seen at least --min times in a cell the tool prints the real median total_ms next
to the simulator's total for the same losses, replayed deterministically with --drop-c2s /
--drop-s2c (the simulator cannot drop pure ACKs, nor a later SYN without the earlier ones:
such patterns are replayed approximately, marked "~"). A real loss costs what Linux's timers and recovery say, so the two columns
differ where a mechanism (RTO, RACK, tail loss probe, SYN timer, delayed/quick ACKs) differs.

The simulator serves the real run's certificates (RESULTS_DIR/certs, kept by run-reference.py)
when they are there, so that each flight has the same size. Standard library and the openssl
CLI; the simulator is run --runs times per pattern (other timer-tick phases each time) and its
median shown.
"""
import argparse
import collections
import csv
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realcerts  # noqa: E402  (validation/realcerts.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def patterns(real_rows, log_path, acks=True):
    """{pattern: [total_ms]} for the handshakes of one cell; acks=False leaves lost pure ACKs out of
    the pattern (they are still counted as transmissions)."""
    by_port = collections.defaultdict(list)
    with open(log_path) as f:
        for e in csv.DictReader(f):
            by_port[e["sport"] if e["dir"] == "c2s" else e["dport"]].append(e)
    first_syn = sorted((float(es[0]["t_ms"]), port) for port, es in by_port.items()
                       if es[0]["flags"] == "S" and es[0]["dir"] == "c2s")
    out = collections.defaultdict(list)
    for r in real_rows:
        if r["ok"] != "1":
            continue
        t0, total = float(r["t_start_ms"]), float(r["total_ms"])
        port = next((p for t, p in first_syn if t0 - 0.5 <= t <= t0 + 5), None)
        if port is None:
            continue
        count = {"c2s": 0, "s2c": 0}
        syns = {"c2s": 0, "s2c": 0}
        lost = []
        for e in by_port[port]:
            if float(e["t_ms"]) > t0 + total or e["event"] not in ("enq", "enq_lost"):
                continue
            if "S" in e["flags"]:
                syns[e["dir"]] += 1
                kind = "SYN" if e["dir"] == "c2s" else "SYNACK"
                kind += f"#{syns[e['dir']]}" if syns[e["dir"]] > 1 else ""
            elif int(e["payload"]) > 0:
                count[e["dir"]] += 1
                kind = f"data{count[e['dir']]}"
            else:
                kind = "ack"
            if e["event"] == "enq_lost" and (acks or kind != "ack"):
                lost.append(f"{e['dir']}:{kind}")
        out[" ".join(lost) or "none"].append(total)
    return out


def drop_flags(pattern):
    """--drop-c2s/--drop-s2c for a pattern, and whether a pure ACK loss was left out."""
    drops = {"c2s": [], "s2c": []}
    approx = False
    for item in pattern.split():
        if item == "none":
            continue
        direction, kind = item.split(":")
        if kind.startswith("SYN"):
            # "syn" repeated k times drops the first k SYN (SYN-ACK) transmissions
            nth = int(kind.split("#")[1]) if "#" in kind else 1
            approx = approx or nth != drops[direction].count("syn") + 1
            drops[direction].append("syn")
        elif kind.startswith("data"):
            drops[direction].append(kind[4:])
        else:
            approx = True
    flags = [f"--drop-{d}={','.join(v)}" for d, v in drops.items() if v]
    return flags, approx


def simulate(binary, row, flags, certs, runs):
    """The simulator's median total_ms over `runs` replays (--run=1..runs): each run gives the
    hosts other timer-tick phases (--tick-phase=auto), as each real handshake met its own."""
    tls = row["tls"]
    cmd = [binary, f"--tls={tls}", f"--key={row['key']}", f"--rtt={float(row['rtt_ms']):g}ms",
           f"--bandwidth={float(row['bandwidth_mbps']):g}Mbps", f"--queue={row['queue']}p",
           f"--groups={row.get('groups') or 'X25519:P-256'}", "--handshakes=1"] + flags
    cert_flags = realcerts.sim_flags(certs, row["key"])
    # groups / ca_key: the real cell's (real.csv columns; older files have neither: run-reference.py's
    # default groups, a root of the leaf's key type); the real certificates, when kept, carry the root
    if row.get("ca_key") and row["ca_key"] != row["key"] and not cert_flags:
        cmd.append(f"--ca-key={row['ca_key']}")
    cmd += cert_flags
    if tls in ("1.2", "1.2.0"):
        cmd.append(f"--kx={row['kx']}")
        if row.get("cipher"):
            cmd.append(f"--ciphers={row['cipher']}")
    totals = []
    for run in range(1, runs + 1):
        with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
            subprocess.run(cmd + [f"--run={run}", f"--csv={tmp.name}"], check=True,
                           capture_output=True)
            rows = list(csv.DictReader(open(tmp.name)))
        totals.append(float(rows[0]["total_ms"]) if rows and rows[0]["ok"] == "1"
                      else float("nan"))
    return statistics.median(totals)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results_dir")
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "examples", "tls-handshake-example"))
    p.add_argument("--min", type=int, default=5, help="patterns seen fewer times are not shown")
    p.add_argument("--runs", type=int, default=9,
                   help="replays per pattern (--run=1..N, each with other timer-tick phases); "
                        "the median is shown")
    p.add_argument("--no-acks", action="store_true",
                   help="group handshakes by their lost SYN / data packets only, ignoring lost pure ACKs "
                        "(which the simulator cannot drop): fewer, larger groups when flights are long, "
                        "e.g. post-quantum certificates")
    a = p.parse_args()
    real_csv = os.path.join(a.results_dir, "real.csv")
    if not os.path.exists(real_csv):
        sys.exit(f"loss-patterns: no real.csv in {a.results_dir}")
    rows = list(csv.DictReader(open(real_csv)))
    seeds = sorted({r["seed"] for r in rows}, key=int)
    base = min(int(s) for s in seeds)
    print(f"| cell | lost packets | n | real median ms | simulated ms (median of {a.runs} runs) | "
          "sim - real |")
    print("|---|---|---|---|---|---|")
    for seed in seeds:
        log_path = os.path.join(a.results_dir, f"cell{int(seed) - base}.log.csv")
        cell = [r for r in rows if r["seed"] == seed]
        if not os.path.exists(log_path) or not cell:
            continue
        first = cell[0]
        name = f"{first['config']} RTT {float(first['rtt_ms']):g} loss {float(first['loss']):g}"
        found = patterns(cell, log_path, acks=not a.no_acks)
        for pattern, totals in sorted(found.items(), key=lambda kv: -len(kv[1])):
            if len(totals) < a.min:
                continue
            flags, approx = drop_flags(pattern)
            sim = simulate(a.bin, first, flags, os.path.join(a.results_dir, "certs"), a.runs)
            real = statistics.median(totals)
            print(f"| {name} | {pattern}{' ~' if approx else ''} | {len(totals)} | {real:.1f} | "
                  f"{sim:.1f} | {sim - real:+.1f} |")


if __name__ == "__main__":
    main()
