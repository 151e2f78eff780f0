"""The briefing's "Figures in dispute" and "Questions with alternatives" sections, on
tests/data/quantities-and-questions (every expected figure worked out by hand from its
claims.csv; see tests/test_quantities.py and tests/test_questions.py for the analysis),
a generated running total over four years, 100,000 generated claims, and hostile text.
The end-to-end ones build real briefings (papermill, nbconvert, Chromium) and are slow."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from pypdf import PdfReader

from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present import disputes, figure_charts, figure_words, views
from analysis.present.judgments import key_judgments
from analysis.present.wording import named_few

from .accessibility import axe_violations
from .conftest import DATA, ROOT, SEED

FIXTURE = DATA / "quantities-and-questions"


@pytest.fixture(scope="module")
def result():
    return analyze(load_dataset(FIXTURE))


def text_of(markup: str) -> str:
    """Visible text of a piece of HTML, figures left out."""
    return " ".join(
        re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", markup, flags=re.S)).split()
    )


def write_losses(folder, days: int = 1461, corrections: int = 12):
    """Two sources' daily running totals of tanks over four years: the General Staff's
    claim (graded D; a dozen of its days corrected down by 5 the next day) and a lower
    visually confirmed count (graded B)."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(3)
    (folder / "dataset.toml").write_text('name = "losses"\ntitle = "Tanks: two daily counts"\n')
    (folder / "sources.csv").write_text(
        "source_id,name,kind,side,reliability\n"
        "genstaff,General Staff,military,UA,D\noryx,Visual count,osint,none,B\n"
    )
    (folder / "assertions.csv").write_text(
        "assertion_id,statement,unit,cumulative\n"
        "tanks,Russian tanks destroyed since 24 February 2022,tanks,true\n"
    )
    text = pd.date_range("2022-02-24", periods=days, freq="D").strftime("%Y-%m-%d").to_numpy()
    docs = np.char.add("d", np.arange(days).astype(str))
    pd.DataFrame({"document_id": docs, "title": "Daily", "publisher": "Wire",
                  "published": text}).to_csv(folder / "documents.csv", index=False)  # fmt: skip
    claimed = np.cumsum(rng.poisson(2.4, days)) + 250
    confirmed = np.cumsum(rng.poisson(1.9, days)) + 180
    fixed = np.sort(rng.choice(np.arange(days - 1), corrections, replace=False))
    claims = pd.concat(
        [
            pd.DataFrame({"claim_id": np.char.add("g", np.arange(days).astype(str)),
                          "source_id": "genstaff", "document_id": docs, "stated": text,
                          "event_time": text, "value": claimed}),
            pd.DataFrame({"claim_id": np.char.add("o", np.arange(days).astype(str)),
                          "source_id": "oryx", "document_id": docs, "stated": text,
                          "event_time": text, "value": confirmed}),
            pd.DataFrame({"claim_id": np.char.add("c", fixed.astype(str)),
                          "source_id": "genstaff", "document_id": docs[fixed + 1],
                          "stated": text[fixed + 1], "event_time": text[fixed],
                          "value": claimed[fixed] - 5}),
        ],
        ignore_index=True,
    ).assign(assertion_id="tanks", stance="supports")  # fmt: skip
    claims.to_csv(folder / "claims.csv", index=False)
    return folder, claimed, confirmed, fixed


# Words


def test_quantities_are_ranked_disputed_first_with_their_ends(result):
    ranked = figure_words.ranked_quantities(result)
    # deaths: (40 - 6) / 40 = 0.85; tanks: (105 - 95) / 105
    assert ranked["assertion_id"].tolist() == ["deaths_strike", "tanks_lost"]
    assert ranked["spread"].tolist() == pytest.approx([0.85, 10 / 105])
    assert ranked["disputed"].tolist() == [True, True]
    # the top end 40 is the wire's "about 40" alone; tanks' top 105 is mod_a's plain total
    assert ranked["highest_hedged"].tolist() == [True, False]
    assert ranked["lowest_hedged"].tolist() == [False, False]


