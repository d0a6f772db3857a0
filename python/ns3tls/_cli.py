"""Command line: ``python -m ns3tls run|sweep|plot|demo`` (what ``./ns3tls`` calls).

  python -m ns3tls run --tls=1.3 --rtt=50ms --loss=0.01 --handshakes=200 [--csv=out.csv]
  python -m ns3tls sweep sweep.toml [--jobs 2] [--scheduler tcp://host:8786] [--out results.csv]
  python -m ns3tls plot results.csv|DIR --x loss --hue tls --kind cdf|box|line|sequence -o fig.png
  python -m ns3tls demo [--jobs 2] [-o demo.png]

A sweep file (TOML):

  runs = 10                    # replications per point (ns-3 run numbers 1..10)
  jobs = 2                     # optional; default: every core
  cache_dir = "results/cache"  # optional; default $NS3TLS_CACHE/sweep or ./.cache/ns3tls/sweep
  out = "results/sweep.csv"    # optional
  # scheduler = "tcp://127.0.0.1:8786"   # optional: run on a dask cluster
  # scenario = "my_scenarios:wifi_wan"   # optional: your function (module next to this file)
  # program = "build/examples/tls-wifi-example"   # or your ns-3 program (or a .cc file)
  [grid]                       # lists are crossed, scalars apply to every point
  tls = ["1.2", "1.3"]
  rtt = ["10ms", "50ms", "200ms"]
  loss = [0, 0.01, 0.05]
  handshakes = 20
  [[points]]                   # optional explicit points, on top of the grid's scalars
  tls = "1.3"
  resume = "ticket"
  early_data = 1000           # its column: early_data_bytes (early_data: 0-RTT accepted)

The results table has a column per swept parameter: its name, except early_data ->
early_data_bytes and, for your function's or program's parameters, param_NAME where NAME is
also a results or timeline column.

Exit status: 0 on success, 2 for a bad argument or parameter (one line on stderr), 1 if any
simulation failed.
"""

import argparse
import os
import sys
import time


class UsageError(Exception):
    pass


def _fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    return 2


# ----------------------------------------------------------------------------------------------
# run


def _run_parser():
    from . import _params

    p = argparse.ArgumentParser(
        prog="ns3tls run", description="Run one scenario (a row per handshake) and print a "
        "summary. Flags are the C++ example's; --csv/--timeline write its CSV files.")
    for name in _params.core().names():
        helptext = _params.core().help(name)
        if name == "client-auth":
            p.add_argument("--" + name, nargs="?", const="true", default=None, help=helptext)
        else:
            p.add_argument("--" + name, default=None, metavar="V", help=helptext)
    return p


def cmd_run(argv):
    from . import _params, run_csv
    from ._frames import read_csv
    from ._summary import format_table

    args = _run_parser().parse_args(argv)
    params = {k: v for k, v in vars(args).items() if v is not None}
    try:
        csv, _, info = run_csv(**params)
    except ValueError as e:
        return _fail(e)
    df = read_csv(csv)
    cfg = _params.core().canonical(_params.normalize(params))
    print("TLS {tls}  kx={kx}  key={key}  rtt={rtt}  bandwidth={bandwidth}  loss={loss}  "
          "tcp={tcp}  cpu={cpu}".format(**cfg))
    ok = df[df["ok"] == 1]
    failed = df[df["ok"] != 1]
    share = 100.0 * len(failed) / len(df) if len(df) else 0.0
    print(f"handshakes {len(df)}  ok {len(ok)}  resumed {int(ok['resumed'].sum())}  "
          f"failed {len(failed)} ({share:.1f} %)")
    import pandas as pd

    def stats(name, v):
        v = v.astype(float)
        return {"": name, "median_ms": v.quantile(0.5), "p95_ms": v.quantile(0.95),
                "max_ms": v.max()}

    if len(ok):
        print(f"over the {len(ok)} successful handshakes only:")
        table = [stats(name, ok[col]) for col, name in
                 (("tcp_ms", "tcp"), ("tls_ms", "tls"), ("total_ms", "total"))]
        print(format_table(pd.DataFrame(table), "{:.3f}"))
    if len(failed) and "fail_ms" in failed:
        print(f"connect -> end of each of the {len(failed)} failed attempts:")
        print(format_table(pd.DataFrame([stats("fail", failed["fail_ms"])]), "{:.3f}"))
    for err, n in df.loc[df["error"] != "", "error"].value_counts().items():
        print(f"error x{n}: {err}")
    print(f"simulated {info['simulated_seconds']:.3f} s in {info['wall_seconds']:.3f} s wall")
    return 0


