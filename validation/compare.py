#!/usr/bin/python3
"""Compare the real Linux + OpenSSL reference with ns3-tls, cell by cell.

    validation/compare.py                                  # real CSV(s) from validation/results/, run the simulator
    validation/compare.py --real A.csv --real B.csv        # these real results (concatenated)
    validation/compare.py --sim validation/results/sim.csv # re-use simulated results, no simulation
    validation/compare.py --sim-args="--tcp=ns3"           # what-if: another profile (written to --out)

(a) For every cell (config x RTT x loss) of the real CSV, runs the same scenario in the simulator
    (build/examples/tls-handshake-example; --runs replications of --n-lossy handshakes for lossy
    cells, one run of --n-lossless for loss-free ones) and writes all rows to results/sim.csv.
(b) Writes validation/results.md: per cell the real and simulated median total_ms, the difference,
    and for lossy cells the fractions slower than 2.5 RTT + 150 ms and slower than 900 ms (failures
    count as slow), with pass/fail against issue 4's criteria: loss-free within 2 % or 1 ms; lossy
    median within 10 % and both fractions within 5 percentage points. Text after the line
    `<!-- hand-written -->` in an existing --out file is kept.
(c) ECDF overlays (real vs sim) per RTT x loss for --plot-config into results/ecdf-*.png.
Also writes results/compare-cells.csv with more diagnostics per cell (phases, noise estimates).

Debian /usr/bin/python3 with pandas and matplotlib. See README.md.
"""
import argparse
import glob
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realcerts  # noqa: E402  (validation/realcerts.py)
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
KEEP_MARK = "<!-- hand-written -->"
CONFIG_ORDER = ["tls12-ecdhe-rsa2048", "tls12-ecdhe-p256", "tls12-rsa-rsa2048", "tls13-rsa2048", "tls13-p256",
                "tls13-mlkem768-mldsa65", "tls13-mlkem768-p256"]


