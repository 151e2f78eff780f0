"""One call from a dataset to every table a briefing reports, and its contract §5 JSON."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd

from . import agreement, chronology, contract_json
from .dataset import Dataset
from .errors import BriefingError

# Contract §5, declared once: every key of the JSON object in output order; a table's
# value lists its columns in order (also the names of the Analysis frame it comes from),
# a scalar's is None.
CONTRACT_JSON: dict[str, tuple[str, ...] | None] = {
    "dataset": None,
    "as_of": None,
    "topic": None,
    "assertions": (
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
    ),
    "pairwise": ("source_a", "source_b", "shared", "agree", "disagree", "agreement", "kappa"),
    "alpha": None,
    "timeline": (
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
    ),
    "shifts": (
        "source_id",
        "assertion_id",
        "from_claim",
        "to_claim",
        "from_stance",
        "from_hedged",
        "to_stance",
        "to_hedged",
        "at",
    ),
    "conflicts": ("source_id", "assertion_id", "claim_a", "claim_b"),
}
# Our extension of §5: keys present only when the analysis has a value for them
# (``topic`` when a topic filter was given).
ONLY_WHEN_GIVEN = frozenset({"topic"})


@dataclass(frozen=True)
class Analysis:
    """Everything computed for one dataset, as of one date, for one topic (or all).

    ``assertions``: status per assertion (see :func:`agreement.assertion_status`);
    ``positions``: each source's position per assertion; ``lines``: evidence line
    per (assertion, source); ``pairwise``, ``alpha``; ``timeline``, ``shifts``,
    ``conflicts`` (see :mod:`analysis.chronology`).
    """

    dataset: Dataset
    as_of: pd.Timestamp | None
    topic: str | None
    assertions: pd.DataFrame
    positions: pd.DataFrame
    lines: pd.DataFrame
    pairwise: pd.DataFrame
    alpha: float | None
    timeline: pd.DataFrame
    shifts: pd.DataFrame
    conflicts: pd.DataFrame


def analyze(
    dataset: Dataset, as_of: str | pd.Timestamp | None = None, topic: str | None = None
) -> Analysis:
    """Agreement and chronology of ``dataset`` as known on ``as_of`` (None: everything).

    A ``topic`` no assertion has is refused: a briefing on it would be empty.
    """
    if topic is not None and not (dataset.assertions["topic"] == topic).any():
        topics = sorted(dataset.assertions["topic"].dropna().unique())
        raise BriefingError(
            f"no assertion has topic {topic!r}; topics in this dataset: "
            + (", ".join(topics) or "none")
        )
    as_of = None if as_of is None else pd.Timestamp(as_of).normalize()
    known = chronology.known_claims(dataset, as_of, topic)
    assertions = dataset.assertions
    if topic is not None:
        assertions = assertions[assertions["topic"] == topic]
    # Independent branches over read-only tables: the caller works out positions, lines
    # and status while two pool threads take the chronology and the pairwise figures.
    # NumPy and Arrow release the GIL in their sorts, takes and arithmetic, so on two
    # cores the analysis takes about the time of its longest branch (docs/scale.md).
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="analyze") as pool:
        ordered = pool.submit(chronology.timeline, dataset, known)
        held = agreement.positions(known)
        pairwise = pool.submit(agreement.pairwise_agreement, held)
        alpha = pool.submit(agreement.overall_alpha, held)
        shifts = pool.submit(lambda: chronology.shifts(ordered.result()))
        conflicts = pool.submit(lambda: chronology.conflicts(ordered.result()))
        lines = agreement.evidence_lines(known, dataset, held)
        status = agreement.assertion_status(assertions, known, held, lines)
        return Analysis(
            dataset=dataset,
            as_of=as_of,
            topic=topic,
            assertions=status,
            positions=held,
            lines=lines,
            pairwise=pairwise.result(),
            alpha=alpha.result(),
            timeline=ordered.result(),
            shifts=shifts.result(),
            conflicts=conflicts.result(),
        )


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as JSON-ready dicts: dates as YYYY-MM-DD, missing values as null."""
    return contract_json.records(frame, columns)


def to_contract(result: Analysis) -> dict:
    """The contract §5 object, key by key as CONTRACT_JSON declares it."""
    return contract_json.contract_dict(result)


def to_json(result: Analysis) -> str:
    """Byte-stable JSON text of :func:`to_contract`, ending in a newline (for the whole
    text in memory; ``contract_json.write_contract`` streams it to a file instead)."""
    return contract_json.contract_text(result)