# ----------------------------------------------------------------------------------------------
# sweep


def _load_toml(path):
    import tomllib

    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise UsageError(f"cannot read '{path}': {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: {e}") from e


SWEEP_KEYS = {"runs", "jobs", "cache_dir", "out", "scheduler", "timeout", "grid", "points",
              "timeline", "scenario", "program"}


def _scenario(ref, base):
    """"module:qualname" (the module importable from the sweep file's directory) -> function."""
    import importlib

    module, sep, qualname = str(ref).partition(":")
    if not sep or not module or not qualname:
        raise UsageError(f"scenario = {ref!r}: expected \"module:function\"")
    if base not in sys.path:
        sys.path.insert(0, base)
    try:
        fn = importlib.import_module(module)
        for part in qualname.split("."):
            fn = getattr(fn, part)
    except (ImportError, AttributeError) as e:
        raise UsageError(f"scenario = {ref!r}: {e}") from None
    return fn


def cmd_sweep(argv):
    from . import _params, sweep
    from ._summary import format_table, summarize, varying

    p = argparse.ArgumentParser(prog="ns3tls sweep", description="Run a cached, parallel sweep "
                                "described by a TOML file (see `python -m ns3tls --help`).")
    p.add_argument("file", help="sweep description (.toml)")
    p.add_argument("--jobs", "-j", type=int, help="parallel simulations (default: every core)")
    p.add_argument("--scheduler", help="dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--out", "-o", help="write the results CSV here")
    p.add_argument("--cache", help="cache directory")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--runs", type=int, help="override the file's runs")
    p.add_argument("--timeout", type=float, help="seconds after which one simulation is killed")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    try:
        spec = _load_toml(args.file)
    except UsageError as e:
        return _fail(e)
    unknown = set(spec) - SWEEP_KEYS
    if unknown:
        return _fail(f"{args.file}: unknown key(s) {', '.join(sorted(unknown))} "
                     f"(expected {', '.join(sorted(SWEEP_KEYS))}; parameters go under [grid])")
    grid = spec.get("grid", {})
    points = spec.get("points")
    if not grid and not points:
        return _fail(f"{args.file}: no [grid] and no [[points]]")
    base = os.path.dirname(os.path.abspath(args.file))

    def rel(v):
        return v if v is None or os.path.isabs(v) else os.path.join(base, v)

    cache = False if args.no_cache else (args.cache or rel(spec.get("cache_dir")))
    out = args.out or rel(spec.get("out"))
    try:
        scenario = _scenario(spec["scenario"], base) if "scenario" in spec else None
    except UsageError as e:
        return _fail(e)
    try:
        df = sweep(grid=grid, runs=args.runs or spec.get("runs", 1), points=points,
                   scenario=scenario, program=rel(spec.get("program")),
                   jobs=args.jobs or spec.get("jobs"), cache_dir=cache,
                   executor=args.scheduler or spec.get("scheduler"),
                   progress=not args.no_progress, timeout=args.timeout or spec.get("timeout"),
                   out=out)
    except (ValueError, RuntimeError) as e:
        return _fail(e)
    st = df.attrs["sweep"]
    by = varying(df, [_params.column(k) for k in grid] +
                 [_params.column(k) for pt in points or [] for k in pt])
    by = list(dict.fromkeys(by))
    print(format_table(summarize(df, by)))
    if st.get("rerun"):
        n = st["rerun"]
        print(f"{n} bad cache {'entry' if n == 1 else 'entries'} simulated again", file=sys.stderr)
    print(f"{st['tasks']} simulations ({st['points']} points): {st['cached']} cached, "
          f"{st['ran']} run, {st['failed']} failed, {st['wall_seconds']:.1f} s"
          + (f"; results in {out}" if out else ""))
    if st["failed"]:
        errors = df.loc[(df["ok"] != 1) & df["conn"].isna(), "error"].value_counts()
        for err, n in errors.head(5).items():
            print(f"failed x{n}: {err}", file=sys.stderr)
        return 1
    return 0


# ----------------------------------------------------------------------------------------------
# plot


