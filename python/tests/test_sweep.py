"""Sweeps: grid expansion, cache hits, interrupted and extended sweeps, failures, the CLI."""

import glob
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import ns3tls
from ns3tls import _runner, _sweep

FAST = {"key": "p256", "handshakes": 3}


def _entries(cache):
    return sorted(glob.glob(os.path.join(str(cache), "*", "*.json")))


def _leftovers(cache):
    return [f for f in glob.glob(os.path.join(str(cache), "**", "*"), recursive=True)
            if os.path.basename(f).startswith(".tmp-")]


def test_expand_grid_and_points():
    pts = _sweep.expand({"tls": ["1.2", "1.3"], "loss": [0, 0.01], "handshakes": 5},
                        points=[{"tls": "1.3", "resume": "ticket"}])
    assert len(pts) == 5
    assert pts[0] == {"handshakes": 5, "tls": "1.2", "loss": 0}
    assert pts[-1] == {"handshakes": 5, "tls": "1.3", "resume": "ticket"}
    assert _sweep.expand({"tls": "1.3"}) == [{"tls": "1.3"}]
    assert len(_sweep.expand({}, points=[{"tls": "1.2"}])) == 1


def test_default_cache_dir_is_under_the_one_cache_root(tmp_path, monkeypatch):
    """$NS3TLS_CACHE is the root of every ns3tls cache (the OpenSSL build lives in
    $NS3TLS_CACHE/openssl-3.5.x): sweep results go to its sweep/ subdirectory, not beside it."""
    from ns3tls import _cache

    monkeypatch.setenv("NS3TLS_CACHE", str(tmp_path / "root"))
    assert _cache.default_dir() == str(tmp_path / "root" / "sweep")
    monkeypatch.delenv("NS3TLS_CACHE")
    monkeypatch.chdir(tmp_path)
    assert _cache.default_dir() == str(tmp_path / ".cache" / "ns3tls" / "sweep")


def test_unknown_name_raises_before_running(tmp_path):
    with pytest.raises(ValueError, match="unknown parameter 'los'"):
        ns3tls.sweep({"los": [0, 0.1]}, cache_dir=tmp_path, progress=False)
    assert not _entries(tmp_path)


def test_cache_hit_runs_nothing(tmp_path, monkeypatch):
    grid = dict(FAST, tls=["1.2", "1.3"], loss=[0, 0.05])
    first = ns3tls.sweep(grid, runs=2, jobs=2, cache_dir=tmp_path, progress=False)
    st = first.attrs["sweep"]
    assert (st["tasks"], st["ran"], st["cached"], st["failed"]) == (8, 8, 0, 0)
    assert len(first) == 8 * 3 and first["ok"].eq(1).all()
    assert len(_entries(tmp_path)) == 8 and not _leftovers(tmp_path)
    assert list(first["run"].unique()) == [1, 2]
    assert set(first.columns) >= {"point", "handshakes", "total_ms", "tls", "loss", "seed"}

    def no_simulation(*a, **k):
        raise AssertionError("a cached sweep must not simulate")

    monkeypatch.setattr(_runner, "execute", no_simulation)
    # Same scenario, other spellings: 0.05 vs "0.05", 3 vs 3.0, plus an explicit default.
    grid2 = dict(grid, loss=[0, "0.05"], handshakes=3.0, rtt="0.05s")
    second = ns3tls.sweep(grid2, runs=2, jobs=2, cache_dir=tmp_path, progress=False)
    st2 = second.attrs["sweep"]
    assert (st2["ran"], st2["cached"]) == (0, 8)
    cols = [c for c in first.columns if c not in ("loss", "handshakes", "rtt")]
    pd.testing.assert_frame_equal(first[cols], second[cols])


def test_sweep_rows_equal_run(tmp_path):
    params = dict(FAST, tls="1.2", loss=0.05, rtt="30ms", handshakes=6)
    df = ns3tls.sweep(params, runs=[4], cache_dir=tmp_path, progress=False)
    one = ns3tls.run(**params, run=4)
    pd.testing.assert_frame_equal(df[one.columns], one)


