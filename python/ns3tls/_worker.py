"""One simulation in a fresh process: ``python -m ns3tls._worker`` (and ``handle()``, which the
fork server's children call).

ns-3 keeps process-wide state (the simulator, TypeId and attribute defaults, random streams), so
every simulation of a sweep gets its own process. The request is a JSON object on stdin:
``{"params": {flag: string}, "timeline": bool}`` (the canned scenario) or
``{"function": "module:qualname", "path": import root, "kwargs": {...}, "timeline": bool}`` (a
user's scenario function, see _user); the reply is one JSON object on the original
stdout: ``{"ok": true, "csv": ..., "timeline": ..., "info": {...}}`` or
``{"ok": false, "kind": "invalid"|"error", "error": message}``. Anything the simulation itself
prints goes to stderr, so it cannot corrupt the reply.
"""

import json
import os
import sys


def crash_reply(what, returncode, output):
    """The reply for a process that ended without one: ``{"ok": False, "kind": "crash",
    "error": "WHAT failed (exit N | killed by signal N): last lines of its output"}``.
    ``returncode`` as subprocess gives it (negative: the signal); a string is used as is."""
    if isinstance(returncode, str):
        how = returncode
    else:
        how = f"killed by signal {-returncode}" if returncode < 0 else f"exit {returncode}"
    last = [line for line in output.strip().splitlines() if line.strip()][-3:]
    detail = (": " + " | ".join(last)) if last else ""
    return {"ok": False, "kind": "crash", "error": f"{what} failed ({how}){detail}"}


def handle(request):
    """Runs the simulation a request names and returns the reply dict (never raises)."""
    try:
        if "function" in request:
            from . import _user

            return _user.run_function(request)
        from . import _core

        csv, timeline, info = _core.run_csv(request["params"])
        return {"ok": True, "csv": csv, "info": info,
                "timeline": timeline if request.get("timeline") else None}
    except ValueError as e:
        return {"ok": False, "kind": "invalid", "error": str(e)}
    except Exception as e:  # noqa: BLE001 - reported to the parent, which records it
        return {"ok": False, "kind": "error", "error": f"{type(e).__name__}: {e}"}


def main():
    reply_fd = os.dup(1)
    sys.stdout.flush()
    os.dup2(2, 1)  # C++ and Python prints now go to stderr
    try:
        request = json.load(sys.stdin)
        reply = handle(request)
    except ValueError as e:
        reply = {"ok": False, "kind": "error", "error": f"bad request: {e}"}
    with os.fdopen(reply_fd, "w") as out:
        json.dump(reply, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
