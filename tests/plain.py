"""Contract §4 analysis rules written the slow, readable way: the reference for property tests.

``tests/test_properties.py`` holds the library's vectorized steps (integer codes,
sparse products, lexsort) equal to these functions. Each one follows a sentence of
the contract (/work/shared/contract.md §4) with sorting, grouping and loops
over small groups; nothing is taken from ``src/analysis`` but the loaded
dataset's typed tables. Identifiers are plain strings, dates Timestamps; a
missing date is NaT and an undefined figure None.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, pairwise

import pandas as pd

from analysis.contract.dataset import Dataset

STATUS_COLUMNS = [
    "assertion_id",
    "statement",
    "status",
    "independent_support",
    "hedged_only",
    "supporting_sources",
    "refuting_sources",
    "neutral_sources",
    "first_stated",
    "last_stated",
]
TIMELINE_COLUMNS = [
    "claim_id",
    "source_id",
    "assertion_id",
    "document_id",
    "stance",
    "hedged",
    "stated_start",
    "stated_end",
    "stated_precision",
    "event_start",
    "event_end",
    "lag_days",
]
SHIFT_COLUMNS = [
    "source_id",
    "assertion_id",
    "from_claim",
    "to_claim",
    "from_stance",
    "from_hedged",
    "to_stance",
    "to_hedged",
    "at",
]
CONFLICT_COLUMNS = ["source_id", "assertion_id", "claim_a", "claim_b"]
PAIRWISE_COLUMNS = ["source_a", "source_b", "shared", "agree", "disagree", "agreement", "kappa"]


def claims_table(dataset: Dataset) -> pd.DataFrame:
    """Every claim with plain string ids, its document's published day and its cited claim_ids."""
    claims = dataset.claims
    published = dict(
        zip(dataset.documents["document_id"], dataset.documents["published_day"], strict=True)
    )
    table = pd.DataFrame(
        {
            "claim_id": claims["claim_id"].astype(object),
            "source_id": claims["source_id"].astype(object),
            "assertion_id": claims["assertion_id"].astype(object),
            "document_id": claims["document_id"].astype(object),
            "stance": claims["stance"].astype(object),
            "hedged": claims["hedged"].astype(bool),
            "stated_start": claims["stated_start"],
            "stated_end": claims["stated_end"],
            "stated_precision": claims["stated_precision"].astype(object),
            "own_event_start": claims["event_start"],
            "own_event_end": claims["event_end"],
            "value": claims["value"],
            "low": claims["low"],
            "high": claims["high"],
        }
    )
    table["published_day"] = [published[d] for d in table["document_id"]]
    table["cites"] = [cited_ids(text) for text in claims["cites"]]
    return table


def cited_ids(text) -> list[str]:
    """The claim_ids of one ``cites`` cell (``;``-separated, spaces ignored)."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def assertions_on_topic(dataset: Dataset, topic: str | None) -> pd.DataFrame:
    """The dataset's assertions in file order, only those of ``topic`` when one is given."""
    assertions = dataset.assertions
    if topic is None:
        return assertions
    return assertions[assertions["topic"] == topic]


def known_claims(
    dataset: Dataset, as_of: pd.Timestamp | None = None, topic: str | None = None
) -> pd.DataFrame:
    """Claims whose stated interval ended on or before ``as_of`` and whose document was
    published on or before it (all claims without ``as_of``), on assertions of ``topic``."""
    claims = claims_table(dataset)
    if as_of is not None:
        claims = claims[(claims["stated_end"] <= as_of) & (claims["published_day"] <= as_of)]
    if topic is not None:
        on_topic = set(assertions_on_topic(dataset, topic)["assertion_id"])
        claims = claims[claims["assertion_id"].isin(on_topic)]
    return claims.reset_index(drop=True)


def grouped(frame: pd.DataFrame, *keys: str) -> dict[tuple, list]:
    """The frame's rows as named tuples, in frame order, by their values of ``keys`` (sorted)."""
    groups: dict[tuple, list] = {}
    for row in frame.itertuples(index=False):
        groups.setdefault(tuple(getattr(row, key) for key in keys), []).append(row)
    return dict(sorted(groups.items()))


