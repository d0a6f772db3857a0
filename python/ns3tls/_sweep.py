"""Parameter sweeps: grid x runs, one process per simulation, cached, local or on dask.

Each (point, run) is one simulation in its own process (ns-3 keeps process-wide state). Its
result is cached as one JSON file named by a hash of the canonical parameters and the module
version, written atomically (temporary file + os.replace), so an interrupted or extended sweep
re-runs only what is missing. A failed simulation becomes a row with ``ok=0`` and its ``error``
(and is not cached, so the next sweep tries it again); it never stops the sweep.
"""

import concurrent.futures as cf
import itertools
import json
import os
import socket
import sys
import tempfile
import time

from . import _params, _runner
from ._frames import TEXT_COLUMNS, fix_text_columns, read_csv

#: Where sweep() caches results unless told otherwise ($NS3TLS_CACHE overrides).
DEFAULT_CACHE = os.path.join(".cache", "ns3tls", "sweep")


def default_cache_dir():
    return os.environ.get("NS3TLS_CACHE") or os.path.join(os.getcwd(), DEFAULT_CACHE)


def module_version():
    """The version that goes into every cache key (the compiled module's)."""
    return _params.core().__version__


# ----------------------------------------------------------------------------------------------
# grid expansion


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


def _run_numbers(runs):
    if runs is None:
        return None
    if isinstance(runs, int):
        if runs < 1:
            raise ValueError("runs must be >= 1")
        return list(range(1, runs + 1))
    return [int(r) for r in runs]


# ----------------------------------------------------------------------------------------------
# cache


def _entry_path(cache_dir, key):
    return os.path.join(cache_dir, key[:2], key + ".json")


def _read_entry(path, version, need_timeline):
    try:
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
    except (OSError, ValueError):
        return None
    if entry.get("format") != _params.CACHE_FORMAT or entry.get("version") != version:
        return None
    if "csv" not in entry or (need_timeline and entry.get("timeline") is None):
        return None
    return entry


