"""What only makes runs faster changes no result: the fork server (ns3tls._forkserver), the
process's allocator (mimalloc preloaded) and OpenSSL's (model/speed/tls-memory.cc)."""

import os

import pytest

from ns3tls import _runner

SCENARIOS = [
    {"tls": "1.3", "handshakes": "5"},
    {"tls": "1.2", "kx": "rsa", "loss": "0.05", "handshakes": "20", "resume": "session-id"},
    {"tls": "1.3", "key": "p256", "resume": "ticket", "early-data": "200", "request": "300",
     "response": "1000", "client-auth": "true", "loss": "0.03", "handshakes": "20"},
    {"tls": "1.3", "clients": "20", "arrival": "poisson", "arrival-window": "200ms",
     "server-cores": "1"},
]


def _run(monkeypatch, params, forkserver):
    monkeypatch.setenv("NS3TLS_FORKSERVER", "1" if forkserver else "0")
    return _runner.execute(params, timeline=True)


@pytest.mark.parametrize("params", SCENARIOS, ids=lambda p: " ".join(f"{k}={v}" for k, v in p.items()))
def test_same_records_as_a_fresh_process(monkeypatch, params):
    fresh = _run(monkeypatch, params, forkserver=False)
    forked = _run(monkeypatch, params, forkserver=True)
    again = _run(monkeypatch, params, forkserver=True)  # a server that already forked children
    assert fresh["ok"], fresh
    assert forked["csv"] == fresh["csv"]
    assert forked["timeline"] == fresh["timeline"]
    assert again["csv"] == fresh["csv"]


def test_timeout_kills_the_simulation_and_the_server_goes_on():
    reply = _runner.execute({"handshakes": "100000", "interval": "0ms"}, timeout=0.3)
    assert reply == {"ok": False, "kind": "timeout", "error": "timeout: no result after 0.3 s"}
    assert _runner.execute({"handshakes": "1"})["ok"]


def test_invalid_parameter_is_reported_not_crashed():
    reply = _runner.execute({"tls": "1.4"})
    assert reply["ok"] is False and reply["kind"] == "invalid"
    assert "--tls" in reply["error"]


def test_openssl_allocator_changes_no_record(tmp_path):
    """model/speed/tls-memory.cc: OpenSSL on mimalloc or on malloc, the same CSV and timeline."""
    import subprocess

    from conftest import EXAMPLE

    flags = ["--tls=1.3", "--key=p256", "--resume=ticket", "--early-data=100", "--request=200",
             "--loss=0.05", "--handshakes=30", "--client-auth"]
    outputs = []
    for malloc in ("0", "1"):
        csv, tl = tmp_path / f"{malloc}.csv", tmp_path / f"{malloc}.tl.csv"
        env = dict(os.environ, NS3TLS_OPENSSL_MALLOC=malloc)
        subprocess.run([EXAMPLE, *flags, f"--csv={csv}", f"--timeline={tl}"], env=env,
                       check=True, capture_output=True)
        outputs.append((csv.read_text(), tl.read_text()))
    assert outputs[0] == outputs[1]


def test_simulation_processes_run_on_mimalloc_when_installed():
    """_runner preloads mimalloc into the processes it starts, as the C++ programs link it."""
    import subprocess
    import sys

    code = "from ns3tls import _core; print(_core.allocators()['process'])"
    got = subprocess.run([sys.executable, "-c", code], env=_runner._env(), check=True,
                         capture_output=True, text=True).stdout.strip()
    assert got == ("mimalloc" if _runner._mimalloc() else "malloc")


def test_process_allocator_changes_no_record(monkeypatch):
    """Fresh interpreters with glibc's malloc and with mimalloc preloaded: the same records."""
    params = SCENARIOS[2]
    replies = []
    for setting in ("0", "1"):
        monkeypatch.setenv("NS3TLS_MIMALLOC", setting)
        _runner._mimalloc.cache_clear()
        replies.append(_run(monkeypatch, params, forkserver=False))
    _runner._mimalloc.cache_clear()
    assert replies[0]["ok"], replies[0]
    assert replies[0]["csv"] == replies[1]["csv"]
    assert replies[0]["timeline"] == replies[1]["timeline"]


def test_a_reply_that_arrives_with_the_pid_line_is_read(monkeypatch):
    """On a busy machine the caller may read the "pid" line only after the reply has arrived
    too: the reply must still be read (a buffered reader's read-ahead once hid it from select(),
    and a sweep waited forever)."""
    import time

    original = _runner._Server._read_line

    def late_reader(self, timeout):
        time.sleep(0.3)  # the simulation (an invalid parameter) has answered by now
        return original(self, timeout)

    monkeypatch.setattr(_runner._Server, "_read_line", late_reader)
    reply = _runner.execute({"tls": "1.4"}, timeout=3)
    assert reply["kind"] == "invalid", reply
