"""Sweeps over your own scenarios: a Python scenario function and a C++ program, cached."""

import importlib
import os
import shutil
import sys

import pytest

import ns3tls
import scenario_module
from conftest import BUILD

GRID = {"delay": ["10ms", "25ms"], "handshakes": 2}


def test_function_sweep_rows_carry_the_grid_and_rerun_is_cached(tmp_path):
    df = ns3tls.sweep(scenario_module.scenario, GRID, runs=2, jobs=2, cache_dir=tmp_path,
                      progress=False)
    s = df.attrs["sweep"]
    assert (s["tasks"], s["ran"], s["cached"], s["failed"]) == (4, 4, 0, 0)
    assert len(df) == 2 * 2 * 2 and df["ok"].all()
    assert sorted(set(df["delay"])) == ["10ms", "25ms"] and (df["handshakes"] == 2).all()
    assert sorted(set(df["run"])) == [1, 2] and (df["seed"] == 1).all()
    assert (df["topology"] == "p2p").all()  # the function's own column
    # Loss-free p2p, TLS 1.3: TCP 1 RTT + TLS 1 RTT = 4 one-way delays, plus the same
    # serialisation of the critical packets at 10 Mbps at either delay.
    extra = df["total_ms"] - 4 * df["delay"].str.rstrip("ms").astype(float)
    assert ((extra > 0) & (extra < 6)).all()
    assert extra.max() - extra.min() < 1e-6
    again = ns3tls.sweep(scenario_module.scenario, GRID, runs=2, jobs=2, cache_dir=tmp_path,
                         progress=False)
    assert (again.attrs["sweep"]["ran"], again.attrs["sweep"]["cached"]) == (0, 4)
    assert again.equals(df)


def test_editing_the_function_source_file_invalidates_the_cache(tmp_path):
    pkg = tmp_path / "mods"
    pkg.mkdir()
    source = pkg / "edited_scenario.py"
    shutil.copy(scenario_module.__file__, source)
    sys.path.insert(0, str(pkg))
    try:
        mod = importlib.import_module("edited_scenario")
        grid = {"delay": "10ms", "handshakes": 1}
        first = ns3tls.sweep(mod.scenario, grid, cache_dir=tmp_path / "c", progress=False)
        assert first.attrs["sweep"]["ran"] == 1
        cached = ns3tls.sweep(mod.scenario, grid, cache_dir=tmp_path / "c", progress=False)
        assert cached.attrs["sweep"]["ran"] == 0
        source.write_text(source.read_text() + "\n# edited\n")
        edited = ns3tls.sweep(mod.scenario, grid, cache_dir=tmp_path / "c", progress=False)
        assert (edited.attrs["sweep"]["ran"], edited.attrs["sweep"]["cached"]) == (1, 0)
    finally:
        sys.path.remove(str(pkg))
        sys.modules.pop("edited_scenario", None)


def _nested():
    def inner(seed=1, run=1):
        return None

    return inner


@pytest.mark.parametrize("fn, why", [
    (lambda seed=1, run=1: None, "a lambda"),
    (_nested(), "defined inside another function"),
])
def test_functions_a_worker_cannot_import_are_refused(tmp_path, fn, why):
    with pytest.raises(ValueError, match=f"cannot run in a worker process \\({why}\\): define "
                                         f"it with `def` at the top level"):
        ns3tls.sweep(fn, {"x": [1, 2]}, cache_dir=tmp_path, progress=False)
    assert not os.listdir(tmp_path)


def test_function_parameters_are_checked_against_its_signature(tmp_path):
    with pytest.raises(ValueError, match="cannot be called with .*'dealy'"):
        ns3tls.sweep(scenario_module.scenario, {"dealy": ["10ms"]}, cache_dir=tmp_path,
                     progress=False)
    with pytest.raises(ValueError, match="only str, int, float"):
        ns3tls.sweep(scenario_module.scenario, {"delay": [object()]}, cache_dir=tmp_path,
                     progress=False)
    assert not os.listdir(tmp_path)


WIFI = os.path.join(BUILD, "examples", "tls-wifi-example")


def test_program_sweep_over_its_flags_and_cached_rerun(tmp_path):
    grid = {"wan-delay": ["10ms", "30ms"], "stations": 1, "handshakes": 2}
    df = ns3tls.sweep(program=WIFI, grid=grid, jobs=2, cache_dir=tmp_path, progress=False)
    s = df.attrs["sweep"]
    assert (s["tasks"], s["ran"], s["failed"]) == (2, 2, 0)
    assert len(df) == 2 * 2 and df["ok"].all() and (df["topology"] == "wifi+wan").all()
    assert list(df["wan_delay"]) == ["10ms", "10ms", "30ms", "30ms"] and (df["run"] == 1).all()
    # 20 ms more one-way WAN delay: TCP + TLS 1.3 cross it 4 times (2 RTT) more.
    slow = df[df.wan_delay == "30ms"]["total_ms"].to_numpy()
    fast = df[df.wan_delay == "10ms"]["total_ms"].to_numpy()
    assert slow - fast == pytest.approx([80, 80], abs=3)
    again = ns3tls.sweep(program=WIFI, grid=grid, jobs=2, cache_dir=tmp_path, progress=False)
    assert (again.attrs["sweep"]["ran"], again.attrs["sweep"]["cached"]) == (0, 2)
    assert again.equals(df)


def test_program_flags_are_checked_before_running(tmp_path):
    with pytest.raises(ValueError, match="unknown parameter 'wan-dely' for tls-wifi-example"):
        ns3tls.sweep(program=WIFI, grid={"wan-dely": "1ms"}, cache_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="has no --csv flag"):
        ns3tls.sweep(program="/bin/true", cache_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="not an executable"):
        ns3tls.sweep(program=str(tmp_path / "missing"), cache_dir=tmp_path, progress=False)
    assert not os.listdir(tmp_path)


def test_cli_sweep_file_names_a_scenario_function(tmp_path):
    import subprocess

    shutil.copy(scenario_module.__file__, tmp_path / "cli_scenarios.py")
    (tmp_path / "s.toml").write_text('runs = 2\nscenario = "cli_scenarios:scenario"\n'
                                     'cache_dir = "cache"\nout = "res.csv"\n'
                                     '[grid]\ndelay = ["10ms", "25ms"]\nhandshakes = 1\n')
    cmd = [sys.executable, "-m", "ns3tls", "sweep", str(tmp_path / "s.toml"), "--no-progress"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "4 simulations (2 points): 0 cached, 4 run, 0 failed" in r.stdout
    df = ns3tls.read_csv(tmp_path / "res.csv")
    assert sorted(df["delay"]) == ["10ms", "10ms", "25ms", "25ms"] and df["ok"].all()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert "4 cached, 0 run" in r.stdout, r.stdout + r.stderr
    (tmp_path / "b.toml").write_text('scenario = "no_such_module:f"\n[grid]\nx = 1\n')
    r = subprocess.run(cmd[:4] + [str(tmp_path / "b.toml")], capture_output=True, text=True)
    assert r.returncode == 2 and "scenario = 'no_such_module:f'" in r.stderr