def write_atomic(path, text):
    """Writes text to path atomically: a temporary file in the same directory, then os.replace."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ----------------------------------------------------------------------------------------------
# executors: submit(payload) -> future; each task runs one simulation in a child process


def _task(payload):
    """Runs on the executor (a thread here, or a dask worker): one simulation, in a subprocess."""
    reply = _runner.execute(payload["params"], payload.get("timeline", False),
                            payload.get("timeout"))
    reply["host"] = socket.gethostname()
    reply["executor_pid"] = os.getpid()
    return reply


class _LocalExecutor:
    description = "local"

    def __init__(self, jobs):
        self.jobs = jobs
        self.stopping = False
        self.pool = cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ns3tls")
        self.description = f"{jobs} local process{'es' if jobs != 1 else ''}"

    def _run(self, payload):
        if self.stopping:
            return {"ok": False, "kind": "cancelled", "error": "cancelled"}
        return _task(payload)

    def submit(self, payload):
        return self.pool.submit(self._run, payload)

    def as_completed(self, futures):
        return cf.as_completed(futures)

    def cancel(self, futures):
        self.stopping = True
        self.pool.shutdown(wait=False, cancel_futures=True)
        _runner.kill_children()

    def close(self):
        self.pool.shutdown(wait=True)


class _FuturesExecutor:
    """Any concurrent.futures.Executor given by the caller (e.g. a ProcessPoolExecutor)."""

    def __init__(self, executor):
        self.executor = executor
        self.description = type(executor).__name__

    def submit(self, payload):
        return self.executor.submit(_task, payload)

    def as_completed(self, futures):
        return cf.as_completed(futures)

    def cancel(self, futures):
        for f in futures:
            f.cancel()

    def close(self):
        pass


class _DaskExecutor:
    """A dask.distributed cluster, by scheduler address or Client."""

    def __init__(self, target, connect_timeout=30):
        try:
            import distributed
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise RuntimeError("a dask scheduler was given but dask.distributed is not installed "
                               "(Debian: apt-get install python3-distributed)") from e
        self.distributed = distributed
        if isinstance(target, distributed.Client):
            self.client = target
            self.own = False
        else:
            try:
                self.client = distributed.Client(target, timeout=connect_timeout,
                                                 set_as_default=False)
            except (OSError, TimeoutError) as e:
                raise RuntimeError(f"cannot reach the dask scheduler at {target}: {e}") from e
            self.own = True
        self.description = f"dask cluster at {self.client.scheduler.address}"

    def submit(self, payload):
        return self.client.submit(_task, payload, pure=False)

    def as_completed(self, futures):
        return self.distributed.as_completed(futures, loop=self.client.loop)

    def cancel(self, futures):
        try:
            self.client.cancel(list(futures))
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass

    def close(self):
        if self.own:
            self.client.close()


def _make_executor(executor, jobs):
    if executor is None or executor == "local":
        return _LocalExecutor(jobs or os.cpu_count() or 1)
    if isinstance(executor, cf.Executor):
        return _FuturesExecutor(executor)
    if isinstance(executor, str):
        return _DaskExecutor(executor)
    try:
        import distributed

        if isinstance(executor, distributed.Client):
            return _DaskExecutor(executor)
    except ImportError:  # pragma: no cover
        pass
    raise ValueError(f"executor must be None, 'local', a dask scheduler address, a "
                     f"distributed.Client or a concurrent.futures.Executor, not {executor!r}")


# ----------------------------------------------------------------------------------------------
# progress


class _Progress:
    """tqdm when installed (and enabled), else rich, else a line of plain text now and then."""

    def __init__(self, total, enabled, description):
        self.total = total
        self.done = 0
        self.failed = 0
        self.start = time.monotonic()
        self.last = self.start
        self.bar = None
        self.rich = None
        self.enabled = enabled and total > 0
        if not self.enabled:
            return
        interactive = sys.stderr.isatty() or "ipykernel" in sys.modules
        if interactive:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total, desc="sweep", unit="run", file=sys.stderr,
                                dynamic_ncols=True)
                return
            except ImportError:
                pass
            try:
                import rich.progress

                self.rich = rich.progress.Progress(transient=False)
                self.rich.start()
                self.task = self.rich.add_task("sweep", total=total)
                return
            except ImportError:
                pass
        print(f"sweep: {total} runs to do on {description}", file=sys.stderr, flush=True)

    def update(self, ok):
        self.done += 1
        self.failed += 0 if ok else 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed)
        elif self.rich is not None:
            self.rich.update(self.task, advance=1)
        else:
            now = time.monotonic()
            if now - self.last >= 5 or self.done == self.total:
                self.last = now
                elapsed = now - self.start
                eta = elapsed / self.done * (self.total - self.done)
                print(f"sweep: {self.done}/{self.total} done, {self.failed} failed, "
                      f"{elapsed:.0f} s elapsed, ~{eta:.0f} s left", file=sys.stderr, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()
        if self.rich is not None:
            self.rich.stop()


# ----------------------------------------------------------------------------------------------
# the sweep


class _Task:
    __slots__ = ("index", "point_index", "point", "run", "params", "flags", "key", "entry",
                 "error", "cached")

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
        self.cached = False


def sweep(grid=None, runs=1, *, points=None, jobs=None, cache_dir=None, executor=None,
          progress=True, timeline=False, timeout=None, out=None):
    """Runs a grid of scenarios, ``runs`` independent replications each, and returns one tidy
    DataFrame (a row per handshake of every simulation).

    grid:      {parameter: value or list of values}; lists are crossed (cartesian product),
               scalars apply to every point, e.g. ``{"tls": ["1.2", "1.3"], "loss": [0, 0.01],
               "handshakes": 20}``.
    runs:      replications per point: an int N (ns-3 run numbers 1..N) or a list of run
               numbers. A point that sets ``run`` itself is simulated once.
    points:    extra explicit points (dicts), each on top of the grid's scalars.
    jobs:      local parallel simulations (default: every core).
    cache_dir: result cache (default $NS3TLS_CACHE or ./.cache/ns3tls/sweep); False disables it.
    executor:  None/"local" (a process per simulation, ``jobs`` at a time), a dask scheduler
               address ("tcp://host:8786") or ``distributed.Client``, or any
               ``concurrent.futures.Executor``.
    progress:  show a progress bar (tqdm, rich, or plain text).
    timeline:  also collect per-message timelines; returns (results, timelines).
    timeout:   wall-clock seconds after which one simulation is killed and recorded as failed.
    out:       also write the results as CSV to this path (atomically).

    Columns: those of :func:`ns3tls.run` (metrics, then the scenario's parameters, including
    seed and run), every swept parameter that is not already a column (with the values as
    given), and ``point`` (index of the point). A simulation that failed has one row with
    ``ok=0`` and its ``error``. ``df.attrs["sweep"]`` has counts: tasks, cached, ran, failed,
    wall_seconds.
    """
    t0 = time.monotonic()
    version = module_version()
    pts = expand(grid, points)
    run_numbers = _run_numbers(runs)

    # Unknown names are a mistake in the sweep itself: raise before doing anything.
    for p in pts:
        _params.normalize(p)

    tasks = []
    for pi, p in enumerate(pts):
        if "run" in p or run_numbers is None:
            rs = [None]
        else:
            rs = run_numbers
        for r in rs:
            params = dict(p) if r is None else dict(p, run=r)
            tasks.append(_Task(len(tasks), pi, p, r, params))

    use_cache = cache_dir is not False
    if use_cache:
        cache_dir = os.path.abspath(os.fspath(cache_dir or default_cache_dir()))
        os.makedirs(cache_dir, exist_ok=True)

    # Validate, canonicalise and look up every task; identical simulations run once.
    todo = {}
    for t in tasks:
        try:
            t.flags = _params.check(t.params)
            canon = _params.canonical(t.params)
        except ValueError as e:
            t.error = str(e)
            continue
        t.key = _params.cache_key(canon, version)
        if t.key in todo:
            continue
        if use_cache:
            entry = _read_entry(_entry_path(cache_dir, t.key), version, timeline)
            if entry is not None:
                t.entry = entry
                t.cached = True
                continue
        todo[t.key] = t
    by_key = {}
    for t in tasks:
        if t.key is not None:
            by_key.setdefault(t.key, []).append(t)

    stats = {"tasks": len(tasks), "points": len(pts), "cached": sum(t.cached for t in tasks),
             "ran": 0, "failed": 0}
    if todo:
        ex = _make_executor(executor, jobs)
        bar = _Progress(len(todo), progress, ex.description)
        futures = {}
        try:
            for key, t in todo.items():
                payload = {"params": t.flags, "timeline": timeline, "timeout": timeout}
                futures[ex.submit(payload)] = key
            for fut in ex.as_completed(list(futures)):
                key = futures[fut]
                try:
                    reply = fut.result()
                except Exception as e:  # noqa: BLE001 - e.g. a dask worker died
                    reply = {"ok": False, "kind": "error", "error": f"{type(e).__name__}: {e}"}
                stats["ran"] += 1
                if reply.get("ok"):
                    entry = {"format": _params.CACHE_FORMAT, "version": version, "key": key,
                             "params": _params.canonical(todo[key].params),
                             "input": {k: _jsonable(v) for k, v in todo[key].params.items()},
                             "csv": reply["csv"], "timeline": reply.get("timeline"),
                             "info": dict(reply.get("info") or {}, host=reply.get("host"),
                                          executor_pid=reply.get("executor_pid")),
                             "created": time.time()}
                    if use_cache:
                        write_atomic(_entry_path(cache_dir, key), json.dumps(entry))
                    for t in by_key[key]:
                        t.entry = entry
                else:
                    stats["failed"] += 1
                    for t in by_key[key]:
                        t.error = reply.get("error") or "failed"
                bar.update(reply.get("ok"))
        except BaseException:
            ex.cancel(list(futures))
            raise
        finally:
            bar.close()
            ex.close()
    for t in tasks:  # duplicates of a cached entry
        if t.entry is None and t.error is None and t.key is not None:
            first = by_key[t.key][0]
            t.entry, t.error = first.entry, first.error
    stats["failed"] += sum(1 for t in tasks if t.key is None)

    extra = []
    for p in pts:
        for k in p:
            if k not in extra:
                extra.append(k)
    df = _assemble(tasks, extra, "csv")
    stats["wall_seconds"] = time.monotonic() - t0
    df.attrs["sweep"] = stats
    if out:
        write_atomic(os.fspath(out), df.to_csv(index=False))
    if timeline:
        tl = _assemble([t for t in tasks if t.entry is not None], extra, "timeline")
        return df, tl
    return df


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
        counts = [_count_rows(body) for _, body in items]
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
            col = k.replace("-", "_")
            if col not in df.columns:
                df[col] = [_jsonable(by_index[i].params.get(k)) for i in order]
        df["point"] = [by_index[i].point_index for i in order]
        frames.append(df)

    rows = []
    for t in failures:
        row = {}
        try:
            row.update(_params.core().parameter_columns(t.flags or _params.normalize(t.params)))
        except ValueError:
            row.update({_params.flag(k).replace("-", "_"): _jsonable(v)
                        for k, v in t.params.items()})
        for k in extra:
            col = k.replace("-", "_")
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
        col = k.replace("-", "_")
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


def _count_rows(body):
    return body.count("\n") + (1 if body and not body.endswith("\n") else 0)


# ----------------------------------------------------------------------------------------------
# loading results


def load(path):
    """Results from a CSV file, a directory of CSV files, or a sweep cache directory."""
    import pandas as pd

    path = os.fspath(path)
    if os.path.isfile(path):
        return read_csv(path)
    if not os.path.isdir(path):
        raise FileNotFoundError(path)
    csvs = []
    tasks = []
    for root, _, files in os.walk(path):
        for name in sorted(files):
            full = os.path.join(root, name)
            if name.endswith(".csv"):
                csvs.append(full)
            elif name.endswith(".json") and not name.startswith(".tmp-"):
                try:
                    with open(full, encoding="utf-8") as f:
                        entry = json.load(f)
                except (OSError, ValueError):
                    continue
                if isinstance(entry, dict) and "csv" in entry and \
                        entry.get("format") == _params.CACHE_FORMAT:
                    t = _Task(len(tasks), len(tasks), entry.get("input", {}), None,
                              entry.get("input", {}))
                    t.entry = entry
                    tasks.append(t)
    frames = [read_csv(c) for c in sorted(csvs)]
    if tasks:
        df = _assemble(tasks, [], "csv").drop(columns="point")
        frames.append(df)
    if not frames:
        raise ValueError(f"no results (CSV files or sweep cache entries) under {path}")
    return fix_text_columns(pd.concat(frames, ignore_index=True, sort=False))
