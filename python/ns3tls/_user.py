"""Sweeps over your own scenarios: a Python scenario function or a C++ program.

A **scenario function** ``scenario(**params, seed=, run=)`` builds a topology (e.g. with
:class:`ns3tls.network.Network`) and returns a DataFrame (a row per handshake), or a
``(results, timeline)`` pair when the sweep asks for timelines. Each call runs in a process of
its own (ns-3 keeps process-wide state): a child of the fork server imports the function by its
reference ``"module:qualname"`` and calls it, so the function must be importable there: defined
with ``def`` at the top level of a ``.py`` module (not a lambda, a nested function or a function
of ``__main__``/a notebook). Its cache key holds the reference and a SHA-256 of the module's file,
so editing the file re-runs the sweep.

A **program** is an executable (or a single ``.cc`` file, built as ``./ns3tls program`` builds it)
that parses its flags with ns-3's ``CommandLine`` and writes its results with ``--csv=FILE``
(``TlsTrackerHelper::WriteCsv`` writes the columns of ``./ns3tls run``); the grid's keys are its
flag names (``"wan-delay"``), each run gets ns-3's ``--RngRun=N`` and, with ``timeline=True``,
``--timeline=FILE``. Its cache key holds the flags and a SHA-256 of the executable.
"""

import hashlib
import importlib
import inspect
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

_FIX = ("define it with `def` at the top level of a .py module that worker processes can import "
        "(not a lambda, a nested function, __main__ or a notebook) and pass that function")

#: ns-3 global values every CommandLine accepts (``--RngRun=3``), beside a program's own flags.
NS3_GLOBALS = ("RngRun", "RngSeed", "SchedulerType", "SimulatorImplementationType",
               "ChecksumEnabled")


def _sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ----------------------------------------------------------------------------------------------
# scenario functions