def cmd_plot(argv):
    from . import load
    from . import plot as P

    p = argparse.ArgumentParser(prog="ns3tls plot", description="Plot results: ECDF, box plot, "
                                "median lines with confidence bands, or the sequence diagram "
                                "of a timeline. A parameter that varies but is on no axis, hue "
                                "or facet gets a panel per value (never pooled).")
    p.add_argument("results", help="results CSV, directory of CSVs, sweep cache directory, or "
                   "(for --kind sequence) a timeline CSV")
    p.add_argument("--kind", "-k", choices=["cdf", "box", "line", "sequence"], default="cdf")
    p.add_argument("--x", help="x axis: loss (box, default), rtt (line, default), or the panel "
                   "column (cdf)")
    p.add_argument("--y", default="total_ms", help="metric (default total_ms)")
    p.add_argument("--hue", default="tls", help="condition column(s), comma separated")
    p.add_argument("--facet", default="auto",
                   help="panel column(s), comma separated; 'auto' (default) adds a panel per "
                   "value of any parameter that varies but is on no axis or hue; 'none' "
                   "refuses such data instead")
    p.add_argument("--query", "-q", help="pandas query to select rows, e.g. \"rtt_ms == 50\" "
                   "(shown under the figure)")
    p.add_argument("--conn", type=int, default=0, help="connection for --kind sequence")
    p.add_argument("--client", type=int, default=0, help="client for --kind sequence")
    p.add_argument("--from", dest="start", choices=["connect", "established"],
                   default="connect", help="--kind sequence: time 0 at Connect() (default) or "
                   "at TCP established")
    p.add_argument("--log", choices=["auto", "yes", "no"], default="auto",
                   help="log axis for the metric")
    p.add_argument("-o", "--out", required=True, help="output .png, .svg or .pdf")
    args = p.parse_args(argv)
    try:
        df = load(args.results)
        if args.kind == "sequence" and "message" not in df.columns:
            return _fail(f"{args.results} is a results table: --kind sequence needs a timeline "
                         f"CSV (the example's --timeline, or ns3tls.timeline())")
        if args.kind != "sequence" and "message" in df.columns:
            return _fail(f"{args.results} is a timeline: use --kind sequence")
        if args.query:
            try:
                df = df.query(args.query)
            except Exception as e:  # noqa: BLE001 - pandas raises many kinds
                return _fail(f"bad --query {args.query!r}: {e}")
            if df.empty:
                return _fail(f"no rows match --query {args.query!r}" + _query_hint(args.query))
        if df.empty:
            return _fail("no rows to plot")
        hue = args.hue or None
        facet = {"none": None, "auto": "auto"}.get(args.facet, args.facet)
        log = {"auto": "auto", "yes": True, "no": False}[args.log]
        where = args.query
        if args.kind == "cdf":
            P.ecdf(df, y=args.y, hue=hue, col=args.x, logx=log, out=args.out, facet=facet,
                   where=where)
        elif args.kind == "box":
            P.box(df, x=args.x or "loss", y=args.y, hue=hue, logy=log, out=args.out,
                  facet=facet, where=where)
        elif args.kind == "line":
            P.line(df, x=args.x or "rtt_ms", y=args.y, hue=hue, logy=log is True, out=args.out,
                   facet=facet, where=where)
        else:
            P.sequence(df, conn=args.conn, client=args.client, out=args.out, start=args.start)
    except (ValueError, KeyError, FileNotFoundError) as e:
        return _fail(e)
    print(args.out)
    return 0


#: Text columns with a numeric twin a query can compare with numbers.
_TWINS = {"rtt": "rtt_ms", "bandwidth": "bandwidth_mbps"}


def _query_hint(query):
    import re

    for col, twin in _TWINS.items():
        if re.search(rf"\b{col}\b(?!_)", query):
            return (f" ('{col}' is text such as '50ms'; its number is '{twin}', "
                    f"e.g. \"{twin} == 50\")")
    return ""


# ----------------------------------------------------------------------------------------------
# demo


