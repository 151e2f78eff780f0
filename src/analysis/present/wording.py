"""How the product puts the analysis into words, and in what order it shows things.

One place for each phrasing a reader meets in judgments, tables, figures and
the terminal: a stance ("hedged supports"), a count ("2,000 claims", "two
lines"), a date at its real precision ("in March 2025"), a list that names a
few and counts the rest, Krippendorff's alpha, and the note that says what a
shortened table or figure left out. Also the presentation orders: assertions
most telling first, sources most active first.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

LIST_ALL = "briefing analyze --json"  # the command that lists what a briefing leaves out
MAX_NAMED = 4  # a sentence names at most this many sources; more become "N other sources"

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_STANCE_NOUN = {"supports": "support", "refutes": "refutation", "neutral": "no position"}


# Orders


def ranked_assertions(table: pd.DataFrame) -> pd.DataFrame:
    """A status table, most telling first: by status (contested first), then more lines of
    support, then the most recently reported, then assertion_id. Briefings show the head
    of this order, so a long dataset leads with what is current, not with the alphabet."""
    from analysis.compute.agreement import (
        STATUS_RANK,  # here, so `briefing validate` never loads scipy
    )

    rank = table["status"].map(STATUS_RANK)
    latest = pd.to_datetime(table["last_stated"]).to_numpy(dtype="datetime64[D]")
    newest_first = -np.where(np.isnat(latest), np.iinfo(np.int64).min + 1, latest.astype(np.int64))
    order = np.lexsort(
        (
            table["assertion_id"].to_numpy(dtype=object),
            newest_first,
            -table["independent_support"].to_numpy(),
            rank.to_numpy(),
        )
    )
    return table.iloc[order]


def sources_by_activity(timeline: pd.DataFrame) -> list[str]:
    """Source ids of a timeline, the most claims first (ties by id): who a briefing shows first."""
    counts = timeline["source_id"].astype(str).value_counts()
    order = np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))
    return counts.index[order].tolist()


# Stances


def says(stance: str, hedged: bool) -> str:
    """A stance as a reader says it: "supports", "hedged refutes"."""
    return f"hedged {stance}" if hedged else stance


def says_each(stance: pd.Series, hedged: pd.Series) -> pd.Series:
    """:func:`says` for every row, on ``stance``'s index."""
    words = stance.astype(str).to_numpy(dtype=object)
    hedged_words = "hedged " + words
    return pd.Series(np.where(hedged.to_numpy(dtype=bool), hedged_words, words), index=stance.index)


def stance_as_noun(stance: str, hedged: bool) -> str:
    """A stance as the thing a source moved from or to: "hedged support", "no position"."""
    word = _STANCE_NOUN[stance]
    return f"hedged {word}" if hedged and stance != "neutral" else word


# Numbers


def count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 claim", "2,000 claims": a count in figures, for tables and scope lines
    (``plural`` for a noun that does not just add an s: "quantities")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def count_spelled(n: int, noun: str) -> str:
    """ "one line", "two lines": a small count spelled out, for sentences (figures past ten)."""
    word = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def describe_alpha(alpha: float | None) -> str:
    """Krippendorff's alpha to three decimals, or "undefined" when no pair can be compared."""
    return "undefined" if alpha is None else f"{alpha:.3f}"


def describe_number(x: float) -> str:
    """ "3,120", "12.5": a figure as a reader writes it, thousands grouped, no ".0"."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.6g}"


def describe_figure(value: float, low: float, high: float, hedged: bool = False) -> str:
    """A claimed figure as the source gave it: "12 (8\u201320)", "100+" (a lower bound
    only: "more than 100"), "up to 50", "8\u201320"; a hedged figure keeps its hedge
    ("about 40"). Blanks are NaN."""
    has = [not pd.isna(v) for v in (value, low, high)]
    about = "about " if hedged else ""
    if has[0]:
        shown = describe_number(value)
        if has[1] and has[2]:
            return f"{about}{shown} ({describe_number(low)}\u2013{describe_number(high)})"
        if has[1]:
            return f"{about}{shown} (at least {describe_number(low)})"
        if has[2]:
            return f"{about}{shown} (at most {describe_number(high)})"
        return f"{about}{shown}"
    if has[1] and has[2]:
        return f"{about}{describe_number(low)}\u2013{describe_number(high)}"
    if has[1]:
        return f"{about}{describe_number(low)}+"
    return f"{about}up to {describe_number(high)}" if has[2] else ""


def describe_figures(frame: pd.DataFrame) -> pd.Series:
    """:func:`describe_figure` for every row of a table with value, low, high, hedged;
    worded once per distinct figure (a running total repeats few)."""
    columns = ["value", "low", "high", "hedged"]
    rows = frame[columns].astype({"hedged": bool}).reset_index(drop=True)
    distinct = rows.drop_duplicates()
    words = [describe_figure(*figure) for figure in distinct.itertuples(index=False)]
    keyed = distinct.assign(words=words)
    worded = rows.merge(keyed, on=columns, how="left")  # NaN keys match NaN in pandas
    return pd.Series(worded["words"].to_numpy(), index=frame.index, dtype=object)


def describe_span(lowest: float, highest: float, unit: str = "") -> str:
    """The spread of figures: "6 to 40 deaths", "12 tanks" when there is none."""
    tail = f" {unit}" if unit else ""
    if lowest == highest:
        return f"{describe_number(lowest)}{tail}"
    return f"{describe_number(lowest)} to {describe_number(highest)}{tail}"


# Lists


def joined(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def named_few(items: list[str], most: int = MAX_NAMED) -> str:
    """Sources in a sentence: up to ``most`` named; past that, the first ``most - 1``
    named and the rest counted ("A, B, C and 2 other sources")."""
    if len(items) > most:
        items = items[: most - 1] + [f"{len(items) - most + 1} other sources"]
    return joined(items)


# What was left out


def shortened(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis: a label or a name in a
    narrow column; the full text stays where there is room for it."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "\u2026"


def most_of(shown: int, total: int, adjective: str) -> str:
    """ "the 20 most active of 31" for a figure's title; empty when nothing was left out."""
    return f"the {shown} most {adjective} of {total}" if total > shown else ""


