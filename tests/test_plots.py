"""Figures: rendered, and checked through their artists; as the briefing shows them."""

from __future__ import annotations

from pathlib import Path

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present import plots

from .conftest import CONTRACT_EXAMPLE, SEED


@pytest.fixture(scope="module")
def seed_result():
    return analyze(load_dataset(SEED), as_of="2025-04-08")


def render(fig, tmp_path, name):
    out = tmp_path / f"{name}.png"
    fig.savefig(out)
    assert out.stat().st_size > 5000
    return fig.axes[0]


def test_timeline_lanes_markers_hedges_and_as_of_line(seed_result, tmp_path):
    ax = render(plots.timeline_figure(seed_result), tmp_path, "timeline")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6  # one lane per source
    scatters = ax.collections[1:]  # the first collection is the bars of imprecise dates
    assert sum(len(c.get_offsets()) for c in scatters) == len(seed_result.timeline)
    hollow = [c for c in scatters if c.get_label().startswith("hedged")]
    assert sum(len(c.get_offsets()) for c in hollow) == int(seed_result.timeline["hedged"].sum())
    assert all(mcolors.to_hex(c.get_facecolors()[0]) == "#ffffff" for c in hollow)
    assert any(line.get_label() == "as of 2025-04-08" for line in ax.get_lines())
    bars = ax.collections[0]
    imprecise = (seed_result.timeline["stated_end"] > seed_result.timeline["stated_start"]).sum()
    assert len(bars.get_segments()) == imprecise


def test_heatmap_annotates_each_pair_with_shared(seed_result, tmp_path):
    ax = render(plots.agreement_heatmap(seed_result), tmp_path, "heatmap")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 2 * len(seed_result.pairwise)
    assert "0%\nn=3" in texts and "100%\nn=3" in texts  # ISW v MoD; Zelensky v military


def test_assertion_board_bars_by_status(seed_result, tmp_path):
    ax = render(plots.assertion_board(seed_result), tmp_path, "board")
    addressed = (seed_result.assertions["status"] != "unaddressed").sum()
    refuting = [p for p in ax.patches if p.get_width() < 0]
    assert len(ax.patches) - len(refuting) == addressed  # a supporting bar each
    assert len(refuting) == (seed_result.assertions["status"] == "contested").sum() == 3
    assert all(p.get_hatch() == "///" and p.get_rasterized() for p in refuting)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths[0] == -1 and widths[-1] == 2
    (legend,) = ax.figure.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "contested",
        "corroborated",
        "single-source",
    ]
    # the status in words at each bar's end too: colour is never its only sign
    words = [t.get_text() for t in ax.texts]
    assert words.count("contested") == 3 and words.count("corroborated") == 2
    assert len(words) == addressed


def test_lag_chart_points(tmp_path):
    result = analyze(load_dataset(CONTRACT_EXAMPLE))
    ax = render(plots.lag_chart(result), tmp_path, "lag")
    points = ax.collections[0].get_offsets()
    assert sorted(points[:, 0].tolist()) == sorted(
        result.timeline["lag_days"].dropna().astype(float).tolist()
    )


def test_a_briefing_figure_is_inline_svg_with_its_text_escaped(seed_result):
    import re

    from analysis.present.views import figure

    fig = plots.assertion_board(seed_result)
    fig.axes[0].set_title("<script>alert(1)</script> & more")
    shown = figure(fig, "Assertions by status")
    markup, metadata = shown._repr_svg_()
    assert markup.startswith("<svg") and markup.rstrip().endswith("</svg>")
    assert metadata == {"alt": "Assertions by status"}
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", markup)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in texts
    assert "<script>" not in markup
    assert "Ukrainian forces reached the village of Demidovka" in texts  # labels stay text
    assert (
        figure(plots.assertion_board(seed_result), "again").markup
        == figure(plots.assertion_board(seed_result), "again").markup
    )  # the same figure renders to the same bytes


