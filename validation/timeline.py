#!/usr/bin/python3
"""Print the packet timeline of selected handshakes from a run with --relay-log.

    validation/timeline.py results/real.csv results/cell3.log.csv --slower 300 [--config NAME] [--max 5]

For each selected connection (matched to the relay log by client port and start time), prints one
line per packet event, times relative to the connect() call: direction, event (enq = entered the
link, enq_lost = entered and will be lost, deliver, qdrop), TCP flags, relative seq, payload.
"""
import argparse
import csv


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv")
    p.add_argument("log")
    p.add_argument("--slower", type=float, default=0.0, help="only handshakes with total_ms above this")
    p.add_argument("--config", default=None)
    p.add_argument("--seed", default=None, help="only rows with this seed (the cell of the log)")
    p.add_argument("--max", type=int, default=5)
    a = p.parse_args()

    events = list(csv.DictReader(open(a.log)))
    rows = [r for r in csv.DictReader(open(a.csv))
            if (a.config is None or r.get("config") == a.config) and (a.seed is None or r.get("seed") == a.seed)]
    t_lo, t_hi = float(events[0]["t_ms"]), float(events[-1]["t_ms"])
    shown = 0
    for r in rows:
        t0 = float(r["t_start_ms"])
        if not (t_lo - 1 <= t0 <= t_hi):
            continue
        total = float(r["total_ms"]) if r["total_ms"] else float("inf")
        if total <= a.slower:
            continue
        # the client port: first SYN sent at or after t0
        syn = next((e for e in events if float(e["t_ms"]) >= t0 and e["dir"] == "c2s" and e["flags"] == "S"), None)
        if syn is None:
            continue
        port = syn["sport"]
        print(f"conn {r['conn']} ({r.get('config', '')}): tcp {r['tcp_ms']} tls {r['tls_ms']} total {r['total_ms']} "
              f"ok {r['ok']} {r['error']} retrans {r['retransmissions']} client port {port}")
        isn = {}
        end = t0 + (total if total != float("inf") else 30000) + 1
        for e in events:
            t = float(e["t_ms"])
            if t < t0 or t > end or port not in (e["sport"], e["dport"]):
                continue
            if e["event"] == "deliver" or e["event"] == "lost":
                continue  # show link entries (with their fate); deliveries follow by the fixed delay
            isn.setdefault(e["dir"], int(e["seq"]))
            rel = (int(e["seq"]) - isn[e["dir"]]) % (1 << 32)
            print(f"  {t - t0:9.2f} {e['dir']} {e['event']:8s} {e['flags']:3s} seq {rel:6d} len {e['payload']}")
        shown += 1
        if shown >= a.max:
            break


if __name__ == "__main__":
    main()