def showing_note(
    shown: int, total: int, noun: str, order: str, mark_command: Callable[[str], str] = str
) -> str:
    """The note under a shortened table: "Showing 40 of 1,200 claims, the earliest first.
    briefing analyze --json lists them all." ``mark_command`` dresses the command (as code)."""
    return (
        f"Showing {shown:,} of {total:,} {noun}, {order}. {mark_command(LIST_ALL)} lists them all."
    )


def and_more(total: int, shown: int, listed_by: str | None = None) -> str:
    """The last line of a shortened terminal list: "... and 13 more", and what lists them all."""
    where = f" ({listed_by} lists all)" if listed_by else ""
    return f"... and {total - shown:,} more{where}"


# Dates


def iso_day(day) -> str:
    """ "2025-04-08", or "-" for no date: dates in the terminal and in parameters."""
    return "-" if pd.isna(day) else f"{day:%Y-%m-%d}"


def describe_day(day: pd.Timestamp) -> str:
    """ "7 April 2025"."""
    return f"{day.day} {day:%B %Y}"


def describe_days(days: pd.Series) -> pd.Series:
    """:func:`describe_day` for every row (no date stays missing)."""
    return days.dt.day.astype("Int64").astype(str) + " " + days.dt.strftime("%B %Y")


def describe_interval(start: pd.Timestamp, end: pd.Timestamp, precision: str) -> str:
    """A stated or event interval in words, no more precise than it is."""
    if pd.isna(start):
        return "at an unknown date"
    if precision == "day" or start == end:
        return f"on {describe_day(start)}"
    if precision == "month":
        return f"in {start:%B %Y}"
    if precision == "year":
        return f"in {start:%Y}"
    if precision == "week":
        return f"in the week of {describe_day(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"between {start.day} and {end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"between {start.day} {start:%B} and {describe_day(end)}"
    return f"between {describe_day(start)} and {describe_day(end)}"


def describe_intervals(start: pd.Series, end: pd.Series, precision: pd.Series) -> pd.Series:
    """:func:`describe_interval` for every row, worded once per distinct interval."""
    rows = pd.DataFrame(
        {
            "start": start.to_numpy(),
            "end": end.to_numpy(),
            "precision": precision.astype(object).to_numpy(),
        }
    )
    distinct = rows.drop_duplicates()
    words = [describe_interval(*interval) for interval in distinct.itertuples(index=False)]
    worded = rows.merge(distinct.assign(words=words), on=["start", "end", "precision"], how="left")
    return pd.Series(worded["words"].to_numpy(), index=start.index, dtype=object)


# Estimates (whom to believe)

TOO_FEW = "too few claims to judge"  # an accuracy on fewer than five judged claims


def judged_claims(judged: float) -> str:
    """ "31 judged claims", "2.5 judged claims" (a hedged claim counts half)."""
    number = f"{judged:,.0f}" if float(judged).is_integer() else f"{judged:,.1f}"
    return f"{number} judged claim{'' if judged == 1 else 's'}"


def describe_accuracy(estimate: float, low: float, high: float, judged: float, enough: bool) -> str:
    """A source's estimated accuracy: "0.42 (0.06\u20130.85) on 31 judged claims"; with
    fewer than five judged claims no number, "too few claims to judge (3 judged claims)";
    with none, "no claim judged"."""
    if judged <= 0:
        return "no claim judged (no other source spoke to its claims)"
    if not enough:
        return f"{TOO_FEW} ({judged_claims(judged)})"
    return f"{estimate:.2f} ({low:.2f}\u2013{high:.2f}) on {judged_claims(judged)}"


def rests_on(holders: int, independent: float) -> str:
    """ "rests on 3 independent sources", "rests on 3 sources, about 1.6 independent"
    (citations and copying discounted), "rests on one source"."""
    if holders == 1:
        return "rests on one source"
    if abs(independent - holders) < 0.05:
        return f"rests on {holders} independent sources"
    return f"rests on {holders} sources, about {independent:.1f} independent"
