"""Whom to believe in the briefing (present/belief.py, the sources table, key judgments
and the analyze summary), on tests/data/quantities-and-questions and the seed."""

from __future__ import annotations

import re

import pytest

from analysis.compute.results import analyze, with_estimates
from analysis.contract.dataset import load_dataset
from analysis.present import belief, views
from analysis.present.judgments import key_judgments, likely_sentences
from analysis.present.summary import analysis_summary
from analysis.present.wording import describe_accuracy

from .conftest import DATA, SEED

FIXTURE = DATA / "quantities-and-questions"


@pytest.fixture(scope="module")
def fixture():
    return with_estimates(analyze(load_dataset(FIXTURE, cache=None)))


@pytest.fixture(scope="module")
def seed():
    return with_estimates(analyze(load_dataset(SEED, cache=None)))


def cells(markup: str, header: str) -> list[str]:
    """The cells of one column of an HTML table, by its header."""
    headers = re.findall(r"<th>(.*?)</th>", markup)
    rows = re.findall(
        r"<tr>\s*(.*?)</tr>", markup, flags=re.S
    )  # the body: the head row has a style
    column = headers.index(header)
    return [re.findall(r"<td>(.*?)</td>", row, flags=re.S)[column] for row in rows]


def test_accuracy_in_words_says_when_there_is_too_little_to_judge():
    assert (
        describe_accuracy(0.42, 0.06, 0.85, 31, True) == "0.42 (0.06\u20130.85) on 31 judged claims"
    )
    assert (
        describe_accuracy(0.7, 0.2, 0.99, 2.5, False)
        == "too few claims to judge (2.5 judged claims)"
    )
    assert describe_accuracy(0.67, 0.1, 0.99, 0, False).startswith("no claim judged")


def test_sources_table_shows_grade_and_estimate_side_by_side(fixture):
    markup = views.sources_table(fixture).markup
    headers = re.findall(r"<th>(.*?)</th>", markup)
    assert headers[3:5] == ["Reliability", "Estimated accuracy"]
    grades = cells(markup, "Reliability")
    estimated = cells(markup, "Estimated accuracy")
    # mod_a, the most active: graded C by the analyst, judged on three claims by the data
    assert grades[0] == "C (fairly reliable)"
    assert estimated[0] == "too few claims to judge (3 judged claims)"
    # the milblogger withdrew its only figure: nothing of it is judged
    assert estimated[grades.index("E (unreliable)")] == "no current answer or figure to judge"


def test_without_estimates_the_sources_table_is_as_before():
    plain = analyze(load_dataset(SEED, cache=None))
    headers = re.findall(r"<th>(.*?)</th>", views.sources_table(plain).markup)
    assert headers == ["Source", "Kind", "Side", "Reliability", "Claims", "Positions"]
    assert belief.dependent_sources(plain) is None
    assert likely_sentences(plain).empty


def test_a_contested_proposition_says_how_likely_and_who_says_otherwise(seed):
    sentence = likely_sentences(seed)["ua_in_belgorod"]
    probability = seed.estimates.set_index("question_id").loc["ua_in_belgorod", "probability"]
    # three hold it (zelensky relays ua_military, isw relays bloggers and is hedged):
    # fewer than three independent; ru_mod, on three judged claims, refutes it
    assert sentence.startswith(f"Likely true: {probability:.2f}; rests on 3 sources, about ")
    assert sentence.endswith(
        "; Russian Ministry of Defence (too few claims to judge) says otherwise."
    )
    first = key_judgments(seed)["judgment"].iloc[0]
    assert first.endswith(sentence)


def test_a_contested_question_names_its_likely_answer(fixture):
    sentences = likely_sentences(fixture)
    # q_town is contested (wire says "divided"); its likely answer is town_a
    assert list(sentences.index) == ["town_a"]
    assert sentences["town_a"].startswith("Likely the answer: 0.9")
    assert "rests on 2 independent sources" in sentences["town_a"]
    assert sentences["town_a"].endswith("A news wire (too few claims to judge) says otherwise.")


def test_hypotheses_section_only_with_alternatives(fixture, seed):
    markup = belief.hypotheses_section(fixture).markup
    assert markup.startswith("<h2>Competing hypotheses</h2>")
    assert markup.count("<h3>") == 2  # q_empty has no alternative: no matrix
    assert "An event data programme is the most influential source; without it" in markup
    assert belief.hypotheses_section(seed) is None


def test_dependent_sources_say_so_when_none_are_found(seed):
    assert "No two sources repeat" in belief.dependent_sources(seed).markup


def test_summary_prints_whom_to_believe(fixture):
    text = analysis_summary(fixture)
    block = text[text.index("whom to believe") :]
    assert "  mod_a                    too few claims to judge (3 judged claims)" in block
    assert "    q_town: Side A holds the town of Y (0.9" in block
    assert "    deaths_strike: 9 (9-40)" in block
    assert "whom to believe" not in analysis_summary(analyze(load_dataset(SEED, cache=None)))


def test_text_from_data_is_escaped(dataset_copy):
    path = dataset_copy(FIXTURE)
    hostile = "<script>alert(1)</script> & co"
    for name, old, new in [
        ("assertions.csv", "Side A holds the town of Y", hostile),
        ("questions.csv", "Who holds the town of Y?", "<b>Who</b> holds Y?"),
        ("sources.csv", "A news wire", "<img src=x onerror=alert(2)>"),
    ]:
        (path / name).write_text((path / name).read_text().replace(old, new))
    result = with_estimates(analyze(load_dataset(path, cache=None)))
    for piece in (
        belief.hypotheses_section(result),
        views.sources_table(result),
        views.judgments(result),
        belief.dependent_sources(result),
    ):
        for tag in ("<script", "<img", "<b>"):
            assert tag not in piece.markup
    assert "&lt;script&gt;" in belief.hypotheses_section(result).markup
