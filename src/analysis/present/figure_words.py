"""Quantities in words: which figures a briefing shows first, and how it says them.

A quantity is *disputed* when two or more sources give it a current figure and the
figures are not all the same. Briefings lead with the disputed ones, the widest
spread (relative to its highest figure) first, so a dataset of hundreds of events
shows the few whose tolls really differ. Each quantity gets a *lead* figure, that of
its best-graded source (A first, E last; the latest said on a tie), and its spread,
most conservative figure and graded range in words. The numbers are the analysis's
(contract §4); nothing here computes a new one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.quantities import (
    NOT_CREDIBLE,
    QUANTITY_COLUMNS,
    RELIABLE,
    compared_figures,
)
from analysis.compute.results import Analysis
from analysis.present.wording import (
    count_spelled,
    describe_day,
    describe_figure,
    describe_number,
    named_few,
)

GRADE_RANK = {"A": 0, "B": 1, "C": 2, "D": 3, "F": 4, "E": 5}  # E "unreliable" last
RANKED_COLUMNS = (
    *QUANTITY_COLUMNS,
    "disputed",
    "spread",
    "lowest_hedged",
    "highest_hedged",
    "highest_open",
    "conservative_hedged",
    "range_low_hedged",
    "range_high_hedged",
    "range_high_open",
)


def source_grades(result: Analysis, source_ids: pd.Series) -> np.ndarray:
    """The Admiralty grade of each source id (F when the dataset does not list it)."""
    grades = result.dataset.sources.set_index("source_id")["reliability"]
    return source_ids.astype(str).map(grades).fillna("F").to_numpy(dtype=object)


def figure_ends(result: Analysis, compared: bool = False) -> pd.DataFrame:
    """The current figures (``Analysis.figures``; with ``compared``, the figures the
    spread is taken over: a running total's on its common day, see
    :func:`~analysis.compute.quantities.compared_figures`) with ``lower`` and ``upper``
    ends (§4), ``open`` (a lower bound only: "100+"), the source's ``grade`` and its
    ``rank``."""
    figures = result.figures
    if compared:
        figures = compared_figures(figures, result.series)
    grade = source_grades(result, figures["source_id"])
    return figures.assign(
        assertion_id=figures["assertion_id"].astype(str),
        source_id=figures["source_id"].astype(str),
        lower=figures["low"].fillna(figures["value"]),
        upper=figures["high"].fillna(figures["value"]).fillna(figures["low"]),
        open=figures["value"].isna() & figures["high"].isna(),
        grade=grade,
        rank=pd.Series(grade).map(GRADE_RANK).fillna(4).to_numpy(dtype=np.int64),
    )


def ranked_quantities(result: Analysis) -> pd.DataFrame:
    """The quantities with a current figure (RANKED_COLUMNS), disputed first, the widest
    relative spread first, then more sources, then the order of assertions.csv.

    ``spread`` is (highest - lowest) / highest (0 when they agree; a quantity given only
    as upper bounds, "fewer than 50", has no ``lowest`` and counts from 0);
    ``lowest_hedged`` and ``highest_hedged``: every figure at that end is hedged ("about
    40"); ``highest_open``: a figure at the top end is a lower bound only ("100+");
    ``conservative_hedged``, ``range_low_hedged``, ``range_high_hedged`` and
    ``range_high_open`` say the same of the most conservative figure and of the ends of
    the graded range."""
    if result.quantities is None:
        return pd.DataFrame(columns=list(RANKED_COLUMNS))
    quantities = result.quantities[result.quantities["sources"].to_numpy() > 0]
    ends = figure_ends(result, compared=True)
    by = ends.merge(
        quantities[["assertion_id", "lowest", "highest", "conservative", "range_low",
                    "range_high", "range_basis"]],
        on="assertion_id",
        how="inner",
    )  # fmt: skip
    groups = by["assertion_id"]
    hedged = by["hedged"].astype(bool)
    credible = ~np.isin(by["grade"], NOT_CREDIBLE)
    graded = np.isin(by["grade"], RELIABLE)
    in_range = np.where(by["range_basis"] == "graded", graded, credible)

    def every_hedged(at_end: pd.Series) -> pd.Series:
        """Per quantity: every figure at that end is hedged (none at it: False)."""
        return ((hedged | ~at_end).groupby(groups).all()) & at_end.groupby(groups).any()

    at_high = by["upper"] == by["highest"]
    range_high = in_range & (by["upper"] == by["range_high"])
    flags = pd.DataFrame(
        {
            "lowest_hedged": every_hedged(by["lower"] == by["lowest"]),
            "highest_hedged": every_hedged(at_high),
            "highest_open": (by["open"] & at_high).groupby(groups).any(),
            "conservative_hedged": every_hedged(credible & (by["lower"] == by["conservative"])),
            "range_low_hedged": every_hedged(in_range & (by["lower"] == by["range_low"])),
            "range_high_hedged": every_hedged(range_high),
            "range_high_open": (by["open"] & range_high).groupby(groups).any(),
            "distinct": by[["value", "low", "high"]]
            .fillna(-1.0)
            .groupby(groups)
            .nunique()
            .max(axis=1),
        }
    )
    table = quantities.join(flags, on="assertion_id")
    highest = table["highest"].to_numpy(dtype=float)
    lowest = table["lowest"].fillna(0.0).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(highest > 0, (highest - lowest) / highest, 0.0)
    disputed = (table["sources"].to_numpy() >= 2) & (table["distinct"].to_numpy() > 1)
    table = table.assign(disputed=disputed, spread=np.nan_to_num(spread))
    order = np.lexsort(
        (np.arange(len(table)), -table["sources"].to_numpy(), -table["spread"].to_numpy(),
         ~disputed)
    )  # fmt: skip
    return table.iloc[order].reset_index(drop=True)[list(RANKED_COLUMNS)]


def lead_figures(result: Analysis, assertion_ids: pd.Series) -> pd.DataFrame:
    """Per assertion id given, the figure of its best-graded source (the latest said on
    a tie, then by source id), with the source's name: figure_ends columns and ``name``."""
    ends = figure_ends(result)
    ends = ends[ends["assertion_id"].isin(assertion_ids.astype(str))]
    ends = ends.sort_values(
        ["assertion_id", "rank", "stated_end", "source_id"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    lead = ends.drop_duplicates("assertion_id").set_index("assertion_id")
    names = result.dataset.sources.set_index("source_id")["name"]
    lead["name"] = lead["source_id"].map(names).fillna(lead["source_id"])
    return lead


def end_words(number: float, hedged: bool = False, open_ended: bool = False) -> str:
    """One end of a spread: "about 40", "100+"."""
    return f"{'about ' if hedged else ''}{describe_number(number)}{'+' if open_ended else ''}"


def span_words(
    low: float, high: float, low_hedged=False, high_hedged=False, high_open=False
) -> str:
    """ "6 to about 40", one figure when both ends are the same, "up to 60" when no
    figure has a lower end (every one is an upper bound: "fewer than 60")."""
    top = end_words(high, bool(high_hedged), bool(high_open))
    if pd.isna(low):
        return f"up to {top}"
    bottom = end_words(low, bool(low_hedged))
    return bottom if bottom == top else f"{bottom} to {top}"


def spread_words(row) -> str:
    """ "6 to about 40 deaths": a quantity's spread, its unit after it; one figure when
    lowest and highest are the same; "up to 60 deaths" when every figure is an upper
    bound. Running totals compared on a common day say which ("1,772 to 3,363 tanks on
    24 February 2023, the latest day in common")."""
    span = span_words(
        row.lowest, row.highest, row.lowest_hedged, row.highest_hedged, row.highest_open
    )
    day = getattr(row, "compared_on", pd.NaT)
    on = "" if pd.isna(day) else f" on {describe_day(day)}, the latest day in common"
    return f"{span} {row.unit}{on}"


def lead_words(lead: pd.Series, unit: str) -> str:
    """ "9 (6–30) deaths", or for a running total "105 tanks as of 3 May 2025"."""
    figure = describe_figure(lead["value"], lead["low"], lead["high"], bool(lead["hedged"]))
    day = lead["day"]
    return f"{figure} {unit}" + ("" if pd.isna(day) else f" as of {describe_day(day)}")


def names_of(result: Analysis, source_ids: list[str]) -> str:
    """Sources by name in a sentence, a few named and the rest counted."""
    names = result.dataset.sources.set_index("source_id")["name"]
    return named_few([str(names.get(s, s)) for s in source_ids])


def range_words(row) -> str:
    """The range of the graded sources' figures, or of every credible one when none is
    graded A to C, marked as the spread is: "6 to 100+ (sources graded A to C)"."""
    if pd.isna(row.range_high):
        return ""
    span = span_words(
        row.range_low,
        row.range_high,
        getattr(row, "range_low_hedged", False),
        getattr(row, "range_high_hedged", False),
        getattr(row, "range_high_open", False),
    )
    basis = "sources graded A to C" if row.range_basis == "graded" else "every credible source"
    return f"{span} ({basis})"


def conservative_words(result: Analysis, row) -> str:
    """ "6 (An event data programme)", "about 40 (A news wire)": the lowest credible
    figure and who gives it."""
    if pd.isna(row.conservative):
        return ""
    figure = end_words(row.conservative, getattr(row, "conservative_hedged", False))
    return f"{figure} ({names_of(result, row.conservative_sources)})"


def quantity_label(row) -> str:
    """How a key judgment on a quantity opens: whether its figures differ."""
    if row.disputed:
        return "Disputed figure"
    return "Agreed figure" if row.sources >= 2 else "Single figure"


def quantity_sentences(result: Analysis, rows: pd.DataFrame) -> pd.Series:
    """One sentence per quantity of ``rows`` (from :func:`ranked_quantities`), on its index:
    "Disputed figure: Deaths in X. An event data programme (graded A) gives 9 (6–30)
    deaths; four sources range from 6 to about 40 deaths; most conservative 6 (An event
    data programme)." A revision, the latest, is named after it."""
    lead = lead_figures(result, rows["assertion_id"])
    latest = latest_revisions(result, rows["assertion_id"])
    sentences = []
    for row in rows.itertuples(index=False):  # the few quantities a briefing words
        first = lead.loc[row.assertion_id]
        said = (
            f"{quantity_label(row)}: {row.statement}. {first['name']} (graded "
            f"{first['grade']}) gives {lead_words(first, row.unit)}"
        )
        if row.sources >= 2:
            spoken = count_spelled(int(row.sources), "source")
            verb = "give figures" if pd.isna(row.lowest) else "range from"
            said += f"; {spoken} {verb} {spread_words(row)}"
            if not pd.isna(row.conservative):
                said += f"; most conservative {conservative_words(result, row)}"
        else:
            said += "; no other source gives a figure"
        said += "."
        if row.assertion_id in latest.index:
            said += " " + revision_sentence(result, latest.loc[row.assertion_id], row.unit)
        sentences.append(said)
    return pd.Series(sentences, index=rows.index, dtype=object)


def latest_revisions(result: Analysis, assertion_ids: pd.Series) -> pd.DataFrame:
    """Per assertion id given, its latest revision or correction (``Analysis.revisions``
    columns), indexed by assertion id; none for a quantity never revised."""
    revisions = result.revisions
    if revisions is None or revisions.empty:
        return pd.DataFrame(columns=revisions.columns if revisions is not None else [])
    chosen = revisions[revisions["assertion_id"].astype(str).isin(assertion_ids.astype(str))]
    chosen = chosen.assign(assertion_id=chosen["assertion_id"].astype(str))
    chosen = chosen.sort_values(["at", "to_claim"], kind="stable")
    return chosen.drop_duplicates("assertion_id", keep="last").set_index("assertion_id")


def revision_sentence(result: Analysis, revision: pd.Series, unit: str) -> str:
    """ "Defence ministry of side B revised its figure from 5 to 7 deaths on 4 May 2025";
    a running total's correction names the day it is for."""
    names = result.dataset.sources.set_index("source_id")["name"]
    who = names.get(revision["source_id"], revision["source_id"])
    before = describe_figure(revision["from_value"], revision["from_low"], revision["from_high"])
    after = describe_figure(revision["to_value"], revision["to_low"], revision["to_high"])
    on = describe_day(revision["at"])
    if pd.isna(revision["day"]):
        return f"{who} revised its figure from {before} to {after} {unit} on {on}."
    return (
        f"{who} corrected its total for {describe_day(revision['day'])} from {before} to "
        f"{after} {unit} on {on}."
    )
