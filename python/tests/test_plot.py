"""Plots: valid PNG/SVG/PDF files with the expected number of series."""

import xml.etree.ElementTree as ET

import matplotlib.image
import pytest
from matplotlib.patches import FancyArrowPatch, Patch, PathPatch

import ns3tls
from ns3tls import plot as P
from ns3tls.__main__ import main


def _check_image(path):
    path = str(path)
    data = open(path, "rb").read()
    if path.endswith(".png"):
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        img = matplotlib.image.imread(path)
        assert img.shape[0] > 200 and img.shape[1] > 200
    elif path.endswith(".svg"):
        assert ET.fromstring(data).tag.endswith("svg")
    else:
        assert data[:5] == b"%PDF-" and b"%%EOF" in data[-64:]


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_ecdf(small_sweep, tmp_path, ext):
    out = tmp_path / f"cdf.{ext}"
    sel = small_sweep[(small_sweep["rtt"] == "50ms") & (small_sweep["loss"] == 0.05)]
    fig = P.ecdf(sel, hue="tls", out=out)
    _check_image(out)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["TLS 1.2 (n=16)",
                                                                  "TLS 1.3 (n=16)"]
    assert ax.get_xlabel().endswith("(ms, log scale)" if ax.get_xscale() == "log" else "(ms)")


def test_ecdf_conditions_and_panels(small_sweep, tmp_path):
    fig = P.ecdf(small_sweep, hue="tls,loss", col="rtt", out=tmp_path / "c.png")
    assert len(fig.axes) == 2
    assert all(len(ax.get_lines()) == 4 for ax in fig.axes)


def test_box(small_sweep, tmp_path):
    sel = small_sweep[small_sweep["rtt"] == "50ms"]
    fig = P.box(sel, x="loss", hue="tls", out=tmp_path / "box.svg")
    _check_image(tmp_path / "box.svg")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(boxes) == 2 * 2  # 2 losses x 2 TLS versions
    assert len(ax.get_legend().get_texts()) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0 %", "5 %"]


def test_line_with_k_rtt_references(small_sweep, tmp_path):
    fig = P.line(small_sweep[small_sweep["loss"] == 0], x="rtt", hue="tls",
                 out=tmp_path / "line.pdf")
    _check_image(tmp_path / "line.pdf")
    ax = fig.axes[0]
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels == ["TLS 1.2 median", "TLS 1.2 p95", "TLS 1.3 median", "TLS 1.3 p95",
                      "2 \u00d7 RTT", "3 \u00d7 RTT"]
    # Without loss, TLS 1.3 takes ~2 RTT and TLS 1.2 ~3 RTT.
    med13 = ax.get_lines()[2].get_ydata()
    assert list(ax.get_lines()[2].get_xdata()) == [10, 50]
    assert med13[1] == pytest.approx(2 * 50, rel=0.1)


def test_sequence(tmp_path):
    tl = ns3tls.timeline(tls="1.3", rtt="50ms", handshakes=1, key="p256")
    fig = P.sequence(tl, out=tmp_path / "seq.png")
    _check_image(tmp_path / "seq.png")
    ax = fig.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    tcp = tl[tl["layer"] == "tcp"]
    flights = tl[tl["layer"] == "tls"].groupby(["sender", "time_ms"], sort=False).ngroups
    assert len(arrows) == flights + len(tcp) and flights >= 3
    texts = [t.get_text() for t in ax.texts]
    joined = " ".join(texts)
    assert "ClientHello" in joined and "ServerHello" in joined and "client" in texts
    # The three-way handshake as messages, with their times at the lanes.
    assert list(tcp["message"]) == ["SYN", "SYN-ACK", "ACK"]
    assert {"SYN", "SYN-ACK", "ACK"} <= set(texts) and "25.0" in texts and "50.1" in texts