def test_a_quantity_in_a_sentence_names_the_best_graded_figure_spread_and_conservative(result):
    sentences = figure_words.quantity_sentences(result, figure_words.ranked_quantities(result))
    assert sentences.tolist() == [
        # ucdp (A) is the best graded: 9 (6-30); ends 6 (ucdp's low) and 40 (wire, hedged)
        "Disputed figure: Deaths in the strike on X, 1 May. An event data programme (graded "
        "A) gives 9 (6\u201330) deaths; four sources range from 6 to about 40 deaths; most "
        "conservative 6 (An event data programme). Defence ministry of side B revised its "
        "figure from 5 to 7 deaths on 4 May 2025.",
        # mod_a (C) beats wire (blank: F); its latest day is 3 May; t2 -> t3 corrected 2 May
        "Disputed figure: Side B tanks destroyed since 1 March 2025. Defence ministry of "
        "side A (graded C) gives 105 tanks as of 3 May 2025; two sources range from 95 to 105 "
        "tanks; most conservative 95 (A news wire). Defence ministry of side A corrected its "
        "total for 2 May 2025 from 110 to 108 tanks on 4 May 2025.",
    ]


def test_as_of_3_may_a_lower_bound_and_a_single_figure():
    early = analyze(load_dataset(FIXTURE), as_of="2025-05-03")
    sentences = figure_words.quantity_sentences(early, figure_words.ranked_quantities(early))
    # mod_a 12 (8-20), mod_b 5, blog "more than 100" (graded E: not the conservative one)
    assert sentences.tolist()[0] == (
        "Disputed figure: Deaths in the strike on X, 1 May. Defence ministry of side A "
        "(graded C) gives 12 (8\u201320) deaths; three sources range from 5 to 100+ deaths; "
        "most conservative 5 (Defence ministry of side B)."
    )
    assert sentences.tolist()[1] == (
        "Single figure: Side B tanks destroyed since 1 March 2025. Defence ministry of side A "
        "(graded C) gives 110 tanks as of 2 May 2025; no other source gives a figure."
    )


def test_key_judgments_name_disputed_figures_by_their_figures_never_by_a_status(result):
    """A disputed figure is a key judgment, after the contested propositions, worded by
    its figures ("Disputed figure: ..."), never "Deaths: corroborated"; shifts on a
    quantity (both shifts of the fixture are on the death toll) are left to the figures
    section."""
    judgments = key_judgments(result)
    statuses = judgments.set_index("assertion_id")["status"]
    contested = list(statuses[statuses == "contested"].index)
    assert list(judgments["assertion_id"])[: len(contested) + 1] == [
        *contested,
        "deaths_strike",
    ]
    assert statuses["deaths_strike"] == statuses["tanks_lost"] == "disputed figure"
    assert set(judgments["assertion_id"]) == {
        "town_a",
        "town_split",
        "bridge_may1",
        "bridge_hit",
        "bridge_may2",
        "town_b",
        "deaths_strike",
        "tanks_lost",  # 105 and 95+ by two sources
    }
    shifted = judgments.loc[judgments["status"] == "shift", "assertion_id"]
    assert len(shifted) and not shifted.isin(["deaths_strike", "tanks_lost"]).any()
    table = judgments[judgments["status"] != "shift"].set_index("assertion_id")
    assert table.loc["deaths_strike", "judgment"].startswith(
        "Disputed figure: Deaths in the strike"
    )
    assert set(table.loc["deaths_strike", "claims"]) <= set(result.figures["claim_id"].astype(str))
    assert table.loc["bridge_hit", "judgment"] == (
        "Single source: The bridge at X was hit. Supported by Defence ministry of side A "
        "(on 2 May 2025), one line of evidence."
    )
    shown = views.judgments(result).markup
    assert shown.endswith("</ol>")  # the disputed figure is in the list: no pointer line
    assert (
        key_judgments(result, limit=len(contested) + 1)["assertion_id"].iloc[-1] == "deaths_strike"
    )


# The section