def lateness(claim) -> tuple:
    """The key whose greatest value is the latest claim: stated end, start, plain over hedged, id."""
    return (claim.stated_end, claim.stated_start, not claim.hedged, claim.claim_id)


def positions(known: pd.DataFrame) -> pd.DataFrame:
    """Each source's latest supports/refutes claim per assertion; neutral claims never count.

    One row per (source, assertion), ordered by source then assertion.
    """
    rows = []
    taking = known[known["stance"] != "neutral"]
    for (source, assertion), claims in grouped(taking, "source_id", "assertion_id").items():
        latest = max(claims, key=lateness)
        rows.append((source, assertion, latest.claim_id, latest.stance, latest.hedged))
    return pd.DataFrame(rows, columns=["source_id", "assertion_id", "claim_id", "stance", "hedged"])


class UnionFind:
    """Connected groups of joined items, with path halving."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)


def evidence_lines(known: pd.DataFrame, dataset: Dataset, held: pd.DataFrame) -> pd.DataFrame:
    """The evidence line of each held (assertion, source), as a group name.

    On assertion A, source X joins source Y when a known claim of X on A cites a
    claim of Y (any claim of the dataset, on any assertion); lines are the connected
    groups. ``line`` is the sorted members of the group, so equal lines have equal names.
    """
    source_of = dict(
        zip(dataset.claims["claim_id"], dataset.claims["source_id"].astype(object), strict=True)
    )
    groups = UnionFind()
    for claim in known.itertuples():
        for cited in claim.cites:
            groups.join(
                (claim.assertion_id, claim.source_id), (claim.assertion_id, source_of[cited])
            )
    pairs = list(zip(held["assertion_id"], held["source_id"], strict=True))
    members: dict = {}
    for pair in pairs:
        members.setdefault(groups.find(pair), []).append(pair)
    names = {
        root: " ".join(f"{a}/{s}" for a, s in sorted(group)) for root, group in members.items()
    }
    return pd.DataFrame(
        {
            "assertion_id": [a for a, _ in pairs],
            "source_id": [s for _, s in pairs],
            "line": [names[groups.find(pair)] for pair in pairs],
        }
    )


def assertion_status(
    dataset: Dataset,
    known: pd.DataFrame,
    held: pd.DataFrame,
    lines: pd.DataFrame,
    topic: str | None = None,
) -> pd.DataFrame:
    """Status of every assertion (of ``topic``), in file order, with the contract's figures."""
    line_of = {(row.assertion_id, row.source_id): row.line for row in lines.itertuples(index=False)}
    held_on = grouped(held, "assertion_id")
    known_on = grouped(known, "assertion_id")
    rows = []
    for assertion in assertions_on_topic(dataset, topic).itertuples():
        mine = held_on.get((assertion.assertion_id,), [])
        on_it = known_on.get((assertion.assertion_id,), [])
        supporting = [p for p in mine if p.stance == "supports"]
        refuting = [p for p in mine if p.stance == "refutes"]
        supporting_lines = {line_of[(p.assertion_id, p.source_id)] for p in supporting}
        if supporting and refuting:
            status = "contested"
        elif len(supporting_lines) >= 2:
            status = "corroborated"
        elif len(supporting_lines) == 1:
            status = "single-source"
        elif refuting:
            status = "denied"
        else:
            status = "unaddressed"
        neutral = {c.source_id for c in on_it if c.stance == "neutral"}
        rows.append(
            {
                "assertion_id": assertion.assertion_id,
                "statement": assertion.statement,
                "status": status,
                "independent_support": len(supporting_lines),
                "hedged_only": bool(supporting) and all(p.hedged for p in supporting),
                "supporting_sources": sorted(p.source_id for p in supporting),
                "refuting_sources": sorted(p.source_id for p in refuting),
                "neutral_sources": sorted(neutral - {p.source_id for p in mine}),
                "first_stated": min((c.stated_start for c in on_it), default=pd.NaT),
                "last_stated": max((c.stated_end for c in on_it), default=pd.NaT),
            }
        )
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def cohen_kappa(first: list[str], second: list[str]) -> Fraction | None:
    """Cohen's kappa of two raters over the same items; None where chance agreement is 1."""
    n = len(first)
    observed = Fraction(sum(a == b for a, b in zip(first, second, strict=True)), n)
    chance = sum(
        Fraction(first.count(value), n) * Fraction(second.count(value), n)
        for value in set(first) | set(second)
    )
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


