"""Briefings that read right on real and large data: what the status-over-time figure
chooses, figures that inspect their own content, tables that stay short, and built
PDFs with no thin or blank pages (the end-to-end ones are marked slow)."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest
from pypdf import PdfReader

from analysis.compute.replay import replay
from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present import plots, views

from .accessibility import axe_violations
from .builders import write_dataset
from .conftest import REALDATA, ROOT, needs_realdata

WIKI = REALDATA / "wikipedia-control-sumy-kharkiv"
GED_2022 = REALDATA / "ucdp-ged-ukraine" / "UCDP-Ukraine_b858735_subset.csv"


def words(text: str) -> str:
    return " ".join(text.replace("\ufb01", "fi").replace("\ufb02", "fl").split())


def settlement(result, assertion_ids: list[str]) -> set[str]:
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    return {statements[a].removeprefix("Russian forces control ") for a in assertion_ids}


@pytest.fixture(scope="module")
def wiki():
    if not WIKI.is_dir():
        pytest.skip(f"real data extracts not found at {WIKI} (outside the workplace)")
    return analyze(load_dataset(WIKI))


# The choice of assertions


@pytest.fixture
def story(tmp_path):
    """a1: changed on the second day and never again (an early, quiet story); a2: busy,
    reported on many days; n1..n6: first reported in the last days (the newest period);
    q1..q4: reported once on the first day."""
    claims = [
        "c1,s1,a1,d1,refutes,false,2025-01-01,,",
        "c2,s1,a1,d2,supports,true,2025-01-02,,",
        *(f"b{i},s{1 + i % 3},a2,d{i},supports,false,2025-01-{i:02d},," for i in range(3, 20)),
        "b20,s4,a2,d20,refutes,false,2025-01-20,,",
        *(f"n{i},s1,n{i},d{24 + i},supports,false,2025-01-{24 + i:02d},," for i in range(1, 7)),
        *(f"q{i},s2,q{i},d1,supports,false,2025-01-01,," for i in range(1, 5)),
    ]
    documents = {f"d{i}": f"2025-01-{i:02d}" for i in range(1, 31)}
    ids = ("a1", "a2", *(f"n{i}" for i in range(1, 7)), *(f"q{i}" for i in range(1, 5)))
    return analyze(load_dataset(write_dataset(tmp_path / "story", claims, documents, ids)))


def test_the_newest_period_takes_half_the_rows_and_the_story_keeps_its_beginning(story):
    chosen = replay(story, 6)
    assert chosen.newest == 3 and len(chosen.shown) == 6 and chosen.total == 12
    assert chosen.newest_since == pd.Timestamp("2025-01-23")  # a week before the last change
    newest = set(chosen.shown[:3])
    assert newest == {"n4", "n5", "n6"}  # newest change at the top
    assert {"a1", "a2"} <= set(chosen.shown)  # the busiest, and the earliest change
    # left out: two of the newest and the four reported once on the opening day, all
    # known on one day each
    assert chosen.left_out == 6 and chosen.one_day_left_out == 6
    assert set(chosen.shown) == {"n4", "n5", "n6", "a1", "a2", "n1"}


def test_renaming_every_assertion_does_not_change_the_choice(story, tmp_path):
    """No name is special: the rule sees only days, statuses and counts (ties go by
    assertion_id, so the renaming keeps their order)."""
    renamed = tmp_path / "renamed"
    original = story.dataset.path
    renamed.mkdir()
    ids = sorted(story.dataset.assertions["assertion_id"])
    mapping = {a: f"x{i:02d}" for i, a in enumerate(ids)}
    for name in ("dataset.toml", "sources.csv", "documents.csv", "assertions.csv", "claims.csv"):
        text = (original / name).read_text()
        if name in ("assertions.csv", "claims.csv"):
            for old, new in mapping.items():
                text = re.sub(rf"(?<=[,\n]){old}(?=,)", new, text)
        (renamed / name).write_text(text)
    again = replay(analyze(load_dataset(renamed)), 6)
    assert again.shown == [mapping[a] for a in replay(story, 6).shown]


def test_status_over_time_on_the_wiki_shows_the_story_at_a_glance(wiki):
    chosen = replay(wiki, 24)
    names = settlement(wiki, chosen.shown)
    # the May 2024 offensive, the 2022 battles for Kharkiv, Sumy and Konotop
    assert {"Vovchansk", "Kharkiv", "Konotop", "Sumy"} <= names
    assert chosen.newest_since == pd.Timestamp("2024-03-28") and chosen.newest == 12
    may_2024 = chosen.history[chosen.history["day"].between("2024-05-01", "2024-05-31")][
        "assertion_id"
    ].nunique()
    assert may_2024 >= 10
    assert chosen.left_out == 107 - 24


def test_the_status_over_time_figure_has_a_band_per_shown_assertion(wiki):
    chosen = replay(wiki, 24)
    fig = plots.status_over_time_figure(wiki, 24, chosen)
    ax = fig.axes[0]
    bands = [c for c in ax.collections if c.__class__.__name__ == "PolyCollection"]
    assert len(bands) == len(chosen.shown) == 24
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == sorted(settlement(wiki, chosen.shown), key=labels.index)
    assert "Kharkiv" in labels and "Russian forces control" in ax.get_title()
    # each band is coloured by its statuses, one rectangle per reported step
    steps = chosen.history[chosen.history["status"] != "unaddressed"]
    assert sum(len(b.get_paths()) for b in bands) == len(steps)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "newest period starts" in legend


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_the_status_over_time_table_gives_the_same_history_in_words(wiki):
    markup = views.status_over_time(wiki).markup
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", markup, flags=re.DOTALL)
    assert len(rows) == 24
    history = dict(rows)
    assert history["Kharkiv"] == "1 Mar 2022 denied; 2 Mar 2022 single-source; 3 Mar 2022 denied"
    assert history["Vovchansk"].endswith("13 May 2024 single-source")
    assert "Russian forces control \u2026</th>" in markup  # the shared words head the column
    assert "83 more are not shown" in markup


def test_the_map_has_a_point_per_place_with_coordinates_and_is_as_tall_as_the_area(wiki):
    fig = plots.place_map(wiki)
    layers = [c for c in fig.axes[0].collections if c.__class__.__name__ == "PathCollection"]
    places = wiki.dataset.places.dropna(subset=["lat", "lon"])
    assert sum(len(layer.get_offsets()) for layer in layers) == len(places) == 107
    width, height = fig.get_size_inches()
    assert width == 7 and 3.5 <= height <= 5.8


def test_long_labels_are_shortened_with_shared_words_said_once():
    prefix, rest = plots.shared_prefix(["Russian forces control A b", "Russian forces control C"])
    assert prefix == "Russian forces control" and rest == ["A b", "C"]
    assert plots.shared_prefix(["One two", "One three"]) == ("", ["One two", "One three"])
    assert plots.shared_prefix(["A b c", "A b c"]) == ("A b", ["c", "c"])  # a word stays


# Tables and figures on a large dataset


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """Two contested assertions each held by 30 sources (25 support, 5 refute)."""
    folder = tmp_path_factory.mktemp("crowded")
    sources = tuple(f"s{i}" for i in range(30))
    claims = [
        f"c{a}{i},s{i},a{a},d1,{'refutes' if i < 5 else 'supports'},false,2025-05-01,,"
        for a in (1, 2)
        for i in range(30)
    ]
    path = write_dataset(folder / "crowded", claims, {"d1": "2025-05-02"}, ("a1", "a2"), sources)
    return analyze(load_dataset(path))


def test_a_status_row_names_a_few_holders_and_counts_the_rest(crowded):
    markup = views.status_table(crowded).markup
    supported = re.findall(r"<td>(Source [^<]*other sources)</td>", markup)
    assert len(supported) == 4  # two assertions, supported and refuted
    assert all(cell.count("Source S") == 3 for cell in supported)
    assert "22 other sources" in markup and "2 other sources" in markup


def test_the_contested_section_keeps_to_its_row_budget(crowded):
    markup = views.contested(crowded, rows=20).markup
    assert markup.count("<h3>") == 2
    assert len(re.findall(r"<tr>\s*<td>", markup)) == 10  # a quarter of 20 would be 5: at least 5
    assert markup.count("Showing 5 of 30 claims") == 2


def test_no_lag_chart_without_event_times_but_a_sentence(crowded):
    assert "no lag to measure" in views.lag_figure(crowded).markup


def test_figures_fit_a_page_with_their_heading(crowded):
    for fig in (plots.timeline_figure(crowded), plots.lag_chart(crowded)):
        assert fig.get_size_inches()[1] <= plots.MAX_HEIGHT


# Built briefings (real papermill, nbconvert and Chromium)


def thin_pages(pdf) -> list[int]:
    """Pages after the title page with fewer than 5 lines of text."""
    texts = [page.extract_text() for page in PdfReader(pdf).pages]
    return [n for n, text in enumerate(texts[1:], start=2) if len(text.splitlines()) < 5]


@needs_realdata
@pytest.mark.slow
def test_a_briefing_on_the_wiki_shows_shift_conflict_lag_and_attribution_on_full_pages(
    tmp_path, wiki
):
    from analysis.build import build_briefing

    built = build_briefing(
        "briefing",
        [("dataset", str(WIKI)), ("title", "Control of settlements, Sumy-Kharkiv border")],
        reports=tmp_path / "reports",
    )
    pdf = built.folder / "briefing.pdf"
    text = words(" ".join(page.extract_text() for page in PdfReader(pdf).pages))
    statements = wiki.dataset.assertions.set_index("assertion_id")["statement"]
    newest = wiki.shifts.sort_values("at").iloc[-1]
    assert words(statements[newest["assertion_id"]]) in text  # the newest shift
    conflict = wiki.conflicts.iloc[0]
    assert "Conflicting reports" in text and "One account Other account" in text
    assert words(statements[conflict["assertion_id"]]) in text  # a conflict
    assert "Lag between event and report" in text and "days from the event to the report" in text
    assert "Wikipedia contributors" in text  # the attribution
    for place in ("Vovchansk", "Kharkiv", "Konotop"):
        assert f"{place} " in text
    assert thin_pages(pdf) == []
    assert len(PdfReader(pdf).pages) <= 16


@needs_realdata
@pytest.mark.slow
def test_a_briefing_on_the_ucdp_import_has_no_thin_or_trailing_page(tmp_path):
    from analysis.build import build_briefing
    from analysis.importers.run import import_dataset

    data, _ = import_dataset("ucdp", [GED_2022], tmp_path / "ged")
    built = build_briefing("briefing", [("dataset", str(data.path))], reports=tmp_path / "r")
    pdf = built.folder / "briefing.pdf"
    assert thin_pages(pdf) == []
    assert (
        len(PdfReader(pdf).pages) <= 29
    )  # 19 before the notes, 2 of figures in dispute, 5 of notes
    assert axe_violations(built.folder / "briefing.html") == []
    assert "Attribution" in PdfReader(pdf).pages[-1].extract_text()  # ends on provenance


@pytest.mark.slow
def test_a_briefing_on_100000_claims_stays_short(tmp_path):
    folder = tmp_path / "s100k"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), str(folder), "--claims",
         "100000", "--documents", "5000", "--assertions", "10000", "--sources", "500"],
        check=True, capture_output=True,
    )  # fmt: skip
    from analysis.build import build_briefing

    built = build_briefing("briefing", [("dataset", str(folder))], reports=tmp_path / "r")
    pdf = built.folder / "briefing.pdf"
    assert len(PdfReader(pdf).pages) <= 26 and thin_pages(pdf) == []  # 5 pages of notes
    page = (built.folder / "briefing.html").read_text()
    assert page.count('<li id="note-') == 40  # the notes stop at 40 documents
    assert "Showing 25 of 10,000 assertions" in page.replace("<wbr>", "")