def test_every_point_is_validated_before_anything_runs(tmp_path, monkeypatch):
    def no_simulation(*a, **k):
        raise AssertionError("nothing may run")

    monkeypatch.setattr(_runner, "execute", no_simulation)
    with pytest.raises(ValueError, match=r"invalid --tls='1.4' \(expected 1.2, 1.3 or 1.2-1.3\)"):
        ns3tls.sweep({"tls": ["1.2", "1.4"]}, cache_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match=r"--loss='2'"):
        ns3tls.sweep(dict(FAST, loss=[0, 2]), cache_dir=tmp_path, progress=False)
    bad_calls = [
        (dict(grid={"tls": "1.3"}, runs=2.5), "runs must be .* not 2.5"),
        (dict(grid={"tls": "1.3"}, runs=0), "runs must be >= 1"),
        (dict(grid={"tls": "1.3"}, jobs=0), "jobs must be a positive integer, not 0"),
        (dict(grid=["rtt"]), "grid must be a dict .* not list"),
        (dict(grid={"tls": "1.3"}, points={"tls": "1.2"}), "points must be a list of dicts"),
        (dict(grid={"tls": "1.3"}, out=str(tmp_path / "file") + "/x.csv"), "cannot write out="),
        (dict(grid={"tls": "1.3"}, out=str(tmp_path / "a\0b.csv")), "NUL character"),
        (dict(grid={"tls": "1.3"}, cache_dir=str(tmp_path / "c\0")), "NUL character"),
        (dict(grid={"cert": "my\0cert.pem"}), "NUL character"),
        (dict(grid={"tls": "1.3"}, timeout=0), "timeout must be a positive number"),
        (dict(grid={"tls": "1.3"}, executor=42), "executor must be"),
    ]
    (tmp_path / "file").write_text("a file, not a directory")
    for kwargs, message in bad_calls:
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        with pytest.raises(ValueError, match=message):
            ns3tls.sweep(progress=False, **kwargs)
    assert not _entries(tmp_path / "cache")


def test_failures_are_rows_and_not_cached(tmp_path):
    # A run that dies (here: killed by the sweep's timeout) is recorded and retried next time.
    df = ns3tls.sweep(dict(FAST, loss=0.01), cache_dir=tmp_path, progress=False, timeout=0.001)
    assert df["ok"].eq(0).all() and df["error"].str.contains("timeout").all()
    df = ns3tls.sweep(dict(FAST, loss=0.01), cache_dir=tmp_path, progress=False)
    assert df.attrs["sweep"]["ran"] == 1 and df["ok"].eq(1).all()


