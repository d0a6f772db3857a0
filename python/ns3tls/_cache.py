"""The sweep's result cache: one JSON file per simulation, keyed by its canonical parameters
and the build identity of the simulator, validated when read.

An entry is ``{"format", "build", "key", "params", "input", "csv", "rows", "digest",
"timeline", "timeline_digest", "info", "created"}``: ``rows`` and ``digest`` (SHA-256) of the
CSV text let a reader detect an edited or truncated entry. An entry that does not pass is
re-run (with a warning); an entry of another build is never served (the key differs, and
the entry's ``build`` is checked too).
"""

import functools
import hashlib
import json
import os
import warnings

from . import _files, _params, _runner

#: Bumped when the entry layout changes.
FORMAT = 2

#: Where sweep() caches results unless told otherwise, relative to the working directory.
DEFAULT_DIR = os.path.join(".cache", "ns3tls", "sweep")


def default_dir():
    """$NS3TLS_CACHE/sweep when $NS3TLS_CACHE is set (the one root of every ns3tls cache: the
    OpenSSL build, the in-tree and fresh-Debian test trees, sweep results), else
    ./.cache/ns3tls/sweep."""
    root = os.environ.get("NS3TLS_CACHE")
    return os.path.join(root, "sweep") if root else os.path.join(os.getcwd(), DEFAULT_DIR)


def build_identity():
    """The identity of the simulator that produces results: a SHA-256 over the content of the
    compiled module (_core) and the ns3tls library it loaded, and the path, size and mtime of
    the other shared libraries it loaded (ns-3, OpenSSL). Computed once per build (~30 ms): again
    after a rebuild in the same process, as the fork servers are restarted then."""
    return _build_identity(_runner.build_stamp())


@functools.lru_cache(maxsize=4)
def _build_identity(stamp):
    core = _params.core()
    # An OpenSSL linked into libns3tls is part of its content; the system's libssl/libcrypto that
    # Python's ssl module may have loaded are then not the simulator's.
    bundled = getattr(core, "openssl_bundled", lambda: False)()
    system_prefixes = ("libns3",) if bundled else ("libns3", "libssl", "libcrypto")
    h = hashlib.sha256(b"ns3tls-build-1\0")
    own = [os.path.realpath(core.__file__)]
    system = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            libs = {line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6}
    except OSError:
        libs = set()
    for lib in sorted(libs):
        name = os.path.basename(lib)
        if not lib.startswith("/") or " (deleted)" in lib:
            continue
        if name.startswith("libns3tls"):
            own.append(os.path.realpath(lib))
        elif name.startswith(system_prefixes):
            system.append(lib)
    for path in sorted(set(own)):
        with open(path, "rb") as f:
            h.update(path.encode() + b"\0" + hashlib.file_digest(f, "sha256").digest())
    for path in system:
        st = os.stat(path)
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()[:32]


def key(canon, build):
    """A stable hash of a canonical configuration and the build identity."""
    blob = json.dumps({"format": FORMAT, "build": build, "params": canon}, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def entry_path(cache_dir, k):
    return os.path.join(cache_dir, k[:2], k + ".json")


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def count_rows(text):
    """Data rows of a CSV text whose cells hold no newline (the C++ writer escapes none)."""
    body = text.partition("\n")[2]
    return body.count("\n") + (1 if body and not body.endswith("\n") else 0)


def make_entry(k, build, params, inputs, reply):
    csv = reply["csv"]
    timeline = reply.get("timeline")
    import time

    return {"format": FORMAT, "build": build, "key": k, "params": params, "input": inputs,
            "csv": csv, "rows": count_rows(csv), "digest": digest(csv),
            "timeline": timeline,
            "timeline_digest": digest(timeline) if isinstance(timeline, str) else None,
            "info": dict(reply.get("info") or {}, host=reply.get("host"),
                         executor_pid=reply.get("executor_pid")),
            "created": time.time()}


def problem(entry, k=None, build=None, need_timeline=False):
    """Why an entry cannot be served ("" if it can)."""
    if not isinstance(entry, dict):
        return f"not an object ({type(entry).__name__})"
    if entry.get("format") != FORMAT:
        return f"format {entry.get('format')!r}, expected {FORMAT}"
    if build is not None and entry.get("build") != build:
        return "made by another build of the simulator"
    if k is not None and entry.get("key") != k:
        return "key does not match its file name"
    csv = entry.get("csv")
    if not isinstance(csv, str) or "\n" not in csv:
        return "no CSV text"
    if entry.get("rows") != count_rows(csv):
        return f"{count_rows(csv)} rows, the entry says {entry.get('rows')!r}"
    if entry.get("digest") != digest(csv):
        return "CSV digest mismatch (edited or corrupted)"
    tl = entry.get("timeline")
    if tl is not None and (not isinstance(tl, str) or entry.get("timeline_digest") != digest(tl)):
        return "timeline digest mismatch"
    if need_timeline and tl is None:
        return "no timeline"
    return ""


def read(path, k, build, need_timeline):
    """The entry at path if it can be served, else None (a bad entry warns once here)."""
    try:
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        warnings.warn(f"sweep cache: unreadable entry {path} ({e}): simulating again",
                      RuntimeWarning, stacklevel=3)
        return None
    why = problem(entry, k, build, need_timeline)
    if why:
        if why != "no timeline":
            warnings.warn(f"sweep cache: bad entry {path} ({why}): simulating again",
                          RuntimeWarning, stacklevel=3)
        return None
    return entry


def write(cache_dir, entry):
    _files.write_atomic(entry_path(cache_dir, entry["key"]), json.dumps(entry))


def entries(cache_dir):
    """Every valid entry under a cache directory (any build), in file-name order; bad ones are
    skipped with a warning."""
    out = []
    for root, dirs, files in os.walk(cache_dir):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".json") or name.startswith(".tmp-"):
                continue
            path = os.path.join(root, name)
            try:
                with open(path, encoding="utf-8") as f:
                    entry = json.load(f)
            except (OSError, ValueError):
                entry = None
            why = problem(entry, k=name[:-5])
            if why:
                warnings.warn(f"sweep cache: skipping bad entry {path} ({why})", RuntimeWarning,
                              stacklevel=2)
                continue
            out.append(entry)
    return out