def function_spec(fn):
    """The importable reference of a scenario function, checked in this process:
    ``{"function": "module:qualname", "path": import root, "source": sha256 of the file}``.
    Raises one ValueError naming the function and the fix when a child could not import it."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    module = getattr(fn, "__module__", None)

    def refuse(why):
        return ValueError(f"scenario {name!r} cannot run in a worker process ({why}): {_FIX}")

    if not inspect.isfunction(fn):
        raise refuse(f"a {type(fn).__name__}, not a function")
    if fn.__name__ == "<lambda>":
        raise refuse("a lambda")
    if "<locals>" in fn.__qualname__:
        raise refuse("defined inside another function")
    if not module or module == "__main__":
        raise refuse(f"defined in {module or 'no module'}")
    mod = sys.modules.get(module)
    target = mod
    for part in fn.__qualname__.split("."):
        target = getattr(target, part, None)
    if target is not fn:
        raise refuse(f"{module}.{fn.__qualname__} is not this function")
    try:
        file = inspect.getsourcefile(fn)
    except TypeError:
        file = None
    if not file or not os.path.isfile(file):
        raise refuse("no source file")
    file = os.path.abspath(file)
    # The directory a child puts on sys.path to import the module: the file's directory,
    # minus one level per enclosing package.
    root = os.path.dirname(file)
    levels = module.count(".") + (os.path.basename(file) == "__init__.py")
    for _ in range(levels):
        root = os.path.dirname(root)
    return {"function": f"{module}:{fn.__qualname__}", "path": root, "source": _sha256_file(file)}


def check_call(fn, params):
    """Raises ValueError if ``fn(**params, seed=, run=)`` cannot bind (a parameter the function
    does not take, or a required one missing) or a value cannot travel to a worker (JSON)."""
    args = dict(params)
    args.setdefault("seed", 1)
    args.setdefault("run", 1)
    for k, v in params.items():
        if not isinstance(k, str) or not k.isidentifier():
            raise ValueError(f"scenario parameter {k!r} is not a Python identifier")
        try:
            json.dumps(v, allow_nan=True)
        except (TypeError, ValueError):
            raise ValueError(f"scenario parameter {k}={v!r}: only str, int, float, bool, None "
                             f"and lists/dicts of them can be sent to a worker") from None
    try:
        inspect.signature(fn).bind(**args)
    except TypeError as e:
        raise ValueError(f"scenario {fn.__qualname__}{inspect.signature(fn)} cannot be called "
                         f"with {sorted(args)}: {e}") from None


def run_function(request):
    """In the child process: imports and calls the scenario function; returns the reply."""
    import pandas as pd

    root = request.get("path")
    if root and root not in sys.path:
        sys.path.insert(0, root)
    module, _, qualname = request["function"].partition(":")
    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    kwargs = dict(request.get("kwargs") or {})
    result = fn(**kwargs)
    timeline = None
    if isinstance(result, tuple) and len(result) == 2:
        result, timeline = result
    if not isinstance(result, pd.DataFrame):
        try:
            result = pd.DataFrame(result)
        except (TypeError, ValueError):
            return {"ok": False, "kind": "error",
                    "error": f"{request['function']} returned a {type(result).__name__}, "
                             f"not a DataFrame"}
    if request.get("timeline") and timeline is None:
        return {"ok": False, "kind": "error",
                "error": f"timeline=True: {request['function']} must return (results, timeline)"}
    if timeline is not None and not isinstance(timeline, pd.DataFrame):
        timeline = pd.DataFrame(timeline)
    info = json.loads(json.dumps(result.attrs.get("info") or {}, default=str))
    return {"ok": True, "csv": result.to_csv(index=False), "info": info,
            "timeline": (timeline.to_csv(index=False)
                         if request.get("timeline") and timeline is not None else None)}


# ----------------------------------------------------------------------------------------------
# programs


def _build_dir():
    """The CMake build tree this package belongs to (where ns3tlsConfig.cmake is)."""
    env = os.environ.get("NS3TLS_BUILD")
    here = os.path.dirname(os.path.abspath(__file__))  # <build>/python/ns3tls (symlinks)
    for d in ([env] if env else []) + [os.path.dirname(os.path.dirname(here))]:
        if d and os.path.isfile(os.path.join(d, "ns3tlsConfig.cmake")):
            return os.path.abspath(d)
    return None


def build_program(src):
    """Builds a single-file program as ``./ns3tls program`` does (cmake/program against this
    build tree); returns the executable. ValueError if it cannot be built."""
    src = os.path.abspath(src)
    build = _build_dir()
    source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    recipe = os.path.join(source_root, "cmake", "program")
    if not build or not os.path.isfile(os.path.join(recipe, "CMakeLists.txt")):
        raise ValueError(f"program={src!r}: no ns3tls build tree to build it against; build it "
                         f"with `./ns3tls program {os.path.basename(src)}` and pass the executable")
    name = os.path.splitext(os.path.basename(src))[0]
    out = os.path.join(build, "programs", name)
    os.makedirs(out, exist_ok=True)
    for cmd in (["cmake", "-S", recipe, "-B", out, "-G", "Ninja", f"-DNS3TLS_PROGRAM={src}",
                 f"-Dns3tls_DIR={build}"], ["ninja", "-C", out]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            last = [x for x in (r.stdout + r.stderr).splitlines()
                    if x.strip() and not re.match(r"\[\d+/\d+\] ", x)][-5:]
            raise ValueError(f"program={src!r} does not build: " + " | ".join(last))
    return os.path.join(out, name)


def program_spec(program, timeline=False):
    """Checks a program before a sweep: an executable (a .cc file is built first) whose
    ``--PrintHelp`` (ns-3 CommandLine) lists ``--csv`` (and ``--timeline`` if asked for).
    Returns {"program": path, "binary": sha256, "flags": [its flag names]}."""
    from . import _files

    path = os.path.abspath(_files.check_path(program, "program"))
    if path.endswith(".cc") and os.path.isfile(path):
        path = build_program(path)
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise ValueError(f"program={program!r} is not an executable file (or a .cc file)")
    try:
        r = subprocess.run([path, "--PrintHelp"], capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ValueError(f"program={program!r}: --PrintHelp failed ({e})") from None
    flags = re.findall(r"^\s+--([^\s:=]+):", r.stdout + r.stderr, re.M)
    needed = ["csv"] + (["timeline"] if timeline else [])
    for f in needed:
        if f not in flags:
            raise ValueError(f"program={program!r} has no --{f} flag (its --PrintHelp lists "
                             f"{', '.join('--' + x for x in flags) or 'none'}): a sweep runs "
                             f"`program --flag=value ... --{f}=FILE` and reads FILE, e.g. written "
                             f"with TlsTrackerHelper::Write{'Csv' if f == 'csv' else 'TimelineCsv'}")
    return {"program": path, "binary": _sha256_file(path), "flags": flags}


def program_argv(spec, point):
    """{flag: value} -> ["--flag=value", ...]; ValueError for a flag the program does not list
    (ns-3 attribute paths ``ns3::Type::Attribute`` and global values pass) or a bad value."""
    argv = []
    for k, v in point.items():
        k = str(k)
        if k in ("csv", "timeline"):
            raise ValueError(f"grid parameter '{k}': the sweep sets --{k}= itself")
        if k not in spec["flags"] and k not in NS3_GLOBALS and "::" not in k:
            raise ValueError(f"unknown parameter '{k}' for {os.path.basename(spec['program'])} "
                             f"(its flags: {', '.join(x for x in spec['flags'] if x[0].islower())})")
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif not isinstance(v, (str, int, float)):
            try:
                v = v.item()  # numpy scalars
            except AttributeError:
                raise ValueError(f"parameter {k}={v!r}: a program flag takes a string or a "
                                 f"number") from None
        v = str(v)
        if "\0" in v:
            raise ValueError(f"invalid --{k}={v!r}: contains a NUL character")
        argv.append(f"--{k}={v}")
    return argv


def run_program(request, timeout=None, children=None, lock=None):
    """Runs ``program argv --csv=TMP [--timeline=TMP]`` in a new session; returns the reply."""
    with tempfile.TemporaryDirectory(prefix="ns3tls-program-") as tmp:
        csv = os.path.join(tmp, "results.csv")
        tl = os.path.join(tmp, "timeline.csv")
        argv = [request["program"]] + list(request["argv"]) + [f"--csv={csv}"]
        if request.get("timeline"):
            argv.append(f"--timeline={tl}")
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, cwd=tmp, text=True,
                                    errors="replace", start_new_session=True)
        except OSError as e:
            return {"ok": False, "kind": "error", "error": f"cannot start {argv[0]}: {e}"}
        if children is not None:
            with lock:
                children.add(proc)
        try:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                proc.communicate()
                return {"ok": False, "kind": "timeout",
                        "error": f"timeout: no result after {timeout} s"}
        finally:
            if children is not None:
                with lock:
                    children.discard(proc)
        rc = proc.returncode
        text = None
        if rc == 0:
            try:
                with open(csv, encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                text = None
        if rc != 0 or not text or "\n" not in text:
            from . import _worker

            return _worker.crash_reply("program", rc if rc else "no --csv file written", out)
        timeline = None
        if request.get("timeline") and os.path.isfile(tl):
            with open(tl, encoding="utf-8") as f:
                timeline = f.read()
        return {"ok": True, "csv": text, "timeline": timeline, "info": {}}
