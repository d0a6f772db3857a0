"""Parameters: Python keyword arguments <-> the example's flags, and canonical forms.

Parameter names are the C++ example's flag names with '_' for '-' (``early_data`` is
``--early-data``); values are strings in the flag's format (``rtt="50ms"``) or numbers and booleans
(``loss=0.01``, ``handshakes=200``, ``client_auth=True``). Parsing and validation are done by the
C++ code itself (TlsScenarioConfig), so Python accepts and rejects exactly what the example does.
"""

import difflib
import hashlib
import math
import numbers
import os

#: Parameters that name output files: they do not change the results, so they are not part of
#: a cache key.
OUTPUT_PARAMS = ("csv", "timeline", "pcap", "keylog")

#: Parameters that name input files: a cache key uses the file's content, not its name.
INPUT_FILE_PARAMS = ("cert", "private-key", "ca-file", "cost-table")


#: Parameters whose results column has another name, because the record has a column of that
#: name that means something else: ``early_data`` (``--early-data``, the 0-RTT bytes the client
#: tries to send) is the column ``early_data_bytes``; the record's ``early_data`` is "0-RTT
#: accepted". The C++ parameter table (TlsScenarioConfig::GetParameterColumns) uses these names.
COLUMN_NAMES = {"early_data": "early_data_bytes"}

#: Prefix of the column of any other swept parameter (of your function or program) named like a
#: results or timeline column (``group`` -> ``param_group``), so that both values stay.
COLUMN_PREFIX = "param_"


def core():
    """The compiled module (imported on first use, so that ``import ns3tls`` stays light)."""
    from . import _core  # noqa: PLC0415

    return _core


def flag(name):
    """``early_data`` -> ``early-data``."""
    return str(name).replace("_", "-")


def names():
    """Every parameter name, Python style (``early_data``), in the C++ order."""
    return [n.replace("-", "_") for n in core().names()]


def reserved_columns():
    """The results' and timeline's own column names (the C++ column tables)."""
    c = core()
    return {n for n, _, _ in c.columns()} | {n for n, _, _ in c.timeline_columns()}


def column(name):
    """The results column of parameter ``name`` (Python or flag spelling): its Python name
    (``loss_c2s``), except ``early_data`` -> ``early_data_bytes`` (:data:`COLUMN_NAMES`) and
    any other name of a results or timeline column -> ``param_`` + name, so that a parameter
    never shares a column with a measured value."""
    col = str(name).replace("-", "_")
    if col in COLUMN_NAMES:
        return COLUMN_NAMES[col]
    try:
        reserved = reserved_columns()
    except ImportError:  # pragma: no cover - reading CSVs without the compiled module
        return col
    return COLUMN_PREFIX + col if col in reserved else col


def help(name):  # noqa: A001 - mirrors the C++ API
    """One-line help of a parameter."""
    return core().help(flag(name))


def to_string(name, value):
    """A Python value in its flag form: True -> "true", 0.01 -> "0.01", "50ms" -> "50ms"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
            return str(int(v)) if name_is_integer(name) else repr(v)
        return repr(v)
    if value is None:
        raise ValueError(f"invalid --{flag(name)}=None")
    return str(value)


def name_is_integer(name):
    # Counts accept "20" but not "20.0"; floats equal to integers are passed as integers for them.
    return flag(name) in ("chain", "early-data", "request", "response", "server-cores",
                          "handshakes", "clients", "seed", "run")


def normalize(params):
    """{python or flag name: value} -> {flag name: string}; raises ValueError on unknown names."""
    known = core().names()
    out = {}
    for name, value in params.items():
        f = flag(name)
        if f not in known:
            close = difflib.get_close_matches(f, known, n=1)
            hint = f" (did you mean '{close[0].replace('-', '_')}'?)" if close else ""
            raise ValueError(f"unknown parameter '{name}'{hint}")
        out[f] = to_string(f, value)
        if "\0" in out[f]:
            raise ValueError(f"invalid --{f}={out[f]!r}: contains a NUL character")
    return out


def check(params):
    """Validates {name: value} with the C++ parser; returns the normalized {flag: string}.

    Raises ValueError with the C++ one-line message (which names the flag) on a bad value.
    """
    flags = normalize(params)
    core().canonical(flags)
    # Worker processes may run elsewhere (another cwd, a dask worker): make file names absolute.
    for f in INPUT_FILE_PARAMS + OUTPUT_PARAMS:
        if flags.get(f):
            flags[f] = os.path.abspath(flags[f])
    return flags


def canonical(params):
    """The full canonical configuration of params: {flag: canonical string}, outputs excluded.

    Two spellings of the same scenario (rtt="0.05s" and rtt="50ms") have the same canonical form.
    Floating-point values keep full precision (the C++ canonical form prints 6 digits).
    """
    flags = normalize(params)
    canon = core().canonical(flags)
    for f, given in flags.items():
        c = canon.get(f)
        try:
            if float(given) != float(c):
                canon[f] = repr(float(given))
        except (TypeError, ValueError):
            pass
    for f in OUTPUT_PARAMS:
        canon.pop(f, None)
    for f, v in canon.items():
        if v and (f in INPUT_FILE_PARAMS or os.sep in v) and os.path.isfile(v):
            with open(v, "rb") as fh:
                canon[f] = "sha256:" + hashlib.sha256(fh.read()).hexdigest()
    return canon
