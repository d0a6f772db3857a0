"""A fork server: ``python -m ns3tls._forkserver`` (started and used by ``_runner``).

ns-3 keeps process-wide state (the simulator, attribute defaults, random streams), so every
simulation needs a process of its own. Starting a fresh interpreter for each one costs more
than a small simulation (interpreter, imports, loading ns-3 and OpenSSL: ~100 ms). This
server pays that once: it imports ``ns3tls._core`` and then, for each request, forks a child
that runs exactly one simulation and exits. The server itself never simulates, so every child
starts from the state a fresh process has after loading the libraries (the same records: a
test compares them).

Protocol, one JSON object per line. Request on stdin: a ``_worker`` request (``{"params":
{flag: string}, "timeline": bool}`` or a user's scenario function by reference). The server answers ``{"pid": N}`` as soon as the child runs (so the caller
can kill it on a timeout), then the reply of ``ns3tls._worker.handle`` or, if the child died,
``{"ok": false, "kind": "crash", "error": ...}``. Anything a child prints goes to a temporary
file whose last lines make the crash message.
"""

import json
import os
import sys
import tempfile


def _crash_reply(status, log):
    from . import _worker

    log.seek(0)
    rc = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return _worker.crash_reply("simulation process", rc, log.read().decode(errors="replace"))


def _run_child(request, reply_w, log):
    """In the forked child: one simulation, the reply written to reply_w, then _exit."""
    code = 0
    try:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        from . import _worker

        data = json.dumps(_worker.handle(request)).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(reply_w, view):]
    except BaseException:  # noqa: BLE001 - the server reports the exit status
        code = 1
    finally:
        os._exit(code)


def serve():
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints of the server go to stderr, never into the replies
    from . import _core  # the point of the server: load the libraries once

    _core.warm_up()  # one-time constants and OpenSSL initialisation; no simulation state

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        reply_r, reply_w = os.pipe()
        with tempfile.TemporaryFile() as log:
            pid = os.fork()
            if pid == 0:
                os.close(reply_r)
                _run_child(request, reply_w, log)
            os.close(reply_w)
            out.write(json.dumps({"pid": pid}) + "\n")
            out.flush()
            chunks = []
            while True:
                chunk = os.read(reply_r, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(reply_r)
            _, status = os.waitpid(pid, 0)
            reply = None
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                try:
                    reply = json.loads(b"".join(chunks))
                except ValueError:
                    reply = None
            if not isinstance(reply, dict) or "ok" not in reply:
                reply = _crash_reply(status, log)
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
