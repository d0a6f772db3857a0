"""Parameter sweeps: grid x runs, one process per simulation, cached, local or on dask.

Each (point, run) is one simulation in its own process (ns-3 keeps process-wide state). Every
point is validated before anything runs. Results are cached (see _cache) so an interrupted or
extended sweep re-runs only what is missing. A simulation that fails at run time becomes a row
with ``ok=0`` and its ``error`` (not cached, so the next sweep tries again); it never stops the
sweep.
"""

import concurrent.futures as cf
import itertools
import os
import sys
import time

from . import _cache, _executors, _files, _params, _user
from ._frames import TEXT_COLUMNS, fix_text_columns, read_csv

# ----------------------------------------------------------------------------------------------
# grid expansion and argument checks


def _as_list(v):
    if isinstance(v, (list, tuple, range)):
        return list(v)
    try:
        import numpy as np

        if isinstance(v, np.ndarray):
            return v.tolist()
    except ImportError:  # pragma: no cover
        pass
    return None


def expand(grid=None, points=None):
    """Grid -> list of points (dicts). Scalars in the grid apply to every point; lists are
    crossed (cartesian product, in the grid's key order); explicit ``points`` are added after
    the product, each on top of the grid's scalars."""
    if grid is not None and not isinstance(grid, dict):
        raise ValueError(f"grid must be a dict {{parameter: value or list of values}}, "
                         f"not {type(grid).__name__} {grid!r}")
    if points is not None and (not isinstance(points, (list, tuple))
                               or not all(isinstance(p, dict) for p in points)):
        raise ValueError(f"points must be a list of dicts, not {points!r}")
    grid = dict(grid or {})
    base = {}
    axes = []
    for k, v in grid.items():
        values = _as_list(v)
        if values is None:
            base[k] = v
        else:
            if not values:
                raise ValueError(f"grid parameter '{k}' has no values")
            axes.append((k, values))
    out = []
    if axes or not points:
        keys = [k for k, _ in axes]
        for combo in itertools.product(*(vals for _, vals in axes)):
            p = dict(base)
            p.update(zip(keys, combo))
            out.append(p)
    for p in points or []:
        q = dict(base)
        q.update(p)
        out.append(q)
    return out


def _is_int(v):
    import numbers

    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def run_numbers(runs):
    """runs (an int N or a list of run numbers) -> list of run numbers; ValueError otherwise."""
    if runs is None:
        return None
    if _is_int(runs):
        if runs < 1:
            raise ValueError(f"runs must be >= 1, not {runs}")
        return list(range(1, int(runs) + 1))
    values = _as_list(runs)
    if values is None or not values or not all(_is_int(r) and r >= 1 for r in values):
        raise ValueError(f"runs must be a positive integer or a list of run numbers >= 1, "
                         f"not {runs!r}")
    return [int(r) for r in values]


# ----------------------------------------------------------------------------------------------
# the sweep


class _Task:
    __slots__ = ("index", "point_index", "point", "run", "params", "flags", "key", "entry",
                 "error", "canon", "request")

    def __init__(self, index, point_index, point, run, params):
        self.index = index
        self.point_index = point_index
        self.point = point
        self.run = run
        self.params = params
        self.flags = None
        self.key = None
        self.entry = None
        self.error = None
        self.canon = None
        self.request = None


_UNSET = object()


