"""Plots of ns3tls results: ECDFs, box plots vs loss, median/p95 vs RTT, handshake sequences.

Every function takes a DataFrame from :func:`ns3tls.run`, :func:`ns3tls.sweep` or
:func:`ns3tls.load` (or :func:`ns3tls.timeline` for :func:`sequence`), draws on ``ax`` when
given (else on a new Figure), saves to ``out`` when given (.png, .svg or .pdf) and returns the
Figure. Figures are built without pyplot (Agg canvas), so this works headless and in threads;
in Jupyter a returned Figure displays inline.

``hue`` names the column(s) whose combinations are the conditions (a list or "tls,loss").
"""

import math
import os

# Figures get an Agg canvas explicitly: no pyplot, no GUI backend, no global figure state.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Patch

FORMATS = ("png", "svg", "pdf")

#: Axis labels with units.
LABELS = {
    "total_ms": "connect \u2192 handshake complete (ms)",
    "tls_ms": "TLS handshake (ms)",
    "tcp_ms": "TCP connect (ms)",
    "server_done_ms": "connect \u2192 server done (ms)",
    "ttfb_ms": "time to first response byte (ms)",
    "rtt_ms": "RTT (ms)",
    "rtt": "RTT",
    "loss": "packet loss probability (each direction)",
    "bandwidth_mbps": "bandwidth (Mbit/s)",
    "client_bytes": "client bytes",
    "server_bytes": "server bytes",
    "tls": "TLS version",
    "key": "server key",
}

#: Short names for panel titles.
SHORT = {"loss": "loss", "rtt": "RTT", "rtt_ms": "RTT (ms)", "tls": "TLS", "bandwidth": "bandwidth"}

#: Numeric twins of text columns, used when a text column is put on a numeric axis.
NUMERIC = {"rtt": "rtt_ms", "bandwidth": "bandwidth_mbps"}

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf"]


def label(col):
    return LABELS.get(col, col)


# ----------------------------------------------------------------------------------------------
# helpers


def _new_axes(ax, figsize=(6.4, 4.4)):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def save(fig, out, dpi=150):
    """Saves a Figure as PNG, SVG or PDF (by the file's extension)."""
    out = os.fspath(out)
    ext = os.path.splitext(out)[1].lower().lstrip(".")
    if ext not in FORMATS:
        raise ValueError(f"cannot write '{out}': use a .png, .svg or .pdf file name")
    directory = os.path.dirname(os.path.abspath(out))
    os.makedirs(directory, exist_ok=True)
    if fig.canvas is None or not hasattr(fig.canvas, "print_figure"):
        FigureCanvasAgg(fig)
    fig.savefig(out, format=ext, dpi=dpi)
    return out


def _hue_list(hue):
    if hue is None:
        return []
    if isinstance(hue, str):
        return [h.strip() for h in hue.split(",") if h.strip()]
    return list(hue)


def _sort_key(v):
    try:
        return (0, float(v), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(v))


def _conditions(df, hue):
    """[(label, sub-frame)] for each combination of the hue columns, in natural order."""
    hues = _hue_list(hue)
    for h in hues:
        if h not in df.columns:
            raise ValueError(f"no column '{h}' (columns: {', '.join(map(str, df.columns))})")
    if not hues:
        return [("all", df)]
    groups = []
    by = hues[0] if len(hues) == 1 else hues
    for key, sub in df.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        groups.append((key, sub))
    groups.sort(key=lambda g: [_sort_key(v) for v in g[0]])
    out = []
    for key, sub in groups:
        if len(hues) == 1:
            text = _value_text(hues[0], key[0])
        else:
            text = ", ".join(_value_text(h, v) if h == "tls" else f"{h}={_value_text(h, v)}"
                             for h, v in zip(hues, key))
        out.append((text, sub))
    return out


def _value_text(col, v):
    if col == "tls":
        return f"TLS {v}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _legend_title(hue):
    return ", ".join(label(h) if len(_hue_list(hue)) == 1 else h for h in _hue_list(hue)) or None


def _numeric(df, col):
    if col in NUMERIC and NUMERIC[col] in df.columns:
        return NUMERIC[col]
    return col


def _quantile(values, q):
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return math.nan
    pos = q * (len(values) - 1)
    i = int(pos)
    frac = pos - i
    return values[i] * (1 - frac) + values[i + 1] * frac if i + 1 < len(values) else values[i]


def _long_tail(values, ratio):
    values = [v for v in values if not math.isnan(v)]
    if len(values) < 2:
        return False
    med = _quantile(values, 0.5)
    return med > 0 and _quantile(values, 0.99) / med > ratio


