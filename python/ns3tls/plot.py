"""Plots of ns3tls results: ECDFs, box plots, median lines with confidence bands, handshake
sequence diagrams, and the demo's overview.

Every function takes a DataFrame from :func:`ns3tls.run`, :func:`ns3tls.sweep` or
:func:`ns3tls.load` (or :func:`ns3tls.timeline` for :func:`sequence`), draws on ``ax`` when
given (else on a new Figure), saves to ``out`` when given (.png, .svg or .pdf) and returns the
Figure. Figures are built without pyplot (Agg canvas), so this works headless and in threads;
in Jupyter a returned Figure displays inline.

``hue`` names the column(s) whose combinations are the conditions (a list or "tls,loss").

No parameter is pooled silently: a scenario parameter that varies in the data but is on no
axis, hue or facet (``rtt`` in a sweep over RTTs plotted against loss) becomes a facet, one
panel per value (``facet="auto"``, the default); with ``facet=None`` the plot refuses with a
ValueError naming it and the ways out (select rows, ``hue=`` or ``facet=``). ``where``
(e.g. the CLI's ``--query``) is printed under the figure.
"""

import itertools
import math
import os

# Figures get an Agg canvas explicitly: no pyplot, no GUI backend, no global figure state.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ._format import SHORT, condition_text, ordered, pooled, sort_key, value_text

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
    "early_data_bytes": "0-RTT data offered (bytes)",
    "request": "request (bytes)",
    "response": "response (bytes)",
    "resumed": "resumed (1) or full (0) handshake",
    "early_data": "0-RTT accepted (1) or not (0)",
    "retransmissions": "TCP retransmissions",
}

#: Numeric twins of text columns, used when a text column is put on a numeric axis.
NUMERIC = {"rtt": "rtt_ms", "bandwidth": "bandwidth_mbps"}

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf"]

#: Most panels a figure makes on its own before asking the caller to choose.
MAX_PANELS = 12


def label(col):
    return LABELS.get(col, col)


# ----------------------------------------------------------------------------------------------
# helpers


def _new_figure(figsize):
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _new_axes(ax, figsize=(6.4, 4.4)):
    if ax is not None:
        return ax.figure, ax
    fig = _new_figure(figsize)
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


def _require(df, *cols):
    for c in cols:
        if c and c not in df.columns:
            raise ValueError(f"no column '{c}' (columns: {', '.join(map(str, df.columns))})")


def _require_values(df, y):
    """A ValueError when the successful handshakes have no value of y (an empty figure)."""
    ok = df[df["ok"] == 1] if "ok" in df.columns else df
    if len(ok) and not _values(ok[y]):
        hint = " (ttfb_ms needs a response: response > 0)" if y == "ttfb_ms" else ""
        raise ValueError(f"no values of '{y}' in these results{hint}")


def _conditions(df, hue):
    """[(label, sub-frame)] for each combination of the hue columns, in value order."""
    hues = _hue_list(hue)
    _require(df, *hues)
    if not hues:
        return [("all", df)]
    groups = []
    for key, sub in df.groupby(hues[0] if len(hues) == 1 else hues, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        groups.append((key, sub))
    groups.sort(key=lambda g: [sort_key(v) for v in g[0]])
    out = []
    for key, sub in groups:
        if len(hues) == 1:
            text = value_text(hues[0], key[0])
        else:
            text = ", ".join(condition_text(h, v) for h, v in zip(hues, key))
        out.append((text, sub))
    return out


def _hue_colors(df, hue):
    """{condition label: colour} over all of ``df`` (value order), so that a hue value keeps
    its colour in every panel, also in a panel where other values are missing, and the one
    legend matches every panel."""
    return {text: COLORS[i % len(COLORS)] for i, (text, _) in enumerate(_conditions(df, hue))}


def _failures(part, y):
    """(failed, all) handshakes of a condition: rows with ok == 0 (else rows without ``y``)."""
    if "ok" in part.columns:
        return int((part["ok"].astype(float) == 0).sum()), len(part)
    return int(part[y].isna().sum()), len(part)


def _failed_text(failed, n, shown=" not shown"):
    """"12 % failed, not shown", "all 16 failed" or "" (none failed)."""
    if not failed:
        return ""
    if failed == n:
        return f"all {n} failed"
    return f"{100.0 * failed / n:.2g} % failed" + ("," + shown if shown else "")


def _failed_mark(ax, xpos, text, color, shift=0.0):
    """Writes ``text`` upright at data x ``xpos`` (moved by ``shift`` points), from the bottom
    of the axes: a slot's note on its failed handshakes."""
    ax.annotate(text, (xpos, 0.02), xycoords=ax.get_xaxis_transform(), xytext=(shift, 0),
                textcoords="offset points", rotation=90, ha="center", va="bottom",
                fontsize="xx-small", color=color, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.3})


def _legend_title(hue):
    hues = _hue_list(hue)
    return label(hues[0]) if len(hues) == 1 else None


def _numeric(df, col):
    if col in NUMERIC and NUMERIC[col] in df.columns:
        return NUMERIC[col]
    return col


def _values(series):
    return [v for v in series.astype(float).tolist() if not math.isnan(v)]


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