def sweep(*args, grid=None, runs=_UNSET, scenario=None, program=None, points=None, jobs=None,
          cache_dir=None, executor=None, progress=True, timeline=False, timeout=None, out=None):
    """Runs a grid of scenarios, ``runs`` independent replications each, and returns one tidy
    DataFrame (a row per handshake of every simulation).

    What runs, one simulation per (point, run), each in a process of its own:

    - the canned scenario of :func:`ns3tls.run`: ``sweep(grid, runs)``;
    - your scenario function: ``sweep(scenario, grid, runs)`` (or ``scenario=``), called as
      ``scenario(**point, seed=, run=)`` in a worker process; it builds its topology (e.g. with
      :class:`ns3tls.network.Network`) and returns a DataFrame (or records pandas accepts, or
      ``(results, timeline)`` with ``timeline=True``). It must be importable by reference
      ("module:qualname"): defined with ``def`` at the top level of a .py module; a lambda, a
      nested function or one of ``__main__`` raises ValueError. Seed defaults to 1 unless the
      grid sets ``seed``;
    - your program: ``sweep(program="my-sim" or "my-sim.cc", grid=...)``: an ns-3 program
      (``CommandLine``) run as ``my-sim --flag=value ... --RngRun=N --csv=FILE`` (a .cc file is
      built first, as ``./ns3tls program`` does); it must accept ``--csv=FILE`` and write its rows
      there (``TlsTrackerHelper::WriteCsv``), and ``--timeline=FILE`` for ``timeline=True``.
      The grid's keys are its flag names as written (``"wan-delay"``); each is checked against
      its ``--PrintHelp`` before anything runs.

    grid:      {parameter: value or list of values}; lists are crossed (cartesian product),
               scalars apply to every point, e.g. ``{"tls": ["1.2", "1.3"], "loss": [0, 0.01],
               "handshakes": 20}``.
    runs:      replications per point: an int N (ns-3 run numbers 1..N) or a list of run
               numbers. A point that sets ``run`` itself (a program: ``RngRun`` or ``run``) is
               simulated once.
    points:    extra explicit points (dicts), each on top of the grid's scalars.
    jobs:      local parallel simulations (default: every core).
    cache_dir: result cache (default $NS3TLS_CACHE/sweep or ./.cache/ns3tls/sweep); False disables it.
               Keys hold the canonical parameters and the simulator's build identity, plus the
               function's reference and a SHA-256 of its source file, or the program's SHA-256.
    executor:  None/"local" (a process per simulation, ``jobs`` at a time), a dask scheduler
               address ("tcp://host:8786") or ``distributed.Client``, or any
               ``concurrent.futures.Executor``. (Workers elsewhere need your module or program
               at the same path.)
    progress:  show a progress bar (tqdm) on stderr.
    timeline:  also collect per-message timelines; returns (results, timelines).
    timeout:   wall-clock seconds after which one simulation is killed and recorded as failed.
    out:       also write the results as CSV to this path (atomically).

    Every argument and every point is checked before anything runs: a bad one raises
    ValueError naming it (e.g. the C++ message ``invalid --tls='1.4' (expected 1.2|1.3)``; a
    scenario function's parameters against its signature).

    Columns: those of :func:`ns3tls.run` (metrics, then the scenario's parameters, including
    seed and run) or of your function's/program's rows, every swept parameter that is not
    already a column (with the values as given; for your function also seed and run, for a
    program run), and ``point`` (index of the point). A parameter's column is
    ``_params.column(name)``: its Python name, but never a result's: ``early_data`` (bytes
    offered) is ``early_data_bytes`` (``early_data`` is "0-RTT accepted"), another name of a
    results or timeline column gets the prefix ``param_``. A simulation that failed has one row
    with ``ok=0`` and its ``error``. ``df.attrs["sweep"]`` has counts: tasks, points, cached,
    ran, failed, rerun (bad cache entries), wall_seconds, and the swept parameter names.
    """
    args = list(args)
    if args and callable(args[0]) and not isinstance(args[0], dict):
        if scenario is not None:
            raise TypeError("sweep(): scenario given twice")
        scenario = args.pop(0)
    if len(args) > 2:
        raise TypeError("sweep(): too many positional arguments (scenario, grid, runs)")
    if args:
        if grid is not None:
            raise TypeError("sweep(): grid given twice")
        grid = args[0]
    if len(args) == 2:
        if runs is not _UNSET:
            raise TypeError("sweep(): runs given twice")
        runs = args[1]
    if runs is _UNSET:
        runs = 1
    if scenario is not None and program is not None:
        raise ValueError("sweep(): give a scenario function or a program, not both")
    kind = "function" if scenario is not None else "program" if program is not None else "canned"

    t0 = time.monotonic()
    pts = expand(grid, points)
    numbers = run_numbers(runs)
    jobs = _executors.check_jobs(jobs)
    _executors.check(executor)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if out:
        out = _files.check_writable(out, "out")
    use_cache = cache_dir is not False
    if use_cache:
        cache_dir = os.path.abspath(_files.check_path(cache_dir or _cache.default_dir(),
                                                      "cache_dir"))

    own_run = ("run", "RngRun") if kind == "program" else ("run",)
    tasks = []
    for pi, p in enumerate(pts):
        once = numbers is None or any(k in p for k in own_run)
        for r in [None] if once else numbers:
            params = dict(p) if r is None else dict(p, run=r)
            tasks.append(_Task(len(tasks), pi, p, r, params))

    # Every point is valid before anything runs (the C++ parser, as the example's; a scenario
    # function's signature; a program's --PrintHelp).
    extra = list(dict.fromkeys(k for p in pts for k in p))
    if kind == "canned":
        for t in tasks:
            t.flags = _params.check(t.params)
            t.canon = _params.canonical(t.params)
            t.request = {"params": t.flags, "timeline": bool(timeline)}
    elif kind == "function":
        spec = _user.function_spec(scenario)
        for t in tasks:
            kwargs = dict(t.params)
            kwargs.setdefault("seed", 1)
            kwargs.setdefault("run", 1)
            _user.check_call(scenario, t.params)
            t.params = kwargs
            t.canon = {"kind": "function", "function": spec["function"],
                       "source": spec["source"], "kwargs": kwargs}
            t.request = dict(spec, kwargs=kwargs, timeline=bool(timeline))
            del t.request["source"]
        extra += [k for k in ("seed", "run") if k not in extra]
    else:
        spec = _user.program_spec(program, timeline)
        for t in tasks:
            argv = _user.program_argv(spec, t.point)
            if t.run is not None:
                argv.append(f"--RngRun={t.run}")
            t.canon = {"kind": "program", "program": os.path.basename(spec["program"]),
                       "binary": spec["binary"], "argv": argv}
            t.request = {"program": spec["program"], "argv": argv, "timeline": bool(timeline)}
        if numbers is not None and "run" not in extra:
            extra.append("run")
    if use_cache:
        try:
            os.makedirs(cache_dir, exist_ok=True)
        except OSError as e:
            raise ValueError(f"cannot create cache_dir={cache_dir!r}: {e.strerror}") from None
    build = _cache.build_identity()

    todo = {}
    stats = {"tasks": len(tasks), "points": len(pts), "cached": 0, "ran": 0, "failed": 0,
             "rerun": 0, "parameters": list(dict.fromkeys(k for p in pts for k in p))}
    for t in tasks:
        t.key = _cache.key(t.canon, build)
        if t.key in todo:
            continue
        if use_cache:
            path = _cache.entry_path(cache_dir, t.key)
            entry = _cache.read(path, t.key, build, timeline)
            if entry is not None:
                t.entry = entry
                stats["cached"] += 1
                continue
            stats["rerun"] += os.path.exists(path)
        todo[t.key] = t
    by_key = {}
    for t in tasks:
        by_key.setdefault(t.key, []).append(t)

    if todo:
        _execute(todo, by_key, stats, build, cache_dir if use_cache else None, executor, jobs,
                 progress, timeout)
    for t in tasks:  # duplicates of another task
        if t.entry is None and t.error is None:
            first = by_key[t.key][0]
            t.entry, t.error = first.entry, first.error

    df = _assemble(tasks, extra, "csv")
    stats["wall_seconds"] = time.monotonic() - t0
    df.attrs["sweep"] = stats
    if out:
        _files.write_atomic(out, df.to_csv(index=False))
    if timeline:
        tl = _assemble([t for t in tasks if t.entry is not None], extra, "timeline")
        return df, tl
    return df


