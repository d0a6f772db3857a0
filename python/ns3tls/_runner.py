"""Runs one simulation in a process of its own and returns its reply (see _worker).

By default a simulation runs in a child forked by a fork server (``_forkserver``): a process
that loaded the libraries once, so a small simulation does not pay an interpreter start and the
imports each time. One server per concurrent caller (a sweep's worker threads each get their
own); servers are restarted when the build changes and stopped at exit.
``NS3TLS_FORKSERVER=0`` starts a fresh interpreter per simulation instead. Both kinds of
process run with mimalloc preloaded when it is installed (``NS3TLS_MIMALLOC=0``: glibc's malloc).
"""

import atexit
import ctypes.util
import functools
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Processes started by this process, so that an interrupted sweep can stop them.
_children = set()
_children_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _mimalloc():
    """The mimalloc library to preload into simulation processes, or None (not installed, or
    ``NS3TLS_MIMALLOC=0``). Preloaded, it is the malloc of the whole process, as in the C++
    programs, which link it first: ns-3's packets, events and callbacks allocate from it."""
    if os.environ.get("NS3TLS_MIMALLOC", "1") == "0":
        return None
    return ctypes.util.find_library("mimalloc")


def _env():
    env = dict(os.environ)
    path = env.get("PYTHONPATH", "")
    parts = path.split(os.pathsep) if path else []
    if _PACKAGE_PARENT not in parts:
        env["PYTHONPATH"] = os.pathsep.join([_PACKAGE_PARENT] + parts)
    lib = _mimalloc()
    preload = env.get("LD_PRELOAD", "").split()
    if lib and lib not in preload:
        env["LD_PRELOAD"] = " ".join([lib] + preload)
    return env


@functools.lru_cache(maxsize=1)
def _stamp_paths():
    """The compiled module and, in a build tree, the library next to it (looked up once)."""
    spec = importlib.util.find_spec("ns3tls._core")
    paths = [spec.origin] if spec and spec.origin else []
    build = os.environ.get("NS3TLS_BUILD")
    if build:
        paths.append(os.path.join(build, "libns3tls.so"))
    return tuple(paths)


def build_stamp():
    """Modification times of the compiled module and its library: a rebuild changes it, so a
    server started before must not serve the old code (and the cache's build identity is
    computed again)."""
    stamp = []
    for p in _stamp_paths():
        try:
            stamp.append(os.stat(p).st_mtime_ns)
        except OSError:
            stamp.append(None)
    return tuple(stamp)


class _Server:
    """One fork server process and the pipe to it."""

    def __init__(self):
        self.stamp = build_stamp()
        # Unbuffered bytes: replies are read with select() on the pipe itself, which knows
        # nothing of a buffered reader's read-ahead (a reply read ahead with the "pid" line
        # would wait forever).
        self.proc = subprocess.Popen([sys.executable, "-m", "ns3tls._forkserver"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=_env(), start_new_session=True, bufsize=0)
        self._pending = b""
        with _children_lock:
            _children.add(self.proc)

    def alive(self):
        return self.proc.poll() is None and self.stamp == build_stamp()

    def close(self):
        with _children_lock:
            _children.discard(self.proc)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass

    def _read_line(self, timeout):
        """The next line from the server, or None after `timeout` seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._pending:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise OSError("fork server closed its pipe")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode()

    def execute(self, request, timeout):
        """Returns the reply, or None if the server itself failed (the caller restarts it)."""
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            first = self._read_line(None)
            pid = json.loads(first)["pid"]
            line = self._read_line(timeout)
            if line is None:  # the simulation ran out of time: kill it, take the crash reply
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
                self._read_line(None)
                return {"ok": False, "kind": "timeout",
                        "error": f"timeout: no result after {timeout} s"}
            return json.loads(line)
        except (OSError, ValueError, KeyError, TypeError):
            return None


_idle = []
_idle_lock = threading.Lock()


def _take_server():
    with _idle_lock:
        while _idle:
            server = _idle.pop()
            if server.alive():
                return server
            server.close()
    return _Server()


def _give_back(server):
    with _idle_lock:
        _idle.append(server)


@atexit.register
def _stop_servers():
    with _idle_lock:
        servers, _idle[:] = list(_idle), []
    for s in servers:
        s.close()


def _execute_fresh(request, timeout):
    """One simulation in a fresh interpreter (``python -m ns3tls._worker``)."""
    proc = subprocess.Popen([sys.executable, "-m", "ns3tls._worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                            start_new_session=True, text=True)
    with _children_lock:
        _children.add(proc)
    try:
        try:
            out, err = proc.communicate(json.dumps(request), timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"ok": False, "kind": "timeout",
                    "error": f"timeout: no result after {timeout} s"}
    finally:
        with _children_lock:
            _children.discard(proc)
    try:
        reply = json.loads(out)
        if isinstance(reply, dict) and "ok" in reply:
            return reply
    except ValueError:
        pass
    from . import _worker

    return _worker.crash_reply("simulation process", proc.returncode, err)


def execute(params, timeline=False, timeout=None):
    """Runs one simulation of ``params`` ({flag: string}) in a process of its own.

    Returns the worker's reply dict; a crash, a timeout or an unreadable reply becomes
    ``{"ok": False, "kind": "crash"|"timeout", "error": ...}``. Never raises for a failed run.
    """
    return execute_request({"params": params, "timeline": bool(timeline)}, timeout)


def execute_request(request, timeout=None):
    """Runs one request (see _worker: the canned scenario or a scenario function; or
    ``{"program": path, "argv": [...]}``, a user's program run directly) and returns the reply,
    as :func:`execute`."""
    if "program" in request:
        from . import _user

        return _user.run_program(request, timeout, _children, _children_lock)
    if os.environ.get("NS3TLS_FORKSERVER", "1") == "0":
        return _execute_fresh(request, timeout)
    server = _take_server()
    reply = server.execute(request, timeout)
    if reply is None:  # the server died (killed, interrupted): a fresh one next time
        server.close()
        return {"ok": False, "kind": "crash", "error": "simulation server failed"}
    _give_back(server)
    return reply


def kill_children():
    """Kills every simulation still running and the fork servers (an interrupted sweep)."""
    with _children_lock:
        procs = list(_children)
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            try:
                p.kill()
            except OSError:
                pass