def test_sequence_marks_lost_and_retransmitted_segments(tmp_path):
    # The first SYN, the first SYN-ACK and the first data segment (ClientHello) are dropped.
    tl = ns3tls.timeline(tls="1.2", rtt="50ms", handshakes=1, key="p256", cpu="none",
                         drop_c2s="syn,1", drop_s2c="syn", hz=0)  # exact timers
    tcp = tl[tl["layer"] == "tcp"].reset_index(drop=True)
    assert list(tcp["message"]) == ["SYN", "SYN", "SYN-ACK", "SYN-ACK", "ACK", "segment"]
    assert list(tcp["retransmission"]) == [0, 1, 0, 1, 0, 1]
    assert tcp["recv_ms"].isna().tolist() == [True, False, True, False, False, False]
    # Linux: SYN RTO 1 s, then doubled; the server's SYN-ACK RTO is 1 s too. One-way delay of
    # a SYN and a SYN-ACK (same size) is the same: 25 ms + serialisation.
    assert tcp["time_ms"][1] == pytest.approx(1000.0, abs=1e-6)
    one_way = tcp["recv_ms"][1] - tcp["time_ms"][1]
    assert one_way == pytest.approx(25.0, abs=0.1)
    assert tcp["time_ms"][2] == pytest.approx(tcp["recv_ms"][1], abs=1e-6)  # SYN-ACK at once
    assert tcp["time_ms"][3] == pytest.approx(tcp["time_ms"][2] + 1000.0, abs=1e-6)
    assert tcp["recv_ms"][3] - tcp["time_ms"][3] == pytest.approx(one_way, abs=1e-6)
    fig = P.sequence(tl, out=tmp_path / "lost.png")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "SYN \u2014 lost" in texts and "SYN-ACK \u2014 lost" in texts
    assert "\u21bb SYN (retransmission)" in texts
    # The ClientHello's first segment: lost; its copy: the ClientHello's retransmission.
    hello = tl[tl["message"] == "ClientHello"].iloc[0]
    assert f"ClientHello ({hello['bytes']} B) \u2014 lost" in texts
    assert any(t.startswith(f"\u21bb ClientHello ({hello['bytes']} B)\nretransmission (")
               for t in texts)
    # The 1 s timeouts are shortened and say so; every time label is still the real time.
    assert sum("without events (axis shortened)" in t for t in texts) >= 2
    assert "1000.0" in texts
    # Or start the picture when TCP is established.
    fig = P.sequence(tl, start="established")
    assert "TCP established at 2050.1 ms (1 SYN lost)" in fig.axes[0].get_title()


def _lost_marks(ax):
    return [(ln.get_xdata()[0], ln.get_ydata()[0]) for ln in ax.get_lines()
            if ln.get_marker() == "x"]


def test_sequence_marks_a_lost_client_hello():
    # --drop-c2s=1: the ClientHello's segment is lost and sent again after the RTO.
    tl = ns3tls.timeline(tls="1.3", rtt="50ms", handshakes=1, key="p256", cpu="none",
                         drop_c2s="1", hz=0)
    hello = tl[tl["message"] == "ClientHello"].iloc[0]
    seg = tl[(tl["layer"] == "tcp") & (tl["message"] == "segment") & (tl["sender"] == "client")]
    assert len(seg) == 1
    assert seg["recv_ms"].iloc[0] == hello["recv_ms"]  # the server read it when the copy came
    fig = P.sequence(tl)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    size = int(hello["bytes"])
    assert f"ClientHello ({size} B) \u2014 lost" in texts
    assert (f"\u21bb ClientHello ({size} B)\nretransmission "
            f"({int(seg['bytes'].iloc[0])} B segment)") in texts
    assert f"ClientHello ({size} B)" not in texts  # no arrow as if it went through at once
    assert "\u21bb segment (257 B) (retransmission)" not in texts  # the copy is drawn once
    # One cross, short of the server's lane, at the first transmission.
    marks = _lost_marks(ax)
    assert len(marks) == 1 and 0 < marks[0][0] < 1
    # Sent at its time, sent again at the segment's, read at the server then.
    for t in (hello["time_ms"], seg["time_ms"].iloc[0], hello["recv_ms"]):
        assert f"{t:.1f}" in texts
    assert "lost" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_sequence_lost_flight_inference():
    import math

    import pandas as pd

    def row(t, r, sender, message, size, layer="tls", retx=0):
        return dict(conn=0, client=0, time_ms=t, recv_ms=r, sender=sender, message=message,
                    bytes=size, layer=layer, retransmission=retx)

    base = [row(0, 25, "client", "SYN", 0, "tcp"), row(25, 50, "server", "SYN-ACK", 0, "tcp"),
            row(50, 75, "client", "ACK", 0, "tcp"), row(50, 75.4, "client", "ClientHello", 252),
            row(75.6, 101.7, "server", "ServerHello", 1300)]
    # The client's Finished (sent 101.8) and close notify (101.9): the segment that held the
    # Finished was lost, its copy at 330 arrived at 355 and both were read then: the Finished
    # was lost, the close notify (held back behind it) was not.
    tl = pd.DataFrame(base + [row(101.8, 355.0, "client", "Finished", 52),
                              row(101.9, 355.0, "client", "Alert(close notify)", 2),
                              row(330.0, 355.0, "client", "segment", 57, "tcp", 1)])
    assert P._resent_flights(P._flights(tl[tl["layer"] == "tls"]),
                             tl[tl["layer"] == "tcp"]) == {2: 3}
    texts = [t.get_text() for t in P.sequence(tl).axes[0].texts]
    assert "Finished (52 B) \u2014 lost" in texts
    assert "Alert(close notify) (2 B)" in texts
    # A spurious copy (the Finished was read at 126.9, before the copy arrived) or a copy
    # lost again marks nothing lost.
    tl = pd.DataFrame(base + [row(101.8, 126.9, "client", "Finished", 52),
                              row(330.0, 355.0, "client", "segment", 57, "tcp", 1),
                              row(400.0, math.nan, "client", "segment", 57, "tcp", 1)])
    ax = P.sequence(tl).axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "Finished (52 B)" in texts and "\u21bb segment (57 B) (retransmission)" in texts
    assert "\u21bb segment (57 B) (retransmission) \u2014 lost" in texts
    assert len(_lost_marks(ax)) == 1


