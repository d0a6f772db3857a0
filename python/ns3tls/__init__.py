"""ns3tls: real OpenSSL TLS handshakes over simulated ns-3 TCP, from Python.

>>> import ns3tls
>>> df = ns3tls.run(tls="1.3", rtt="50ms", loss=0.01, handshakes=200, seed=1)   # a row a handshake
>>> tl = ns3tls.timeline(tls="1.2", rtt="50ms")                                 # a row a message
>>> res = ns3tls.sweep({"tls": ["1.2", "1.3"], "loss": [0, 0.01]}, runs=10, jobs=2)
>>> ns3tls.plot.ecdf(res, hue="tls", out="cdf.png")

Parameter names are the example's flags with '_' for '-' (``./ns3tls run --help`` lists them, as
does :func:`names`); values are the flags' strings or plain numbers. Each simulation runs in a
fresh Python process (ns-3 keeps process-wide state), so run() can be called any number of
times in one notebook; :func:`simulate` runs in the calling process and returns the C++ records.
"""

__version__ = "0.1.0"

from ._frames import read_csv
from ._params import help, names  # noqa: A004

__all__ = ["run", "timeline", "run_csv", "simulate", "sweep", "load", "read_csv", "names", "help",
           "plot", "__version__"]


def run_csv(**params):
    """Runs one simulation in a child process: (csv_text, timeline_text, info).

    The texts are exactly what ``tls-handshake-example`` writes with ``--csv`` and
    ``--timeline`` for the same parameters; info has records, server_accepted, server_completed,
    simulated_seconds, wall_seconds, run_wall_seconds (in Simulator::Run), openssl_version,
    measured_costs ({operation: microseconds} that --cpu=model measured at run start because
    its table lacks them) and cost_table (--cpu=model: the table that priced the run, e.g.
    'built-in openssl-3.5'; else ''). Raises ValueError for a bad parameter.
    """
    from . import _params, _runner

    flags = _params.check(params)
    reply = _runner.execute(flags, timeline=True)
    if not reply["ok"]:
        if reply.get("kind") == "invalid":
            raise ValueError(reply["error"])
        raise RuntimeError(reply["error"])
    return reply["csv"], reply["timeline"], reply["info"]


def run(**params):
    """Runs one scenario and returns a pandas DataFrame with a row per handshake.

    Columns: the metrics of README.md "Output columns" (tcp_ms, tls_ms, total_ms, server_done_ms, ttfb_ms, ok,
    error, resumed, early_data (0-RTT accepted), bytes, retransmissions, ...) then the scenario's
    parameters (``early_data`` = bytes offered is the column ``early_data_bytes``).
    ``df.attrs["info"]`` holds the run's info (simulated and wall-clock seconds, ...).
    Raises ValueError (with the C++ message naming the flag) for a bad parameter.
    """
    csv, _, info = run_csv(**params)
    df = read_csv(csv)
    df.attrs["info"] = info
    return df


def timeline(**params):
    """Runs one scenario and returns its timeline: a row per TLS message (``layer`` "tls") and
    per TCP segment of the three-way handshake or data retransmission (``layer`` "tcp":
    SYN, SYN-ACK, ACK, segment), with conn, client, time_ms (sent), recv_ms (read or received;
    NaN: never, e.g. lost), sender, message, bytes, layer, retransmission, then the scenario's
    parameters. Times are ms since the connection's Connect() call."""
    _, text, info = run_csv(**params)
    df = read_csv(text)
    df.attrs["info"] = info
    return df


def simulate(**params):
    """Runs one scenario in *this* process and returns the C++ result object.

    ``result.records`` are ``ns3tls._core.Record`` objects (times in ms as properties, the
    per-message ``messages`` list, ``cells()``), plus server_accepted, server_completed,
    simulated_seconds, wall_seconds and run_wall_seconds. ns-3 is reset after each run; prefer
    run() in sweeps.
    """
    from . import _params

    return _params.core().run(_params.check(params))


def sweep(*args, **kwargs):
    """Cached, parallel sweep: grid x runs, one process per simulation; returns a DataFrame.

    ``ns3tls.sweep({"tls": ["1.2", "1.3"], "loss": [0, 0.01], "handshakes": 20}, runs=10,
    jobs=2, cache_dir="results/cache", executor=None | "local" | "tcp://host:8786")``.
    Your own scenarios, with the same cache, executors and progress:
    ``ns3tls.sweep(my_module.scenario, {"delay": ["10ms", "50ms"]}, runs=3)`` calls
    ``scenario(**point, seed=, run=)`` (a top-level function of an importable module, returning
    a DataFrame, e.g. from :class:`ns3tls.network.Network`) in a process per call;
    ``ns3tls.sweep(program="build/examples/tls-wifi-example", grid={"wan-delay": ["10ms",
    "50ms"]})`` runs an ns-3 program (or a .cc file, built first) as ``program --flag=value ...
    --RngRun=N --csv=FILE``.
    Keyword arguments: grid, runs, scenario, program, points, jobs, cache_dir, executor,
    progress, timeline, timeout, out; see :func:`ns3tls._sweep.sweep` for all of them. Every
    argument and point is checked before anything runs (ValueError naming the bad value);
    results are cached per build of the simulator (and per source file of your function, or
    per executable of your program; see ns3tls._cache).
    """
    from ._sweep import sweep as _sweep

    return _sweep(*args, **kwargs)


def load(path):
    """Loads results: a CSV file, a directory of CSV files, or a sweep cache directory."""
    from ._sweep import load as _load

    return _load(path)


def __getattr__(name):
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'ns3tls' has no attribute '{name}'")