def _finish(fig, out):
    if out:
        save(fig, out)
    return fig


# ----------------------------------------------------------------------------------------------
# ECDF


def ecdf(df, y="total_ms", hue="tls", col=None, ax=None, out=None, logx="auto", title=None):
    """Empirical CDF of ``y`` per condition (one step line per ``hue`` combination).

    The denominator counts every handshake, failed ones included, so failures keep a curve below
    1. ``col`` makes one panel per value of that column. ``logx``: True, False or "auto" (log
    when the 99th percentile is more than 5x the median).
    """
    if col:
        values = sorted(df[col].unique(), key=_sort_key)
        if ax is not None:
            raise ValueError("ecdf(col=...) makes its own panels: do not pass ax")
        fig = Figure(figsize=(4.2 * len(values), 4.2), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(values), sharey=True, squeeze=False)[0]
        if logx == "auto":
            logx = _long_tail(df[y].astype(float).tolist(), 5)
        for a, v in zip(axes, values):
            ecdf(df[df[col] == v], y=y, hue=hue, ax=a, logx=logx,
                 title=_value_text(col, v) if col == "tls"
                 else f"{SHORT.get(col, col)} = {_value_text(col, v)}")
        return _finish(fig, out)
    if y not in df.columns:
        raise ValueError(f"no column '{y}'")
    fig, ax = _new_axes(ax)
    allv = df[y].astype(float).tolist()
    for i, (text, sub) in enumerate(_conditions(df, hue)):
        vals = sorted(v for v in sub[y].astype(float) if not math.isnan(v))
        n = len(sub)
        if not vals or n == 0:
            continue
        xs = [vals[0]] + vals
        ys = [0.0] + [(k + 1) / n for k in range(len(vals))]
        ax.step(xs, ys, where="post", label=text, color=COLORS[i % len(COLORS)], lw=1.6)
    if logx is True or (logx == "auto" and _long_tail(allv, 5)):
        ax.set_xscale("log")
    ax.set_xlabel(label(y))
    ax.set_ylabel("fraction of handshakes")
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    if hue:
        ax.legend(title=_legend_title(hue), loc="lower right", fontsize="small")
    if title:
        ax.set_title(title)
    return _finish(fig, out)


# ----------------------------------------------------------------------------------------------
# box plots


def box(df, x="loss", y="total_ms", hue="tls", ax=None, out=None, logy="auto", title=None):
    """Box plots of ``y`` for each value of ``x`` (default: loss), side by side per ``hue``.

    Whiskers at the 5th/95th percentiles, outliers as dots. ``logy``: True, False or "auto"
    (log when the 99th percentile is more than 5x the median, typical with loss).
    """
    for c in (x, y):
        if c not in df.columns:
            raise ValueError(f"no column '{c}'")
    fig, ax = _new_axes(ax)
    xs = sorted(df[x].unique(), key=_sort_key)
    conds = _conditions(df, hue)
    n = len(conds)
    width = 0.8 / n
    for i, (text, sub) in enumerate(conds):
        color = COLORS[i % len(COLORS)]
        data, pos = [], []
        for j, xv in enumerate(xs):
            vals = [v for v in sub.loc[sub[x] == xv, y].astype(float) if not math.isnan(v)]
            if vals:
                data.append(vals)
                pos.append(j - 0.4 + width * (i + 0.5))
        if not data:
            continue
        ax.boxplot(data, positions=pos, widths=width * 0.85, patch_artist=True, whis=(5, 95),
                   manage_ticks=False,
                   boxprops={"facecolor": color, "alpha": 0.55, "edgecolor": color},
                   medianprops={"color": "black"}, whiskerprops={"color": color},
                   capprops={"color": color},
                   flierprops={"marker": ".", "markersize": 3, "markerfacecolor": color,
                               "markeredgecolor": color, "alpha": 0.5})
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([_value_text(x, v) for v in xs])
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    if logy is True or (logy == "auto" and _long_tail(df[y].astype(float).tolist(), 5)):
        ax.set_yscale("log")
    ax.grid(True, axis="y", alpha=0.3)
    if hue:
        handles = [Patch(facecolor=COLORS[i % len(COLORS)], alpha=0.55, label=text)
                   for i, (text, _) in enumerate(conds)]
        ax.legend(handles=handles, title=_legend_title(hue), fontsize="small", loc="upper left")
    if title:
        ax.set_title(title)
    return _finish(fig, out)


# ----------------------------------------------------------------------------------------------
# median / p95 lines vs RTT