def log_ticks(axis):
    """Log axis ticks a reader can read: 10, 20, 50, 100, 200, 500 ms... (not only powers of
    ten)."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _scale_label(text, log):
    """An axis label that says when its axis is logarithmic: "... (ms, log scale)"."""
    if not log:
        return text
    return text[:-1] + ", log scale)" if text.endswith(")") else text + " (log scale)"


def _finish(fig, out):
    if out:
        save(fig, out)
    return fig


def _caption(fig, where=None, extra=None):
    parts = [p for p in (f"rows where {where}" if where else None, extra) if p]
    if parts:
        fig.supxlabel("; ".join(parts), fontsize="small", color="0.3")


# ----------------------------------------------------------------------------------------------
# facets: never pool a varying parameter silently


def _facet_columns(df, used, facet, always=()):
    """The facet columns: ``always`` and the given ones, plus (facet="auto") any parameter
    that would be pooled; ValueError naming a pooled parameter when facets are off or too
    many."""
    given = list(always) + ([] if facet in (None, "auto", False) else _hue_list(facet))
    _require(df, *given)
    left = pooled(df, list(used) + given)
    if not left:
        return given
    if facet == "auto":
        cols = given + left
        n = 1
        for c in cols:
            n *= df[c].nunique(dropna=False)
        if len(cols) <= 2 and n <= MAX_PANELS:
            return cols
    p = left[0]
    vals = ", ".join(value_text(p, v) for v in ordered(df[p].tolist())[:6])
    raise ValueError(f"'{p}' varies ({vals}) but is on no axis, hue or facet: select rows "
                     f"(--query / query=, e.g. {_query_hint(df, p)}), or show it "
                     f"(--hue {p} / hue=, --facet {p} / facet=)")


def _query_hint(df, p):
    twin = NUMERIC.get(p)
    if twin and twin in df.columns:
        return f"\"{twin} == {ordered(df[twin].tolist())[0]:g}\""
    v = ordered(df[p].tolist())[0]
    return f"\"{p} == {v!r}\"" if isinstance(v, str) else f"\"{p} == {v:g}\""


def _panels(df, facets):
    """[(title, sub-frame)] per combination of the facet columns, in value order."""
    if not facets:
        return [(None, df)]
    levels = [ordered(df[c].tolist()) for c in facets]
    out = []
    for combo in itertools.product(*levels):
        mask = True
        for c, v in zip(facets, combo):
            mask = mask & (df[c] == v)
        sub = df[mask]
        if len(sub):
            out.append((", ".join(condition_text(c, v) for c, v in zip(facets, combo)), sub))
    return out


def _faceted(df, used, facet, ax, draw, title=None, where=None, panel_size=(5.0, 4.2),
             sharey=True, note=None, always=(), sharex=False):
    """Draws one panel per facet combination with ``draw(ax, sub)``; returns the Figure.
    ``sharex``/``sharey``: the panels share that axis (range and scale), which is then labelled
    once per column (x, on the lowest panel) or row (y, on the first)."""
    facets = _facet_columns(df, used, facet, always)
    panels = _panels(df, facets)
    if len(panels) == 1:
        fig, ax = _new_axes(ax, figsize=(6.4, 4.4))
        draw(ax, panels[0][1], legend=True)
        head = ", ".join(t for t in (title, panels[0][0]) if t)
        if head:
            ax.set_title(head)
        if ax.get_subplotspec() is not None and len(fig.axes) == 1:
            _caption(fig, where, note() if callable(note) else note)
        return fig
    if ax is not None:
        raise ValueError(f"one panel per {', '.join(facets)}: do not pass ax (or select rows)")
    ncols = min(len(panels), 3 if len(panels) > 4 else len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig = _new_figure((panel_size[0] * ncols, panel_size[1] * nrows + 0.4))
    axes = fig.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=False).ravel()
    for i, (a, (text, sub)) in enumerate(zip(axes, panels)):
        draw(a, sub, legend=i == 0)
        a.set_title(text, fontsize="medium")
        if sharey and i % ncols:
            a.set_ylabel("")
        if sharex:
            if i + ncols < len(panels):  # a panel below shows the shared x-axis
                a.set_xlabel("")
            else:  # lowest panel of its column (also above an empty slot): ticks labelled
                a.xaxis.set_tick_params(labelbottom=True)
    for a in axes[len(panels):]:
        a.set_visible(False)
    if title:
        fig.suptitle(title)
    _caption(fig, where, note() if callable(note) else note)
    return fig


# ----------------------------------------------------------------------------------------------
# ECDF


def ecdf(df, y="total_ms", hue="tls", col=None, ax=None, out=None, logx="auto", title=None,
         facet="auto", where=None):
    """Empirical CDF of ``y`` per condition (one step line per ``hue`` combination).

    The denominator counts every handshake, failed ones included, so failures keep a curve below
    1. ``col`` (or ``facet``) makes one panel per value of that column; all panels share one
    x-axis (range and scale), so that they compare by eye. ``logx``: True, False or "auto" (log
    when the 99th percentile of all rows is more than 5x their median); a log axis says so in
    its label.
    """
    _require(df, y)
    _require_values(df, y)
    if logx == "auto":
        logx = _long_tail(_values(df[y]), 5)
    hues = _hue_list(hue)
    colors = _hue_colors(df, hue)

    def draw(ax, sub, legend):
        for text, part in _conditions(sub, hue):
            vals = sorted(_values(part[y]))
            n = len(part)
            failed = _failed_text(*_failures(part, y), shown="")
            name = f"{text} (n={n}" + (f", {failed})" if failed else ")")
            if not vals:  # nothing to draw: say so in the legend and the panel
                ax.plot([], [], color=colors[text], lw=1.6, ls=":", label=name)
                ax.text(0.03, 0.97 - 0.06 * list(colors).index(text), f"{text}: {failed}",
                        transform=ax.transAxes, ha="left", va="top", fontsize="small",
                        color=colors[text])
                continue
            xs = [vals[0]] + vals
            ys = [0.0] + [(k + 1) / n for k in range(len(vals))]
            ax.step(xs, ys, where="post", label=name, color=colors[text], lw=1.6)
        if logx:
            ax.set_xscale("log")
            log_ticks(ax.xaxis)
        ax.set_xlabel(_scale_label(label(y), logx))
        ax.set_ylabel("fraction of handshakes")
        ax.set_ylim(0, 1.02)
        ax.grid(True, alpha=0.3)
        if hues:
            ax.legend(title=_legend_title(hue), loc="lower right", fontsize="small")

    fig = _faceted(df, hues, facet, ax, draw, title=title, where=where,
                   always=[col] if col else [], sharex=True)
    return _finish(fig, out)


# ----------------------------------------------------------------------------------------------
# box plots


def box(df, x="loss", y="total_ms", hue="tls", ax=None, out=None, logy="auto", title=None,
        facet="auto", where=None):
    """Box plots of ``y`` for each value of ``x`` (default: loss, in value order), side by side
    per ``hue``, with every handshake as a dot beside its box.

    Whiskers at the 5th/95th percentiles. A box whose quartiles are within 0.2 % of each
    other (most handshakes took the same time, e.g. without loss) is flat, a line: its median is
    written on it ("median" over "32.24 ms": 4 significant digits and the unit). The caption
    gives the handshakes drawn per box (n).
    ``logy``: True, False or "auto" (log when the 99th percentile is more than 5x the median).
    """
    _require(df, x, y)
    _require_values(df, y)
    if logy == "auto":
        logy = _long_tail(_values(df[y]), 5)
    hues = _hue_list(hue)
    colors = _hue_colors(df, hue)
    slot = {text: i for i, text in enumerate(colors)}  # same place beside x in every panel

    counts = set()  # handshakes drawn per box, for the caption

    def draw(ax, sub, legend):
        xs = ordered(sub[x].tolist())
        width = 0.8 / len(colors)
        labelled = False  # a flat box's median label needs room above the data
        for text, part in _conditions(sub, hue):
            color = colors[text]
            i = slot[text]
            for j, xv in enumerate(xs):
                cell = part[part[x] == xv]
                vals = _values(cell[y])
                pos = j - 0.4 + width * (i + 0.5)
                failed = _failed_text(*_failures(cell, y))
                if failed:
                    _failed_mark(ax, pos, failed, color)
                if not vals:
                    continue
                ax.boxplot([vals], positions=[pos], widths=width * 0.6, patch_artist=True,
                           whis=(5, 95), manage_ticks=False, showfliers=False,
                           boxprops={"facecolor": color, "alpha": 0.45, "edgecolor": color},
                           medianprops={"color": "black"}, whiskerprops={"color": color},
                           capprops={"color": color})
                # Every handshake as a dot (a strip beside the box).
                k = len(vals)
                offs = [width * 0.32 * ((m * 0.618) % 1 - 0.5) for m in range(k)]
                ax.scatter([pos + o for o in offs], vals, s=7, color=color, alpha=0.4,
                           linewidths=0, zorder=3)
                counts.add(k)
                lo, hi = _quantile(vals, 0.25), _quantile(vals, 0.75)
                if hi - lo <= 0.002 * max(abs(hi), 1.0):  # flat: write its median on it
                    labelled = True
                    ax.annotate(f"median\n{_sig4(_quantile(vals, 0.5))} {_unit(y)}".rstrip(),
                                (pos, hi), textcoords="offset points", xytext=(0, 3),
                                ha="center", va="bottom", fontsize="x-small", color=color,
                                zorder=5, bbox={"facecolor": "white", "edgecolor": "none",
                                                "alpha": 0.8, "pad": 0.3})
        ax.set_xticks(range(len(xs)))
        ax.set_xticklabels([value_text(x, v) for v in xs])
        ax.set_xlim(-0.6, len(xs) - 0.4)
        ax.set_xlabel(label(x))
        ax.set_ylabel(_scale_label(label(y), logy))
        if logy:
            ax.set_yscale("log")
            log_ticks(ax.yaxis)
        ax.grid(True, axis="y", alpha=0.3)
        if labelled:  # headroom, so that a label at the top stays inside the frame
            bottom, top = ax.get_ylim()
            if logy:
                ax.set_ylim(bottom, top * (top / bottom) ** 0.15 if bottom > 0 else top)
            else:
                ax.set_ylim(bottom, top + 0.15 * (top - bottom))
        if hues and legend:
            handles = [Patch(facecolor=c, alpha=0.45, label=text) for text, c in colors.items()]
            ax.legend(handles=handles, title=_legend_title(hue), fontsize="small", loc="best")

    fig = _faceted(df, [x] + hues, facet, ax, draw, title=title, where=where,
                   note=lambda: "boxes: quartiles, whiskers 5th-95th percentile, dots: "
                   "handshakes" + _counts_text(counts))
    return _finish(fig, out)


def _counts_text(counts):
    """" (n = 60 per box)", " (n = 40-60 per box)" or "" (no box)."""
    if not counts:
        return ""
    lo, hi = min(counts), max(counts)
    return f" (n = {lo} per box)" if lo == hi else f" (n = {lo}\u2013{hi} per box)"


def _unit(col):
    """The unit in a column's axis label ("ms" for total_ms), or ""."""
    text = label(col)
    return text[text.rfind("(") + 1:-1] if text.endswith(")") else ""