def test_many_marks_become_one_image_inside_the_vector_figure(seed_result, monkeypatch):
    from analysis.present.views import figure

    few = figure(plots.timeline_figure(seed_result), "timeline").markup
    assert "<image" not in few and few.count("<use") >= len(seed_result.timeline)
    monkeypatch.setattr(plots, "VECTOR_MARKS_LIMIT", 10)  # the seed's 27 claims are "many"
    fig = plots.timeline_figure(seed_result)
    assert all(c.get_rasterized() for c in fig.axes[0].collections)
    many = figure(fig, "timeline").markup
    assert "<image" in many  # bars and markers are pixels now; only tick marks remain
    assert many.count("<use") < few.count("<use") - len(seed_result.timeline) + 1
    assert "Institute for the Study of War" in many  # the lanes' labels are still text


def test_dollar_signs_in_data_are_text_not_math(dataset_copy):
    import re

    from analysis.present.views import figure

    path = dataset_copy(CONTRACT_EXAMPLE)
    assertions = path / "assertions.csv"
    assertions.write_text(
        assertions.read_text().replace(
            "The bridge at X was destroyed", "Aid of $5 million and $3 million reached X"
        )
    )
    sources = path / "sources.csv"
    sources.write_text(sources.read_text().replace("Defence ministry of side A", r"Side $\frac{A"))
    result = analyze(load_dataset(path))
    texts = set()
    for draw in (plots.timeline_figure, plots.agreement_heatmap, plots.assertion_board):
        texts |= set(re.findall(r"<text[^>]*>([^<]*)</text>", figure(draw(result), "f").markup))
    assert "Aid of $5 million and $3 million reached X" in texts
    assert r"Side $\frac{A" in texts


WIKI = (
    Path(__file__).resolve().parents[2] / "shared" / "realdata" / "wikipedia-control-sumy-kharkiv"
)


@pytest.fixture(scope="module")
def wiki_result():
    if not WIKI.is_dir():
        pytest.skip(f"real data not found at {WIKI} (outside the workplace)")
    return analyze(load_dataset(WIKI))


@pytest.mark.slow  # replays two years of the real history: seconds
def test_status_over_time_has_a_band_per_shown_assertion_coloured_by_status(wiki_result):
    from analysis.compute.replay import status_over_time

    history, left_out = status_over_time(wiki_result, 30)
    shown = list(dict.fromkeys(history["assertion_id"]))
    assert len(shown) == 30 and left_out == 107 - 30
    statements = wiki_result.dataset.assertions.set_index("assertion_id")["statement"]
    names = {statements[a].removeprefix("Russian forces control ") for a in shown}
    assert {"Vovchansk", "Konotop"} <= names  # the 2024 offensive and the 2022 retreat
    vovchansk = history[history["assertion_id"].map(statements).str.endswith(" Vovchansk")]
    assert list(vovchansk["status"]) == ["single-source", "denied", "single-source"]
    assert vovchansk["day"].iloc[-1] == pd.Timestamp("2024-05-13")
    fig = plots.status_over_time_figure(wiki_result, 30)
    ax = fig.axes[0]
    bands = [c for c in ax.collections if c.__class__.__name__ == "PolyCollection"]
    assert len(bands) == 30 and len(ax.get_yticklabels()) == 30


def test_the_map_has_a_point_per_place_with_coordinates_and_a_scale(wiki_result):
    fig = plots.place_map(wiki_result)
    ax = fig.axes[0]
    layers = [c for c in ax.collections if c.__class__.__name__ == "PathCollection"]
    places = wiki_result.dataset.places.dropna(subset=["lat", "lon"])
    assert sum(len(layer.get_offsets()) for layer in layers) == len(places) == 107
    assert any(t.get_text().endswith(" km") for t in ax.texts)


def test_no_map_without_coordinates_but_a_sentence():
    from analysis.present import views

    result = analyze(load_dataset(CONTRACT_EXAMPLE))  # it has no places.csv
    assert plots.place_map(result) is None
    assert "No place in this dataset has coordinates" in views.place_map(result).markup
