"""Runs one simulation in a child process and returns its reply (see _worker)."""

import json
import os
import subprocess
import sys
import threading

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Child processes started by this process, so that an interrupted sweep can stop them.
_children = set()
_children_lock = threading.Lock()


def _env(crypto_thread=None):
    env = dict(os.environ)
    if crypto_thread and "NS3TLS_CRYPTO_THREAD" not in env:
        env["NS3TLS_CRYPTO_THREAD"] = crypto_thread  # the user's own choice wins
    path = env.get("PYTHONPATH", "")
    parts = path.split(os.pathsep) if path else []
    if _PACKAGE_PARENT not in parts:
        env["PYTHONPATH"] = os.pathsep.join([_PACKAGE_PARENT] + parts)
    return env


def execute(params, timeline=False, timeout=None, crypto_thread=None):
    """Runs one simulation of ``params`` ({flag: string}) in a fresh Python process.

    ``crypto_thread`` ("on"/"off"/"auto", default the C++ default) sets TlsCryptoThread in the
    child; results do not depend on it, only speed does.

    Returns the worker's reply dict; a crash, a timeout or an unreadable reply becomes
    ``{"ok": False, "kind": "crash"|"timeout", "error": ...}``. Never raises for a failed run.
    """
    request = json.dumps({"params": params, "timeline": bool(timeline)})
    proc = subprocess.Popen([sys.executable, "-m", "ns3tls._worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(crypto_thread),
                            start_new_session=True, text=True)
    with _children_lock:
        _children.add(proc)
    try:
        try:
            out, err = proc.communicate(request, timeout=timeout)
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
    last = [line for line in err.strip().splitlines() if line.strip()][-3:]
    rc = proc.returncode
    how = f"killed by signal {-rc}" if rc < 0 else f"exit {rc}"
    detail = (": " + " | ".join(last)) if last else ""
    return {"ok": False, "kind": "crash", "error": f"simulation process failed ({how}){detail}"}


def kill_children():
    """Kills every child simulation still running (e.g. when a sweep is interrupted)."""
    with _children_lock:
        procs = list(_children)
    for p in procs:
        try:
            p.kill()
        except OSError:
            pass
