"""Key judgments: the analysis in plain sentences, as an analyst would write them.

Sentences name sources, give dates at their real precision ("March 2025", not
"2025-03-01"), say when support is hedged and when one source relies on
another, and count lines of evidence rather than sources. Deterministic.
"""

from __future__ import annotations

import pandas as pd

from .agreement import ranked_assertions
from .dataset import citation_edges

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_STATUS_LABEL = {
    "contested": "Contested",
    "corroborated": "Corroborated",
    "single-source": "Single source",
    "denied": "Denied",
}


def describe_day(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


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


def _count(n: int, noun: str) -> str:
    word = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


MAX_NAMED = 4  # a sentence names at most this many holders; more become "and N others"


def _holders(held: pd.DataFrame) -> str:
    """The holders of one stance, earliest first, naming a few and counting the rest."""
    described = [_describe_holder(row) for row in held.itertuples(index=False)]
    if len(described) > MAX_NAMED:
        described = described[: MAX_NAMED - 1] + [f"{len(described) - MAX_NAMED + 1} other sources"]
    return _join(described)


def _position_details(result, assertion_ids: pd.Series) -> pd.DataFrame:
    """Positions on these assertions, with source name, date words, hedge and reliance."""
    names = result.dataset.sources.set_index("source_id")["name"]
    claims = result.timeline.set_index("claim_id")
    held = result.positions[result.positions["assertion_id"].isin(assertion_ids)].copy()
    chosen = claims.reindex(held["claim_id"])
    held["name"] = names.reindex(held["source_id"]).to_numpy()
    held["since"] = chosen["stated_start"].to_numpy()
    held["when"] = [
        describe_interval(s, e, p)
        for s, e, p in zip(
            chosen["stated_start"], chosen["stated_end"], chosen["stated_precision"], strict=True
        )
    ]
    edges = citation_edges(
        result.dataset.claims[result.dataset.claims["claim_id"].isin(held["claim_id"])]
    )
    cited_source = result.dataset.claims.set_index("claim_id")["source_id"]
    edges["relied_on"] = names.reindex(cited_source.reindex(edges["cited_claim_id"])).to_numpy()
    relies = (
        edges.dropna()
        .drop_duplicates(["claim_id", "relied_on"])
        .groupby("claim_id")["relied_on"]
        .agg(lambda s: _join(sorted(s)))
    )
    held["relies_on"] = relies.reindex(held["claim_id"]).to_numpy()
    return held


def _describe_holder(row) -> str:
    notes = []
    if row.hedged:
        notes.append("hedged")
    if isinstance(row.relies_on, str) and row.relies_on != row.name:
        notes.append(f"relying on {row.relies_on}")
    notes.append(row.when)
    return f"{row.name} ({', '.join(notes)})"


def key_judgments(result, limit: int | None = None) -> pd.DataFrame:
    """One judgment per addressed assertion, most contested first, then one per shift.

    ``limit`` keeps the first ``limit`` judgments and words only those, so a
    briefing on a large dataset does not write sentences nobody reads.
    Columns: assertion_id, status, judgment.
    """
    names = result.dataset.sources.set_index("source_id")["name"]
    rows = []
    table = ranked_assertions(result.assertions[result.assertions["status"] != "unaddressed"])
    if limit is not None:
        table = table.head(limit)
    details = _position_details(result, table["assertion_id"])
    by_assertion = dict(list(details.groupby(details["assertion_id"].astype(str), sort=False)))
    for item in table.itertuples(index=False):  # one sentence per assertion shown
        held = by_assertion[item.assertion_id].sort_values(["since", "name"])
        support = held[held["stance"] == "supports"]
        refute = held[held["stance"] == "refutes"]
        parts = [f"{_STATUS_LABEL[item.status]}: {item.statement}."]
        clauses = []
        if len(support):
            lines = _count(int(item.independent_support), "line")
            clauses.append("Supported by " + _holders(support) + f", {lines} of evidence")
        if len(refute):
            refuted = "refuted by " if clauses else "Refuted by "
            clauses.append(refuted + _holders(refute))
        parts.append("; ".join(clauses) + ".")
        if item.hedged_only:
            parts.append("All support for it is hedged.")
        if item.neutral_sources:
            neutral_names = sorted(names.reindex(item.neutral_sources).tolist())
            if len(neutral_names) > MAX_NAMED:
                others = len(neutral_names) - MAX_NAMED + 1
                neutral_names = neutral_names[: MAX_NAMED - 1] + [f"{others} other sources"]
            neutral = _join(neutral_names)
            parts.append(f"{neutral} addressed it without taking a side.")
        rows.append((item.assertion_id, item.status, " ".join(parts)))
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    shifts = result.shifts if limit is None else result.shifts.head(max(limit - len(rows), 0))
    for shift in shifts.itertuples(index=False):
        rows.append(
            (
                shift.assertion_id,
                "shift",
                f"{names[shift.source_id]} moved from {_stance_words(shift.from_stance, shift.from_hedged)} "
                f"({describe_day(shift.from_at)}) to {_stance_words(shift.to_stance, shift.to_hedged)} "
                f"({describe_day(shift.at)}) on: {statements[shift.assertion_id]}.",
            )
        )
    return pd.DataFrame(rows, columns=["assertion_id", "status", "judgment"])


def _stance_words(stance: str, hedged: bool) -> str:
    word = {"supports": "support", "refutes": "refutation", "neutral": "no position"}[stance]
    return f"hedged {word}" if hedged and stance != "neutral" else word