def test_the_section_says_the_spread_and_tables_each_figure(result):
    section = disputes.figures_in_dispute(result)
    text = text_of(section.markup)
    assert section.markup.startswith("<h2>Figures in dispute</h2>")
    assert "2 quantities with figures; on 2 of them sources give different figures" in text
    assert section.markup.count("<svg") == 2  # the one-off toll and the running total
    row = (
        "Deaths in the strike on X, 1 May An event data programme 9 (6\u201330); Defence "
        "ministry of side A 12 (8\u201320); Defence ministry of side B 7; A news wire about 40 "
        "6 to about 40 deaths 6 (An event data programme) 6 to 30 (sources graded A to C)"
    )
    assert row in text
    # the revisions, newest first: both on 4 May; the correction is for 2 May
    assert "Defence ministry of side B Deaths in the strike on X, 1 May 5 7 4 May 2025" in text
    assert (
        "Defence ministry of side A Side B tanks destroyed since 1 March 2025 2 May 2025 110 "
        "108 4 May 2025" in text
    )


def test_figure_and_question_rows_link_to_their_documents(result):
    notes = views.Endnotes(result)
    markup = disputes.figures_in_dispute(result, notes=notes).markup
    deaths = markup[markup.index("<td>Deaths in the strike"): markup.index("</tr>", markup.index("<td>Deaths in the strike"))]  # fmt: skip
    # k8 and k4 are in d2, k6 in d3, k5 in d2: notes 1 (d2) and 2 (d3), in reading order
    assert re.findall(r'href="#note-(\d+)"', deaths) == ["1", "2"]
    questions = disputes.questions_table(result, notes=notes).markup
    town = questions[questions.index("Who holds the town"): questions.index("</tr>", questions.index("Who holds the town"))]  # fmt: skip
    # holders: mod_a w1 (d1), mod_b w4 (d3), wire w3 (d2): d1 is new, note 3
    assert sorted(re.findall(r'href="#note-(\d+)"', town)) == ["1", "2", "3"]
    assert 'id="note-3"' in notes.section()


def test_a_question_is_one_row_with_who_holds_which(result):
    text = text_of(disputes.questions_table(result).markup)
    assert text.startswith("Questions with alternatives")
    # q_town: mod_a and mod_b hold A (mod_b moved from B on 6 May); the wire, hedged, "divided"
    assert (
        "Who holds the town of Y? contested Side A holds the town of Y: Defence ministry of "
        "side A and Defence ministry of side B; The town of Y is divided between the sides: "
        "A news wire (hedged)" in text
    )
    assert (
        "On which day was the bridge at X destroyed? corroborated: The bridge at X was "
        "destroyed on 1 May The bridge at X was destroyed on 1 May: Defence ministry of side "
        "A, An event data programme and A news wire" in text
    )
    assert "Who ordered the strike on X? open no alternatives recorded" in text
    assert text.index("Who holds the town") < text.index("On which day") < text.index("Who ordered")


def test_without_quantities_or_questions_there_is_no_section():
    seed = analyze(load_dataset(SEED))
    assert disputes.figures_in_dispute(seed) is None
    assert disputes.questions_table(seed) is None


OPEN_ENDS = DATA / "figure-open-ends"


@pytest.fixture(scope="module")
def open_ends():
    return analyze(load_dataset(OPEN_ENDS, cache=None))


def test_upper_bounds_alone_read_up_to_never_about_nan(open_ends):
    """The first raid: "fewer than 30" and "no more than 60", no lower end. Its spread is
    "up to 60", ranked as from 0: (60 - 0) / 60 = 1, the widest; the second raid's one
    upper bound is "up to 30" (not disputed: one source)."""
    ranked = figure_words.ranked_quantities(open_ends)
    assert ranked["assertion_id"].tolist() == [
        "two_bounds",  # (60 - 0) / 60
        "hedged",  # (40 - 4) / 40
        "lower_bound",  # (100 - 50) / 100
        "tanks",  # (100 - 90) / 100 on 1 May, the latest day in common
        "one_bound",  # one source: not disputed
    ]
    assert ranked["spread"].tolist() == pytest.approx([1.0, 0.9, 0.5, 0.1, 1.0])
    assert ranked["lowest_hedged"].tolist() == [False] * 5
    sentences = figure_words.quantity_sentences(open_ends, ranked.head(1))
    assert sentences.tolist() == [
        "Disputed figure: Deaths in the first raid. Alpha (graded A) gives up to 30 deaths; "
        "two sources give figures up to 60 deaths."
    ]
    text = text_of(disputes.figures_in_dispute(open_ends).markup)
    assert "nan" not in text
    # Quantity, Figures by source, Spread, (no) Most conservative, Range
    assert (
        "Deaths in the first raid Alpha up to 30; Beta up to 60 up to 60 deaths up to 60 "
        "(sources graded A to C) Deaths in the fourth raid" in text
    )
    assert "Deaths in the second raid Alpha up to 30 up to 30 deaths up to 30 (sources" in text