def _sig4(v):
    """``v`` to 4 significant digits, trailing zeros kept (102.0, 32.24, 1002)."""
    if v == 0 or math.isnan(v):
        return f"{v:g}"
    return f"{v:.{max(0, 3 - math.floor(math.log10(abs(v))))}f}"


# ----------------------------------------------------------------------------------------------
# median lines with a confidence band from the runs


def bootstrap(df, y, stat="median", runs_col="run", n_boot=400, seed=1):
    """(value, low, high, per-run values): ``stat`` ("median" or "mean") of ``y`` over all
    handshakes, and a 95 % bootstrap interval obtained by resampling whole runs (the
    independent replications); low/high are NaN with fewer than 2 runs."""
    import numpy as np

    fn = np.median if stat == "median" else np.mean
    vals = df[y].astype(float)
    ok = ~vals.isna()
    value = float(fn(vals[ok])) if ok.any() else math.nan
    if runs_col not in df.columns:
        return value, math.nan, math.nan, [value]
    groups = [g.to_numpy() for _, g in vals[ok].groupby(df.loc[ok, runs_col])]
    per_run = [float(fn(g)) for g in groups]
    if len(groups) < 2:
        return value, math.nan, math.nan, per_run
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(groups), len(groups))
        boot.append(fn(np.concatenate([groups[i] for i in pick])))
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return value, float(lo), float(hi), per_run


