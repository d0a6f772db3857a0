"""Summary tables: handshakes, failures, median and p95 per condition."""


def summarize(df, by, y="total_ms"):
    """A DataFrame with, per combination of the ``by`` columns: handshakes, failed, median and
    p95 of ``y`` (over the successful handshakes), in ms."""
    import pandas as pd

    by = [b for b in by if b in df.columns]
    rows = []
    groups = df.groupby(by[0] if len(by) == 1 else by, sort=True, dropna=False) if by \
        else [((), df)]
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        ok = sub[sub["ok"] == 1][y].astype(float).dropna() if "ok" in sub else sub[y].dropna()
        row = dict(zip(by, key))
        row.update({"handshakes": len(sub), "failed": int((sub["ok"] != 1).sum()),
                    f"median_{y}": ok.quantile(0.5) if len(ok) else float("nan"),
                    f"p95_{y}": ok.quantile(0.95) if len(ok) else float("nan")})
        rows.append(row)
    return pd.DataFrame(rows)


def varying(df, candidates):
    """The candidate columns that take more than one value in df."""
    return [c for c in candidates if c in df.columns and df[c].nunique(dropna=False) > 1]


def format_table(table, floatfmt="{:.1f}"):
    return table.to_string(index=False, float_format=lambda v: floatfmt.format(v))