def test_ends_are_marked_alike_in_spread_range_and_most_conservative(open_ends):
    """The third raid: Alpha "more than 100", Beta 50: the range keeps the "+" of the
    spread. The fourth raid: Alpha (A) "about 40", Gamma (E, not credible) 4: the most
    conservative figure and the graded range are Alpha's "about 40"."""
    text = text_of(disputes.figures_in_dispute(open_ends).markup)
    assert (
        "Deaths in the third raid Alpha 100+; Beta 50 50 to 100+ deaths 50 (Beta) 50 to 100+ "
        "(sources graded A to C)" in text
    )
    assert (
        "Deaths in the fourth raid Alpha about 40; Gamma 4 4 to about 40 deaths about 40 "
        "(Alpha) about 40 (sources graded A to C)" in text
    )
    assert "most conservative about 40 (Alpha)." in text
    # one quantity more, the second raid, is given as a range (0 to 30): "is", not "are"
    assert "on 4 of them sources give different figures; 1 more is given as a range." in text


def test_a_running_totals_figures_are_those_of_the_day_its_spread_is_taken_on(open_ends):
    """Alpha gives 100 on 1 May and 120 on 3 May, Beta 90 on 1 May: the spread is taken on
    1 May, so the figures listed beside it are 1 May's (100 and 90, claims t1 and t3), not
    Alpha's latest 120 (the sentence names that one, as of 3 May)."""
    notes = views.Endnotes(open_ends)
    markup = disputes.figures_in_dispute(open_ends, notes=notes).markup
    start = markup.index("<td>Tanks destroyed since 1 May")
    row = markup[start : markup.index("</tr>", start)]
    assert text_of(row).startswith(
        "Tanks destroyed since 1 May Alpha 100; Beta 90 90 to 100 tanks on 1 May 2025, the "
        "latest day in common 90 (Beta) 90 to 100 (sources graded A to C)"
    )
    # t1 and t3 are both in d1; t2 (d2) is not listed
    numbers = re.findall(r'href="#note-(\d+)"', row)
    assert len(numbers) == 1
    assert "First report" in notes.section() and "Second report" not in notes.section()
    ranked = figure_words.ranked_quantities(open_ends)
    sentence = figure_words.quantity_sentences(open_ends, ranked[ranked["cumulative"]]).iloc[0]
    assert "Alpha (graded A) gives 120 tanks as of 3 May 2025; two sources range" in sentence


def write_crowded(folder, sources: int = 7):
    """One running total and one one-off quantity, each given by ``sources`` sources."""
    folder.mkdir(parents=True)
    (folder / "dataset.toml").write_text('name = "crowded"\ntitle = "Many sources"\n')
    ids = [f"s{n}" for n in range(sources)]
    (folder / "sources.csv").write_text(
        "source_id,name,kind,side,reliability\n"
        + "".join(f"{s},Source {s},media,none,B\n" for s in ids)
    )
    (folder / "assertions.csv").write_text(
        "assertion_id,statement,unit,cumulative\n"
        "total,Tanks destroyed,tanks,true\ntoll,Deaths in the raid,deaths,\n"
    )
    (folder / "documents.csv").write_text(
        "document_id,title,publisher,published\nd1,Report,Wire,2025-05-02\n"
    )
    rows = [
        f"t{n},{s},total,d1,supports,2025-05-02,2025-05-01,{100 + n}\n"
        f"f{n},{s},toll,d1,supports,2025-05-02,,{10 + n}\n"
        for n, s in enumerate(ids)
    ]
    (folder / "claims.csv").write_text(
        "claim_id,source_id,assertion_id,document_id,stance,stated,event_time,value\n"
        + "".join(rows)
    )
    return folder


