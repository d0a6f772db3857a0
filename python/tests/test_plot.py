"""Plots: valid PNG/SVG/PDF files with the expected number of series."""

import xml.etree.ElementTree as ET

import matplotlib.image
import pytest
from matplotlib.patches import FancyArrowPatch, PathPatch

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
    fig = P.ecdf(small_sweep, hue="tls", out=out)
    _check_image(out)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["TLS 1.2", "TLS 1.3"]
    assert ax.get_xlabel().endswith("(ms)")


def test_ecdf_conditions_and_panels(small_sweep, tmp_path):
    fig = P.ecdf(small_sweep, hue="tls,loss", col="rtt", out=tmp_path / "c.png")
    assert len(fig.axes) == 2
    assert all(len(ax.get_lines()) == 4 for ax in fig.axes)


def test_box(small_sweep, tmp_path):
    fig = P.box(small_sweep, x="loss", hue="tls", out=tmp_path / "box.svg")
    _check_image(tmp_path / "box.svg")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(boxes) == 2 * 2  # 2 losses x 2 TLS versions
    assert len(ax.get_legend().get_texts()) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.05"]


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
    flights = tl.groupby(["sender", "time_ms"], sort=False).ngroups
    assert len(arrows) == flights >= 3
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "ClientHello" in texts and "ServerHello" in texts and "client" in texts


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
