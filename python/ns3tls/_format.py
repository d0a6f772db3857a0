"""Parameters as a reader expects them: shown as given (``1 %``, ``50 ms``), sorted by value,
and which of them vary in a table of results (shared by the summary tables and the plots)."""

import math
import re

#: Parameters that replicate a condition rather than define one.
REPLICATION = ("seed", "run", "point")

#: Units shown with a space; bandwidth in SI words.
_UNITS = {"bps": "bit/s", "kbps": "kbit/s", "Kbps": "kbit/s", "Mbps": "Mbit/s", "Gbps": "Gbit/s",
          "p": "packets"}
_TIME = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3, "min": 6e4}
_RATE = {"bps": 1e-6, "kbps": 1e-3, "Kbps": 1e-3, "Mbps": 1.0, "Gbps": 1e3}
_NUM_UNIT = re.compile(r"^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*([A-Za-z%]*)\s*$")


def parameter_columns(df):
    """The scenario parameters among df's columns (from the C++ parameter table and flag
    names, as columns: ``early_data`` is ``early_data_bytes``, the record's ``early_data`` is a
    result), replications (seed, run) excluded, in df's column order."""
    names = set()
    try:
        from . import _params

        core = _params.core()
        names |= {k for k, _ in core.parameter_columns({})}
        names |= {_params.column(n) for n in core.names()}
        swept = (df.attrs.get("sweep") or {}).get("parameters") or []
        names |= {_params.column(k) for k in swept}
    except ImportError:  # pragma: no cover - plotting a CSV without the compiled module
        names = set(df.columns)
    return [c for c in df.columns if c in names and c not in REPLICATION]


def numeric_value(v):
    """A value as a number for ordering: 0.01 -> 0.01, "50ms" -> 50 (ms), "10Mbps" -> 10
    (Mbit/s), "1.3" -> 1.3; None for text."""
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v.item())  # numpy scalars
    except (AttributeError, TypeError, ValueError):
        pass
    m = _NUM_UNIT.match(str(v))
    if not m:
        return None
    x, unit = float(m.group(1)), m.group(2)
    if not unit:
        return x
    if unit in _TIME:
        return x * _TIME[unit]
    if unit in _RATE:
        return x * _RATE[unit]
    return x


def sort_key(v):
    x = numeric_value(v)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return (1, 0.0, str(v))
    return (0, x, str(v))


def ordered(values):
    """Distinct values sorted by value (RTT numerically: 10ms, 50ms, 200ms)."""
    seen = []
    for v in values:
        if not any(v == s or (_isnan(v) and _isnan(s)) for s in seen):
            seen.append(v)
    return sorted(seen, key=sort_key)


def _isnan(v):
    return isinstance(v, float) and math.isnan(v)


def value_text(col, v):
    """A parameter value as a reader expects it: loss 0.01 -> "1 %", rtt "50ms" -> "50 ms",
    rtt_ms 50.0 -> "50 ms", bandwidth "10Mbps" -> "10 Mbit/s", tls "1.3" -> "TLS 1.3"."""
    if col == "tls":
        return f"TLS {v}"
    if col.startswith("loss") and col != "loss_model":
        x = numeric_value(v)
        return f"{x * 100:g} %" if x is not None else str(v)
    if col.endswith("_ms"):
        x = numeric_value(v)
        return f"{x:g} ms" if x is not None else str(v)
    if col.endswith("_mbps"):
        x = numeric_value(v)
        return f"{x:g} Mbit/s" if x is not None else str(v)
    if isinstance(v, str):
        m = _NUM_UNIT.match(v)
        if m and m.group(2):
            return f"{m.group(1)} {_UNITS.get(m.group(2), m.group(2))}"
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


#: Short parameter names for titles and legends.
SHORT = {"tls": "TLS", "rtt": "RTT", "rtt_ms": "RTT", "loss": "loss", "bandwidth": "bandwidth",
         "bandwidth_mbps": "bandwidth", "kx": "key exchange", "key": "key",
         "early_data_bytes": "0-RTT bytes", "resumed": "resumed", "early_data": "0-RTT accepted"}


def condition_text(col, v):
    """``rtt`` "50ms" -> "RTT 50 ms"; ``tls`` "1.3" -> "TLS 1.3"."""
    if col == "tls":
        return value_text(col, v)
    return f"{SHORT.get(col, col)} {value_text(col, v)}"


def varying(df, candidates=None):
    """The parameters (or the candidate columns) that take more than one value in df."""
    cols = parameter_columns(df) if candidates is None else [c for c in candidates
                                                             if c in df.columns]
    return [c for c in cols if df[c].nunique(dropna=False) > 1]


def pooled(df, used):
    """Parameters that vary in df but are neither in ``used`` (axes, hue, facets) nor
    determined by them (``rtt_ms`` follows ``rtt``): what a plot would pool silently."""
    used = [c for c in used if c and c in df.columns]
    out = []
    for p in varying(df):
        if p in used:
            continue
        keys = used + out
        if keys and df.groupby(keys, dropna=False)[p].nunique(dropna=False).max() <= 1:
            continue
        # One of several columns that vary together (loss, loss_c2s, loss_s2c): keep the first.
        if any(df.groupby(q, dropna=False)[p].nunique(dropna=False).max() <= 1 for q in out):
            continue
        out.append(p)
    return out