def test_a_running_totals_note_counts_the_sources_left_out(tmp_path):
    """Seven sources: the running-totals chart draws five lines and leaves two sources
    out; the dot-and-range chart draws all seven marks (at most eight)."""
    crowded = analyze(load_dataset(write_crowded(tmp_path / "crowded"), cache=None))
    text = text_of(disputes.figures_in_dispute(crowded).markup)
    assert "at most 5 sources each, the best graded first (2 sources not drawn)." in text
    assert "figures not drawn" not in text
    crowded = analyze(load_dataset(write_crowded(tmp_path / "more", sources=10), cache=None))
    text = text_of(disputes.figures_in_dispute(crowded).markup)
    assert "at most 5 sources each, the best graded first (5 sources not drawn)." in text
    assert "at most 8 sources each, the best graded first (2 figures not drawn)." in text


def test_the_note_and_the_charts_share_their_caps(tmp_path, monkeypatch):
    """The note counts what the charts leave out with the charts' own caps: with three
    lines per running total, four of the seven sources are not drawn."""
    monkeypatch.setattr(figure_charts, "SERIES_SOURCES", 3)
    crowded = analyze(load_dataset(write_crowded(tmp_path / "crowded"), cache=None))
    markup = disputes.figures_in_dispute(crowded).markup
    assert "at most 3 sources each, the best graded first (4 sources not drawn)." in text_of(markup)
    running = re.findall(r"<svg.*?</svg>", markup, flags=re.S)[1]
    assert running.count("Source s") == 3  # three lines in the legend


LONG_QUESTION = "When did Russian forces retake the town of Sudzha in the Kursk region of Russia?"
HELD_QUESTION = "Which side holds the town of Sudzha in the Kursk region of Russia today?"


def write_imported_questions(folder, extra: int = 0):
    """Two questions whose alternatives' statements are "<question>: <value>", as
    ``briefing import values`` writes them, and ``extra`` more questions of two
    alternatives each, held by one source apiece."""
    folder.mkdir(parents=True)
    (folder / "dataset.toml").write_text('name = "imported"\ntitle = "Imported questions"\n')
    (folder / "sources.csv").write_text(
        "source_id,name,kind,side,reliability\n"
        "isw,ISW,osint,none,B\nmod,MoD,military,RU,D\ndeep,DeepState,osint,UA,B\n"
    )
    questions = [("q-when", LONG_QUESTION), ("q-held", HELD_QUESTION)]
    questions += [(f"q-{n}", f"Question {n}?") for n in range(extra)]
    (folder / "questions.csv").write_text(
        "question_id,text\n" + "".join(f'{q},"{t}"\n' for q, t in questions)
    )
    alternatives = [
        ("q-when.12", "q-when", f"{LONG_QUESTION}: 12 March"),
        ("q-when.13", "q-when", f"{LONG_QUESTION}: 13 March"),
        ("q-held.ru", "q-held", f"{HELD_QUESTION}: Russian forces"),
    ]
    alternatives += [
        (f"q-{n}.{v}", f"q-{n}", f"Question {n}?: {v}") for n in range(extra) for v in "ab"
    ]
    (folder / "assertions.csv").write_text(
        "assertion_id,statement,question_id\n"
        + "".join(f'{a},"{s}",{q}\n' for a, q, s in alternatives)
    )
    (folder / "documents.csv").write_text(
        "document_id,title,publisher,published\nd1,Report,Wire,2025-03-14\n"
    )
    claims = [
        ("isw", "q-when.12"), ("mod", "q-when.12"), ("deep", "q-when.13"),
        ("isw", "q-held.ru"), ("deep", "q-held.ru"),
    ]  # fmt: skip
    claims += [(s, f"q-{n}.{v}") for n in range(extra) for s, v in (("isw", "a"), ("mod", "b"))]
    (folder / "claims.csv").write_text(
        "claim_id,source_id,assertion_id,document_id,stance,stated\n"
        + "".join(f"c{i},{s},{a},d1,supports,2025-03-14\n" for i, (s, a) in enumerate(claims))
    )
    return folder


