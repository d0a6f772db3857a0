#!/usr/bin/python3
"""Real-Linux reference for ns3-tls: TCP + OpenSSL handshakes across an emulated link.

Sets up two network namespaces joined by linkemu (user-space link emulator over TUN devices),
runs `openssl s_server` in one and tls-timer in the other, over a grid of RTT x loss x TLS
configuration, and writes one tidy CSV (a row per handshake) plus a small per-cell summary.

Needs root. Everything it creates (namespaces, TUN devices, processes, temp dir) is removed on
exit, also on Ctrl-C. Standard library only. See README.md.
"""
import argparse
import csv
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NS_CLI, NS_SRV = "ns3tls-cli", "ns3tls-srv"
ADDR_SRV = "10.77.0.2"
RUN_DIR = "/run/ns3tls-validation"  # pid file of the relay, for cleaning up after a crash

# (name, tls, kx, key, tls-timer arguments); the server port is chosen by key type.
CONFIGS = [
    ("tls12-ecdhe-rsa2048", "1.2", "ecdhe", "rsa2048", ["--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"]),
    ("tls12-ecdhe-p256", "1.2", "ecdhe", "p256", ["--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
    ("tls12-rsa-rsa2048", "1.2", "rsa", "rsa2048", ["--ciphers", "AES128-GCM-SHA256"]),
    ("tls13-rsa2048", "1.3", "ecdhe", "rsa2048", []),
    ("tls13-p256", "1.3", "ecdhe", "p256", []),
    # post-quantum (OpenSSL >= 3.5 on both sides: --openssl PREFIX)
    ("tls13-mlkem768-mldsa65", "1.3", "ecdhe", "mldsa65", []),
    ("tls13-mlkem768-p256", "1.3", "ecdhe", "p256", []),
]
KEY_PORT = {"rsa2048": 4433, "p256": 4434, "mldsa65": 4435}
# Groups the client offers (key share for the first), per config; others use --groups. Written into
# real.csv's `groups` column, which compare.py and loss-patterns.py pass to the simulator's --groups.
CONFIG_GROUPS = {"tls13-mlkem768-mldsa65": "X25519MLKEM768", "tls13-mlkem768-p256": "X25519MLKEM768"}
# Configs that need OpenSSL >= 3.5 (ML-KEM, ML-DSA).
PQ_CONFIGS = {"tls13-mlkem768-mldsa65", "tls13-mlkem768-p256"}
# `openssl req -newkey` arguments per key type; the root CA has the leaf's key type (real.csv's `ca_key`).
NEWKEY = {"rsa2048": ["-newkey", "rsa:2048"], "p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
          "mldsa65": ["-newkey", "ML-DSA-65"]}

# Per-namespace sysctls (see README.md for why). Missing ones (older kernels) are skipped.
SYSCTLS = [
    ("net.ipv4.tcp_congestion_control", "cubic"),  # netns inherit the host's (bbr here), which paces
    ("net.ipv4.tcp_no_metrics_save", "1"),  # no per-destination srtt/cwnd cache between connections
    ("net.ipv4.tcp_syn_linear_timeouts", "0"),  # Linux >= 6.17 default 4: 1 s SYN RTO not doubled
    ("net.ipv4.tcp_timestamps", "1"),
    ("net.ipv4.tcp_sack", "1"),
    ("net.ipv4.tcp_window_scaling", "1"),
    ("net.ipv4.tcp_rto_min_us", "200000"),
    ("net.ipv4.tcp_early_retrans", "3"),  # tail loss probe on (Linux default)
    ("net.ipv4.tcp_recovery", "1"),  # RACK on (Linux default)
    ("net.ipv4.tcp_ecn", "2"),
    ("net.ipv4.tcp_fastopen", "0"),
    ("net.ipv4.tcp_syn_retries", "6"),
    ("net.ipv6.conf.all.disable_ipv6", "1"),
    ("net.ipv6.conf.default.disable_ipv6", "1"),
]
REPORTED_SYSCTLS = [
    "net.ipv4.tcp_congestion_control", "net.ipv4.tcp_no_metrics_save", "net.ipv4.tcp_syn_linear_timeouts",
    "net.ipv4.tcp_timestamps", "net.ipv4.tcp_sack", "net.ipv4.tcp_rto_min_us", "net.ipv4.tcp_early_retrans",
    "net.ipv4.tcp_recovery", "net.ipv4.tcp_frto", "net.ipv4.tcp_ecn", "net.ipv4.tcp_autocorking",
    "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_wmem", "net.ipv4.tcp_rmem",
]


def log(msg):
    print(f"run-reference: {msg}", file=sys.stderr, flush=True)


def sh(args, check=True, **kw):
    return subprocess.run(args, check=check, **kw)


def in_ns(ns, args, rt_prio=0):
    chrt = ["chrt", "-f", str(rt_prio)] if rt_prio > 0 else []
    return ["ip", "netns", "exec", ns] + chrt + args


class Harness:
    def __init__(self, a):
        self.a = a
        self.procs = []  # (name, Popen) we started
        self.relay = None
        self.tmp = None
        self.app_prio = a.rt_prio // 2
        self.openssl = openssl_bin(a.openssl)
        self.keys = sorted({c[3] for c in selected_configs(a)})  # key types (servers, certificates) in use

    # ---- setup / teardown ----
    def build(self):
        bindir = os.path.join(HERE, "bin")
        os.makedirs(bindir, exist_ok=True)
        cc = os.environ.get("CC", "cc")
        timer, timer_flags, deps = "tls-timer", ["-lssl", "-lcrypto"], []
        if self.a.openssl:
            # tls-timer-X.Y against --openssl PREFIX (static libraries if there, else shared with an
            # rpath), so the system-OpenSSL tls-timer stays.
            pre = self.a.openssl
            timer = "tls-timer-" + ".".join(map(str, openssl_version(self.openssl)[:2]))
            lib = os.path.join(pre, "lib")
            if os.path.exists(os.path.join(lib, "libssl.a")):
                deps = [os.path.join(lib, "libssl.a"), os.path.join(lib, "libcrypto.a")]
                timer_flags = deps + ["-ldl", "-pthread"]
            else:
                deps = [os.path.join(lib, "libssl.so")]
                timer_flags = ["-L" + lib, "-Wl,-rpath," + lib, "-lssl", "-lcrypto"]
            timer_flags = ["-I" + os.path.join(pre, "include")] + timer_flags
        for prog, out_name, libs in (("linkemu", "linkemu", []), ("tls-timer", timer, timer_flags)):
            src, out = os.path.join(HERE, prog + ".c"), os.path.join(bindir, out_name)
            newest = max(os.path.getmtime(f) for f in [src] + (deps if prog == "tls-timer" else []))
            if not os.path.exists(out) or os.path.getmtime(out) < newest:
                log(f"building {out}")
                sh([cc, "-O2", "-Wall", "-o", out, src] + libs)
        self.linkemu = os.path.join(bindir, "linkemu")
        self.timer_bin = os.path.join(bindir, timer)

    def cleanup_stale(self):
        """Remove what an earlier, killed run may have left: its relay and namespaces."""
        pidfile = os.path.join(RUN_DIR, "relay.pid")
        try:
            pid = int(open(pidfile).read().strip())
            if b"linkemu" in open(f"/proc/{pid}/cmdline", "rb").read():
                log(f"stopping stale relay {pid}")
                os.kill(pid, signal.SIGTERM)
                time.sleep(0.3)
        except (OSError, ValueError):
            pass
        for ns in (NS_CLI, NS_SRV):
            if os.path.exists(f"/run/netns/{ns}"):
                # Only this harness starts processes in these namespaces.
                pids = sh(["ip", "netns", "pids", ns], capture_output=True, text=True, check=False).stdout.split()
                for p in pids:
                    try:
                        os.kill(int(p), signal.SIGTERM)
                    except OSError:
                        pass
                sh(["ip", "netns", "del", ns], check=False)

    def setup_netns(self):
        allowed_path = "/proc/sys/net/ipv4/tcp_allowed_congestion_control"
        allowed = open(allowed_path).read().split()
        cc = dict(self.sysctls)["net.ipv4.tcp_congestion_control"]
        # A non-init netns may only pick an "allowed" congestion control: allow it for a moment.
        widened = cc not in allowed
        try:
            if widened:
                open(allowed_path, "w").write(" ".join(allowed + [cc]))
            for ns in (NS_CLI, NS_SRV):
                sh(["ip", "netns", "add", ns])
                sh(["ip", "-n", ns, "link", "set", "lo", "up"])
                for k, v in self.sysctls:
                    path = "/proc/sys/" + k.replace(".", "/")
                    if not os.path.exists(path):
                        log(f"note: {k} does not exist on this kernel; skipped")
                        continue
                    sh(in_ns(ns, ["sysctl", "-q", "-w", f"{k}={v}"]))
        finally:
            if widened:
                open(allowed_path, "w").write(" ".join(allowed))

    def read_settings(self):
        vals = {}
        for k in REPORTED_SYSCTLS:
            r = sh(in_ns(NS_CLI, ["sysctl", "-n", k]), capture_output=True, text=True, check=False)
            vals[k] = " ".join(r.stdout.split()) if r.returncode == 0 else None
        ossl = sh([self.openssl, "version"], capture_output=True, text=True).stdout.strip()
        return {"kernel": platform.release(), "openssl": ossl, "sysctls (both namespaces)": vals,
                "initcwnd": "10 (kernel default, no route override)", "relay_mode": self.a.relay_mode,
                "rt_prio (relay; s_server, tls-timer at half)": self.a.rt_prio,
                "relay_linger_us": self.a.relay_linger_us, "openssl_bin": self.openssl,
                "tls_timer_bin": self.timer_bin}

    def make_certs(self):
        t = self.tmp

        def ossl(*args):
            r = sh([self.openssl] + list(args), cwd=t, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   text=True, check=False)
            if r.returncode != 0:
                raise SystemExit(f"run-reference: `openssl {' '.join(args)}` failed: {r.stderr.strip()}")

        ext = os.path.join(t, "leaf.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    f"extendedKeyUsage=serverAuth\nsubjectAltName=DNS:server.test,IP:{ADDR_SRV}\n")
        for key in self.keys:
            nk = NEWKEY[key]
            # ML-DSA signs the message itself (no separate digest): no -sha256 there.
            md = [] if key.startswith("mldsa") else ["-sha256"]
            # A homogeneous chain: root and leaf of the same key type; the server sends the leaf only.
            ossl("req", "-x509", *nk, "-nodes", "-keyout", f"ca-{key}.key", "-out", f"ca-{key}.pem",
                 "-days", "3650", *md, "-subj", f"/CN=ns3tls reference root {key}",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")
            ossl("req", *nk, "-nodes", "-keyout", f"leaf-{key}.key", "-out", f"leaf-{key}.csr",
                 "-subj", "/CN=server.test")
            ossl("x509", "-req", "-in", f"leaf-{key}.csr", "-CA", f"ca-{key}.pem", "-CAkey", f"ca-{key}.key",
                 "-CAcreateserial", "-out", f"leaf-{key}.pem", "-days", "3650", *md, "-extfile", ext)
        with open(os.path.join(t, "ok.txt"), "w") as f:
            f.write("ok\n")

    def start_servers(self):
        for key in self.keys:
            port = KEY_PORT[key]
            cmd = in_ns(NS_SRV, [self.openssl, "s_server", "-accept", str(port), "-cert", f"leaf-{key}.pem",
                                 "-key", f"leaf-{key}.key", "-WWW", "-quiet"], self.app_prio)
            logf = open(os.path.join(self.tmp, f"s_server-{key}.log"), "w")
            p = subprocess.Popen(cmd, cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
            self.procs.append((f"s_server {key}", p))
        time.sleep(0.3)
        for name, p in self.procs:
            if p.poll() is not None:
                raise SystemExit(f"run-reference: {name} exited at start; see its log in {self.tmp}")

    def start_relay(self, delay_ms, loss, seed, rate=None, tag="relay"):
        ready = os.path.join(self.tmp, "ready")
        if os.path.exists(ready):
            os.unlink(ready)
        stats = os.path.join(self.tmp, f"{tag}.json")
        cmd = [self.linkemu, "--delay-ms", f"{delay_ms:g}",
               "--rate-mbps", f"{self.a.bandwidth if rate is None else rate:g}",
               "--loss-c2s", f"{loss if self.a.loss_dir in ('both', 'c2s') else 0:g}",
               "--loss-s2c", f"{loss if self.a.loss_dir in ('both', 's2c') else 0:g}",
               "--queue", str(self.a.queue), "--seed", str(seed),
               "--mode", self.a.relay_mode, "--linger-us", str(self.a.relay_linger_us),
               "--margin-us", str(self.a.relay_margin_us), "--rt-prio", str(self.a.rt_prio),
               "--ready-file", ready, "--stats", stats,
               "--netns-cli", NS_CLI, "--netns-srv", NS_SRV]
        if self.a.relay_log:
            cmd += ["--log", os.path.join(self.a.out_dir, f"{tag}.log.csv")]
        with open(os.path.join(self.tmp, f"{tag}.err"), "w") as err:
            self.relay = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        with open(os.path.join(RUN_DIR, "relay.pid"), "w") as f:
            f.write(str(self.relay.pid))
        for _ in range(100):
            if os.path.exists(ready):
                return stats
            if self.relay.poll() is not None:
                break
            time.sleep(0.02)
        self.stop_relay()
        raise SystemExit(f"run-reference: linkemu did not start:\n"
                         + open(os.path.join(self.tmp, f"{tag}.err")).read())

    def stop_relay(self):
        if self.relay and self.relay.poll() is None:
            self.relay.send_signal(signal.SIGTERM)
            try:
                self.relay.wait(5)
            except subprocess.TimeoutExpired:
                self.relay.kill()
                self.relay.wait()
        self.relay = None

    def teardown(self):
        self.stop_relay()
        for name, p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(3)
                except subprocess.TimeoutExpired:
                    p.kill()
        self.procs = []
        for ns in (NS_CLI, NS_SRV):
            if os.path.exists(f"/run/netns/{ns}"):
                sh(["ip", "netns", "del", ns], check=False)
        try:
            os.unlink(os.path.join(RUN_DIR, "relay.pid"))
        except OSError:
            pass
        if self.tmp and not self.a.keep_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            log(f"kept {self.tmp}")

    # ---- measurements ----
    def run_timer(self, args):
        r = sh(in_ns(NS_CLI, [self.timer_bin] + args, self.app_prio), capture_output=True, text=True,
               cwd=self.tmp)
        if r.returncode != 0:
            raise SystemExit(f"run-reference: tls-timer failed: {r.stderr.strip()}")
        return list(csv.DictReader(r.stdout.splitlines()))

    def measure_overhead(self):
        """TCP connect time through the relay with no delay/rate: the relay's round-trip overhead."""
        out = {}
        for label, delay, rate in (("delay0_rate0", 0, 0), ("delay25_rate0", 25, 0)):
            self.start_relay(delay, 0.0, 1, rate=rate, tag=f"overhead-{label}")
            # TCP connects to a running s_server (only the selected configs' key types have one)
            rows = self.run_timer(["--tcp-only", "--port", str(KEY_PORT[self.keys[0]]), "-n",
                                   str(self.a.overhead_n), "--interval-ms", "20", "--warmup", "3", "--timeout", "5"])
            self.stop_relay()
            xs = [float(r["tcp_ms"]) - 2 * delay for r in rows if r["ok"] == "1"]
            out[label] = {"n": len(xs), "median_ms": round(quantile(xs, 0.5), 4),
                          "p90_ms": round(quantile(xs, 0.9), 4), "p99_ms": round(quantile(xs, 0.99), 4)}
            o = out[label]
            log(f"relay overhead ({label}): TCP RTT beyond the configured delay: median {o['median_ms']:.3f} ms, "
                f"p90 {o['p90_ms']:.3f} ms, p99 {o['p99_ms']:.3f} ms")
        return out

    def run(self):
        a = self.a
        if os.geteuid() != 0:
            sys.exit("run-reference: needs root (it creates network namespaces and TUN devices). "
                     "Run it as root, e.g. `sudo validation/run-reference.sh --smoke`.")
        for tool in ("ip", self.openssl, "sysctl"):
            if not shutil.which(tool):
                sys.exit(f"run-reference: `{tool}` not found (apt-get install iproute2 openssl procps)")
        self.sysctls = list(SYSCTLS)
        for kv in a.sysctl:
            k, _, v = kv.partition("=")
            self.sysctls = [(kk, vv) for kk, vv in self.sysctls if kk != k] + [(k, v)]
        os.makedirs(RUN_DIR, exist_ok=True)
        os.makedirs(a.out_dir, exist_ok=True)
        self.build()
        self.cleanup_stale()
        self.tmp = tempfile.mkdtemp(prefix="ns3tls-ref-")
        self.make_certs()
        # The simulator replays the cells with these same certificates (compare.py,
        # loss-patterns.py): their size decides how many segments the server's flight takes.
        certs = os.path.join(a.out_dir, "certs")
        os.makedirs(certs, exist_ok=True)
        for name in os.listdir(self.tmp):
            if name.startswith(("leaf-", "ca-")) and name.endswith((".pem", ".key")):
                shutil.copy(os.path.join(self.tmp, name), certs)
        self.setup_netns()
        settings = self.read_settings()
        self.start_servers()

        load = os.getloadavg()[0]
        if load > 0.5:
            log(f"warning: load average {load:.2f}: other work on this machine adds noise to the timings "
                "(recorded per cell as loadavg_1min)")
        overhead = self.measure_overhead() if a.overhead_n > 0 else {}

        configs = selected_configs(a)
        cells = [(rtt, loss, c) for rtt in a.rtt for loss in a.loss for c in configs]
        out_csv = os.path.join(a.out_dir, a.csv)
        meta_names = ["source", "tls", "kx", "key", "chain", "resume", "rtt_ms", "bandwidth_mbps", "loss",
                      "loss_dir", "queue", "seed", "run", "config", "groups", "ca_key"]
        summary = []
        t_start = time.time()
        with open(out_csv, "w", newline="") as fout:
            w = None
            for i, (rtt, loss, (name, tls, kx, key, extra)) in enumerate(cells):
                n = a.n if loss == 0 else a.n_lossy
                seed = a.seed * 1000 + i
                stats_file = self.start_relay(rtt / 2.0, loss, seed, tag=f"cell{i}")
                meta = dict(source="real", tls=tls, kx=kx, key=key, chain=0,
                            resume="ticket" if a.resume else "none", rtt_ms=f"{rtt:g}",
                            bandwidth_mbps=f"{a.bandwidth:g}", loss=f"{loss:g}", loss_dir=a.loss_dir,
                            queue=a.queue, seed=seed, run=0, config=name,
                            groups=CONFIG_GROUPS.get(name, a.groups), ca_key=key)
                args = ["--host", ADDR_SRV, "--port", str(KEY_PORT[key]), "-n", str(n), "--tls", tls,
                        "--groups", meta["groups"], "--CAfile", f"ca-{key}.pem", "--timeout", str(a.timeout),
                        "--warmup", str(a.warmup), "--nodelay"] + extra
                if a.request:
                    args += ["--request", "/ok.txt"]
                if a.resume:
                    args += ["--resume"]
                if a.interval_ms:
                    args += ["--interval-ms", str(a.interval_ms)]
                t0 = time.time()
                load = os.getloadavg()[0]
                rows = self.run_timer(args)
                self.stop_relay()
                relay_stats = json.load(open(stats_file))
                if w is None:
                    w = csv.DictWriter(fout, fieldnames=meta_names + list(rows[0].keys()))
                    w.writeheader()
                for r in rows:
                    w.writerow({**meta, **r})
                fout.flush()
                s = summarize(meta, rows, relay_stats)
                s["loadavg_1min"] = round(load, 2)
                summary.append(s)
                log(f"[{i + 1}/{len(cells)}] rtt {rtt:g} ms loss {loss:g} {name}: n={s['n']} ok={s['ok']} "
                    f"median total {fmt(s['total_median_ms'])} ms (tcp {fmt(s['tcp_median_ms'])}, "
                    f"tls {fmt(s['tls_median_ms'])}) >2.5RTT+150: {s['frac_gt_2.5rtt+150']:.3f} "
                    f">900: {s['frac_gt_900ms']:.3f}  [{time.time() - t0:.0f} s]")
        base = os.path.splitext(out_csv)[0]
        write_summary(base, summary, settings, overhead, a, time.time() - t_start)
        log(f"wrote {out_csv}, {base}-summary.csv, {base}-summary.md")


def selected_configs(a):
    """The --configs asked for; by default the classical ones (post-quantum ones only when named)."""
    return [c for c in CONFIGS if (c[0] in a.configs if a.configs else c[0] not in PQ_CONFIGS)]


def openssl_bin(prefix):
    """The `openssl` program: PREFIX/bin/openssl with --openssl PREFIX, else the one on PATH."""
    return os.path.join(prefix, "bin", "openssl") if prefix else "openssl"


def openssl_version(binary):
    """(major, minor, patch) of `binary version` ("OpenSSL 3.5.7 30 Sep 2025" -> (3, 5, 7)), or None."""
    try:
        out = subprocess.run([binary, "version"], capture_output=True, text=True, check=True).stdout.split()
        return tuple(int(x) for x in out[1].split("-")[0].split(".")[:3])
    except (OSError, subprocess.CalledProcessError, IndexError, ValueError):
        return None


def die2(msg):
    """Bad input: one line on stderr, exit 2."""
    print(f"run-reference: {msg}", file=sys.stderr)
    sys.exit(2)


def fmt(x):
    return "-" if x is None else f"{x:.2f}"


def quantile(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(meta, rows, relay):
    ok = [r for r in rows if r["ok"] == "1"]
    tot = [float(r["total_ms"]) for r in ok]
    tcp = [float(r["tcp_ms"]) for r in ok]
    tls = [float(r["tls_ms"]) for r in ok]
    rtt = float(meta["rtt_ms"])
    n = len(rows)
    # A failed handshake counts as slower than any threshold.
    slow = lambda thr: (sum(1 for x in tot if x > thr) + (n - len(ok))) / n if n else 0.0
    retrans = [int(r["retransmissions"]) for r in rows if r["retransmissions"] != ""]
    d = {k: meta[k] for k in ("config", "tls", "kx", "key", "rtt_ms", "bandwidth_mbps", "loss", "loss_dir",
                              "seed")}
    d.update({
        "n": n, "ok": len(ok),
        "tcp_median_ms": quantile(tcp, 0.5), "tls_median_ms": quantile(tls, 0.5),
        "total_median_ms": quantile(tot, 0.5), "total_p10_ms": quantile(tot, 0.1),
        "total_p90_ms": quantile(tot, 0.9),
        "frac_gt_2.5rtt+150": slow(2.5 * rtt + 150), "frac_gt_900ms": slow(900.0),
        "client_bytes": quantile([float(r["client_bytes"]) for r in ok], 0.5),
        "server_bytes": quantile([float(r["server_bytes"]) for r in ok], 0.5),
        "retrans_mean": statistics.mean(retrans) if retrans else None,
        "lost_c2s": relay["dirs"][0]["lost"], "lost_s2c": relay["dirs"][1]["lost"],
        "pkts_c2s": relay["dirs"][0]["rx_pkts"], "pkts_s2c": relay["dirs"][1]["rx_pkts"],
        "relay_cpu_frac": round(relay["cpu_s"] / max(relay["elapsed_s"], 1e-9), 3),
        "relay_late_mean_us": round(sum(x["late_mean_us"] for x in relay["dirs"]) / 2, 1),
    })
    return d


def write_summary(base, summary, settings, overhead, a, elapsed):
    with open(base + "-summary.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(summary[0].keys()))
        w.writeheader()
        for s in summary:
            w.writerow({k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()})
    with open(base + "-summary.md", "w") as f:
        f.write("# Real Linux + OpenSSL reference (validation/run-reference.py)\n\n")
        f.write(f"Command: `{' '.join(sys.argv)}`; {time.strftime('%Y-%m-%d %H:%M')}; {elapsed:.0f} s.\n")
        f.write(f"Kernel {settings['kernel']}, {settings['openssl']}, link {a.bandwidth:g} Mbit/s, queue "
                f"{a.queue} packets, loss direction {a.loss_dir}, groups {a.groups}"
                + "".join(f" ({c} {g})" for c, g in CONFIG_GROUPS.items() if c in {s['config'] for s in summary})
                + ", "
                f"request {'GET /ok.txt' if a.request else 'none'}, "
                f"resume {'ticket' if a.resume else 'none'}, relay {a.relay_mode} (linger {a.relay_linger_us} us, "
                f"SCHED_FIFO {a.rt_prio}, apps {a.rt_prio // 2}).\n\n")
        if overhead:
            f.write("Relay overhead (TCP connect RTT minus configured RTT, rate unlimited): "
                    + "; ".join(f"{k}: median {v['median_ms']:.3f} ms, p99 {v['p99_ms']:.3f} ms"
                                for k, v in overhead.items()) + "\n\n")
        f.write("Namespace sysctls: " + ", ".join(f"{k.split('.')[-1]}={v}"
                                               for k, v in settings["sysctls (both namespaces)"].items()) + "\n\n")
        f.write("| config | rtt ms | loss | n | ok | tcp med | tls med | total med | total p90 | >2.5RTT+150 | >900ms "
                "| C bytes | S bytes | lost c2s/s2c | load |\n")
        f.write("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
        for s in summary:
            f.write(f"| {s['config']} | {s['rtt_ms']} | {s['loss']} | {s['n']} | {s['ok']} | "
                    f"{fmt(s['tcp_median_ms'])} | {fmt(s['tls_median_ms'])} | {fmt(s['total_median_ms'])} | "
                    f"{fmt(s['total_p90_ms'])} | {s['frac_gt_2.5rtt+150']:.3f} | {s['frac_gt_900ms']:.3f} | "
                    f"{s['client_bytes']:.0f} | {s['server_bytes']:.0f} | {s['lost_c2s']}/{s['lost_s2c']} | "
                    f"{s['loadavg_1min']:.2f} |\n"
                    if s["ok"] else f"| {s['config']} | {s['rtt_ms']} | {s['loss']} | {s['n']} | 0 | all failed |\n")
    with open(base + "-settings.json", "w") as f:
        json.dump({"settings": settings, "relay_overhead": overhead, "args": vars(a)}, f, indent=1)


def floats(s):
    return [float(x) for x in s.split(",") if x]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rtt", type=floats, default=[10, 50, 200], help="RTTs in ms (default 10,50,200)")
    p.add_argument("--loss", type=floats, default=[0, 0.01, 0.05, 0.10],
                   help="loss probabilities, same both directions (default 0,0.01,0.05,0.1)")
    p.add_argument("--loss-dir", choices=["both", "c2s", "s2c"], default="both",
                   help="which directions lose packets (default both)")
    p.add_argument("--configs", type=lambda s: s.split(","), default=[],
                   help="subset of: " + ",".join(c[0] for c in CONFIGS) + " (default: all but the "
                        "post-quantum ones, which need --openssl with OpenSSL >= 3.5)")
    p.add_argument("--n", type=int, default=20, help="handshakes per loss-free cell (default 20)")
    p.add_argument("--n-lossy", type=int, default=None, help="handshakes per lossy cell (default: --n)")
    p.add_argument("--full", action="store_true", help="the full grid with n=50 loss-free, 200 lossy")
    p.add_argument("--smoke", action="store_true", help="a quick check: RTT 10,50 x loss 0,0.05, n=10")
    p.add_argument("--bandwidth", type=float, default=10.0, help="Mbit/s each direction (default 10)")
    p.add_argument("--queue", type=int, default=100, help="drop-tail queue, packets (default 100)")
    p.add_argument("--groups", default="X25519:P-256",
                   help="groups tls-timer offers (default X25519:P-256), except for configs with their own "
                        "(" + ", ".join(f"{c}: {g}" for c, g in CONFIG_GROUPS.items()) + ")")
    p.add_argument("--openssl", default=None, metavar="PREFIX",
                   help="use PREFIX/bin/openssl (certificates, s_server) and build tls-timer against PREFIX's "
                        "libraries (validation/bin/tls-timer-X.Y) instead of the system's OpenSSL; needed for "
                        "the post-quantum configs (OpenSSL >= 3.5). Build one with validation/openssl35-apps.sh")
    p.add_argument("--seed", type=int, default=1, help="base seed; cell i uses seed*1000+i")
    p.add_argument("--warmup", type=int, default=1, help="untimed connections before each cell (default 1)")
    p.add_argument("--timeout", type=float, default=30.0, help="per-connection deadline, s (default 30)")
    p.add_argument("--interval-ms", type=float, default=0.0, help="pause between connections")
    p.add_argument("--no-request", dest="request", action="store_false",
                   help="close right after the handshake instead of fetching a 3-byte file")
    p.add_argument("--resume", action="store_true", help="resume the previous connection's session")
    p.add_argument("--relay-mode", choices=["hybrid", "spin"], default="hybrid")
    p.add_argument("--relay-linger-us", type=int, default=2000,
                   help="hybrid relay: keep spinning this long after a packet (default 2000)")
    p.add_argument("--relay-margin-us", type=int, default=1500,
                   help="hybrid relay: wake this long before a deadline (default 1500)")
    p.add_argument("--rt-prio", type=int, default=10,
                   help="SCHED_FIFO priority of the relay; s_server and tls-timer run at half of it "
                        "(default 10; 0 = normal scheduling). Keeps other load from adding delay")
    p.add_argument("--relay-log", action="store_true", help="per-packet relay log per cell in the out dir")
    p.add_argument("--overhead-n", type=int, default=100,
                   help="connections for the relay-overhead measurement (0 = skip; default 100)")
    p.add_argument("--sysctl", action="append", default=[], metavar="KEY=VALUE",
                   help="override a namespace sysctl, e.g. net.ipv4.tcp_early_retrans=0 (no TLP)")
    p.add_argument("--out-dir", default=os.path.join(HERE, "results"))
    p.add_argument("--csv", default="real.csv", help="file name in --out-dir (default real.csv)")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (certs, server logs)")
    a = p.parse_args()
    if a.smoke:
        a.rtt, a.loss, a.n = [10, 50], [0, 0.05], 10
    if a.full:
        a.n, a.n_lossy = 50, 200
    if a.n_lossy is None:
        a.n_lossy = a.n
    unknown = set(a.configs) - {c[0] for c in CONFIGS}
    if unknown:
        p.error(f"unknown config(s) {','.join(sorted(unknown))}")
    if a.n < 1 or a.n_lossy < 1:
        p.error("--n and --n-lossy must be >= 1")
    if a.openssl:
        a.openssl = os.path.abspath(a.openssl)
        if not os.access(openssl_bin(a.openssl), os.X_OK):
            die2(f"--openssl {a.openssl}: no {openssl_bin(a.openssl)}; build one with "
                    f"`validation/openssl35-apps.sh {a.openssl}` (OpenSSL 3.5 with its apps, ~5 min once)")
    pq = sorted(c[0] for c in selected_configs(a) if c[0] in PQ_CONFIGS)
    if pq:
        ver = openssl_version(openssl_bin(a.openssl))
        if not ver or ver < (3, 5):
            die2(f"config(s) {','.join(pq)} need OpenSSL >= 3.5 (ML-KEM, ML-DSA) but "
                    f"{openssl_bin(a.openssl)} is {'.'.join(map(str, ver)) if ver else 'not runnable'}: pass "
                    "--openssl PREFIX (build one with validation/openssl35-apps.sh)")

    h = Harness(a)

    def on_signal(sig, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)  # also when started in the background (SIG_IGN inherited)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        h.run()
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        sys.exit(130)
    finally:
        h.teardown()


if __name__ == "__main__":
    main()