def log(msg):
    print(f"compare: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- inputs
def default_real_files():
    own = os.path.join(RESULTS, "real.csv")
    if os.path.exists(own):
        return [own]
    found = sorted(glob.glob(os.path.join(RESULTS, "*", "real.csv")))
    if found:  # several runs: which belong together is the user's choice
        sys.exit("compare: no validation/results/real.csv; pass the real runs to compare with --real, e.g. "
                 + " ".join("--real " + os.path.relpath(f) for f in found))
    return []


def load_real(files):
    frames = []
    for f in files:
        d = pd.read_csv(f, dtype={"error": str})
        d["real_file"] = os.path.relpath(f, ROOT)
        frames.append(d)
    d = pd.concat(frames, ignore_index=True)
    d["rtt_ms"] = d["rtt_ms"].astype(float)
    d["loss"] = d["loss"].astype(float)
    return d


def settings_for(files):
    """real-settings.json next to each real CSV (kernel, OpenSSL, relay overhead)."""
    out = []
    for f in files:
        p = os.path.splitext(f)[0] + "-settings.json"
        if os.path.exists(p):
            out.append(json.load(open(p)))
    return out


# ---------------------------------------------------------------- simulation
def with_groups(real, groups):
    """Each row's simulator --groups and --ca-key: real.csv's `groups` / `ca_key` columns (the groups
    tls-timer offered, the root CA's key type); real CSVs written before those columns existed used
    --groups (default X25519:P-256) and a root of the leaf's key type."""
    real = real.copy()
    real["groups"] = real["groups"].fillna(groups) if "groups" in real else groups
    real["ca_key"] = real["ca_key"].fillna(real["key"]) if "ca_key" in real else real["key"]
    return real


def cells_of(real):
    cols = ["config", "tls", "kx", "key", "ca_key", "groups", "rtt_ms", "loss", "loss_dir", "bandwidth_mbps",
            "queue"]
    g = real.groupby(cols, sort=False)
    cells = []
    for k, rows in g:
        c = dict(zip(cols, k))
        ciphers = rows["cipher"].dropna()
        c["cipher"] = ciphers.mode().iloc[0] if (c["tls"] in (1.2, "1.2") and len(ciphers)) else ""
        # the certificates the real server used, kept by run-reference.py next to its CSV
        certs = os.path.join(ROOT, os.path.dirname(rows["real_file"].iloc[0]), "certs")
        c["certs"] = certs if os.path.isdir(certs) else ""
        cells.append(c)
    return cells


def sim_command(a, c, n, run, csv_path):
    tls = f"{float(c['tls']):.1f}"
    loss = float(c["loss"])
    lc2s = loss if c["loss_dir"] in ("both", "c2s") else 0.0
    ls2c = loss if c["loss_dir"] in ("both", "s2c") else 0.0
    cmd = [a.bin, f"--tls={tls}", f"--key={c['key']}", f"--rtt={c['rtt_ms']:g}ms",
           f"--bandwidth={float(c['bandwidth_mbps']):g}Mbps", f"--queue={int(c['queue'])}p",
           f"--groups={c['groups']}", f"--handshakes={n}", f"--interval={a.interval}",
           f"--seed={a.seed}", f"--run={run}", f"--csv={csv_path}"]
    certs = realcerts.sim_flags(c.get("certs", ""), c["key"])
    if c["ca_key"] != c["key"] and not certs:  # the generated root has the leaf's key type unless told
        cmd.append(f"--ca-key={c['ca_key']}")
    if tls == "1.2":
        cmd.append(f"--kx={c['kx']}")
        if c["cipher"]:
            cmd.append(f"--ciphers={c['cipher']}")
    if lc2s == ls2c:
        cmd.append(f"--loss={loss:g}")
    else:
        cmd += [f"--loss-c2s={lc2s:g}", f"--loss-s2c={ls2c:g}"]
    return cmd + certs + shlex.split(a.sim_args)


def wait_for_binary(path, tries=60):
    for i in range(tries):
        if os.access(path, os.X_OK):
            return
        if i == 0:
            log(f"{path} missing (being rebuilt?); waiting")
        time.sleep(10)
    sys.exit(f"compare: simulator {path} not found; build it first (./ns3tls test or cmake --build build)")


def run_sim(a, cells):
    wait_for_binary(a.bin)
    tmp = tempfile.mkdtemp(prefix="ns3tls-compare-")
    jobs = []
    for ci, c in enumerate(cells):
        lossless = float(c["loss"]) == 0
        runs = [a.first_run] if lossless else range(a.first_run, a.first_run + a.runs)
        n = a.n_lossless if lossless else a.n_lossy
        for r in runs:
            path = os.path.join(tmp, f"c{ci}-r{r}.csv")
            jobs.append((ci, r, sim_command(a, c, n, r, path), path))

    def one(job):
        ci, r, cmd, path = job
        for attempt in range(3):
            p = subprocess.run(["nice", "-n", str(a.nice)] + cmd, capture_output=True, text=True)
            if p.returncode == 0 and os.path.exists(path):
                d = pd.read_csv(path, dtype={"error": str})
                d["config"] = cells[ci]["config"]
                # the real cell's keys (the simulator's own `loss` column is the symmetric --loss only)
                d["rtt_ms"], d["loss"], d["loss_dir"] = cells[ci]["rtt_ms"], cells[ci]["loss"], cells[ci]["loss_dir"]
                d["sim_cmd"] = " ".join(shlex.quote(x) for x in cmd[1:] if not x.startswith("--csv="))
                d["sim_binary"] = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(a.bin)))
                return d
            if not os.path.exists(a.bin):  # rebuilt meanwhile
                wait_for_binary(a.bin)
                continue
            break
        raise SystemExit(f"compare: simulator failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")

    t0 = time.time()
    log(f"simulating {len(cells)} cells, {len(jobs)} runs, {a.jobs} at a time")
    with ThreadPoolExecutor(a.jobs) as ex:
        frames = list(ex.map(one, jobs))
    for f in glob.glob(os.path.join(tmp, "*.csv")):
        os.unlink(f)
    os.rmdir(tmp)
    sim = pd.concat(frames, ignore_index=True)
    log(f"simulated {len(sim)} handshakes in {time.time() - t0:.0f} s")
    return sim


def normalise_sim(sim):
    sim = sim.copy()
    sim["rtt_ms"] = sim["rtt_ms"].astype(float)
    sim["loss"] = sim["loss"].astype(float)
    return sim


# ---------------------------------------------------------------- statistics
def thr1(rtt):
    return 2.5 * rtt + 150.0