def _execute(todo, by_key, stats, build, cache_dir, executor, jobs, progress, timeout):
    from tqdm.auto import tqdm

    pool = _executors.open_pool(executor, jobs)
    bar = tqdm(total=len(todo), desc="sweep", unit="run", file=sys.stderr, dynamic_ncols=True,
               disable=not progress, postfix=pool.description)
    futures = {}
    try:
        for k, t in todo.items():
            payload = {"request": t.request, "timeout": timeout}
            futures[pool.submit(payload)] = k
        for fut in cf.as_completed(list(futures)):
            k = futures[fut]
            try:
                reply = fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. a dask worker died
                reply = {"ok": False, "kind": "error", "error": f"{type(e).__name__}: {e}"}
            stats["ran"] += 1
            t = todo[k]
            if reply.get("ok"):
                entry = _cache.make_entry(k, build, t.canon,
                                          {p: _jsonable(v) for p, v in t.params.items()}, reply)
                if cache_dir:
                    _cache.write(cache_dir, entry)
                for d in by_key[k]:
                    d.entry = entry
            else:
                stats["failed"] += 1
                for d in by_key[k]:
                    d.error = reply.get("error") or "failed"
                bar.set_postfix(failed=stats["failed"])
            bar.update(1)
    except BaseException:
        pool.cancel(list(futures))
        raise
    finally:
        bar.close()
        pool.close()