def test_imported_alternatives_are_told_apart_by_their_values(tmp_path):
    """An imported alternative's statement repeats its question: the table says the
    value alone, so a question longer than the cell no longer hides which is which."""
    imported = analyze(load_dataset(write_imported_questions(tmp_path / "q"), cache=None))
    text = text_of(disputes.questions_table(imported).markup)
    assert f"{LONG_QUESTION} contested 12 March: ISW and MoD; 13 March: DeepState" in text
    # ISW and DeepState hold it, no one else: corroborated, its answer said once
    assert f"{HELD_QUESTION} corroborated: Russian forces Russian forces: DeepState and ISW" in (
        text
    )
    assert "Kursk\u2026" not in text


def test_the_questions_table_words_only_the_questions_it_shows(tmp_path, monkeypatch):
    """202 questions, 25 shown: the holders of the other 177 are never put into words
    (on 500,000 claims that loop took 1.75 s of the table's 2.8 s)."""
    imported = analyze(
        load_dataset(write_imported_questions(tmp_path / "q", extra=200), cache=None)
    )
    worded = []

    def counted(items, *args):
        worded.append(items)
        return named_few(items, *args)

    monkeypatch.setattr(disputes, "named_few", counted)
    markup = disputes.questions_table(imported, limit=25).markup
    assert markup.count("<tr>") == 25  # 25 questions (the header row has a style)
    # contested first: Sudzha's date and 24 generated questions, two held alternatives each
    assert len(worded) == 25 * 2


# The figures


def test_the_dot_and_range_chart_draws_each_figure_its_range_and_the_conservative_one(result):
    ranked = figure_words.ranked_quantities(result)
    fig = figure_charts.disputed_figures(result, ranked[~ranked["cumulative"]])
    ax = fig.axes[0]
    marks = [c for c in ax.collections if c.get_offsets().shape[0]]
    points = sorted(
        (float(x), tuple(np.round(face, 2)) if len(face) else None)
        for c in marks
        for (x, _), face in zip(
            c.get_offsets(),
            np.broadcast_to(c.get_facecolors(), (len(c.get_offsets()), 4))
            if len(c.get_facecolors())
            else [()] * len(c.get_offsets()),
            strict=True,
        )  # fmt: skip
    )
    xs = [x for x, _ in points]
    # values 7 (mod_b), 9 (ucdp), 12 (mod_a), 40 (wire, hollow); the conservative 6
    for x in (6.0, 7.0, 9.0, 12.0, 40.0):
        assert x in xs
    hollow = [x for x, face in points if face == (1.0, 1.0, 1.0, 1.0)]
    assert hollow == [40.0]  # only the wire's "about 40" is hedged
    spans = sorted(
        tuple(float(v) for v in (seg[0][0], seg[1][0]))
        for c in ax.collections
        for seg in getattr(c, "get_segments", lambda: [])()
        if len(seg) == 2 and seg[0][1] == seg[1][1]
    )
    assert (6.0, 30.0) in spans and (8.0, 20.0) in spans  # ucdp's and mod_a's ranges
    band = [p for p in ax.patches if p.get_width() > 0]
    assert [(p.get_x(), p.get_x() + p.get_width()) for p in band] == [(6.0, 30.0)]


def test_a_running_total_is_a_line_per_source_with_its_correction_and_fall(result):
    ranked = figure_words.ranked_quantities(result)
    fig = figure_charts.running_totals(result, ranked[ranked["cumulative"]])
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    mod_a = lines["Defence ministry of side A (C)"]
    days = [mdates.num2date(d).strftime("%Y-%m-%d") for d in mdates.date2num(mod_a.get_xdata())]
    # 100 (1 May), 108 (2 May, corrected from 110), 105 (3 May: a fall)
    assert days == ["2025-05-01", "2025-05-02", "2025-05-03"]
    assert list(mod_a.get_ydata()) == [100.0, 108.0, 105.0]
    assert list(lines["A news wire (F)"].get_ydata()) == [90.0, 95.0]  # 4 May, 6 May ("95+")
    labelled = {c.get_label(): c.get_offsets() for c in ax.collections}
    assert labelled["corrected"][:, 1].tolist() == [108.0]
    assert labelled["below the day before"][:, 1].tolist() == [105.0]