def test_sequence_title_names_the_key_exchange():
    tl = ns3tls.timeline(tls="1.2", kx="rsa", handshakes=1, key="rsa2048", cpu="none")
    assert P.sequence(tl).axes[0].get_title().startswith("TLS 1.2 (RSA key transport, RSA-2048)")
    tl = ns3tls.timeline(tls="1.2", handshakes=1, key="p256", cpu="none")
    assert P.sequence(tl).axes[0].get_title().startswith("TLS 1.2 (ECDHE, ECDSA P-256)")


def test_no_parameter_is_pooled_silently(small_sweep, tmp_path):
    # rtt (10/50 ms) varies but is on no axis or hue: a panel per RTT, never one pooled box.
    fig = P.box(small_sweep, x="loss", hue="tls")
    assert [a.get_title() for a in fig.axes if a.get_visible()] == ["RTT 10 ms", "RTT 50 ms"]
    fig = P.ecdf(small_sweep, hue="tls")
    assert len([a for a in fig.axes if a.get_visible()]) == 4  # rtt x loss
    fig = P.line(small_sweep, x="rtt", hue="tls")
    assert [a.get_title() for a in fig.axes] == ["loss 0 %", "loss 5 %"]
    with pytest.raises(ValueError, match=r"^'rtt' varies \(10 ms, 50 ms\) but is on no axis, "
                       r"hue or facet: .*--query.*rtt_ms == 10.*--hue rtt.*--facet rtt"):
        P.box(small_sweep, x="loss", hue="tls", facet=None)
    # On the hue, selected, or faceted explicitly: one panel, nothing pooled.
    assert len(P.box(small_sweep, x="loss", hue="tls,rtt").axes) == 1
    sel = small_sweep[small_sweep["rtt_ms"] == 50]
    fig = P.box(sel, x="loss", hue="tls", facet=None, where="rtt_ms == 50")
    assert len(fig.axes) == 1 and "rows where rtt_ms == 50" in fig._supxlabel.get_text()
    # rtt_ms follows rtt, loss_c2s follows loss: not pooled parameters.
    assert len(P.line(small_sweep[small_sweep["loss"] == 0], x="rtt", hue="tls").axes) == 1