def test_interrupted_and_extended_sweep_reruns_only_missing(tmp_path):
    cache = tmp_path / "cache"
    toml = tmp_path / "sweep.toml"
    # 300 handshakes make each simulation take ~0.3 s or more (whatever keys are cached):
    # time enough to interrupt.
    toml.write_text('runs = 4\ncache_dir = "cache"\n[grid]\ntls = ["1.2", "1.3"]\n'
                    'loss = [0, 0.02]\nhandshakes = 300\ninterval = "0ms"\n')
    # SIGINT as a terminal sends it: a test run started in the background (CI, `cmd &`) has
    # SIGINT ignored, and an ignored signal stays ignored in children.
    proc = subprocess.Popen([sys.executable, "-m", "ns3tls", "sweep", str(toml), "--jobs", "1",
                             "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while len(_entries(cache)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    done = len(_entries(cache))
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert 3 <= done < 16
    assert not _leftovers(cache)

    grid = {"tls": ["1.2", "1.3"], "loss": [0, 0.02], "handshakes": 300, "interval": "0ms"}
    df = ns3tls.sweep(grid, runs=4, jobs=2, cache_dir=cache, progress=False)
    st = df.attrs["sweep"]
    assert (st["cached"], st["ran"]) == (done, 16 - done)
    assert len(df) == 16 * 300 and df["ok"].eq(1).all()

    # Extended: one more loss value and one more run -> only the new simulations run.
    grid["loss"] = [0, 0.02, 0.05]
    df = ns3tls.sweep(grid, runs=5, jobs=2, cache_dir=cache, progress=False)
    st = df.attrs["sweep"]
    assert (st["tasks"], st["cached"], st["ran"]) == (30, 16, 14)


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ns3tls", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_cli_run_and_errors(tmp_path):
    r = _cli("run", "--tls=1.2", "--handshakes=3", "--key=p256", "--loss=0.01",
             f"--csv={tmp_path / 'o.csv'}")
    assert r.returncode == 0, r.stderr
    assert "handshakes 3  ok 3" in r.stdout and "total" in r.stdout
    assert len(ns3tls.read_csv(tmp_path / "o.csv")) == 3
    r = _cli("run", "--tls=1.4")
    assert r.returncode == 2
    assert r.stderr.strip() == "error: invalid --tls='1.4' (expected 1.2, 1.3 or 1.2-1.3)"


def test_cli_sweep_writes_csv(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text('runs = 2\n[grid]\ntls = ["1.2", "1.3"]\nhandshakes = 2\nkey = "p256"\n')
    out = tmp_path / "results.csv"
    r = _cli("sweep", str(toml), "--jobs", "2", "--out", str(out), "--cache",
             str(tmp_path / "c"))
    assert r.returncode == 0, r.stderr
    assert "median_total_ms" in r.stdout and "4 simulations" in r.stdout
    df = ns3tls.load(out)
    assert len(df) == 8 and set(df["tls"]) == {"1.2", "1.3"}
    assert len(ns3tls.load(tmp_path / "c")) == 8
    r = _cli("sweep", str(tmp_path / "missing.toml"))
    assert r.returncode == 2 and r.stderr.startswith("error:")


def test_cli_demo_small(tmp_path):
    r = _cli("demo", "--runs", "1", "--handshakes", "2", "--cache", str(tmp_path / "c"),
             "-o", str(tmp_path / "demo.png"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "median TLS 1.3" in r.stdout and "p95 TLS 1.2" in r.stdout
    assert "200 ms" in r.stdout
    with open(tmp_path / "demo.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_bad_cache_entries_are_rerun_with_a_warning(tmp_path, recwarn):
    import json

    grid = dict(FAST, tls="1.3", loss=[0, 0.05])
    first = ns3tls.sweep(grid, cache_dir=tmp_path, progress=False)
    a, b = _entries(tmp_path)
    good = open(a).read()
    entry = json.loads(good)
    text = entry["csv"]
    cut = text[:text.rstrip("\n").rfind("\n") + 1]  # the last row removed
    edited = text.replace(text.splitlines()[1].split(",")[4], "999.999642", 1)
    for bad in ["null", "[]", "{}", json.dumps(dict(entry, csv=None)),
                json.dumps(dict(entry, csv=123)), json.dumps(dict(entry, csv=cut)),
                json.dumps(dict(entry, csv=cut, rows=entry["rows"] - 1)),
                json.dumps(dict(entry, csv=edited)), json.dumps(dict(entry, build="other")),
                "{not json"]:
        with open(a, "w") as f:
            f.write(bad)
        recwarn.clear()
        df = ns3tls.sweep(grid, cache_dir=tmp_path, progress=False)
        st = df.attrs["sweep"]
        assert (st["ran"], st["cached"], st["rerun"]) == (1, 1, 1), bad
        pd.testing.assert_frame_equal(df, first)
        assert any("simulating again" in str(w.message) for w in recwarn.list), bad
        from ns3tls import _cache
        assert _cache.problem(json.loads(open(a).read())) == ""  # replaced by a good one


def test_cache_is_keyed_by_the_build(tmp_path, monkeypatch):
    from ns3tls import _cache

    ns3tls.sweep(dict(FAST, tls="1.3"), cache_dir=tmp_path, progress=False)
    ident = _cache.build_identity()
    assert len(ident) == 32 and ident == _cache.build_identity()
    monkeypatch.setattr(_cache, "build_identity", lambda: "another-build")
    df = ns3tls.sweep(dict(FAST, tls="1.3"), cache_dir=tmp_path, progress=False)
    assert (df.attrs["sweep"]["ran"], df.attrs["sweep"]["cached"]) == (1, 0)
    assert len(_entries(tmp_path)) == 2


def test_files_respect_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        out = tmp_path / "r.csv"
        ns3tls.sweep(dict(FAST, tls="1.3"), cache_dir=tmp_path / "c", progress=False, out=out)
        modes = {oct(os.stat(p).st_mode & 0o777) for p in _entries(tmp_path / "c") + [str(out)]}
        assert modes == {oct(0o640)}
        os.umask(0o002)
        os.chmod(out, 0o664)
        ns3tls.sweep(dict(FAST, tls="1.3"), cache_dir=tmp_path / "c", progress=False, out=out)
        assert os.stat(out).st_mode & 0o777 == 0o664  # an existing file keeps its mode
        cache_dir = os.path.dirname(_entries(tmp_path / "c")[0])
        assert os.stat(cache_dir).st_mode & 0o777 == 0o750
    finally:
        os.umask(old)


def test_cache_key_uses_input_file_content(tmp_path):
    from ns3tls import _params

    a, b = tmp_path / "a.pem", tmp_path / "b.pem"
    a.write_text("one")
    b.write_text("one")
    ka = _params.canonical({"ca_file": str(a)})["ca-file"]
    assert ka.startswith("sha256:") and ka == _params.canonical({"ca_file": str(b)})["ca-file"]
    b.write_text("two")
    assert _params.canonical({"ca_file": str(b)})["ca-file"] != ka
    # Spellings of one scenario share a key; full float precision is kept.
    assert _params.canonical({"rtt": "0.05s"}) == _params.canonical({"rtt": "50ms"})
    assert _params.canonical({"loss": 0.0123456789}) != _params.canonical({"loss": 0.0123457})