def test_a_running_totals_legend_covers_no_data(result, tmp_path):
    """Each panel's legend sits beside its axes, not on them: inside, it hid the 2 May
    correction of the fixture's tanks. Checked on the drawn page, in pixels, on the
    fixture and on four years of daily totals, two panels of it."""
    ranked = figure_words.ranked_quantities(result)
    losses = analyze(load_dataset(write_losses(tmp_path / "losses")[0]))
    two = pd.concat([figure_words.ranked_quantities(losses)] * 2, ignore_index=True)
    for fig in (
        figure_charts.running_totals(result, ranked[ranked["cumulative"]]),
        figure_charts.running_totals(losses, two),
    ):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # the constrained layout places axes and legends
        renderer = canvas.get_renderer()
        for ax in fig.axes:
            legend = ax.get_legend().get_window_extent(renderer)
            plot = ax.get_window_extent(renderer)
            assert legend.x0 >= plot.x1  # wholly right of the plotting area
            assert legend.x1 <= fig.bbox.x1  # and on the page


def test_four_years_of_daily_totals_read_as_two_lines(tmp_path):
    folder, claimed, confirmed, fixed = write_losses(tmp_path / "losses")
    losses = analyze(load_dataset(folder, cache=None))
    ranked = figure_words.ranked_quantities(losses)
    fig = figure_charts.running_totals(losses, ranked)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"General Staff (D)", "Visual count (B)"}
    staff = lines["General Staff (D)"].get_ydata()
    assert len(staff) == 1461 and lines["General Staff (D)"].get_marker() in ("None", None, "")
    expected = claimed.astype(float)
    expected[fixed] -= 5  # each corrected day reads its correction
    assert np.array_equal(np.asarray(staff, dtype=float), expected)
    assert len(ax.collections[0].get_offsets()) == 12  # every correction marked
    sentence = figure_words.quantity_sentences(losses, ranked).iloc[0]
    # the visual count (B) leads; the spread runs from its last total to the staff's
    assert sentence.startswith(
        f"Disputed figure: Russian tanks destroyed since 24 February 2022. Visual count "
        f"(graded B) gives {confirmed[-1]:,} tanks as of 23 February 2026; two sources range "
        f"from {confirmed[-1]:,} to {claimed[-1]:,} tanks; most conservative {confirmed[-1]:,}"
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numbers") / "s100k"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), str(folder), "--claims",
         "100000", "--numeric-share", "0.3"],
        check=True, capture_output=True,
    )  # fmt: skip
    return analyze(load_dataset(folder))


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_on_100000_claims_the_drawing_is_capped_and_says_what_is_left_out(generated):
    ranked = figure_words.ranked_quantities(generated)
    one_off = ranked[~ranked["cumulative"] & ranked["disputed"]]
    fig = figure_charts.disputed_figures(generated, one_off)
    ax = fig.axes[0]
    assert len(ax.get_yticks()) == 20  # at most 20 quantities
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn <= 20 * 8 * 3 + 20  # marks, range ends, a conservative bar per row
    section = disputes.figures_in_dispute(generated, limit=25)
    text = text_of(section.markup)
    running = ranked[ranked["cumulative"]]
    assert (
        f"Shown: 20 of {int((~ranked['cumulative']).sum()):,} quantities; those on which "
        f"sources differ ({len(one_off):,}), the widest spread first." in text
    )
    assert (
        f"Shown: 3 of {len(running):,} running totals; those on which sources differ "
        f"({int(running['disputed'].sum()):,})" in text
    )
    assert f"Showing 25 of {len(ranked):,} quantities, the most disputed first." in text
    assert section.markup.count("<tr>") <= 2 * 25 + 2


