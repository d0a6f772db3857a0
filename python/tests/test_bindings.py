"""The bindings give the same numbers as the C++ example, and reject what it rejects."""

import math
import os
import subprocess
import threading
import time

import pandas as pd
import pytest

import ns3tls

CASES = [
    {"tls": "1.3", "rtt": "50ms", "loss": 0.01, "handshakes": 20, "seed": 1},
    {"tls": "1.2", "rtt": "20ms", "loss": 0.05, "handshakes": 12, "seed": 7, "run": 3,
     "key": "p256"},
    {"tls": "1.3", "rtt": "80ms", "resume": "ticket", "early_data": 500, "handshakes": 5,
     "request": 300, "response": 5000, "key": "ed25519", "client_auth": True},
]


def _flags(params):
    out = []
    for k, v in params.items():
        v = {True: "true", False: "false"}.get(v, v) if isinstance(v, bool) else v
        out.append(f"--{k.replace('_', '-')}={v}")
    return out


@pytest.mark.parametrize("params", CASES, ids=["tls13-loss", "tls12-seed7-run3", "resume-0rtt"])
def test_same_csv_as_example(example, tmp_path, params):
    csv_path, tl_path = tmp_path / "out.csv", tmp_path / "timeline.csv"
    subprocess.run([example, *_flags(params), f"--csv={csv_path}", f"--timeline={tl_path}"],
                   check=True, capture_output=True, cwd=tmp_path)
    csv, tl, info = ns3tls.run_csv(**params)
    assert csv == csv_path.read_text()
    assert tl == tl_path.read_text()
    assert info["records"] == params["handshakes"]

    df = ns3tls.run(**params)
    pd.testing.assert_frame_equal(df, ns3tls.read_csv(csv_path))
    # The numbers are pandas' parse of the C++ text, identical to a plain read_csv.
    raw = pd.read_csv(csv_path)
    for col in ("tcp_ms", "tls_ms", "total_ms", "server_done_ms", "client_bytes",
                "server_bytes", "retransmissions", "rtt_ms", "loss", "seed", "run"):
        pd.testing.assert_series_equal(df[col], raw[col], check_names=False)
    assert len(df) == params["handshakes"]
    assert df["tls"].eq(params["tls"]).all()          # text, not 1.3 as a float

    tdf = ns3tls.timeline(**params)
    pd.testing.assert_frame_equal(tdf, ns3tls.read_csv(tl_path))
    assert {"conn", "time_ms", "sender", "message", "bytes"} <= set(tdf.columns)


@pytest.mark.parametrize("params,flag", [
    ({"tls": "1.4"}, "--tls"),
    ({"loss": 2}, "--loss"),
    ({"key": "rsa1"}, "--key"),
    ({"rtt": 50}, "--rtt"),
    ({"handshakes": -1}, "--handshakes"),
    ({"early_data": 100, "tls": "1.2"}, "--early-data"),
])
def test_bad_parameter_raises_value_error(params, flag):
    with pytest.raises(ValueError, match=flag):
        ns3tls.run(**params)


def test_unknown_parameter_names_it():
    with pytest.raises(ValueError, match="unknown parameter 'rttt'.*'rtt'"):
        ns3tls.run(rttt="50ms")


def test_bad_sweep_value_raises_before_running(tmp_path):
    # A bad value is a mistake in the sweep, not a handshake failure: nothing runs.
    with pytest.raises(ValueError,
                       match=r"^invalid --tls='1.4' \(expected 1.2, 1.3 or 1.2-1.3\)$"):
        ns3tls.sweep({"tls": ["1.3", "1.4"], "key": "p256"}, cache_dir=tmp_path,
                     progress=False)
    assert not os.listdir(tmp_path)


def test_names_and_help():
    names = ns3tls.names()
    assert {"tls", "rtt", "loss", "early_data", "client_auth", "seed", "run"} <= set(names)
    assert "loss" in ns3tls.help("loss")


