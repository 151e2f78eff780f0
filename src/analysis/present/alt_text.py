"""What each figure shows, in a sentence or two: the text alternative of its SVG.

A reader who cannot see the figure (a screen reader, a text-only mail client, a
search in the PDF) gets its point from this text: how many things it shows, how
they split, and what stands out, computed from the same analysis as the figure.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.results import Analysis
from analysis.present.propositions import propositions
from analysis.present.wording import count, describe_day, joined, ranked_assertions, shortened

STATUS_ORDER = ("contested", "denied", "corroborated", "single-source", "unaddressed")


def _statuses(statuses: pd.Series) -> str:
    counts = statuses.value_counts()
    return ", ".join(f"{int(counts[s])} {s}" for s in STATUS_ORDER if s in counts.index)


def _names(result: Analysis) -> pd.Series:
    return result.dataset.sources.set_index("source_id")["name"]


def assertion_board(result: Analysis, shown: int) -> str:
    """The lines-of-evidence chart: assertions by status, the best supported named."""
    addressed = ranked_assertions(propositions(result)).head(shown)
    if addressed.empty:
        return "Bar chart of lines of evidence per assertion: no assertion to show."
    best = addressed.sort_values("independent_support", ascending=False, kind="stable").iloc[0]
    return (
        f"Bar chart of supporting (right) and refuting (left) lines of evidence for "
        f"{count(len(addressed), 'assertion')}: {_statuses(addressed['status'])}. "
        f"Most support: {shortened(str(best['statement']), 90)} "
        f"({count(int(best['independent_support']), 'line')})."
    )


def timeline(result: Analysis) -> str:
    """The timeline: how many claims, by whom, over which days, for and against."""
    claims = result.timeline
    if claims.empty:
        return "Timeline of claims: no claim to show."
    stances = claims["stance"].astype(str).value_counts()
    first, last = claims["stated_start"].min(), claims["stated_end"].max()
    busiest = claims["source_id"].astype(str).value_counts().index[0]
    return (
        f"Timeline of {count(len(claims), 'claim')} by "
        f"{count(claims['source_id'].nunique(), 'source')}, one lane each, from "
        f"{describe_day(first)} to {describe_day(last)}: {int(stances.get('supports', 0))} "
        f"supporting, {int(stances.get('refutes', 0))} refuting. Most claims: "
        f"{_names(result).get(busiest, busiest)}."
    )


def place_map(places: pd.DataFrame) -> str:
    """The map (``plots.mapped_places``): how many places, by status, the busiest named."""
    busiest = places.nlargest(3, "claims")["name"].astype(str).tolist()
    return (
        f"Map of {count(len(places), 'place')} coloured by the most pressing status of "
        f"their assertions: {_statuses(places['status'])}. Most reported: {joined(busiest)}."
    )


def status_over_time(history: pd.DataFrame) -> str:
    """The status bands (``replay``'s history: assertion_id, day, status): how many
    assertions over which days, and how many changed status on the way."""
    reported = history[history["status"] != "unaddressed"]
    changes = reported.groupby(reported["assertion_id"].astype(str))["status"].nunique()
    return (
        f"Status of {count(len(changes), 'assertion')} as the reporting stood each day, from "
        f"{describe_day(history['day'].min())} to {describe_day(history['day'].max())}: "
        f"{int((changes > 1).sum())} changed status on the way; at the end "
        f"{_statuses(reported.sort_values('day').groupby('assertion_id', observed=True)['status'].last())}."
    )


def lag_chart(result: Analysis) -> str:
    """The reporting lags: how many claims, the median, the slowest source."""
    lags = result.timeline.dropna(subset=["lag_days"])
    by_source = lags.groupby(lags["source_id"].astype(str))["lag_days"].median()
    slowest = by_source.idxmax()
    return (
        f"Days from the end of each event to its report, per source, for "
        f"{count(len(lags), 'claim')} with an event time: median "
        f"{float(lags['lag_days'].median()):g} days; slowest "
        f"{_names(result).get(slowest, slowest)} (median {float(by_source.max()):g} days)."
    )


def agreement_heatmap(result: Analysis) -> str:
    """The agreement heatmap: how many pairs, how many always or never agree, the pair
    sharing most assertions and the least agreeing one."""
    pairs = result.pairwise
    names = _names(result)

    def pair(row: pd.Series) -> str:
        return f"{names.get(row['source_a'], row['source_a'])} and {names.get(row['source_b'], row['source_b'])}"

    always = int((pairs["agreement"] == 1.0).sum())
    never = int((pairs["agreement"] == 0.0).sum())
    busiest = pairs.sort_values("shared", ascending=False, kind="stable").iloc[0]
    text = (
        f"Heatmap of agreement for {count(len(pairs), 'pair')} of sources with shared "
        f"assertions: {always} always agree, {never} never agree. Most shared: "
        f"{pair(busiest)} ({count(int(busiest['shared']), 'assertion')}, agreeing on "
        f"{busiest['agreement']:.0%})."
    )
    least = pairs.sort_values(["agreement", "shared"], ascending=[True, False]).iloc[0]
    if always < len(pairs) and least.name != busiest.name:
        text += (
            f" Least agreement: {pair(least)} ({least['agreement']:.0%} of {int(least['shared'])})."
        )
    return text


def disputed_figures(result: Analysis, shown: pd.DataFrame, total: int) -> str:
    """The dot-and-range chart (``shown``: the quantities drawn, ranked): how many, how
    many disputed, the widest spread in words."""
    from analysis.present.figure_words import conservative_words, spread_words

    disputed = int(shown["disputed"].sum())
    text = (
        f"Dot-and-range chart of each source's current figure on "
        f"{count(len(shown), 'quantity', 'quantities')}"
        + (f" of {total:,}" if total > len(shown) else "")
        + f", {disputed} of them disputed, the widest spread first."
    )
    if len(shown):
        first = shown.iloc[0]
        text += (
            f" Widest: {shortened(str(first['statement']), 90)}, "
            f"{spread_words(first)} from {count(int(first['sources']), 'source')}"
        )
        said = conservative_words(result, first)
        text += f"; most conservative {said}." if said else "."
    return text


def running_totals(result: Analysis, shown: pd.DataFrame, total: int) -> str:
    """The running-totals panels: which totals, from how many sources, over which days,
    and where each source's latest total stands."""
    from analysis.present.figure_words import spread_words

    series = result.series
    parts = []
    for row in shown.itertuples(index=False):  # the few panels drawn
        own = series[series["assertion_id"].astype(str) == row.assertion_id]
        parts.append(
            f"{shortened(str(row.statement), 90)}: {count(int(row.sources), 'source')} from "
            f"{describe_day(own['day'].min())} to {describe_day(own['day'].max())}, latest "
            f"totals {spread_words(row)}"
        )
    more = f" ({len(shown)} of {total:,})" if total > len(shown) else ""
    return f"Line chart of running totals by source, day by day{more}. " + "; ".join(parts) + "."