def cmd_demo(argv):
    import pandas as pd

    from . import plot as P
    from . import sweep, timeline
    from ._format import value_text

    p = argparse.ArgumentParser(prog="ns3tls demo", description="TLS 1.2 vs 1.3 over RTTs and "
                                "losses: a small sweep, a table of medians and p95s, demo.png; "
                                "with OpenSSL >= 3.5 also TLS 1.3 X25519 + P-256 vs "
                                "X25519MLKEM768 + ML-DSA-65.")
    p.add_argument("--runs", type=int, default=10, help="replications per point (default 10)")
    p.add_argument("--handshakes", type=int, default=20, help="handshakes per run (default 20)")
    p.add_argument("--jobs", "-j", type=int, help="parallel simulations (default: every core)")
    p.add_argument("--scheduler", help="dask scheduler address")
    p.add_argument("--cache",
                   help="cache directory (default $NS3TLS_CACHE/sweep or ./.cache/ns3tls/sweep)")
    p.add_argument("--no-cache", action="store_true", help="simulate everything again")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("-o", "--out", default="demo.png", help="figure (default demo.png)")
    args = p.parse_args(argv)

    t0 = time.monotonic()
    grid = {"tls": ["1.2", "1.3"], "rtt": ["10ms", "50ms", "200ms"], "loss": [0, 0.01, 0.05],
            "handshakes": args.handshakes}
    print(f"ns3tls demo: TLS 1.2 vs 1.3 x RTT 10/50/200 ms x loss 0/1/5 % x {args.runs} runs x "
          f"{args.handshakes} handshakes (RSA-2048, Linux TCP profile, 10 Mbit/s)", flush=True)
    df = sweep(grid, runs=args.runs, jobs=args.jobs, executor=args.scheduler,
               cache_dir=False if args.no_cache else args.cache,
               progress=not args.no_progress)
    st = df.attrs["sweep"]
    ok = df[df["ok"] == 1]
    table = ok.groupby(["rtt_ms", "loss", "tls"])["total_ms"].agg(
        median=lambda v: v.quantile(0.5), p95=lambda v: v.quantile(0.95)).unstack("tls")
    table.columns = [f"{stat} TLS {tls}" for stat, tls in table.columns]
    table = table[[c for s in ("median", "p95") for c in table.columns if c.startswith(s)]]
    table = table.sort_index()
    table.index = pd.MultiIndex.from_tuples([(value_text("rtt_ms", r), value_text("loss", l))
                                             for r, l in table.index], names=["rtt", "loss"])
    print()
    print("connect -> handshake complete (total_ms), ms")
    print(table.to_string(float_format=lambda v: f"{v:.1f}"))
    failed = int((df["ok"] != 1).sum())
    print(f"\n{len(df)} handshakes in {st['tasks']} simulations ({st['cached']} cached, "
          f"{st['ran']} run, {failed} handshakes failed)")
    _demo_post_quantum(args, grid)
    tls = [timeline(tls=v, rtt="50ms", handshakes=1) for v in ("1.2", "1.3")]
    P.overview(df, tls, out=args.out, ecdf_rtt=50.0)
    print(f"wrote {args.out} in {time.monotonic() - t0:.1f} s total")
    return 0


def _demo_post_quantum(args, grid):
    """TLS 1.3 classical (X25519 + ECDSA P-256) vs hybrid post-quantum (X25519MLKEM768 +
    ML-DSA-65) over the same RTTs and losses; needs OpenSSL >= 3.5 under the module."""
    import pandas as pd

    from . import _params, sweep
    from ._format import value_text

    core = _params.core()
    if not core.has_post_quantum():
        print(f"\npost-quantum part skipped: {core.openssl_version()} has no ML-KEM/ML-DSA "
              f"(needs OpenSSL >= 3.5; tools/openssl35.sh builds it)")
        return
    kinds = {"X25519 + P-256": {"groups": "X25519", "key": "p256"},
             "X25519MLKEM768 + ML-DSA-65": {"groups": "X25519MLKEM768", "key": "mldsa65"}}
    frames = []
    for kind, extra in kinds.items():
        g = {"tls": "1.3", "rtt": grid["rtt"], "loss": grid["loss"],
             "handshakes": args.handshakes, **extra}
        part = sweep(g, runs=args.runs, jobs=args.jobs, executor=args.scheduler,
                     cache_dir=False if args.no_cache else args.cache,
                     progress=not args.no_progress)
        frames.append(part.assign(kind=kind))
    df = pd.concat(frames, ignore_index=True)
    ok = df[df["ok"] == 1]
    table = ok.groupby(["rtt_ms", "loss", "kind"])["total_ms"].agg(
        median=lambda v: v.quantile(0.5), p95=lambda v: v.quantile(0.95)).unstack("kind")
    table.columns = [f"{stat} {kind}" for stat, kind in table.columns]
    table = table.sort_index()
    table.index = pd.MultiIndex.from_tuples([(value_text("rtt_ms", r), value_text("loss", l))
                                             for r, l in table.index], names=["rtt", "loss"])
    print(f"\nTLS 1.3 classical vs hybrid post-quantum ({core.openssl_version()}), total_ms")
    print(table.to_string(float_format=lambda v: f"{v:.1f}"))


# ----------------------------------------------------------------------------------------------

COMMANDS = {"run": cmd_run, "sweep": cmd_sweep, "plot": cmd_plot, "demo": cmd_demo}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0 if argv else 2
    if argv[0] in ("--version", "version"):
        from . import __version__

        print(__version__)
        return 0
    cmd = COMMANDS.get(argv[0])
    if cmd is None:
        return _fail(f"unknown command '{argv[0]}' (expected {'|'.join(COMMANDS)})")
    try:
        return cmd(argv[1:])
    except KeyboardInterrupt:
        print("interrupted (finished simulations are cached; run again to resume)",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