def test_cli_refuses_pooling_and_explains_selection(small_sweep, tmp_path, capsys):
    csv = tmp_path / "r.csv"
    small_sweep.to_csv(csv, index=False)
    out = str(tmp_path / "x.png")
    assert main(["plot", str(csv), "--kind", "box", "--facet", "none", "-o", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'rtt' varies" in err[0] and "--query" in err[0]
    assert main(["plot", str(csv), "--kind", "box", "--query", "rtt == 50", "-o", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no rows match" in err[0] and "rtt_ms == 50" in err[0]
    assert main(["plot", str(csv), "--kind", "sequence", "-o", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs a timeline" in err[0]
    assert main(["plot", str(csv), "--kind", "box", "--query", "rtt_ms == 50", "-o", out]) == 0


def test_values_as_given_and_sorted_by_value(small_sweep, tmp_path):
    import pandas as pd

    from ns3tls._summary import format_table, summarize

    text = format_table(summarize(small_sweep, ["rtt", "loss", "tls"]))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["rtt", "loss", "tls"]
    first = [ln.split()[:6] for ln in lines[1:]]
    assert first[0] == ["10", "ms", "0", "%", "TLS", "1.2"]
    assert first[-1] == ["50", "ms", "5", "%", "TLS", "1.3"]
    df = pd.DataFrame({"rtt": ["50ms", "200ms", "10ms", "1s"], "rtt_ms": [50, 200, 10, 1000],
                       "loss": [0.01, 0.05, 0.001, 0], "ok": 1, "total_ms": [1.0, 2, 3, 4]})
    rows = format_table(summarize(df, ["rtt"])).splitlines()[1:]
    assert [r.split()[0] + r.split()[1] for r in rows] == ["10ms", "50ms", "200ms", "1s"]
    rows = format_table(summarize(df, ["loss"])).splitlines()[1:]
    assert [r.split()[0] for r in rows] == ["0", "0.1", "1", "5"]
    fig = P.box(df, x="rtt", hue=None, facet=None)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["10 ms", "50 ms", "200 ms",
                                                                  "1 s"]


def test_line_band_from_runs_log_ticks_and_reference_styles(small_sweep):
    sel = small_sweep[small_sweep["rtt_ms"] == 50]
    fig = P.line(sel, x="loss", hue="tls")
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # a 95 % band per TLS version
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "95 % CI of the median (2 runs)" in legend
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0 %", "5 %"]
    fig = P.line(small_sweep[small_sweep["loss"] == 0], x="rtt", hue="tls")
    refs = [ln for ln in fig.axes[0].get_lines() if "RTT" in ln.get_label()]
    assert len(refs) == 2 and refs[0].get_linestyle() != refs[1].get_linestyle()
    # Log axes label 50, 100, 200, 500 ms..., not only powers of ten.
    import pandas as pd

    df = pd.DataFrame({"total_ms": [40.0, 150, 400, 900, 3000], "tls": "1.3"})
    fig = P.ecdf(df, hue="tls", logx=True)
    fig.canvas.draw()
    lo, hi = fig.axes[0].get_xlim()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()
             if lo <= t.get_position()[0] <= hi]
    assert ticks == ["50", "100", "200", "500", "1000", "2000"]


def test_collapsed_box_says_so():
    import pandas as pd

    df = pd.DataFrame({"loss": [0] * 5 + [0.05] * 5, "ok": 1,
                       "total_ms": [100.0] * 5 + [100, 150, 200, 250, 900]})
    fig = P.box(df, x="loss", hue=None, facet=None)
    notes = [t.get_text() for t in fig.axes[0].texts]
    assert notes == ["median\n100.0 ms"]  # what the flat box's value is, with its unit
    assert fig._supxlabel.get_text().endswith("dots: handshakes (n = 5 per box)")


def test_flat_box_label_names_its_median_at_the_box():
    import pandas as pd

    # 1 % loss: 9 of 10 handshakes take 32.24 ms, one 250 ms: quartiles equal, box flat. The
    # label sits on the box (not above the 250 ms dot) and gives the median with its unit.
    df = pd.DataFrame({"loss": [0.0] * 4 + [0.01] * 10, "ok": 1,
                       "total_ms": [21.99] * 4 + [32.24] * 9 + [250.0]})
    fig = P.box(df, x="loss", hue=None, facet=None)
    notes = fig.axes[0].texts
    assert [t.get_text() for t in notes] == ["median\n21.99 ms", "median\n32.24 ms"]
    assert [t.xy[1] for t in notes] == [pytest.approx(21.99), pytest.approx(32.24)]
    assert not any("\u2248" in t.get_text() for t in notes)
    assert fig._supxlabel.get_text().endswith("(n = 4\u201310 per box)")
    assert P._sig4(102.0) == "102.0" and P._sig4(1002.4) == "1002" and P._sig4(0.5) == "0.5000"


def test_ecdf_panels_share_the_x_axis(small_sweep):
    # A panel per RTT x loss: loss-free panels span 20-160 ms, lossy ones seconds. One x range
    # and one scale for all, said in the label.
    fig = P.ecdf(small_sweep, hue="tls")
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == 4
    assert len({a.get_xlim() for a in axes}) == 1 and len({a.get_xscale() for a in axes}) == 1
    lo, hi = axes[0].get_xlim()
    assert lo <= small_sweep["total_ms"].min() and hi >= small_sweep["total_ms"].max()
    log = axes[0].get_xscale() == "log"
    assert log  # a long tail: 5 % loss costs retransmission timeouts
    assert {a.get_xlabel() for a in axes} == {"connect \u2192 handshake complete (ms, log scale)"}
    import pandas as pd

    # Linear when no tail; five panels in 2 x 3: the one above the empty slot keeps its labels.
    df = pd.DataFrame({"total_ms": [10.0 + i + 2 * k for k in range(5) for i in range(4)],
                       "run": [k for k in range(5) for _ in range(4)], "tls": "1.3"})
    fig = P.ecdf(df, hue="tls", facet="run")
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == 5 and {a.get_xscale() for a in axes} == {"linear"}
    assert len({a.get_xlim() for a in axes}) == 1
    assert [bool(a.get_xlabel()) for a in axes] == [False, False, True, True, True]
    fig.canvas.draw()
    assert any(t.get_text() for t in axes[2].get_xticklabels())
    assert not any(t.get_text() for t in axes[0].get_xticklabels())
    assert axes[2].get_xlabel() == "connect \u2192 handshake complete (ms)"


def test_cli_plot(small_sweep, tmp_path):
    csv = tmp_path / "r.csv"
    small_sweep.to_csv(csv, index=False)
    for kind, x in (("cdf", "loss"), ("box", "loss"), ("line", "rtt")):
        out = tmp_path / f"{kind}.png"
        assert main(["plot", str(csv), "--x", x, "--hue", "tls", "--kind", kind,
                     "-o", str(out)]) == 0
        _check_image(out)
    assert main(["plot", str(csv), "--kind", "box", "--hue", "nope", "-o",
                 str(tmp_path / "x.png")]) == 2


def _lacking(df):
    """The sweep without TLS 1.2 at RTT 10 ms: the RTT 10 ms panel lacks one hue value."""
    return df[~((df["tls"] == "1.2") & (df["rtt"] == "10ms"))]


def _legend_colors(ax):
    from matplotlib.colors import to_hex

    leg = ax.get_legend()
    return {t.get_text(): to_hex(h.get_facecolor() if isinstance(h, Patch) else h.get_color())
            for t, h in zip(leg.get_texts(), leg.legend_handles
                            if hasattr(leg, "legend_handles") else leg.legendHandles)}


def test_hue_colour_fixed_across_panels_box(small_sweep):
    from matplotlib.colors import to_hex

    fig = P.box(_lacking(small_sweep), x="loss", hue="tls", facet="rtt")
    assert [a.get_title() for a in fig.axes] == ["RTT 10 ms", "RTT 50 ms"]
    legend = _legend_colors(fig.axes[0])
    assert list(legend) == ["TLS 1.2", "TLS 1.3"]
    boxes = [{to_hex(p.get_facecolor()) for p in a.patches if isinstance(p, PathPatch)}
             for a in fig.axes]
    assert boxes[0] == {legend["TLS 1.3"]}  # the panel without TLS 1.2
    assert boxes[1] == {legend["TLS 1.2"], legend["TLS 1.3"]}


def test_hue_colour_fixed_across_panels_line_and_ecdf(small_sweep):
    from matplotlib.colors import to_hex

    fig = P.line(_lacking(small_sweep), x="loss", hue="tls", facet="rtt")
    legend = _legend_colors(fig.axes[0])
    assert {"TLS 1.2 median", "TLS 1.3 median", "TLS 1.2 p95", "TLS 1.3 p95"} <= set(legend)
    for a in fig.axes:
        for ln in a.get_lines():
            assert to_hex(ln.get_color()) == legend[ln.get_label()]
    assert [ln.get_label() for ln in fig.axes[0].get_lines()] == ["TLS 1.3 median",
                                                                  "TLS 1.3 p95"]
    sel = _lacking(small_sweep)
    fig = P.ecdf(sel[sel["loss"] == 0.05], hue="tls", facet="rtt")
    colors = {}
    for a in fig.axes:
        for ln, (lab, c) in zip(a.get_lines(), _legend_colors(a).items()):
            colors.setdefault(lab.split(" (")[0], set()).add(to_hex(ln.get_color()))
            assert to_hex(ln.get_color()) == c
    assert len(fig.axes[0].get_lines()) == 1
    assert colors["TLS 1.3"] == {to_hex(fig.axes[0].get_lines()[0].get_color())}
    assert len(colors["TLS 1.2"] | colors["TLS 1.3"]) == 2


def test_line_y_axis_holds_every_series(small_sweep):
    fig = P.line(small_sweep, x="rtt", hue="tls")  # one panel per loss, shared y
    assert len(fig.axes) == 2
    for a in fig.axes:
        top = max(max(ln.get_ydata()) for ln in a.get_lines() if ln.get_label().endswith("p95"))
        assert a.get_ylim()[0] == 0 and a.get_ylim()[1] >= top


def _with_failures(df):
    """TLS 1.2 at 50 ms, 5 % loss: all 16 handshakes failed; TLS 1.3 there: 4 of 16 failed."""
    import math

    df = df.copy()
    cell = (df["rtt"] == "50ms") & (df["loss"] == 0.05)
    every = cell & (df["tls"] == "1.2")
    some = cell & (df["tls"] == "1.3") & (df["conn"] < 2)  # 2 conns x 2 runs = 4 of 16
    for m in (every, some):
        df.loc[m, "ok"] = 0
        df.loc[m, "total_ms"] = math.nan
    return df


def test_failed_handshakes_are_stated(small_sweep):
    df = _with_failures(small_sweep)
    fig = P.box(df, x="loss", hue="tls", facet="rtt")
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert "all 16 failed" in texts and "25 % failed, not shown" in texts
    assert not any("failed" in t.get_text() for t in fig.axes[0].texts)

    fig = P.line(df, x="loss", hue="tls", facet="rtt")
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert "all 16 failed" in texts and "25 % failed, not shown" in texts

    sel = df[df["loss"] == 0.05]
    fig = P.ecdf(sel, hue="tls", facet="rtt")
    a = fig.axes[1]
    assert [t.get_text() for t in a.get_legend().get_texts()] == [
        "TLS 1.2 (n=16, all 16 failed)", "TLS 1.3 (n=16, 25 % failed)"]
    assert "TLS 1.2: all 16 failed" in [t.get_text() for t in a.texts]
    assert max(a.get_lines()[1].get_ydata()) == pytest.approx(12 / 16)


def test_summary_shows_ttfb_where_requests_were_sent():
    """0-RTT saves time to the first response byte, not handshake time: a summary of runs with
    application data has a median_ttfb_ms column (runs without it have none)."""
    import pandas as pd

    from ns3tls._summary import summarize

    df = pd.DataFrame({"early_data_bytes": [0, 0, 500, 500], "ok": [1, 1, 1, 1],
                       "total_ms": [101.0, 101.2, 101.3, 101.1],
                       "ttfb_ms": [153.3, 153.4, 102.9, 103.0]})
    table = summarize(df, ["early_data_bytes"])
    assert table["median_ttfb_ms"].round(2).tolist() == [153.35, 102.95]
    assert "median_ttfb_ms" not in summarize(df.drop(columns="ttfb_ms"), ["early_data_bytes"])


def test_a_metric_without_values_is_an_error_not_an_empty_figure(tmp_path):
    """ttfb_ms exists only with a response: plotting it from runs without one raised nothing
    and drew empty axes."""
    import pandas as pd

    from ns3tls import plot

    df = pd.DataFrame({"tls": ["1.3"] * 4, "early_data_bytes": [0, 0, 500, 500], "ok": [1] * 4,
                       "total_ms": [101.0, 101.2, 101.3, 101.1], "ttfb_ms": [float("nan")] * 4})
    for draw in (lambda: plot.box(df, x="early_data_bytes", y="ttfb_ms"),
                 lambda: plot.ecdf(df, y="ttfb_ms"),
                 lambda: plot.line(df, x="early_data_bytes", y="ttfb_ms")):
        with pytest.raises(ValueError, match="response > 0"):
            draw()
    plot.box(df, x="early_data_bytes", y="total_ms", out=str(tmp_path / "ok.png"))