def frac_slow(d, thr):
    """Fraction of all handshakes slower than thr; failures count as slow."""
    if len(d) == 0:
        return float("nan")
    ok = d["ok"] == 1
    return float(((d["total_ms"] > thr) & ok).sum() + (~ok).sum()) / len(d)


def median_ci(x, conf=0.95):
    """Distribution-free CI of the median from binomial order statistics (normal approximation)."""
    x = np.sort(np.asarray(x, float))
    n = len(x)
    if n < 6:
        return float("nan"), float("nan")
    z = 1.96 if conf == 0.95 else 2.58
    lo = int(max(0, math.floor(n / 2 - z * math.sqrt(n) / 2)))
    hi = int(min(n - 1, math.ceil(n / 2 + z * math.sqrt(n) / 2)))
    return float(x[lo]), float(x[hi])


def p_miss_by_chance(s, n_real, rtt, lossy, draws=2000, seed=1):
    """Probability that the cell fails its criteria from real-sample noise alone: draw n_real
    handshakes from the simulated ones (as if the simulator were exact) and apply the criteria
    against the full simulated sample."""
    if len(s) == 0 or n_real == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    tot = np.where(s["ok"].to_numpy() == 1, s["total_ms"].to_numpy(float), np.inf)
    med = np.median(tot[np.isfinite(tot)])
    f1, f9 = np.mean(tot > thr1(rtt)), np.mean(tot > 900.0)
    idx = rng.integers(0, len(tot), size=(draws, n_real))
    x = tot[idx]
    xs = np.sort(x, axis=1)
    okn = np.isfinite(xs).sum(axis=1)
    # median of the finite part of each draw (failures are sorted to the end)
    lo = xs[np.arange(draws), np.maximum((okn - 1) // 2, 0)]
    hi = xs[np.arange(draws), np.maximum(okn // 2, 0)]
    m = (lo + hi) / 2
    if not lossy:
        fail = ~((np.abs(m - med) <= 1.0) | (np.abs(m - med) <= 0.02 * med))
    else:
        fail = (np.abs(m - med) > 0.10 * med) | (np.abs((x > thr1(rtt)).mean(axis=1) - f1) > 0.05) | \
               (np.abs((x > 900.0).mean(axis=1) - f9) > 0.05)
    return float(fail.mean())


def cell_stats(real, sim, cells):
    rows = []
    for c in cells:
        key = (real["config"] == c["config"]) & (real["rtt_ms"] == c["rtt_ms"]) & (real["loss"] == c["loss"])
        r = real[key]
        skey = (sim["config"] == c["config"]) & (sim["rtt_ms"] == c["rtt_ms"]) & (sim["loss"] == c["loss"])
        s = sim[skey]
        rok, sok = r[r["ok"] == 1], s[s["ok"] == 1]
        rtt = c["rtt_ms"]
        d = dict(config=c["config"], rtt_ms=rtt, loss=c["loss"], n_real=len(r), n_sim=len(s),
                 fail_real=int((r["ok"] != 1).sum()), fail_sim=int((s["ok"] != 1).sum()))
        d["med_real"] = float(rok["total_ms"].median()) if len(rok) else float("nan")
        d["med_sim"] = float(sok["total_ms"].median()) if len(sok) else float("nan")
        d["diff_ms"] = d["med_sim"] - d["med_real"]
        d["diff_pct"] = 100.0 * d["diff_ms"] / d["med_real"]
        d["med_real_ci_lo"], d["med_real_ci_hi"] = median_ci(rok["total_ms"])
        for part in ("tcp_ms", "tls_ms"):
            d[f"{part}_med_real"] = float(rok[part].median()) if len(rok) else float("nan")
            d[f"{part}_med_sim"] = float(sok[part].median()) if len(sok) else float("nan")
        for name, thr in (("slow1", thr1(rtt)), ("slow900", 900.0)):
            pr, ps = frac_slow(r, thr), frac_slow(s, thr)
            d[f"{name}_real"], d[f"{name}_sim"] = pr, ps
            d[f"{name}_diff_pp"] = 100.0 * (ps - pr)
            se = math.sqrt(pr * (1 - pr) / max(len(r), 1) + ps * (1 - ps) / max(len(s), 1))
            d[f"{name}_se_pp"] = 100.0 * se
        # where the slow handshakes lose their time: TCP handshake (SYN / SYN-ACK loss) or TLS phase
        for src, x in (("real", rok), ("sim", sok)):
            n = max(len(x), 1)
            d[f"tcp_slow_{src}"] = float((x["tcp_ms"] > 900).sum()) / n
            d[f"tls_slow1_{src}"] = float((x["tls_ms"] > thr1(rtt) - rtt).sum()) / n
            d[f"p90_{src}"] = float(x["total_ms"].quantile(0.9)) if len(x) else float("nan")
            d[f"retrans_mean_{src}"] = float(x["retransmissions"].mean()) if len(x) else float("nan")
        d["p_chance"] = p_miss_by_chance(s, len(r), rtt, c["loss"] > 0) if c["loss"] > 0 else float("nan")
        if c["loss"] == 0:
            d["pass"] = abs(d["diff_ms"]) <= 1.0 or abs(d["diff_pct"]) <= 2.0
            d["why"] = "" if d["pass"] else "median"
        else:
            why = []
            if not abs(d["diff_pct"]) <= 10.0:
                why.append("median")
            if not abs(d["slow1_diff_pp"]) <= 5.0:
                why.append(">2.5RTT+150")
            if not abs(d["slow900_diff_pp"]) <= 5.0:
                why.append(">900")
            d["pass"] = not why
            d["why"] = ", ".join(why)
        rows.append(d)
    out = pd.DataFrame(rows)
    order = {c: i for i, c in enumerate(CONFIG_ORDER)}
    out["_o"] = out["config"].map(lambda c: order.get(c, 99))
    return out.sort_values(["loss", "rtt_ms", "_o"]).drop(columns="_o").reset_index(drop=True)


# ---------------------------------------------------------------- report
def f2(x):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def pct(x):
    return "-" if math.isnan(x) else f"{100 * x:.1f}"


def pooled(real, sim):
    rows = []
    for (rtt, loss, tls), r in real[real["loss"] > 0].groupby(["rtt_ms", "loss", "tls"]):
        sm = sim[(sim["rtt_ms"] == rtt) & (sim["loss"] == loss) & (sim["tls"].astype(float) == float(tls))
                 & sim["config"].isin(set(r["config"]))]
        d = dict(rtt_ms=rtt, loss=loss, tls=f"{float(tls):.1f}", n_real=len(r), n_sim=len(sm))
        for name, thr in (("slow1", thr1(rtt)), ("slow900", 900.0)):
            pr, ps = frac_slow(r, thr), frac_slow(sm, thr)
            d[f"{name}_real"], d[f"{name}_sim"], d[f"{name}_diff_pp"] = pr, ps, 100 * (ps - pr)
            d[f"{name}_se_pp"] = 100 * math.sqrt(pr * (1 - pr) / max(len(r), 1) + ps * (1 - ps) / max(len(sm), 1))
        d["tcp900_real"] = float((r["tcp_ms"] > 900).mean())
        d["tcp900_sim"] = float((sm["tcp_ms"] > 900).mean())
        rows.append(d)
    return pd.DataFrame(rows)


def write_md(a, st, real_files, settings, sim, real_all):
    lossless, lossy = st[st["loss"] == 0], st[st["loss"] > 0]
    L = []
    L.append("# Validation: ns3-tls vs real Linux + OpenSSL\n")
    L.append("Generated by `validation/compare.py` (the part above the hand-written section); "
             f"{time.strftime('%Y-%m-%d %H:%M')}.\n")
    if settings:
        s0 = settings[0]["settings"]
        ovh = "; ".join(f"{k} median {v['median_ms']:.3f} ms" for k, v in settings[0].get("relay_overhead", {}).items())
        L.append(f"- Real: kernel {s0['kernel']}, {s0['openssl'].split(' (')[0]}, two network namespaces + "
                 f"`linkemu` (10 Mbit/s, queue 100 packets, Bernoulli loss both directions), `openssl s_server` "
                 f"+ `tls-timer`, TLP and RACK on (Linux defaults), SYN timeouts doubling; relay overhead {ovh}. "
                 f"Files: {', '.join('`' + os.path.relpath(f, ROOT) + '`' for f in real_files)}.")
    rerun = " ".join(f"--real {os.path.relpath(f, ROOT)}" for f in real_files)
    L.append(f"- Re-run without measuring: `validation/compare.py {rerun}` (simulates again, ~1 min) or add "
             f"`--sim {os.path.relpath(a.sim or a.sim_out, ROOT)}` (re-uses the simulated rows).")
    cmd0 = sim["sim_cmd"].iloc[0] if "sim_cmd" in sim else ""
    built = f", binary built {sim['sim_binary'].iloc[0]}" if "sim_binary" in sim else ""
    L.append(f"- Simulated: `build/examples/tls-handshake-example`{built} (defaults `--tcp=linux --cpu=model`"
             f"{', plus `' + a.sim_args + '`' if a.sim_args else ''}), same cells; lossy cells {a.runs} runs x "
             f"{a.n_lossy} handshakes (`--seed={a.seed} --run={a.first_run}..{a.first_run + a.runs - 1}`), "
             f"loss-free {a.n_lossless}; `--interval={a.interval}`. Example: `{cmd0}`.")
    L.append("- total_ms = connect() -> SSL_connect done (client). Slow fractions count failures as slow. "
             "Criteria (issue 4): loss-free |sim - real| <= 2 % or 1 ms; lossy: median within 10 %, "
             "fractions > 2.5 RTT + 150 ms and > 900 ms each within 5 percentage points.\n")
    npass = int(st["pass"].sum())
    L.append(f"**{npass} of {len(st)} cells pass**: loss-free {int(lossless['pass'].sum())}/{len(lossless)}, "
             f"lossy {int(lossy['pass'].sum())}/{len(lossy)} (median {int((lossy['diff_pct'].abs() <= 10).sum())}, "
             f">2.5RTT+150 {int((lossy['slow1_diff_pp'].abs() <= 5).sum())}, "
             f">900 ms {int((lossy['slow900_diff_pp'].abs() <= 5).sum())} of {len(lossy)}).\n")

    L.append("## Loss-free (median total_ms)\n")
    rtts0 = sorted(lossless["rtt_ms"].unique())
    if not rtts0:
        L.append("No loss-free cells in this real data.")
    else:
        L.append("| config | " + " | ".join(f"RTT {r:g}: real / sim / diff" for r in rtts0) + " |")
        L.append("|---" * (len(rtts0) + 1) + "|")
    for cfg in [c for c in CONFIG_ORDER if c in set(lossless["config"])] + \
               sorted(set(lossless["config"]) - set(CONFIG_ORDER)):
        cells = []
        for rtt in rtts0:
            x = lossless[(lossless["config"] == cfg) & (lossless["rtt_ms"] == rtt)]
            if len(x) == 0:
                cells.append("-")
                continue
            x = x.iloc[0]
            cells.append(f"{x.med_real:.2f} / {x.med_sim:.2f} / {x.diff_ms:+.2f} ms ({x.diff_pct:+.1f} %) "
                         f"{'pass' if x['pass'] else '**miss**'}")
        L.append(f"| {cfg} | " + " | ".join(cells) + " |")
    L.append("")
    L.append("## Lossy\n")
    nr = ", ".join(f"{int(v)} at RTT {k:g} ms" for k, v in lossy.groupby("rtt_ms")["n_real"].median().items())
    L.append(f"Handshakes per cell: real {nr}; sim {lossy['n_sim'].median():.0f}. Medians in ms, the real one "
             "with its 95 % CI in brackets; fractions in %, real / sim (sim - real in percentage points). "
             "*chance*: how often the cell would fail from the real sample's size alone if the simulator "
             "were exact (n_real handshakes drawn from the simulated ones, 2000 times); the column sums to "
             f"{lossy['p_chance'].sum():.1f}, the number of lossy misses to expect from noise.\n")
    L.append("| config | RTT | loss | median real [CI] | sim | diff | >2.5RTT+150 | >900 ms | result | chance |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for _, x in lossy.iterrows():
        L.append(f"| {x.config} | {x.rtt_ms:g} | {100 * x.loss:g} % | {x.med_real:.1f} "
                 f"[{x.med_real_ci_lo:.0f}-{x.med_real_ci_hi:.0f}] | {x.med_sim:.1f} | {x.diff_pct:+.1f} % | "
                 f"{pct(x.slow1_real)} / {pct(x.slow1_sim)} ({x.slow1_diff_pp:+.1f}) | "
                 f"{pct(x.slow900_real)} / {pct(x.slow900_sim)} ({x.slow900_diff_pp:+.1f}) | "
                 f"{'pass' if x['pass'] else '**miss** (' + x.why + ')'} | {x.p_chance:.2f} |")
    L.append("")
    L.append("### Pooled over key types and key exchanges (per TLS version)\n")
    L.append("More handshakes per row, so less noise; sim rows share seeds across configs. *tcp > 900*: the "
             "part of the > 900 ms fraction caused by a lost SYN or SYN-ACK (tcp_ms > 900 ms).\n")
    L.append("| RTT | loss | TLS | n real/sim | >2.5RTT+150 real/sim | diff pp | >900 real/sim | diff pp "
             "| tcp > 900 real/sim |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for _, x in pooled(real_all, sim).iterrows():
        L.append(f"| {x.rtt_ms:g} | {x.loss:g} | {x.tls} | {x.n_real}/{x.n_sim} | {pct(x.slow1_real)}/{pct(x.slow1_sim)} "
                 f"| {x.slow1_diff_pp:+.1f} +-{x.slow1_se_pp:.1f} | {pct(x.slow900_real)}/{pct(x.slow900_sim)} "
                 f"| {x.slow900_diff_pp:+.1f} +-{x.slow900_se_pp:.1f} | {pct(x.tcp900_real)}/{pct(x.tcp900_sim)} |")
    L.append("")
    L.append(f"Plots (not committed): `{os.path.relpath(a.plots, ROOT)}/ecdf-*.png`; per-cell diagnostics "
             "(phase medians, p90, fraction with tcp_ms > 900 ms, mean retransmissions): "
             "`validation/results/compare-cells.csv`.\n")
    text = "\n".join(L) + "\n"
    kept = ""
    if os.path.exists(a.out):
        old = open(a.out).read()
        if KEEP_MARK in old:
            kept = old[old.index(KEEP_MARK):]
    if not kept:
        kept = KEEP_MARK + "\n## Where it misses and why\n\n(to be written)\n"
    with open(a.out, "w") as f:
        f.write(text + kept)
    log(f"wrote {a.out}: {npass}/{len(st)} cells pass")


def ecdf(ax, x, fails, label, **kw):
    x = np.sort(np.asarray(x, float))
    n = len(x) + fails
    if n == 0:
        return
    y = np.arange(1, len(x) + 1) / n
    ax.step(x, y, where="post", label=f"{label} (n={n})", **kw)


def plots(a, real, sim, st):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    os.makedirs(a.plots, exist_ok=True)
    written = []
    for cfg in a.plot_config:
        rtts = sorted(st[st["config"] == cfg]["rtt_ms"].unique())
        losses = sorted(st[st["config"] == cfg]["loss"].unique())
        if not rtts:
            log(f"no cells for plot config {cfg}")
            continue
        fig_all, axs = plt.subplots(len(rtts), len(losses), figsize=(3.2 * len(losses), 2.5 * len(rtts)),
                                    squeeze=False)
        for i, rtt in enumerate(rtts):
            for j, loss in enumerate(losses):
                r = real[(real["config"] == cfg) & (real["rtt_ms"] == rtt) & (real["loss"] == loss)]
                s = sim[(sim["config"] == cfg) & (sim["rtt_ms"] == rtt) & (sim["loss"] == loss)]
                fig1, ax1 = plt.subplots(figsize=(4.5, 3.2))
                for ax in (axs[i][j], ax1):
                    ecdf(ax, r[r["ok"] == 1]["total_ms"], int((r["ok"] != 1).sum()), "real", color="C3")
                    ecdf(ax, s[s["ok"] == 1]["total_ms"], int((s["ok"] != 1).sum()), "sim", color="C0",
                         linestyle="--")
                    ax.axvline(thr1(rtt), color="grey", lw=0.7, ls=":")
                    ax.axvline(900, color="grey", lw=0.7, ls="-.")
                    ax.set_xscale("log")
                    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
                    ax.set_ylim(0, 1.01)
                    ax.set_title(f"RTT {rtt:g} ms, loss {loss:g}", fontsize=8)
                    ax.tick_params(labelsize=7)
                    if len(r) or len(s):
                        ax.legend(fontsize=6, loc="lower right")
                ax1.set_xlabel("total_ms (connect -> handshake done)", fontsize=8)
                ax1.set_ylabel("ECDF", fontsize=8)
                ax1.set_title(f"{cfg}, RTT {rtt:g} ms, loss {loss:g}", fontsize=8)
                fig1.tight_layout()
                p = os.path.join(a.plots, f"ecdf-{cfg}-rtt{rtt:g}-loss{loss:g}.png")
                fig1.savefig(p, dpi=80)
                plt.close(fig1)
                written.append(p)
        # Two lines: one would be wider than a 2-column grid and be cut off.
        fig_all.suptitle(f"{cfg}: total_ms ECDF (log x), real (solid) vs sim (dashed)\n"
                         "dotted: 2.5 RTT + 150 ms, dash-dot: 900 ms", fontsize=9)
        for ax in axs[-1]:
            ax.set_xlabel("total_ms", fontsize=8)
        fig_all.tight_layout()
        p = os.path.join(a.plots, f"ecdf-{cfg}-grid.png")
        fig_all.savefig(p, dpi=70)
        plt.close(fig_all)
        written.append(p)
    log(f"wrote {len(written)} plots into {os.path.relpath(a.plots, ROOT)}/")


# ---------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--real", action="append", default=[],
                   help="real CSV from run-reference (repeatable; default validation/results/real.csv, "
                        "else validation/results/*/real.csv)")
    p.add_argument("--sim", default=None, help="re-use this simulated CSV instead of simulating")
    p.add_argument("--sim-out", default=os.path.join(RESULTS, "sim.csv"),
                   help="where to write the simulated rows (default results/sim.csv)")
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "examples", "tls-handshake-example"))
    p.add_argument("--runs", type=int, default=5, help="replications (--run values) per lossy cell (default 5)")
    p.add_argument("--first-run", type=int, default=1)
    p.add_argument("--n-lossy", type=int, default=200, help="handshakes per run, lossy cells (default 200)")
    p.add_argument("--n-lossless", type=int, default=20, help="handshakes, loss-free cells (default 20)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--interval", default="10ms")
    p.add_argument("--groups", default="X25519:P-256",
                   help="simulator --groups for real rows without a `groups` column (older real.csv; default "
                        "X25519:P-256, run-reference.py's default); otherwise each cell's own groups")
    p.add_argument("--sim-args", default="", help="extra simulator arguments, e.g. '--tcp=ns3'")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--nice", type=int, default=10)
    p.add_argument("--out", default=os.path.join(HERE, "results.md"))
    p.add_argument("--plots", default=RESULTS, help="directory for ECDF plots (default validation/results)")
    p.add_argument("--plot-config", action="append", default=[],
                   help="config(s) to plot (default tls12-ecdhe-rsa2048)")
    p.add_argument("--no-plots", action="store_true")
    a = p.parse_args()
    a.plot_config = a.plot_config or ["tls12-ecdhe-rsa2048"]

    real_files = a.real or default_real_files()
    if not real_files:
        sys.exit("compare: no real results; run `sudo validation/run-reference.sh` first or pass --real FILE")
    real = with_groups(load_real(real_files), a.groups)
    cells = cells_of(real)
    log(f"real: {len(real)} handshakes in {len(cells)} cells from {', '.join(real_files)}")
    if a.sim:
        sim = pd.read_csv(a.sim, dtype={"error": str})
    else:
        sim = run_sim(a, cells)
        os.makedirs(os.path.dirname(os.path.abspath(a.sim_out)), exist_ok=True)
        sim.to_csv(a.sim_out, index=False)
        log(f"wrote {a.sim_out}")
    sim = normalise_sim(sim)
    st = cell_stats(real, sim, cells)
    os.makedirs(RESULTS, exist_ok=True)
    st.to_csv(os.path.join(RESULTS, "compare-cells.csv"), index=False, float_format="%.4f")
    write_md(a, st, real_files, settings_for(real_files), sim, real)
    if not a.no_plots:
        plots(a, real, sim, st)
    misses = st[~st["pass"]]
    for _, x in misses.iterrows():
        log(f"miss: {x.config} rtt {x.rtt_ms:g} loss {x.loss:g}: median {x.med_real:.1f} vs {x.med_sim:.1f} "
            f"({x.diff_pct:+.1f} %), >2.5RTT+150 {pct(x.slow1_real)} vs {pct(x.slow1_sim)}, "
            f">900 {pct(x.slow900_real)} vs {pct(x.slow900_sim)} [{x.why}]")


if __name__ == "__main__":
    main()