def pairwise_agreement(held: pd.DataFrame) -> pd.DataFrame:
    """Each pair of sources (source_a < source_b) over the assertions where both hold a position."""
    stance = {(row.source_id, row.assertion_id): row.stance for row in held.itertuples(index=False)}
    rows = []
    for a, b in combinations(sorted(set(held["source_id"])), 2):
        # the assertions where both hold a position
        both = sorted(x for (s, x) in stance if s == a and (b, x) in stance)
        if not both:
            continue
        first = [stance[(a, x)] for x in both]
        second = [stance[(b, x)] for x in both]
        agree = sum(p == q for p, q in zip(first, second, strict=True))
        kappa = cohen_kappa(first, second)
        rows.append(
            {
                "source_a": a,
                "source_b": b,
                "shared": len(both),
                "agree": agree,
                "disagree": len(both) - agree,
                "agreement": agree / len(both),
                "kappa": None if kappa is None else float(kappa),
            }
        )
    return pd.DataFrame(rows, columns=PAIRWISE_COLUMNS)


def nominal_alpha(units: list[list[str]]) -> Fraction | None:
    """Krippendorff's alpha (nominal) from each unit's values, by the coincidence matrix.

    Units with fewer than two values pair with nothing and are dropped; None where
    no unit is left or every pairable value is the same (expected disagreement 0).
    """
    pairable = [values for values in units if len(values) >= 2]
    if not pairable:
        return None
    coincidences: dict[tuple[str, str], Fraction] = {}
    for values in pairable:
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    weight = Fraction(1, len(values) - 1)
                    coincidences[(c, k)] = coincidences.get((c, k), 0) + weight
    totals: dict[str, Fraction] = {}
    for (c, _), count in coincidences.items():
        totals[c] = totals.get(c, 0) + count
    n = sum(totals.values())
    observed = sum(count for (c, k), count in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


def overall_alpha(held: pd.DataFrame) -> float | None:
    """Krippendorff's alpha (nominal) over the positions, one unit per assertion."""
    units = [[p.stance for p in unit] for unit in grouped(held, "assertion_id").values()]
    alpha = nominal_alpha(units)
    return None if alpha is None else float(alpha)


def timeline(dataset: Dataset, known: pd.DataFrame) -> pd.DataFrame:
    """Known claims by stated start, stated end, claim_id, with event time and lag.

    Event time: the claim's own, else its assertion's. Lag: days from the event's end
    to the stated start, at least 0; None without an event time.
    """
    assertions = dataset.assertions
    event = dict(
        zip(
            assertions["assertion_id"],
            zip(assertions["event_start"], assertions["event_end"], strict=True),
            strict=True,
        )
    )
    out = known.sort_values(["stated_start", "stated_end", "claim_id"]).reset_index(drop=True)
    rows = []
    for claim in out.itertuples():
        if pd.notna(claim.own_event_start):
            start, end = claim.own_event_start, claim.own_event_end
        else:
            start, end = event[claim.assertion_id]
        lag = None if pd.isna(end) else max(0, (claim.stated_start - end).days)
        rows.append((start, end, lag))
    out["event_start"] = pd.to_datetime(pd.Series([r[0] for r in rows], dtype=object))
    out["event_end"] = pd.to_datetime(pd.Series([r[1] for r in rows], dtype=object))
    out["lag_days"] = pd.Series([r[2] for r in rows], dtype=object)
    return out


def by_source_and_assertion(ordered: pd.DataFrame):
    """(source, assertion, that group's claims in timeline order) for each group."""
    for (source, assertion), claims in grouped(ordered, "source_id", "assertion_id").items():
        yield source, assertion, claims


def differ(a, b) -> bool:
    return a.stance != b.stance or a.hedged != b.hedged


def shifts(ordered: pd.DataFrame) -> pd.DataFrame:
    """Successive claims of a source on an assertion that differ and are certainly ordered
    (the first's stated interval ends before the second's starts)."""
    rows = []
    for source, assertion, claims in by_source_and_assertion(ordered):
        for first, second in pairwise(claims):
            if differ(first, second) and first.stated_end < second.stated_start:
                rows.append(
                    (
                        source,
                        assertion,
                        first.claim_id,
                        second.claim_id,
                        first.stance,
                        first.hedged,
                        second.stance,
                        second.hedged,
                        second.stated_start,
                    )
                )
    return pd.DataFrame(rows, columns=SHIFT_COLUMNS)


def conflicts(ordered: pd.DataFrame) -> pd.DataFrame:
    """Pairs of claims of a source on an assertion whose stated intervals overlap but whose
    stance or hedging differ; each unordered pair once, claim_a < claim_b."""
    rows = []
    for source, assertion, claims in by_source_and_assertion(ordered):
        for x, y in combinations(claims, 2):
            a, b = sorted((x, y), key=lambda claim: claim.claim_id)
            overlap = a.stated_start <= b.stated_end and b.stated_start <= a.stated_end
            if overlap and differ(a, b):
                rows.append((source, assertion, a.claim_id, b.claim_id))
    return pd.DataFrame(sorted(rows), columns=CONFLICT_COLUMNS)


# ---------------------------------------------------------------- questions (§4)


def implied_claims(known: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Every known supporting claim on an alternative of a question, once more as a
    refutation of each other alternative of that question (same source, dates, hedge, id)."""
    question_of = {
        a: q
        for a, q in zip(
            dataset.assertions["assertion_id"], dataset.assertions["question_id"], strict=True
        )
        if isinstance(q, str)
    }
    alternatives: dict[str, list[str]] = {}
    for assertion, question in question_of.items():
        alternatives.setdefault(question, []).append(assertion)
    rows = []
    for claim in known.to_dict("records"):
        question = question_of.get(claim["assertion_id"])
        if claim["stance"] != "supports" or question is None:
            continue
        for other in alternatives[question]:
            if other != claim["assertion_id"]:
                rows.append({**claim, "assertion_id": other, "stance": "refutes", "cites": []})
    return pd.DataFrame(rows, columns=known.columns)


def question_status(
    dataset: Dataset, status: pd.DataFrame, topic: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The questions (file order) and their analysed alternatives (by question)."""
    question_of = dict(
        zip(dataset.assertions["assertion_id"], dataset.assertions["question_id"], strict=True)
    )
    alternatives = []
    for question in dataset.questions["question_id"]:
        for row in status.itertuples(index=False):
            if question_of[row.assertion_id] == question:
                alternatives.append(
                    {
                        "question_id": question,
                        "assertion_id": row.assertion_id,
                        "statement": row.statement,
                        "status": row.status,
                        "independent_support": row.independent_support,
                        "hedged_only": row.hedged_only,
                        "holders": row.supporting_sources,
                    }
                )
    questions = []
    for question in dataset.questions.itertuples(index=False):
        mine = [a for a in alternatives if a["question_id"] == question.question_id]
        if topic is not None and not mine:
            continue
        corroborated = [a["assertion_id"] for a in mine if a["status"] == "corroborated"]
        contested = any(a["status"] == "contested" for a in mine)
        questions.append(
            {
                "question_id": question.question_id,
                "text": question.text,
                "status": "corroborated" if corroborated else "contested" if contested else "open",
                "answer": corroborated[0] if corroborated else None,
                "alternatives": len(mine),
                "held": sum(1 for a in mine if a["independent_support"] > 0),
            }
        )
    return pd.DataFrame(questions, columns=QUESTION_COLUMNS), pd.DataFrame(
        alternatives, columns=ALTERNATIVE_COLUMNS
    )


QUESTION_COLUMNS = ["question_id", "text", "status", "answer", "alternatives", "held"]
ALTERNATIVE_COLUMNS = [
    "question_id",
    "assertion_id",
    "statement",
    "status",
    "independent_support",
    "hedged_only",
    "holders",
]


# ---------------------------------------------------------------- quantities (§4)

FIGURES = ("value", "low", "high")


def _figure(claim) -> tuple:
    """A claim's figure, blanks as None, so two figures compare as written."""
    return tuple(None if pd.isna(getattr(claim, n)) else getattr(claim, n) for n in FIGURES)


def _lower(figure: tuple):
    value, low, _ = figure
    return low if low is not None else value


def _upper(figure: tuple):
    value, low, high = figure
    return next((x for x in (high, value, low) if x is not None), None)


def quantity_figures(dataset: Dataset, known: pd.DataFrame):
    """Current figures, revisions and running totals, as the contract words them: each
    source's claims on a quantity in latest order; a running total by day."""
    assertions = dataset.assertions.set_index("assertion_id")
    figures, revisions, series = [], [], []
    taking = known[known["stance"] != "neutral"]
    for (assertion, source), claims in grouped(taking, "assertion_id", "source_id").items():
        if pd.isna(assertions.loc[assertion, "unit"]):
            continue
        claims = sorted(claims, key=lateness)
        supporting = [c for c in claims if c.stance == "supports"]
        if not assertions.loc[assertion, "cumulative"]:
            latest = claims[-1]
            if latest.stance == "supports":
                figures.append((assertion, source, latest, pd.NaT))
            for a, b in pairwise(supporting):
                if _figure(a) != _figure(b):
                    revisions.append((assertion, source, a, b, pd.NaT))
            continue
        by_day: dict = {}
        for claim in supporting:
            day = claim.own_event_end if pd.notna(claim.own_event_end) else claim.stated_end
            by_day.setdefault(day, []).append(claim)
        previous = None
        for day in sorted(by_day):
            for a, b in pairwise(by_day[day]):
                if _figure(a) != _figure(b):
                    revisions.append((assertion, source, a, b, day))
            entry = by_day[day][-1]
            value, low, high = _figure(entry)
            point = next((x for x in (value, low, high) if x is not None), None)
            falls = previous is not None and point < previous
            series.append((assertion, source, day, entry, falls))
            previous = point
        if by_day:
            last = max(by_day)
            figures.append((assertion, source, by_day[last][-1], last))
    return figures, revisions, series


FIGURE_COLUMNS = ["assertion_id", "source_id", "claim_id", *FIGURES, "hedged", "day"]
REVISION_COLUMNS = [
    "assertion_id",
    "source_id",
    "from_claim",
    "to_claim",
    *(f"from_{n}" for n in FIGURES),
    *(f"to_{n}" for n in FIGURES),
    "at",
    "day",
]
SERIES_COLUMNS = ["assertion_id", "source_id", "day", "claim_id", *FIGURES, "hedged", "falls"]
QUANTITY_COLUMNS = [
    "assertion_id",
    "sources",
    "lowest",
    "highest",
    "conservative",
    "conservative_sources",
    "range_low",
    "range_high",
    "range_basis",
    "compared_on",
]


def figure_tables(dataset: Dataset, known: pd.DataFrame, topic: str | None):
    """``figures``, ``revisions``, ``series`` and the per-quantity ``quantities`` frames."""
    figures, revisions, series = quantity_figures(dataset, known)
    figure_rows = [(a, s, c.claim_id, *_figure(c), c.hedged, day) for a, s, c, day in figures]
    revision_rows = [
        (a, s, x.claim_id, y.claim_id, *_figure(x), *_figure(y), y.stated_start, day)
        for a, s, x, y, day in revisions
    ]
    series_rows = [
        (a, s, day, c.claim_id, *_figure(c), c.hedged, falls) for a, s, day, c, falls in series
    ]
    grade = dict(zip(dataset.sources["source_id"], dataset.sources["reliability"], strict=True))
    summary = []
    for assertion in assertions_on_topic(dataset, topic).itertuples():
        if pd.isna(assertion.unit):
            continue
        mine = [(s, _figure(c)) for a, s, c, _ in figures if a == assertion.assertion_id]
        by_day: dict = {}  # a running total's days with their sources' totals
        for a, s, day, c, _ in series:
            if a == assertion.assertion_id:
                by_day.setdefault(day, []).append((s, _figure(c)))
        latest_days = {day for a, _, _, day in figures if a == assertion.assertion_id}
        common = [day for day, given in by_day.items() if len(given) >= 2]
        if len(latest_days) <= 1:  # the sources' latest totals are of one day already
            common = []
        compared_on = max(common) if common else pd.NaT
        if common:  # compared on the latest day two or more sources gave a total
            mine = sorted(by_day[compared_on])
        credible = [(s, f) for s, f in mine if grade[s] != "E"]
        reliable = [(s, f) for s, f in mine if grade[s] in ("A", "B", "C")]
        over = reliable or credible
        lowers = [_lower(f) for _, f in credible if _lower(f) is not None]
        conservative = min(lowers, default=None)
        summary.append(
            (
                assertion.assertion_id,
                len(mine),
                min((_lower(f) for _, f in mine if _lower(f) is not None), default=None),
                max((_upper(f) for _, f in mine if _upper(f) is not None), default=None),
                conservative,
                sorted(
                    s for s, f in credible if conservative is not None and _lower(f) == conservative
                ),
                min((_lower(f) for _, f in over if _lower(f) is not None), default=None),
                max((_upper(f) for _, f in over if _upper(f) is not None), default=None),
                "graded" if reliable else "all",
                compared_on,
            )
        )
    return (
        pd.DataFrame(figure_rows, columns=FIGURE_COLUMNS),
        pd.DataFrame(revision_rows, columns=REVISION_COLUMNS),
        pd.DataFrame(series_rows, columns=SERIES_COLUMNS),
        pd.DataFrame(summary, columns=QUANTITY_COLUMNS),
    )


@dataclass(frozen=True)
class PlainAnalysis:
    """Every table of the analysis, computed the plain way (see the functions above)."""

    known: pd.DataFrame
    positions: pd.DataFrame
    lines: pd.DataFrame
    assertions: pd.DataFrame
    pairwise: pd.DataFrame
    alpha: float | None
    timeline: pd.DataFrame
    shifts: pd.DataFrame
    conflicts: pd.DataFrame
    quantities: pd.DataFrame | None = None
    figures: pd.DataFrame | None = None
    revisions: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    questions: pd.DataFrame | None = None
    alternatives: pd.DataFrame | None = None
    own_positions: pd.DataFrame | None = None  # without implied refutations


def analyze(
    dataset: Dataset, as_of: str | pd.Timestamp | None = None, topic: str | None = None
) -> PlainAnalysis:
    """Agreement and chronology of ``dataset`` as known on ``as_of``, for ``topic`` (or all).

    With questions, positions, lines and status take the implied refutations; pairwise
    agreement and alpha the sources' own positions."""
    as_of = None if as_of is None else pd.Timestamp(as_of).normalize()
    known = known_claims(dataset, as_of, topic)
    own = positions(known)
    asked = len(dataset.questions) > 0 or dataset.assertions["question_id"].notna().any()
    held = own
    if asked:
        implied = implied_claims(known, dataset)
        held = positions(pd.concat([known, implied], ignore_index=True) if len(implied) else known)
    lines = evidence_lines(known, dataset, held)
    ordered = timeline(dataset, known)
    status = assertion_status(dataset, known, held, lines, topic)
    extra: dict = {}
    if dataset.assertions["unit"].notna().any():
        tables = figure_tables(dataset, known, topic)
        extra.update(zip(("figures", "revisions", "series", "quantities"), tables, strict=True))
    if asked:
        extra["questions"], extra["alternatives"] = question_status(dataset, status, topic)
    return PlainAnalysis(
        known=known,
        positions=held,
        lines=lines,
        assertions=status,
        pairwise=pairwise_agreement(own),
        alpha=overall_alpha(own),
        timeline=ordered,
        shifts=shifts(ordered)
        if not asked
        else shifts(
            pd.concat([ordered, implied_claims(known, dataset)], ignore_index=True).sort_values(
                ["stated_start", "stated_end", "claim_id"], kind="stable"
            )
        ),
        conflicts=conflicts(ordered),
        own_positions=own,
        **extra,
    )
