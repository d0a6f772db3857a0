"""A sweep on a dask.distributed cluster (a scheduler and 2 workers on loopback) equals a local
one."""

import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest

import ns3tls

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")


@pytest.fixture
def cluster(tmp_path):
    sched_file = tmp_path / "scheduler.json"
    env = dict(os.environ)
    procs = []

    def start(*args):
        p = subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=open(tmp_path / "dask.log", "ab"))
        procs.append(p)
        return p

    try:
        start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
              "--no-dashboard", "--scheduler-file", str(sched_file))
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sched_file.exists(), (tmp_path / "dask.log").read_text()
        time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        workers = [start("distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                         "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--local-directory", str(tmp_path / f"w{i}")) for i in range(2)]
        with distributed.Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, {w.pid for w in workers}
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_dask_sweep_equals_local(cluster, tmp_path):
    address, worker_pids = cluster
    grid = {"tls": ["1.2", "1.3"], "loss": [0, 0.05], "handshakes": 4, "key": "p256"}
    remote = ns3tls.sweep(grid, runs=2, executor=address, cache_dir=tmp_path / "remote",
                          progress=False)
    local = ns3tls.sweep(grid, runs=2, jobs=2, cache_dir=tmp_path / "local", progress=False)
    assert remote.attrs["sweep"]["ran"] == 8 and remote.attrs["sweep"]["failed"] == 0
    pd.testing.assert_frame_equal(remote, local)

    # The simulations were launched by the dask worker processes, not by this one.
    used = set()
    for root, _, files in os.walk(tmp_path / "remote"):
        for f in files:
            with open(os.path.join(root, f)) as fh:
                used.add(json.load(fh)["info"]["executor_pid"])
    assert used <= worker_pids and os.getpid() not in used


def test_dask_sweeps_your_own_function_and_program(cluster, tmp_path):
    import scenario_module
    from conftest import BUILD

    address, _ = cluster
    grid = {"delay": ["10ms", "25ms"], "handshakes": 2}
    remote = ns3tls.sweep(scenario_module.scenario, grid, runs=2, executor=address,
                          cache_dir=tmp_path / "fr", progress=False)
    local = ns3tls.sweep(scenario_module.scenario, grid, runs=2, jobs=2,
                         cache_dir=tmp_path / "fl", progress=False)
    assert remote.attrs["sweep"]["ran"] == 4 and remote.attrs["sweep"]["failed"] == 0
    pd.testing.assert_frame_equal(remote, local)

    wifi = os.path.join(BUILD, "examples", "tls-wifi-example")
    grid = {"wan-delay": ["10ms", "30ms"], "stations": 1, "handshakes": 2}
    remote = ns3tls.sweep(program=wifi, grid=grid, executor=address, cache_dir=tmp_path / "pr",
                          progress=False)
    local = ns3tls.sweep(program=wifi, grid=grid, jobs=2, cache_dir=tmp_path / "pl",
                         progress=False)
    assert remote.attrs["sweep"]["ran"] == 2 and remote.attrs["sweep"]["failed"] == 0
    pd.testing.assert_frame_equal(remote, local)
