"""Whom to believe, in the briefing: each source's estimated accuracy beside its grade,
how likely an answer is and why, the competing hypotheses of a question, and the
sources that repeat each other.

The numbers are :mod:`analysis.compute.estimates` and :mod:`analysis.compute.ach`;
here they are put into words. An estimate that rests on fewer than five judged claims
is not printed as a number: "too few claims to judge" says what is true. Each section
is one call returning its HTML, or None when the analysis has no estimates (or no
question with alternatives), so a notebook cell shows nothing then. Text from data is
escaped as in :mod:`analysis.present.views`.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.ach import competing_hypotheses
from analysis.compute.results import Analysis
from analysis.present.plots import shared_prefix
from analysis.present.views import HTML, _cut, _e, _names, _table
from analysis.present.wording import count, says_each, shortened

MAX_QUESTIONS = 4  # questions given a matrix in the ACH section


def hypotheses_section(result: Analysis, limit: int | None = 25) -> HTML | None:
    """The "Competing hypotheses" section, or None when no question has alternatives.

    Per question (at most MAX_QUESTIONS, contested first as in the questions table):
    the alternatives ranked by the weight of evidence against them, the evidence
    against each alternative (C consistent, I inconsistent), its weight and
    diagnosticity, and whether the ranking holds without the most influential source.
    """
    found = competing_hypotheses(result)
    if found is None or found.evidence.empty:
        return None
    names = _names(result.dataset)
    parts = [
        "<h2>Competing hypotheses</h2>",
        '<p class="scope">Each source\u2019s current claim on a question is set against '
        "every alternative: a support is consistent (C) with the alternative it names and "
        "inconsistent (I) with the others; a refutation is inconsistent with the one it "
        "names. Each weighs its source\u2019s estimated accuracy, halved when hedged. The "
        "alternative with the least weight against it leads; diagnosticity says how much a "
        "claim tells the alternatives apart.</p>",
    ]
    questions = result.questions.set_index(result.questions["question_id"].astype(str))
    asked = found.sensitivity["question_id"].tolist()
    shown, note = _cut(pd.DataFrame({"q": asked}), MAX_QUESTIONS, "questions", "in table order")
    for question in shown["q"]:  # a handful of questions
        parts.append(f"<h3>{_e(questions.loc[question, 'text'])}</h3>")
        parts.append(_ranking_table(found, question))
        parts.append(_matrix_table(found, question, names, limit))
        parts.append(_sensitivity_words(found, question, names))
    return HTML("".join(parts) + note)


def _ranking_table(found, question: str) -> str:
    ranking = found.ranking[found.ranking["question_id"] == question]
    shown = pd.DataFrame(
        {
            "Rank": ranking["rank"].to_numpy(),
            "Alternative": ranking["statement"].to_numpy(),
            "Weight against": [f"{x:.2f}" for x in ranking["inconsistency"]],
            "Weight for": [f"{x:.2f}" for x in ranking["consistency"]],
        }
    )
    return _table(shown, "hypotheses").markup


def _matrix_table(found, question: str, names: pd.Series, limit: int | None) -> str:
    """Evidence by alternative, most diagnostic first: one column per alternative."""
    evidence = found.evidence[found.evidence["question_id"] == question]
    evidence, note = _cut(evidence, limit, "claims", "the most diagnostic first")
    ranking = found.ranking[found.ranking["question_id"] == question]
    cells = found.matrix[found.matrix["question_id"] == question]
    rating = cells.set_index(["claim_id", "alternative"])["rating"].str[0].str.upper()
    shown = pd.DataFrame(
        {
            "Source": [str(names.get(s, s)) for s in evidence["source_id"]],
            "Says": says_each(evidence["stance"], evidence["hedged"]).to_numpy(),
        }
    )
    prefix, rests = shared_prefix(ranking["statement"].astype(str).tolist())
    for rank, rest, alternative in zip(  # one column per alternative: a few
        ranking["rank"], rests, ranking["assertion_id"], strict=True
    ):
        label = f"{rank}. {shortened(rest, 48)}"
        keys = pd.MultiIndex.from_arrays([evidence["claim_id"], [alternative] * len(evidence)])
        shown[label] = rating.reindex(keys).fillna("").to_numpy()
    shown["Weight"] = [f"{x:.2f}" for x in evidence["weight"]]
    shown["Diagnosticity"] = [f"{x:.2f}" for x in evidence["diagnosticity"]]
    lead = f'<p class="note">Alternatives: {_e(prefix)} \u2026</p>' if prefix else ""
    return lead + _table(shown, "matrix").markup + note


def _sensitivity_words(found, question: str, names: pd.Series) -> str:
    row = found.sensitivity.set_index("question_id").loc[question]
    ranking = found.ranking.set_index("assertion_id")["statement"]
    who = _e(names.get(row["influential_source"], row["influential_source"]))
    leading = _e(ranking.get(row["leading"], row["leading"]))
    if row["holds"]:
        # the name leads its sentence: a source named "An event data programme" never
        # stands capitalised mid-sentence
        said = f"{who} is the most influential source; without it, <em>{leading}</em> still leads."
    elif pd.isna(row["leading_without"]):
        said = f"The ranking rests on {who} alone: without it no evidence is left."
    else:
        other = _e(ranking.get(row["leading_without"], row["leading_without"]))
        said = (
            f"The ranking does not hold without {who}, the most influential source: "
            f"<em>{other}</em> would lead instead."
        )
    return f'<p class="note">{said}</p>'


def dependent_sources(result: Analysis, limit: int = 8) -> HTML | None:
    """The pairs of sources that repeat each other's values more than chance allows,
    with the evidence (shared false values); None without estimates."""
    pairs = result.dependent_sources
    if pairs is None:
        return None
    if pairs.empty:
        return HTML(
            '<p class="note">No two sources repeat each other\u2019s errors more than chance '
            "allows (copying is seen only through shared mistakes).</p>"
        )
    names = _names(result.dataset)
    items = []
    for row in pairs.head(limit).itertuples(index=False):  # a short list
        copier = str(row.copier)
        original = str(row.source_b if copier == str(row.source_a) else row.source_a)
        items.append(
            f"<li>{_e(names.get(copier, copier))} appears to repeat "
            f"{_e(names.get(original, original))}: of {int(row.shared_items):,} items both "
            f"speak to, they give the same value on {int(row.shared_values):,}, "
            f"{int(row.shared_false):,} of them likely false (dependence "
            f"{row.dependence:.2f}). Its repeats count for little.</li>"
        )
    more = (
        f'<p class="note">{count(len(pairs) - limit, "more pair")}; '
        "<code>briefing analyze --json --estimates</code> lists them all.</p>"
        if len(pairs) > limit
        else ""
    )
    return HTML(
        f'<p>Sources that repeat another:</p><ul class="dependent">{"".join(items)}</ul>{more}'
    )
