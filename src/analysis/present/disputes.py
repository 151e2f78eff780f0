"""The briefing's optional sections on numbers and alternatives: "Figures in dispute"
and "Questions with alternatives".

Each is one call returning the whole section, its heading included, or None when the
dataset has no quantity (no question): a notebook cell whose value is None displays
nothing, so a briefing on a dataset without them reads exactly as before. Text from
data is escaped as in :mod:`analysis.present.views`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.results import Analysis
from analysis.present import alt_text, figure_charts
from analysis.present.endnotes import Endnotes
from analysis.present.figure_words import (
    conservative_words,
    figure_ends,
    quantity_sentences,
    range_words,
    ranked_quantities,
    spread_words,
)
from analysis.present.views import HTML, _cut, _e, _named, _names, _table, figure
from analysis.present.wording import (
    count,
    describe_days,
    describe_figure,
    describe_figures,
    named_few,
    shortened,
)

WORDED = 3  # quantities said in full sentences above the chart; the table has the rest
QUESTION_RANK = {"contested": 0, "corroborated": 1, "open": 2}


def figures_in_dispute(
    result: Analysis,
    limit: int | None = 25,
    notes: Endnotes | None = None,
    max_quantities: int = 20,
    max_series: int = 3,
) -> HTML | None:
    """The "Figures in dispute" section, or None when the dataset has no quantity.

    A line of counts; the most disputed quantities in sentences (spread, most
    conservative figure); a dot-and-range chart of one-off figures (at most
    ``max_quantities`` rows) and a chart of running totals over time (at most
    ``max_series`` panels), each with a note of what it leaves out; a table of
    figures per quantity and one of revisions (at most ``limit`` rows each); with
    ``notes``, each row links to the documents of its figures."""
    if result.quantities is None:
        return None
    parts = ["<h2>Figures in dispute</h2>"]
    ranked = ranked_quantities(result)
    if ranked.empty:
        parts.append('<p class="empty">No source gave a figure by this date.</p>')
        return HTML("".join(parts))
    disputed = int(ranked["disputed"].sum())
    ranges = int((~ranked["disputed"] & (ranked["spread"].to_numpy() > 0)).sum())
    verb = "is" if ranges == 1 else "are"
    uncertain = f"; {ranges:,} more {verb} given as a range" if ranges else ""
    parts.append(
        f'<p class="scope">{count(len(ranked), "quantity", "quantities")} with figures; on '
        f"{disputed:,} of them sources give different figures{uncertain}. The most "
        "conservative figure "
        "is the lowest a source not graded E gives; a hedged figure is marked "
        "\u201cabout\u201d, a lower bound alone \u201c+\u201d.</p>"
    )
    worded = ranked[ranked["disputed"]].head(WORDED)
    if len(worded):
        sentences = quantity_sentences(result, worded)
        parts.append(
            '<ul class="figure-words">' + "".join(f"<li>{_e(s)}</li>" for s in sentences) + "</ul>"
        )
    parts += _charts(result, ranked, max_quantities, max_series)
    parts.append(_quantity_table(result, ranked, limit, notes))
    parts.append(_revisions_table(result, limit, notes))
    return HTML("".join(parts))


def _charts(
    result: Analysis, ranked: pd.DataFrame, max_quantities: int, max_series: int
) -> list[str]:
    """The two charts, each on what it suits: the disputed quantities when there are
    some (else every quantity with a figure), one-off and running totals apart."""
    parts = []
    for running in (False, True):
        kind = ranked[ranked["cumulative"].to_numpy(dtype=bool) == running]
        chosen = kind[kind["disputed"]] if kind["disputed"].any() else kind
        if chosen.empty:
            continue
        if running:
            drawn = chosen.head(max_series)
            fig = figure_charts.running_totals(
                result, chosen, max_series, figure_charts.SERIES_SOURCES
            )
            alt = alt_text.running_totals(result, drawn, len(chosen))
            noun = "running totals"
        else:
            drawn = chosen.head(max_quantities)
            fig = figure_charts.disputed_figures(
                result, chosen, max_quantities, figure_charts.FIGURE_SOURCES
            )
            alt = alt_text.disputed_figures(result, drawn, len(chosen))
            noun = "quantities"
        parts.append(f'<div class="chart">{figure(fig, alt).markup}</div>')
        parts.append(_drawing_note(result, chosen, drawn, kind, noun, running))
    return parts


def _drawing_note(
    result: Analysis,
    chosen: pd.DataFrame,
    drawn: pd.DataFrame,
    kind: pd.DataFrame,
    noun: str,
    running: bool,
) -> str:
    """What a chart shows and what it leaves out: quantities, sources beyond the cap (a
    running total's source is a whole line, a one-off figure a mark)."""
    cap = figure_charts.SERIES_SOURCES if running else figure_charts.FIGURE_SOURCES
    if len(drawn) == len(kind) and (drawn["sources"].to_numpy() <= cap).all():
        return ""  # everything is drawn
    said = [f"Shown: {len(drawn):,} of {len(kind):,} {noun}"]
    if len(chosen) < len(kind):
        said.append(f"those on which sources differ ({len(chosen):,}), the widest spread first")
    elif len(drawn) < len(kind):
        said.append("the widest spread first")
    sources = drawn["sources"].to_numpy()
    if (sources > cap).any():
        left = int((sources - cap).clip(0).sum())
        said.append(
            f"at most {cap} sources each, the best graded first "
            f"({left:,} {'sources' if running else 'figures'} not drawn)"
        )
    text = "; ".join(said) + "."
    if len(drawn) < len(kind):
        text += " <code>briefing analyze --json</code> lists every figure."
    return f'<p class="note">{text}</p>'


def _quantity_table(
    result: Analysis, ranked: pd.DataFrame, limit: int | None, notes: Endnotes | None
) -> str:
    """One row per quantity: figures by source, spread, most conservative, graded range.
    The figures listed are those the spread is taken over: on a running total compared
    on a common day, each source's total of that day (the Spread column names it)."""
    rows, note = _cut(ranked, limit, "quantities", "the most disputed first")
    ends = _compared_ends(result, rows["assertion_id"])
    ends = ends.sort_values(["rank", "source_id"], kind="stable")
    named = pd.Series(_named(ends["source_id"], _names(result.dataset)), index=ends.index)
    said = named + " " + describe_figures(ends)
    by_quantity = said.groupby(ends["assertion_id"].to_numpy(), sort=False).agg(list)
    shown = pd.DataFrame(
        {
            "Quantity": rows["statement"].to_numpy(),
            "Figures by source": [_listed(by_quantity.get(a, [])) for a in rows["assertion_id"]],
            "Spread": [spread_words(row) for row in rows.itertuples(index=False)],
            "Most conservative": [
                conservative_words(result, row) for row in rows.itertuples(index=False)
            ],
            "Range": [range_words(row) for row in rows.itertuples(index=False)],
        }
    )
    if notes is None:
        return _table(shown, "figures").markup + note
    claims = ends.groupby("assertion_id")["claim_id"].agg(lambda c: c.astype(str).tolist())
    shown["Notes"] = [notes.cell(claims.get(a, [])) for a in rows["assertion_id"]]
    return _table(shown, "figures", markup_columns=("Notes",)).markup + note


def _compared_ends(result: Analysis, assertion_ids: pd.Series) -> pd.DataFrame:
    """The figures the spread of each quantity of ``assertion_ids`` is taken over
    (:func:`~analysis.present.figure_words.figure_ends` with ``compared``), each with the
    ``claim_id`` that gave it: the current figure's, or on a running total compared on a
    common day, the claim of that day's total."""
    ends = figure_ends(result, compared=True)
    ends = ends[ends["assertion_id"].isin(assertion_ids.astype(str))]
    key = ["assertion_id", "source_id"]
    current = result.figures.assign(
        assertion_id=result.figures["assertion_id"].astype(str),
        source_id=result.figures["source_id"].astype(str),
    )[[*key, "claim_id"]]
    on_day = ends["compared_on"].notna().to_numpy()
    parts = [ends[~on_day].merge(current, on=key, how="left")]
    if on_day.any():
        series = result.series
        totals = pd.DataFrame(
            {
                "assertion_id": series["assertion_id"].astype(str).to_numpy(dtype=object),
                "source_id": series["source_id"].astype(str).to_numpy(dtype=object),
                "compared_on": series["day"].to_numpy(dtype="datetime64[ns]"),
                "claim_id": series["claim_id"].to_numpy(dtype=object),
            }
        )
        compared = ends[on_day].assign(
            compared_on=ends["compared_on"][on_day].to_numpy(dtype="datetime64[ns]")
        )
        parts.append(compared.merge(totals, on=[*key, "compared_on"], how="left"))
    return pd.concat(parts, ignore_index=True)


def _listed(figures: list[str], most: int = 5) -> str:
    """ "UCDP 9 (6–30); Wire about 40; and 3 more": a few figures named, the rest counted."""
    more = f"; and {len(figures) - most + 1:,} more" if len(figures) > most else ""
    return "; ".join(figures[: most - 1] if more else figures) + more


def _revisions_table(result: Analysis, limit: int | None, notes: Endnotes | None) -> str:
    """Each revision and correction of a figure, the newest first."""
    revisions = result.revisions
    if revisions is None or revisions.empty:
        return ""
    newest = revisions.sort_values("at", ascending=False, kind="stable")
    rows, note = _cut(newest, limit, "revisions", "the newest first")
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    day = rows["day"]
    before = [
        describe_figure(v, lo, hi)
        for v, lo, hi in zip(rows["from_value"], rows["from_low"], rows["from_high"], strict=True)
    ]
    after = [
        describe_figure(v, lo, hi)
        for v, lo, hi in zip(rows["to_value"], rows["to_low"], rows["to_high"], strict=True)
    ]
    shown = pd.DataFrame(
        {
            "Source": _named(rows["source_id"], _names(result.dataset)),
            "Quantity": statements.reindex(rows["assertion_id"].astype(str)).to_numpy(),
            "For": np.where(day.notna(), describe_days(day).fillna(""), ""),
            "From": before,
            "To": after,
            "On": describe_days(rows["at"]).to_numpy(),
        }
    )
    heading = "<h3>Revised figures</h3>"
    lead = (
        '<p class="note">A source that gave a new figure for the same thing; on a running '
        "total, a corrected total for a day already given (the day it is for).</p>"
    )
    if notes is None:
        return heading + lead + _table(shown, "revisions").markup + note
    ids = zip(rows["from_claim"].astype(str), rows["to_claim"].astype(str), strict=True)
    shown["Notes"] = [notes.cell(list(pair)) for pair in ids]
    return heading + lead + _table(shown, "revisions", markup_columns=("Notes",)).markup + note


def questions_table(
    result: Analysis, limit: int | None = 25, notes: Endnotes | None = None
) -> HTML | None:
    """The "Questions with alternatives" section, or None when the dataset has no question:
    one row per question, contested first, with who holds which alternative ("Side A
    holds Y: Defence ministry of side A, A news wire; Side B holds Y: ..."); with
    ``notes``, links to the documents of the holders' claims."""
    if result.questions is None:
        return None
    questions = result.questions
    rank = questions["status"].map(QUESTION_RANK).to_numpy()
    order = np.lexsort((np.arange(len(questions)), -questions["held"].to_numpy(), rank))
    rows, note = _cut(questions.iloc[order], limit, "questions", "contested first")
    names = _names(result.dataset)
    alternatives = result.alternatives  # those of the questions shown only: a few each
    alternatives = alternatives[alternatives["question_id"].isin(rows["question_id"]).to_numpy()]
    statements = _without_question(alternatives, questions)
    held = (alternatives["holders"].map(len) > 0).to_numpy()
    chosen = alternatives[held]
    held_by = [
        f"{shortened(statement, 64)}: {named_few([str(names.get(s, s)) for s in holders])}"
        + (" (hedged)" if hedged else "")
        for statement, holders, hedged in zip(
            statements.to_numpy()[held], chosen["holders"], chosen["hedged_only"], strict=True
        )
    ]  # one phrase per alternative someone holds
    holding = pd.Series(held_by, index=chosen["question_id"].to_numpy(), dtype=object)
    who = holding.groupby(level=0, sort=False).agg("; ".join)
    answers = rows["answer"].map(statements).astype(object)
    shown = pd.DataFrame(
        {
            "Question": rows["text"].to_numpy(),
            "Status": np.where(
                answers.notna(), rows["status"] + ": " + answers.fillna(""), rows["status"]
            ),
            "Who holds which": [
                who.get(q, "no source holds an alternative") if n else "no alternatives recorded"
                for q, n in zip(rows["question_id"], rows["alternatives"], strict=True)
            ],
        }
    )
    parts = [
        "<h2>Questions with alternatives</h2>",
        '<p class="scope">The alternatives of a question exclude one another: a source '
        "holding one counts against the others. Contested: sources hold different "
        "alternatives or one is disputed; corroborated: one alternative has two or more "
        "independent lines and no one against it.</p>",
    ]
    if notes is None:
        return HTML("".join(parts) + _table(shown, "questions").markup + note)
    supports = result.positions[
        (result.positions["stance"] == "supports").to_numpy()
        & result.positions["assertion_id"].isin(alternatives["assertion_id"]).to_numpy()
    ]
    question_of = alternatives.set_index("assertion_id")["question_id"]
    claims = (
        supports["claim_id"]
        .astype(str)
        .groupby(supports["assertion_id"].astype(str).map(question_of).to_numpy())
        .agg(list)
    )
    shown["Notes"] = [notes.cell(claims.get(q, [])) for q in rows["question_id"]]
    table = _table(shown, "questions", markup_columns=("Notes",)).markup
    return HTML("".join(parts) + table + note)


def _without_question(alternatives: pd.DataFrame, questions: pd.DataFrame) -> pd.Series:
    """Each alternative's statement, by assertion id, without a leading "<question
    text>: ", the form ``briefing import values`` writes ("When did ... retake Sudzha?:
    12 March"), so that a long question does not push the value out of a shortened cell."""
    texts = questions.set_index(questions["question_id"].astype(str))["text"].astype(str)
    statements = alternatives["statement"].astype(str).tolist()
    leads = (alternatives["question_id"].astype(str).map(texts).fillna("") + ": ").tolist()
    kept = [  # a loop over the alternatives of the questions shown
        s[len(lead) :] if s.startswith(lead) and len(s) > len(lead) and lead != ": " else s
        for s, lead in zip(statements, leads, strict=True)
    ]
    return pd.Series(kept, index=alternatives["assertion_id"].astype(str).to_numpy(), dtype=object)
