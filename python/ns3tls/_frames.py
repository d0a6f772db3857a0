"""CSV text -> pandas DataFrame, the same way for the example's files, run() and sweep()."""

import io
import os

from . import _core

#: The scenario's parameter columns that hold text (they follow the metric columns in a row).
PARAMETER_TEXT_COLUMNS = ("tls", "server_tls", "kx", "key", "ca_key", "groups", "resume", "rtt",
                          "bandwidth", "queue", "tcp", "cpu", "fault")

#: Columns that hold text even when every value looks like a number ("1.3") or is empty: the
#: results and timeline columns of kind "text" in the C++ column tables, and the parameters above.
TEXT_COLUMNS = tuple(dict.fromkeys(
    PARAMETER_TEXT_COLUMNS
    + tuple(name for name, kind, _ in _core.columns() + _core.timeline_columns()
            if kind == "text")))


def read_csv(source):
    """Reads a results or timeline CSV (a path, a file object or the CSV text itself).

    Numbers are parsed by pandas from the text the C++ code wrote, so they are identical to the
    example's ``--csv`` output. Text columns stay text (``tls`` is "1.3", not 1.3) and their empty
    cells are "" rather than NaN; an empty numeric cell (e.g. ``ttfb_ms`` without a request) is NaN.
    """
    import pandas as pd

    if isinstance(source, str) and "\n" in source:
        source = io.StringIO(source)
    elif isinstance(source, (str, os.PathLike)) and not os.path.exists(source):
        raise FileNotFoundError(source)
    df = pd.read_csv(source, dtype={c: str for c in TEXT_COLUMNS}, keep_default_na=False,
                     na_values=[""])
    return fix_text_columns(df)


def fix_text_columns(df):
    for c in TEXT_COLUMNS:
        if c in df.columns:
            df[c] = df[c].fillna("").astype(str)
    return df