def line(df, x="rtt_ms", y="total_ms", hue="tls", ks=(2, 3), ax=None, out=None, logy=False,
         title=None):
    """Median (solid) and 95th percentile (dashed) of ``y`` vs ``x`` per ``hue`` condition.

    When ``x`` is the RTT, the analytic k x RTT lines are drawn for reference (grey, dotted):
    a full handshake costs the TCP handshake (1 RTT) plus 1 RTT of TLS 1.3 or 2 RTTs of TLS 1.2,
    so ``ks=(2, 3)``; transmission and crypto time come on top of them.
    """
    x = _numeric(df, x)
    for c in (x, y):
        if c not in df.columns:
            raise ValueError(f"no column '{c}'")
    fig, ax = _new_axes(ax)
    for i, (text, sub) in enumerate(_conditions(df, hue)):
        color = COLORS[i % len(COLORS)]
        xs = sorted(sub[x].unique(), key=_sort_key)
        med, p95 = [], []
        for xv in xs:
            vals = sub.loc[sub[x] == xv, y].astype(float).tolist()
            med.append(_quantile(vals, 0.5))
            p95.append(_quantile(vals, 0.95))
        ax.plot(xs, med, "-o", color=color, label=f"{text} median", ms=4)
        ax.plot(xs, p95, "--s", color=color, label=f"{text} p95", ms=4, alpha=0.8)
    if x == "rtt_ms" and ks:
        xmax = float(df[x].max())
        for j, k in enumerate(ks):
            ax.plot([0, xmax], [0, k * xmax], ":", color="0.45", lw=1.2,
                    label=f"{k} \u00d7 RTT")
            ax.annotate(f"{k}\u00d7RTT", (xmax, k * xmax), textcoords="offset points",
                        xytext=(2, 0), fontsize="x-small", color="0.35", va="center")
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    if logy:
        ax.set_yscale("log")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0 if not logy else None)
    ax.grid(True, alpha=0.3)
    ax.legend(title=_legend_title(hue), fontsize="small")
    if title:
        ax.set_title(title)
    return _finish(fig, out)


# ----------------------------------------------------------------------------------------------
# sequence diagram of one handshake


def sequence(tl, conn=0, client=0, ax=None, out=None, title=None):
    """Message sequence chart of one connection from a timeline DataFrame.

    Client and server lanes; an arrow per flight (messages sent together and read together are
    one arrow, their names stacked) from the send time to the time the peer's TLS engine read
    it; times in ms since the client's Connect() call. A message never read (e.g. tickets sent
    as the client closes) ends in a short dashed arrow. The TCP handshake is the shaded band
    before the first message.
    """
    sub = tl
    if "conn" in tl.columns:
        sub = sub[sub["conn"] == conn]
    if "client" in tl.columns:
        sub = sub[sub["client"] == client]
    if sub.empty:
        raise ValueError(f"no messages for conn {conn} of client {client}")
    fig, ax = _new_axes(ax, figsize=(6.4, 7.0))
    # A flight: the messages one side sent at one instant (one arrow, to the last read).
    flights = []
    for row in sub.itertuples(index=False):
        key = (row.sender, float(row.time_ms))
        recv = math.nan if _isnan(row.recv_ms) else float(row.recv_ms)
        if flights and flights[-1][0] == key:
            flights[-1][1].append((row.message, int(row.bytes), recv))
        else:
            flights.append((key, [(row.message, int(row.bytes), recv)]))
    xs = {"client": 0.0, "server": 1.0}
    t_first = min(k[1] for k, _ in flights)
    t_end = max(max([k[1]] + [r for _, _, r in m if not math.isnan(r)]) for k, m in flights)
    span = max(t_end, 1.0)
    for lane, xv in xs.items():
        ax.plot([xv, xv], [0, t_end + 0.08 * span], color="0.3", lw=2)
        ax.text(xv, -0.03 * span, lane, ha="center", va="bottom", fontsize="large",
                fontweight="bold")
    ax.axhspan(0, t_first, color="0.92", zorder=0)
    ax.text(0.5, t_first / 2, f"TCP handshake ({t_first:.1f} ms)", ha="center", va="center",
            fontsize="small", color="0.3")
    stub = 0.3
    for (sender, sent), msgs in flights:
        x0 = xs[sender]
        x1 = 1.0 - x0
        color = COLORS[0] if sender == "client" else COLORS[1]
        reads = [r for _, _, r in msgs if not math.isnan(r)]
        never = not reads
        recv = max(reads) if reads else math.nan
        end_y = sent + 0.025 * span if never else recv
        end_x = x0 + (x1 - x0) * stub if never else x1
        ax.add_patch(FancyArrowPatch((x0, sent), (end_x, end_y), arrowstyle="-|>",
                                     mutation_scale=12, color=color, lw=1.3,
                                     linestyle="--" if never else "-"))
        text = _wrap(_collapse([m for m, _, _ in msgs]), 48)
        text += f" ({sum(b for _, b, _ in msgs)} B)" + (" — not read" if never else "")
        if never:
            tx, ty, ha = end_x + (0.02 if x1 > x0 else -0.02), end_y, "left" if x1 > x0 else "right"
        else:
            tx, ty, ha = (x0 + x1) / 2, (sent + end_y) / 2, "center"
        ax.text(tx, ty, text, ha=ha, va="center", fontsize="x-small", color=color,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.6})
        _time_label(ax, x0, sent)
        if not never:
            first = min(reads)
            _time_label(ax, x1, recv, f"{first:.1f}–{recv:.1f}" if recv - first >= 0.05
                        else None)
    ax.set_xlim(-0.25, 1.25)
    ax.set_ylim(t_end + 0.1 * span, -0.08 * span)
    ax.set_xticks([])
    ax.set_ylabel("time since Connect() (ms)")
    for s in ("top", "right", "bottom"):
        ax.spines[s].set_visible(False)
    if title is None:
        parts = []
        for c, fmt in (("tls", "TLS {}"), ("rtt", "RTT {}"), ("loss", "loss {}"),
                       ("key", "{}")):
            if c in sub.columns:
                parts.append(fmt.format(sub[c].iloc[0]))
        title = ", ".join(parts) + f" \u2014 connection {conn}"
    ax.set_title(title, fontsize="medium")
    return _finish(fig, out)