def _jsonable(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    try:
        return v.item()  # numpy scalars
    except AttributeError:
        return str(v)


def _assemble(tasks, extra, what):
    """Concatenates the tasks' CSV texts (one parse per distinct header) into one DataFrame."""
    import numpy as np
    import pandas as pd

    groups = {}  # header -> [(task, body)]
    failures = []
    for t in tasks:
        if t.entry is not None:
            text = t.entry.get(what) or ""
            header, _, body = text.partition("\n")
            groups.setdefault(header, []).append((t, body))
        elif what == "csv":
            failures.append(t)

    frames = []
    for header, items in groups.items():
        counts = [_cache.count_rows("\n" + body) for _, body in items]
        df = read_csv(header + "\n" + "".join(b if b.endswith("\n") or not b else b + "\n"
                                              for _, b in items))
        if len(df) != sum(counts):  # a quoted newline somewhere: parse one by one
            parts = []
            for t, body in items:
                d = read_csv(header + "\n" + body)
                d["_order"] = t.index
                parts.append(_add_extra(d, t, extra))
            frames.append(pd.concat(parts, ignore_index=True))
            continue
        order = np.repeat([t.index for t, _ in items], counts)
        df["_order"] = order
        # Swept parameters that are not CSV columns, as given.
        by_index = {t.index: t for t, _ in items}
        for k in extra:
            col = _params.column(k)
            if col not in df.columns:
                df[col] = [_jsonable(by_index[i].params.get(k)) for i in order]
        df["point"] = [by_index[i].point_index for i in order]
        frames.append(df)

    rows = []
    for t in failures:
        row = dict(_params.core().parameter_columns(t.flags)) if t.flags is not None else {}
        for k in extra:
            col = _params.column(k)
            if col not in row:
                row[col] = _jsonable(t.params.get(k))
        row = {k: (v if k in TEXT_COLUMNS else _number(v)) for k, v in row.items()}
        row.update({"ok": 0, "error": t.error or "failed", "point": t.point_index,
                    "_order": t.index})
        rows.append(row)
    if rows:
        frames.append(pd.DataFrame(rows))

    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True, sort=False) if len(frames) > 1 else frames[0]
    df = df.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    return fix_text_columns(df)


def _add_extra(df, t, extra):
    for k in extra:
        col = _params.column(k)
        if col not in df.columns:
            df[col] = _jsonable(t.params.get(k))
    df["point"] = t.point_index
    return df


def _number(v):
    if isinstance(v, str):
        try:
            f = float(v)
        except ValueError:
            return v
        return int(f) if f.is_integer() and "." not in v and "e" not in v.lower() else f
    return v


# ----------------------------------------------------------------------------------------------
# loading results


def load(path):
    """Results from a CSV file, a directory of CSV files, or a sweep cache directory."""
    import pandas as pd

    path = _files.check_path(path)
    if os.path.isfile(path):
        return read_csv(path)
    if not os.path.isdir(path):
        raise FileNotFoundError(path)
    csvs = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        csvs += [os.path.join(root, n) for n in sorted(files) if n.endswith(".csv")]
    tasks = []
    for entry in _cache.entries(path):
        inputs = entry.get("input") or {}
        t = _Task(len(tasks), len(tasks), inputs, None, inputs)
        t.entry = entry
        tasks.append(t)
    frames = [read_csv(c) for c in csvs]
    if tasks:
        frames.append(_assemble(tasks, [], "csv").drop(columns="point"))
    if not frames:
        raise ValueError(f"no results (CSV files or sweep cache entries) under {path}")
    return fix_text_columns(pd.concat(frames, ignore_index=True, sort=False))