def test_text_from_data_is_escaped_and_dollars_stay_text(dataset_copy, tmp_path):
    folder = dataset_copy(FIXTURE)
    assertions = folder / "assertions.csv"
    assertions.write_text(
        assertions.read_text().replace(
            '"Deaths in the strike on X, 1 May"', '"<script>alert(1)</script> cost $5 and $3"'
        )
    )
    sources = folder / "sources.csv"
    sources.write_text(sources.read_text().replace("A news wire", "<b>Wire</b> & $co"))
    hostile = analyze(load_dataset(folder, cache=None))
    markup = disputes.figures_in_dispute(hostile).markup + views.judgments(hostile).markup
    assert "<script>" not in markup and "<b>Wire" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; cost $5 and $3" in markup
    assert "&lt;b&gt;Wire&lt;/b&gt; &amp; $co" in markup
    svg = re.search(r"<svg.*?</svg>", markup, flags=re.S).group()
    assert "&lt;b&gt;Wire&lt;/b&gt; &amp; $co" in svg  # a label, not markup nor mathtext


# Built briefings


@pytest.mark.slow
def test_a_briefing_on_the_fixture_has_the_sections_and_their_figures(tmp_path):
    from analysis.build import build_briefing

    built = build_briefing("briefing", [("dataset", str(FIXTURE))], reports=tmp_path / "r")
    page = (built.folder / "briefing.html").read_text()
    assert "<h2>Figures in dispute</h2>" in page and "<h2>Questions with alternatives</h2>" in page
    assert 'aria-label="Dot-and-range chart of each source' in page
    assert 'aria-label="Line chart of running totals by source' in page
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(built.folder / "briefing.pdf").pages).split())  # fmt: skip
    for words in ("Figures in dispute", "most conservative 6", "Questions with alternatives",
                  "Figures by source", "Running totals by source"):  # fmt: skip
        assert words in pdf
    manifest = json.loads((built.folder / "manifest.json").read_text())
    assert manifest["changes"] == {"first": True}
    assert axe_violations(built.folder / "briefing.html") == []  # WCAG 2.1 AA, as the seed


def _reader_html(path) -> str:
    """A briefing's HTML without what differs between two builds (time stamps) and without
    the empty wrapper of a cell that displayed nothing (it shows nothing either)."""
    page = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "T", path.read_text())
    empty = "jp-Cell jp-CodeCell jp-Notebook-cell jp-mod-noOutputs jp-mod-noInput"
    return re.sub(  # as the template writes it, or (a page with an image) as nbconvert rewrites it
        rf'<div (?:id="cell-id=[^"]*" class="{empty} "|class="{empty}" id="cell-id=[^"]*")>\s*</div>',
        "",
        page,
    )


@pytest.mark.slow
def test_the_seed_briefing_reads_as_before_the_sections_existed(tmp_path):
    """The notebook without the sections that need quantities or questions (figures,
    questions, competing hypotheses) is the briefing as it was; the seed, which has no
    quantity and no question, must render the same with them."""
    from analysis.build import build_briefing

    optional = ("disputes.", "belief.hypotheses_section(")
    notebook = json.loads((ROOT / "notebooks" / "briefing.ipynb").read_text())
    notebook["cells"] = [
        c for c in notebook["cells"] if not "".join(c["source"]).startswith(optional)
    ]
    before = tmp_path / "before.ipynb"
    before.write_text(json.dumps(notebook))
    parameters = [("dataset", str(SEED))]
    old = build_briefing(str(before), parameters, reports=tmp_path / "old", formats=("html",))
    new = build_briefing("briefing", parameters, reports=tmp_path / "new", formats=("html",))
    # the footer names the notebook: "before" for the copy
    footer = "<p>{} \u00b7 dataset"
    assert _reader_html(new.folder / "briefing.html") == (
        _reader_html(old.folder / "before.html").replace(
            footer.format("before"), footer.format("briefing")
        )
    )


def test_the_terminal_summary_says_up_to_for_upper_bounds_only():
    """`briefing analyze` words a quantity whose figures are all upper bounds ("fewer
    than 60") as "up to 60", never "nan-60"."""
    from analysis.present.summary import analysis_summary

    text = analysis_summary(analyze(load_dataset(DATA / "figure-open-ends")))
    assert "Deaths in the first raid: 2 sources, up to 60 deaths" in text
    assert "nan" not in text