def line(df, x="rtt_ms", y="total_ms", hue="tls", ks=(2, 3), ax=None, out=None, logy=False,
         title=None, facet="auto", where=None, p95=True, stat="median", runs=False):
    """``stat`` ("median" or "mean") of ``y`` vs ``x`` per ``hue`` condition with a 95 %
    confidence band from the runs (bootstrap over whole runs; n runs in the legend), and the
    95th percentile dashed. ``runs=True`` also draws each run's value as a dot (the runs'
    spread).

    When ``x`` is the RTT, the analytic k x RTT lines are drawn for reference (grey, one style
    each): a full handshake costs the TCP handshake (1 RTT) plus 1 RTT of TLS 1.3 or 2 RTTs of
    TLS 1.2, so ``ks=(2, 3)``; transmission and crypto time come on top of them.
    """
    x = _numeric(df, x)
    _require(df, x, y)
    _require_values(df, y)
    hues = _hue_list(hue)
    ref_styles = [(":", "0.35"), ("-.", "0.55"), ("--", "0.7"), ((0, (1, 4)), "0.5")]
    colors = _hue_colors(df, hue)

    def draw(ax, sub, legend):
        nruns = set()
        for text, part in _conditions(sub, hue):
            color = colors[text]
            xs = ordered(part[x].tolist())
            stats = [bootstrap(part[part[x] == xv], y, stat) for xv in xs]
            nruns |= {len(s[3]) for s in stats}
            xf = [float(v) for v in xs]
            ax.plot(xf, [s[0] for s in stats], "-o", color=color, ms=4, label=f"{text} {stat}")
            for xv, v in zip(xs, xf):
                failed = _failed_text(*_failures(part[part[x] == xv], y))
                if failed:
                    k = list(colors).index(text)
                    _failed_mark(ax, v, failed, color, shift=9.0 * (k - (len(colors) - 1) / 2))
            if any(not math.isnan(s[1]) for s in stats):
                ax.fill_between(xf, [s[1] for s in stats], [s[2] for s in stats], color=color,
                                alpha=0.2, lw=0)
            if runs:
                ax.scatter([v for v, st in zip(xf, stats) for _ in st[3]],
                           [r for st in stats for r in st[3]], s=9, color=color, alpha=0.5,
                           linewidths=0, zorder=3)
            if p95:
                q = [_quantile(_values(part.loc[part[x] == xv, y]), 0.95) for xv in xs]
                ax.plot(xf, q, "--", color=color, lw=1, alpha=0.8, label=f"{text} p95")
        if x == "rtt_ms" and ks:
            xmax = float(sub[x].max())
            for j, k in enumerate(ks):
                style, grey = ref_styles[j % len(ref_styles)]
                ax.plot([0, xmax], [0, k * xmax], linestyle=style, color=grey, lw=1.3,
                        label=f"{k} \u00d7 RTT")
        ax.set_xlabel(label(x))
        ax.set_ylabel(_scale_label(label(y), logy))
        xs_all = ordered(sub[x].tolist())
        if x.startswith("loss"):
            ax.set_xticks([float(v) for v in xs_all])
            ax.set_xticklabels([value_text(x, v) for v in xs_all])
        if logy:
            ax.set_yscale("log")
            log_ticks(ax.yaxis)
        else:
            # Autoscale over every drawn series (bands, p95 lines) of this panel and, with
            # sharey, of the panels drawn before it; then pin the bottom at 0. set_ylim turns
            # autoscaling off, so it is turned back on for each panel.
            ax.set_autoscaley_on(True)
            ax.autoscale_view(scalex=False)
            ax.set_ylim(bottom=0)
        if x == "rtt_ms":
            ax.set_xlim(left=0)
        ax.grid(True, alpha=0.3)
        if legend:
            nr = "/".join(str(n) for n in sorted(nruns))
            extra = [Patch(facecolor="0.6", alpha=0.4,
                           label=f"95 % CI of the {stat} ({nr} runs)" if max(nruns) > 1
                           else "1 run: no confidence band")]
            if runs:
                extra.append(Line2D([], [], ls="", marker="o", ms=3, color="0.5",
                                    label=f"one run's {stat}"))
            # Every hue value (also one missing from this panel), in the colours of all panels.
            handles = []
            for text, color in colors.items():
                handles.append(Line2D([], [], marker="o", ms=4, color=color,
                                      label=f"{text} {stat}"))
                if p95:
                    handles.append(Line2D([], [], ls="--", lw=1, alpha=0.8, color=color,
                                          label=f"{text} p95"))
            handles += [h for h, lab in zip(*ax.get_legend_handles_labels())
                        if lab.endswith("\u00d7 RTT")]
            ax.legend(handles=handles + extra, fontsize="x-small",
                      title=_legend_title(hue), title_fontsize="small")

    fig = _faceted(df, [x] + hues, facet, ax, draw, title=title, where=where)
    return _finish(fig, out)


