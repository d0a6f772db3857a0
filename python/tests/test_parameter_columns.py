"""A parameter and a result never share a column name.

The record has a column ``early_data`` (0-RTT accepted) and the parameter ``early_data``
(``--early-data``) is the bytes the client tries to send early: in a sweep's table the
parameter is ``early_data_bytes``, as in the C++ example's CSV, and a swept parameter of your
own function or program named like a result column gets the prefix ``param_``.
"""

import subprocess
import sys

import pytest

import ns3tls
import scenario_module
from ns3tls import _core, _params
from ns3tls._format import parameter_columns, varying

RESULTS = {name for name, _, _ in _core.columns()}
TIMELINE = {name for name, _, _ in _core.timeline_columns()}


@pytest.mark.parametrize("name", _params.names())
def test_every_parameter_has_a_column_of_its_own(name):
    col = _params.column(name)
    assert col not in RESULTS and col not in TIMELINE, (
        f"parameter {name!r} would share the column {col!r} with a result")


def test_the_cxx_parameter_columns_are_not_result_columns():
    cxx = [c for c, _ in _core.parameter_columns({})]
    assert not (set(cxx) & (RESULTS | TIMELINE))
    # --early-data's column is the one Python names.
    values = dict(_core.parameter_columns({"early-data": "1234", "tls": "1.3",
                                           "resume": "ticket"}))
    assert values[_params.column("early_data")] == "1234"
    assert _params.column("early-data") == "early_data_bytes"
    # A parameter without a clash keeps its Python name.
    assert _params.column("loss-c2s") == "loss_c2s"
    assert set(cxx) <= {_params.column(n) for n in _params.names()} | {"rtt_ms",
                                                                        "bandwidth_mbps"}


def test_sweep_over_early_data_keeps_the_bytes_and_the_accepted_flag():
    grid = {"early_data": [0, 1000], "resume": "ticket", "request": 1000, "response": 100,
            "handshakes": 2, "cpu": "none"}
    df = ns3tls.sweep(grid, 1, cache_dir=False, progress=False, jobs=1)
    assert df["ok"].all()
    # The parameter, per point; the result, per handshake: 0-RTT is accepted on the resumed
    # connection (conn 1) of the point that offers it, never on the first.
    assert df.groupby("point")["early_data_bytes"].unique().map(list).tolist() == [[0], [1000]]
    assert df["early_data"].tolist() == [0, 0, 0, 1]
    assert "early_data" not in parameter_columns(df)
    assert varying(df) == ["early_data_bytes"]


def test_function_sweep_keeps_parameters_named_like_results():
    df = ns3tls.sweep(scenario_module.scenario_early_data, {"early_data": [0, 200],
                                                             "group": "mine"},
                      cache_dir=False, progress=False, jobs=1)
    assert df["ok"].all()
    assert df["early_data_bytes"].tolist() == [0, 0, 200, 200]
    assert df["early_data"].tolist() == [0, 0, 0, 1]
    assert (df["param_group"] == "mine").all()
    assert (df["group"] != "mine").all()  # the negotiated group
    assert "early_data_bytes" in parameter_columns(df) and "param_group" in parameter_columns(df)


# In a fresh interpreter (ns-3 keeps process-wide state); the names are checked before the run.
NETWORK = """
from ns3tls.network import Network
net = Network()
a, b = net.nodes(2)
net.p2p(a, b)
net.server(b, cpu="none")
net.clients([a], b, cpu="none", handshakes=1)
for name in ("early_data", "bytes", "seed"):
    try:
        net.run(**{name: "x"})
        print("accepted", name)
    except ValueError as e:
        print(e)
print(",".join(net.run(topology="p2p").columns[-3:]))
"""


def test_network_refuses_a_column_named_like_a_result_or_its_own():
    r = subprocess.run([sys.executable, "-c", NETWORK], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "invalid column name 'early_data': a column of the record (a row has one column of "
        "each name)",
        "invalid column name 'bytes': a column of the timeline (a row has one column of each "
        "name)",
        "invalid column name 'seed': Network.run adds it itself",
        "topology,seed,run"]
