"""Summary tables: handshakes, failures, median and p95 per condition, parameters shown as
given and sorted by value."""

from ._format import ordered, sort_key, value_text, varying  # noqa: F401 - re-exported


def summarize(df, by, y="total_ms"):
    """A DataFrame with, per combination of the ``by`` columns (in value order: RTT 10, 50,
    200 ms): handshakes, failed, median and p95 of ``y`` over the successful handshakes (ms;
    quantiles interpolated linearly between the two nearest handshakes, numpy's default), and
    the median ``ttfb_ms`` where the runs sent application data (0-RTT shows there, not in
    ``total_ms``). The ``by`` columns keep their values; :func:`format_table` shows them as
    given."""
    import pandas as pd

    by = [b for b in by if b in df.columns]
    rows = []
    groups = list(df.groupby(by[0] if len(by) == 1 else by, sort=False, dropna=False)) \
        if by else [((), df)]
    groups.sort(key=lambda g: [sort_key(v) for v in (g[0] if isinstance(g[0], tuple)
                                                      else (g[0],))])
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        good = sub[sub["ok"] == 1] if "ok" in sub else sub  # the successful handshakes
        ok = good[y].astype(float).dropna()
        row = dict(zip(by, key))
        row.update({"handshakes": len(sub),
                    "failed": int((sub["ok"] != 1).sum()) if "ok" in sub else 0,
                    f"median_{y}": ok.quantile(0.5) if len(ok) else float("nan"),
                    f"p95_{y}": ok.quantile(0.95) if len(ok) else float("nan")})
        if y != "ttfb_ms" and "ttfb_ms" in df and df["ttfb_ms"].notna().any():
            ttfb = good["ttfb_ms"].astype(float).dropna()
            row["median_ttfb_ms"] = ttfb.quantile(0.5) if len(ttfb) else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["by"] = by
    return table


def format_table(table, floatfmt="{:.1f}", by=None):
    """The table as text: parameter columns as given (``1 %``, ``50 ms``, ``TLS 1.3``),
    metrics with ``floatfmt``."""
    by = table.attrs.get("by", []) if by is None else by
    shown = table.copy()
    for c in by:
        if c in shown.columns:
            shown[c] = [value_text(c, v) for v in shown[c]]
    return shown.to_string(index=False, float_format=lambda v: floatfmt.format(v))