# ----------------------------------------------------------------------------------------------
# sequence diagram of one connection


TCP_COLOR = "0.35"
RETX_COLOR = "#e66100"
LOST_COLOR = "#c00000"


def _kx_text(row):
    kx = str(getattr(row, "kx", "") or "")
    key = str(getattr(row, "key", "") or "")
    names = {"ecdhe": "ECDHE", "rsa": "RSA key transport", "dhe": "DHE"}
    keys = {"rsa2048": "RSA-2048", "rsa3072": "RSA-3072", "rsa4096": "RSA-4096",
            "p256": "ECDSA P-256", "p384": "ECDSA P-384", "ed25519": "Ed25519"}
    parts = [names.get(kx, kx.upper()) if kx else "", keys.get(key, key)]
    return ", ".join(p for p in parts if p)


def _time_axis(times, break_gaps, lines=40.0, min_step=1.2, rhythm=None):
    """A vertical position (in text lines) for each event time: linear in time, ``lines``
    for the whole, but at least ``min_step`` lines between two distinct times (so that their
    labels never overlap), and idle gaps (e.g. a 1 s SYN retransmission timeout) shortened to
    3 lines. Returns (position function, [(t0, t1, y)] of the shortened gaps)."""
    ts = sorted(set(round(t, 6) for t in times if not math.isnan(t)))
    if not ts:
        return (lambda t: 0.0), []
    steps = [b - a for a, b in zip(ts, ts[1:])]
    span = max(ts[-1] - ts[0], 1e-9)
    typical = sorted(steps)[len(steps) // 2] if steps else span
    long_gap = [False] * len(steps)
    if break_gaps:
        # "Long" against the exchange's own rhythm: the median transit time of what was
        # received (about a one-way delay, also when segments were lost).
        rhythm = rhythm or typical
        limit = max(4 * rhythm, 0.1 * span) if break_gaps == "auto" else 2 * rhythm
        long_gap = [d > limit for d in steps]
    shown = sum(d for d, g in zip(steps, long_gap) if not g) or span
    scale = lines / shown
    ys = [0.0]
    breaks = []
    for (a, b), d, g in zip(zip(ts, ts[1:]), steps, long_gap):
        step = 3.0 if g else max(d * scale, min_step)
        if g:
            breaks.append((a, b, ys[-1] + step / 2))
        ys.append(ys[-1] + step)

    def pos(t):
        if math.isnan(t):
            return math.nan
        t = round(t, 6)
        if t <= ts[0]:
            return ys[0]
        for (a, b), ya, yb in zip(zip(ts, ts[1:]), ys, ys[1:]):
            if t <= b:
                return ya + (yb - ya) * (t - a) / (b - a)
        return ys[-1]

    return pos, breaks


def sequence(tl, conn=0, client=0, ax=None, out=None, title=None, start="connect",
             break_gaps="auto"):
    """Message sequence chart of one connection from a timeline DataFrame.

    Client and server lanes. TCP's three-way handshake is drawn as its SYN, SYN-ACK and ACK
    segments, retransmitted segments in orange (marked \u21bb), lost ones ending in a red
    \u2715; each TLS flight (messages sent together and read together) is one arrow with its
    messages' names stacked, from the send time to the time the peer's TLS engine read it.
    A flight the peer read only when a retransmitted segment arrived (e.g. the ClientHello
    under ``drop_c2s="1"``) was lost, all of it or the part in the lost segment: its first
    transmission ends in a red \u2715 short of the peer, and the retransmission (orange,
    \u21bb, with the segment's size) goes from the segment's send time to the read. The
    timeline has no row for the first transmission of a data segment, so the lost arrow starts
    at the flight's send time (when TLS handed it to TCP).
    Times (ms since the client's Connect() call) are written at both ends.

    ``start``: "connect" (time 0 = Connect()) or "established" (time 0 = TCP established at
    the client; the TCP handshake is summarised in the title). ``break_gaps``: "auto" shortens
    idle gaps longer than a third of the whole (e.g. a 1 s SYN retransmission timeout) and marks
    them with their length; True/False to force.
    """
    if not {"time_ms", "sender", "message"} <= set(tl.columns):
        raise ValueError("sequence diagrams need a timeline (columns time_ms, recv_ms, sender, "
                         "message: ns3tls.timeline() or the example's --timeline), not a "
                         "results table")
    if start not in ("connect", "established"):
        raise ValueError(f"start must be 'connect' or 'established', not {start!r}")
    sub = tl
    if "conn" in tl.columns:
        sub = sub[sub["conn"] == conn]
    if "client" in tl.columns:
        sub = sub[sub["client"] == client]
    if sub.empty:
        raise ValueError(f"no messages for conn {conn} of client {client}")
    layer = sub["layer"] if "layer" in sub.columns else None
    is_tcp = (layer == "tcp") if layer is not None else sub["message"].map(lambda _: False)
    retx = sub["retransmission"].astype(bool) if "retransmission" in sub.columns \
        else is_tcp & False
    tcp = sub[is_tcp]
    tls = sub[~is_tcp]

    # Time origin.
    origin = 0.0
    tcp_note = ""
    if start == "established":
        acks = tcp[(tcp["message"] == "ACK") & (tcp["sender"] == "client")]
        first = tls["time_ms"].astype(float).min() if len(tls) else 0.0
        origin = float(acks["time_ms"].min()) if len(acks) else first
        syns = tcp[tcp["message"] == "SYN"]
        lost = int(syns["recv_ms"].isna().sum()) if "recv_ms" in syns else 0
        tcp_note = f"TCP established at {origin:.1f} ms" + (
            f" ({lost} SYN{'s' if lost != 1 else ''} lost)" if lost else "")
        tcp = tcp[tcp["time_ms"].astype(float).fillna(origin) >= origin]

    flights = _flights(tls)
    resent = _resent_flights(flights, tcp)

    events = []  # (sender, sent, recv, text, first read, kind)
    for i, row in enumerate(tcp.itertuples(index=False)):
        if i in resent.values():
            continue  # drawn as its flight's retransmission below
        sent = _num(row.time_ms) - origin
        recv = _num(row.recv_ms) - origin
        r = bool(getattr(row, "retransmission", 0))
        name = row.message
        text = name if name != "segment" else f"segment ({int(row.bytes)} B)"
        if r:
            text = "\u21bb " + text + " (retransmission)"
        events.append((row.sender, sent, recv, text, 0, "retx" if r else "tcp"))
    for k, ((sender, sent), msgs) in enumerate(flights):
        reads = [r for _, _, r in msgs if not math.isnan(r)]
        text = _wrap(_collapse([m for m, _, _ in msgs]), 40)
        text += f" ({sum(b for _, b, _ in msgs)} B)"
        read = (max(reads) if reads else math.nan) - origin
        first = min(reads) - origin if reads else math.nan
        if k not in resent:
            events.append((sender, sent - origin, read, text, first, "tls"))
            continue
        # Lost: the first transmission (from the flight's send time, ending in a cross), then
        # the retransmitted segment that let the peer read it, up to the read.
        seg = tcp.iloc[resent[k]]
        events.append((sender, sent - origin, math.nan, text, math.nan, "tls-lost"))
        events.append((sender, _num(seg["time_ms"]) - origin, read,
                       f"\u21bb {text}\nretransmission ({int(seg['bytes'])} B segment)",
                       first, "retx"))

    times = [e[1] for e in events] + [e[2] for e in events]
    real = [t for t in times if not math.isnan(t)]
    # Vertical positions are in lines of text (~0.15 in): labels keep apart at any scale.
    lines = 36.0
    if ax is not None:
        lines = max(12.0, ax.get_position().height * ax.figure.get_figheight() / 0.15 - 8)
    transit = sorted(e[2] - e[1] for e in events if not math.isnan(e[1] + e[2]))
    rhythm = transit[len(transit) // 2] if transit else None
    f, breaks = _time_axis(real, break_gaps, lines=lines, rhythm=rhythm)
    ys = [f(t) for t in real] or [0.0]
    y0, y1 = min(ys), max(ys)
    line_h = 1.0
    fig, ax = _new_axes(ax, figsize=(7.2, max(5.0, 1.6 + 0.15 * (y1 - y0 + 8))))

    xs = {"client": 0.0, "server": 1.0}
    for lane, xv in xs.items():
        ax.plot([xv, xv], [y0 - 0.5, y1 + 2.0], color="0.3", lw=2, zorder=1)
        ax.text(xv, y0 - 1.0, lane, ha="center", va="bottom", fontsize="large",
                fontweight="bold")
    for a, b, yb in breaks:
        ax.axhline(yb, color="0.6", lw=0.8, ls=(0, (4, 3)), zorder=0)
        ax.text(0.5, yb, f"\u2248 {b - a:.0f} ms without events (axis shortened)",
                ha="center", va="center", fontsize="x-small", color="0.35",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})

    labels = []  # (y wanted, x, text, color, anchor y)
    lane_times = {"client": {}, "server": {}}
    stub = 0.45
    for sender, sent, recv, text, first, kind in sorted(events, key=lambda e: (
            e[1] if not math.isnan(e[1]) else e[2])):
        x0 = xs[sender]
        x1 = 1.0 - x0
        color = {"tcp": TCP_COLOR, "retx": RETX_COLOR}.get(kind) or (
            COLORS[0] if sender == "client" else COLORS[1])
        lost = math.isnan(recv)
        unseen = math.isnan(sent)
        if unseen:  # received, sent where no trace saw it
            ys0, ys1 = f(recv) - 1.0, f(recv)
            xa = x0 + (x1 - x0) * 0.7
            ax.add_patch(FancyArrowPatch((xa, ys0), (x1, ys1), arrowstyle="-|>",
                                         mutation_scale=11, color=color, lw=1.1, ls=":"))
            labels.append((ys1, (xa + x1) / 2, text + " (send not traced)", color))
            receiver = "server" if sender == "client" else "client"
            lane_times[receiver].setdefault(round(recv, 3), recv)
            continue
        ys0 = f(sent)
        if lost:
            end_x = x0 + (x1 - x0) * stub
            end_y = ys0 + 1.0
            ls = "--"
        else:
            end_x, end_y, ls = x1, f(recv), "-"
        dropped = lost and kind != "tls"  # a segment never received, a flight resent
        ax.add_patch(FancyArrowPatch((x0, ys0), (end_x, end_y),  # dropped: ends in the cross
                                     arrowstyle="-" if dropped else "-|>", mutation_scale=12,
                                     color=color, lw=1.3 if kind.startswith("tls") else 1.1,
                                     linestyle=ls, zorder=2))
        if dropped:
            ax.plot([end_x], [end_y], marker="x", color=LOST_COLOR, ms=8, mew=2, zorder=3)
        if lost:
            text = text + (" \u2014 lost" if kind != "tls" else " \u2014 not read")
        want = (ys0 + end_y) / 2
        if dropped:  # under the cross, which it would hide
            want = end_y + 0.5 * (text.count("\n") + 1) * line_h + 0.4
        labels.append((want, (x0 + end_x) / 2, text, color))
        lane_times[sender].setdefault(round(sent, 3), sent)
        if not lost:
            other = "server" if sender == "client" else "client"
            lane_times[other].setdefault(round(recv, 3), recv)

    # Labels: at their arrow's middle, pushed down (with a leader line) when they would
    # overlap the previous one.
    last = -math.inf
    for want, x, text, color in sorted(labels, key=lambda item: item[0]):
        h = (text.count("\n") + 1) * line_h
        y = max(want, last + h / 2 + 0.15 * line_h) if last > -math.inf else want
        for _, _, yb in breaks:  # never on a gap's marker line
            if abs(y - yb) < h / 2 + 0.4:
                y = yb + h / 2 + 0.4
        if y - want > 0.3 * line_h:
            ax.plot([x, 0.5], [want, y], color=color, lw=0.5, alpha=0.6)
        ax.text(0.5, y, text, ha="center", va="center", fontsize="x-small", color=color,
                zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85,
                                "pad": 0.5})
        last = y + h / 2
    # Times at the lanes, one label per instant, kept apart the same way.
    for lane, ts in lane_times.items():
        left = lane == "client"
        last = -math.inf
        for t in sorted(ts.values()):
            y = max(f(t), last + line_h * 0.9)
            ax.text(xs[lane] + (-0.025 if left else 0.025), y, f"{t + origin:.1f}",
                    ha="right" if left else "left", va="center", fontsize="xx-small",
                    color="0.25")
            last = y

    ax.set_xlim(-0.28, 1.28)
    ax.set_ylim(max(y1 + 2.5, last + line_h), y0 - 2.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel(("time since Connect() (ms), at the lanes" if start == "connect" else
                   "time since Connect() (ms), from TCP established") +
                  ("; idle gaps shortened" if breaks else ""))
    for s in ("top", "right", "bottom", "left"):
        ax.spines[s].set_visible(False)
    kinds = {e[5] for e in events}
    handles = [Line2D([], [], color=TCP_COLOR, label="TCP segment")] if "tcp" in kinds else []
    if "retx" in kinds:
        handles.append(Line2D([], [], color=RETX_COLOR, label="\u21bb retransmission"))
    if any(math.isnan(e[2]) and e[5] != "tls" for e in events):
        handles.append(Line2D([], [], color=LOST_COLOR, marker="x", ls="--", label="lost"))
    if handles:
        ax.legend(handles=handles, loc="upper center", fontsize="xx-small", ncol=3,
                  frameon=False, bbox_to_anchor=(0.5, 0.0))
    if title is None:
        first_row = sub.iloc[0]
        parts = []
        if "tls" in sub.columns:
            kx = _kx_text(first_row)
            parts.append(f"TLS {first_row['tls']}" + (f" ({kx})" if kx else ""))
        for c in ("rtt", "loss"):
            if c in sub.columns:
                parts.append(condition_text(c, first_row[c]))
        for c, what in (("drop_c2s", "dropped client\u2192server"),
                        ("drop_s2c", "dropped server\u2192client")):
            if c in sub.columns and str(first_row[c]) not in ("", "nan"):
                parts.append(f"{what}: {first_row[c]}")
        import textwrap

        title = textwrap.fill(", ".join(parts) + f" \u2014 connection {conn}", 64)
        if tcp_note:
            title += "\n" + tcp_note
    ax.set_title(title, fontsize="medium")
    return _finish(fig, out)


def _flights(tls):
    """[((sender, sent), [(message, bytes, read)])]: consecutive TLS messages of one sender
    handed to TCP at the same time."""
    flights = []
    for row in tls.itertuples(index=False):
        key = (row.sender, _num(row.time_ms))
        if flights and flights[-1][0] == key:
            flights[-1][1].append((row.message, int(row.bytes), _num(row.recv_ms)))
        else:
            flights.append((key, [(row.message, int(row.bytes), _num(row.recv_ms))]))
    return flights


def _resent_flights(flights, tcp, eps=1e-6):
    """{flight index: row position in ``tcp``} of the flights whose first transmission was
    lost: the peer's TLS engine read the flight the moment a retransmitted data segment of its
    sender arrived (``recv_ms`` of the segment equals a message's ``recv_ms``), and the flight
    was sent before that segment. Of several flights read at that moment (the later ones held
    back behind the lost bytes), the earliest is the one the segment carried."""
    out = {}
    if "retransmission" not in tcp.columns:
        return out
    order = sorted(range(len(flights)), key=lambda k: flights[k][0][1])
    for pos, row in enumerate(tcp.itertuples(index=False)):
        arrived = _num(row.recv_ms)
        if row.message != "segment" or not row.retransmission or math.isnan(arrived):
            continue
        read = [k for k in order if flights[k][0][0] == row.sender
                and flights[k][0][1] <= _num(row.time_ms) + eps
                and any(abs(r - arrived) < eps for _, _, r in flights[k][1])]
        if read and read[0] not in out:  # another copy of it: drawn as a segment
            out[read[0]] = pos
    return out


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _collapse(names):
    """["A", "B", "B"] -> "A + 2× B"."""
    out = []
    for n in names:
        if out and out[-1][0] == n:
            out[-1][1] += 1
        else:
            out.append([n, 1])
    return " + ".join(n if k == 1 else f"{k}\u00d7 {n}" for n, k in out)


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


# ----------------------------------------------------------------------------------------------
# the demo's figure


def overview(results, timelines=None, out=None, hue="tls", ecdf_rtt=None, ecdf_loss=None,
             dpi=100):
    """The demo's figure: per RTT, the mean handshake time against loss for each TLS version,
    with each run's mean as a dot (the runs' spread), the 95 % confidence band from the runs,
    and the 95th percentile of all handshakes dashed; below, the sequence diagrams of
    ``timelines`` (a list of timeline DataFrames) and an ECDF at one RTT and loss (default:
    the middle RTT, the highest loss)."""
    timelines = list(timelines or [])
    rtts = ordered(results["rtt_ms"].tolist())
    ecdf_rtt = rtts[len(rtts) // 2] if ecdf_rtt is None else ecdf_rtt
    losses = ordered(results["loss"].tolist())
    ecdf_loss = losses[-1] if ecdf_loss is None else ecdf_loss
    n_low = len(timelines) + 1
    width = max(len(rtts), n_low)
    fig = _new_figure((4.8 * width, 4.4 + 8.6))
    grid = fig.add_gridspec(2, len(rtts) * n_low, height_ratios=[1, 2.0])
    for i, r in enumerate(rtts):
        a = fig.add_subplot(grid[0, i * n_low:(i + 1) * n_low])
        line(results[results["rtt_ms"] == r], x="loss", hue=hue, ax=a, facet=None,
             title=f"RTT {r:g} ms", stat="mean", runs=True)
        if i and a.get_legend():
            a.get_legend().remove()
    for i, tl in enumerate(timelines):
        a = fig.add_subplot(grid[1, i * len(rtts):(i + 1) * len(rtts)])
        row = tl.iloc[0]
        kx = _kx_text(row)
        title = f"TLS {row['tls']}" + (f" ({kx})" if kx else "") if "tls" in tl.columns else None
        if title and "rtt" in tl.columns:
            title += f"\n{condition_text('rtt', row['rtt'])}, one handshake"
        sequence(tl, ax=a, title=title)
    sel = results[(results["rtt_ms"] == ecdf_rtt) & (results["loss"] == ecdf_loss)]
    ecdf(sel, hue=hue, ax=fig.add_subplot(grid[1, len(timelines) * len(rtts):]), facet=None,
         title=f"ECDF, RTT {ecdf_rtt:g} ms, loss {value_text('loss', ecdf_loss)}")
    if out:
        save(fig, out, dpi=dpi)
    return fig
