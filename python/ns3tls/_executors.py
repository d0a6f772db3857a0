"""Where a sweep's simulations run: a concurrent.futures.Executor each.

- local (default): a thread pool of ``jobs`` threads, each running one simulation at a time in
  a process of its own (ns3tls._runner);
- a dask.distributed cluster, by scheduler address or Client: ``Client.get_executor()``;
- any concurrent.futures.Executor given by the caller (e.g. a ProcessPoolExecutor).

Every executor runs :func:`task` on a payload ``{"request", "timeout"}`` (the canned
scenario's flags, a scenario function's reference or a program, see _runner.execute_request)
and gets the worker's reply dict back. How a simulation is started (a child of
the fork server, or a fresh interpreter) is _runner's business alone.
"""

import concurrent.futures as cf
import os
import socket

from . import _runner


def task(payload):
    """One simulation (runs on the executor: a local thread or a dask worker)."""
    if "request" in payload:
        reply = _runner.execute_request(payload["request"], payload.get("timeout"))
    else:
        reply = _runner.execute(payload["params"], payload.get("timeline", False),
                                payload.get("timeout"))
    reply["host"] = socket.gethostname()
    reply["executor_pid"] = os.getpid()
    return reply


class Pool:
    """An executor with what a sweep needs around it: a description, cancel() and close()."""

    def __init__(self, executor, description, own, local=False, client=None, jobs=None):
        self.executor = executor
        self.jobs = jobs
        self.description = description
        self.own = own
        self.local = local
        self.client = client

    def submit(self, payload):
        return self.executor.submit(task, payload)

    def cancel(self, futures):
        """Stops what has not finished (interrupted sweep)."""
        for f in futures:
            f.cancel()
        if self.local:
            self.executor.shutdown(wait=False, cancel_futures=True)
            _runner.kill_children()

    def close(self):
        if self.own:
            self.executor.shutdown(wait=True)
            if self.client is not None:
                self.client.close()


def check_jobs(jobs):
    if jobs is None:
        return None
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, not {jobs!r}")
    return jobs


def check(executor):
    """Raises ValueError for an executor argument of the wrong kind (before anything runs)."""
    if executor is None or executor == "local" or isinstance(executor, (cf.Executor, str)):
        return
    if _is_dask_client(executor):
        return
    raise ValueError(f"executor must be None, 'local', a dask scheduler address, a "
                     f"distributed.Client or a concurrent.futures.Executor, not {executor!r}")


def _is_dask_client(obj):
    try:
        import distributed
    except ImportError:  # pragma: no cover - depends on the machine
        return False
    return isinstance(obj, distributed.Client)


def open_pool(executor=None, jobs=None, connect_timeout=30):
    """A Pool for ``executor`` (see the module doc)."""
    check(executor)
    if executor is None or executor == "local":
        jobs = jobs or os.cpu_count() or 1
        pool = cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ns3tls")
        return Pool(pool, f"{jobs} local process{'es' if jobs != 1 else ''}", own=True,
                    local=True, jobs=jobs)
    if isinstance(executor, cf.Executor):
        return Pool(executor, type(executor).__name__, own=False)
    try:
        import distributed
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise RuntimeError("a dask scheduler was given but dask.distributed is not installed "
                           "(Debian: apt-get install python3-distributed)") from e
    if isinstance(executor, distributed.Client):
        client, own = executor, False
    else:
        try:
            client = distributed.Client(executor, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise RuntimeError(f"cannot reach the dask scheduler at {executor}: {e}") from e
        own = True
    # pure=False: every task is a new simulation, never deduplicated by dask.
    return Pool(client.get_executor(pure=False),
                f"dask cluster at {client.scheduler.address}", own=own,
                client=client if own else None)