def _collapse(names):
    """["A", "B", "B"] -> "A + 2× B"."""
    out = []
    for n in names:
        if out and out[-1][0] == n:
            out[-1][1] += 1
        else:
            out.append([n, 1])
    return " + ".join(n if k == 1 else f"{k}× {n}" for n, k in out)


def _wrap(text, width):
    lines, cur = [], ""
    for part in text.split(" + "):
        cand = part if not cur else cur + " + " + part
        if cur and len(cand) > width:
            lines.append(cur + " +")
            cur = part
        else:
            cur = cand
    lines.append(cur)
    return "\n".join(lines)


def _time_label(ax, x, t, text=None):
    left = x < 0.5
    ax.text(x + (-0.02 if left else 0.02), t, text or f"{t:.1f}", ha="right" if left else "left",
            va="center", fontsize="xx-small", color="0.25")


def _isnan(v):
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True


# ----------------------------------------------------------------------------------------------
# the demo's figure


def overview(results, timelines=None, rtt=None, loss=None, out=None, hue="tls"):
    """The demo's figure: ECDF, box plot vs loss, median/p95 vs RTT, and sequence diagrams.

    ECDF and box plot use one RTT (default: the middle one); the ECDF uses the highest loss.
    ``timelines``: a list of timeline DataFrames, one sequence panel each.
    """
    timelines = list(timelines or [])
    rtts = sorted(results["rtt_ms"].unique())
    rtt = rtts[len(rtts) // 2] if rtt is None else rtt
    losses = sorted(results["loss"].unique())
    loss = losses[-1] if loss is None else loss
    ncols = max(3, len(timelines))
    fig = Figure(figsize=(5.2 * 3, 4.6 + (6.0 if timelines else 0)), layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2 if timelines else 1, 6, height_ratios=[1, 1.4] if timelines else [1])
    a1 = fig.add_subplot(grid[0, 0:2])
    a2 = fig.add_subplot(grid[0, 2:4])
    a3 = fig.add_subplot(grid[0, 4:6])
    at_rtt = results[results["rtt_ms"] == rtt]
    ecdf(at_rtt[at_rtt["loss"] == loss], hue=hue, ax=a1,
         title=f"ECDF, RTT {rtt:g} ms, loss {loss:g}")
    box(at_rtt, x="loss", hue=hue, ax=a2, title=f"vs loss, RTT {rtt:g} ms")
    no_loss = results[results["loss"] == losses[0]]
    line(no_loss, x="rtt_ms", hue=hue, ax=a3, title=f"vs RTT, loss {losses[0]:g}")
    if timelines:
        width = 6 // max(1, len(timelines))
        for i, tl in enumerate(timelines[:ncols]):
            sequence(tl, ax=fig.add_subplot(grid[1, i * width:(i + 1) * width]))
    return _finish(fig, out)