def test_records_in_process_match_run():
    params = {"tls": "1.3", "rtt": "30ms", "loss": 0.02, "handshakes": 6, "key": "p256",
              "seed": 3}
    result = ns3tls.simulate(**params)
    df = ns3tls.run(**params)
    assert len(result.records) == len(df) == 6
    assert result.server_accepted == 6 and result.simulated_seconds > 1
    for rec, row in zip(result.records, df.itertuples()):
        assert rec.conn == row.conn and bool(rec.ok) == bool(row.ok)
        assert rec.total_ms == pytest.approx(row.total_ms, abs=1e-6)
        assert rec.tcp_ms == pytest.approx(row.tcp_ms, abs=1e-6)
        assert rec.cells()["total_ms"] == f"{row.total_ms:.6f}"
        assert rec.version == row.version
        assert len(rec.messages) > 4
        assert rec.messages[0].name == "ClientHello" and rec.messages[0].sender == "client"
        assert not math.isnan(rec.messages[0].received_ms)


def test_simulation_releases_the_gil():
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.002)

    t = threading.Thread(target=tick)
    start = time.monotonic()
    t.start()
    try:
        # ~1 s of work (0.6-1 ms per handshake): long enough to see the other thread run.
        result = ns3tls.simulate(tls="1.2", handshakes=1000, key="rsa2048", loss=0.01,
                                 interval="0ms")
    finally:
        stop.set()
        t.join()
    busy = result.wall_seconds
    during = [x for x in ticks if start + 0.05 < x < start + busy - 0.05]
    assert busy > 0.2, "precondition: the simulation must take measurable time"
    # With the GIL held, the ticking thread would be frozen for the whole simulation.
    assert len(during) > 0.25 * (busy - 0.1) / 0.002 * 0.5


def test_one_column_table_for_csv_records_and_frames():
    """The C++ column table names the CSV header, the Record properties and the text columns."""
    from ns3tls import _core, _frames

    columns = _core.columns()
    names = [name for name, _, _ in columns]
    params = {"tls": "1.3", "resume": "ticket", "early_data": 100, "handshakes": 2}
    csv, timeline, _ = ns3tls.run_csv(**params)
    assert csv.splitlines()[0].split(",")[: len(names)] == names
    tl_names = [name for name, _, _ in _core.timeline_columns()]
    assert timeline.splitlines()[0].split(",")[: len(tl_names)] == tl_names
    rec = ns3tls.simulate(**params).records[1]
    values = rec.values()
    assert list(values) == names
    kinds = {"integer": int, "boolean": bool, "ms": float, "text": str}
    for name, kind, _ in columns:
        assert type(getattr(rec, name)) is kinds[kind], name
        assert type(values[name]) is kinds[kind], name
    assert rec.early_data is True and rec.early_data_sent is True and rec.resumed is True
    text = {n for n, k, _ in columns + _core.timeline_columns() if k == "text"}
    assert text <= set(_frames.TEXT_COLUMNS)
    df = ns3tls.read_csv(csv)
    assert df["version"].tolist() == ["TLSv1.3", "TLSv1.3"] and df["early_data"].tolist() == [0, 1]


def test_run_info_names_the_cost_table(tmp_path):
    # --cpu=model: the built-in table of the running OpenSSL's release line; a file is named.
    version = ns3tls._core.openssl_version().split()[1]
    major, minor = (int(x) for x in version.split(".")[:2])
    line = "openssl-3.5" if (major, minor) >= (3, 5) else "openssl-3.0"
    assert ns3tls.run(cpu="model").attrs["info"]["cost_table"] == f"built-in {line}"
    table = tmp_path / "costs.json"
    table.write_text('{"sign:rsa2048": 1000}')
    df = ns3tls.run(cpu="model", cost_table=str(table))
    assert df.attrs["info"]["cost_table"] == f"{table} over built-in {line}"
    assert ns3tls.run(cpu="none").attrs["info"]["cost_table"] == ""
