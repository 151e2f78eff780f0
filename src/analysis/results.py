"""One call from a dataset to every table a briefing reports, and its contract §5 JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from . import agreement, chronology
from .dataset import Dataset


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
    """Agreement and chronology of ``dataset`` as known on ``as_of`` (None: everything)."""
    as_of = None if as_of is None else pd.Timestamp(as_of).normalize()
    known = chronology.known_claims(dataset, as_of, topic)
    assertions = dataset.assertions
    if topic is not None:
        assertions = assertions[assertions["topic"] == topic]
    held = agreement.positions(known)
    lines = agreement.evidence_lines(known, dataset, held)
    ordered = chronology.timeline(dataset, known)
    return Analysis(
        dataset=dataset,
        as_of=as_of,
        topic=topic,
        assertions=agreement.assertion_status(assertions, known, held, lines),
        positions=held,
        lines=lines,
        pairwise=agreement.pairwise_agreement(held),
        alpha=agreement.overall_alpha(held),
        timeline=ordered,
        shifts=chronology.shifts(ordered),
        conflicts=chronology.conflicts(ordered),
    )


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as JSON-ready dicts: dates as YYYY-MM-DD, missing values as null."""
    out = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    records = out.astype(object).where(out.notna(), None).to_dict("records")
    for record in records:  # a loop over output rows, to give plain Python scalars
        for key, value in record.items():
            if hasattr(value, "item"):
                record[key] = value.item()
            if isinstance(record[key], float) and math.isnan(record[key]):
                record[key] = None
    return records


def to_contract(result: Analysis) -> dict:
    """The contract §5 object (plus ``topic`` when a topic filter was given)."""
    doc: dict = {
        "dataset": result.dataset.name,
        "as_of": None if result.as_of is None else f"{result.as_of:%Y-%m-%d}",
    }
    if result.topic is not None:
        doc["topic"] = result.topic
    doc["assertions"] = _records(result.assertions, agreement.STATUS_COLUMNS)
    doc["pairwise"] = _records(
        result.pairwise,
        ["source_a", "source_b", "shared", "agree", "disagree", "agreement", "kappa"],
    )
    doc["alpha"] = result.alpha
    doc["timeline"] = _records(result.timeline, chronology.TIMELINE_COLUMNS)
    doc["shifts"] = _records(
        result.shifts,
        [
            "source_id",
            "assertion_id",
            "from_claim",
            "to_claim",
            "from_stance",
            "from_hedged",
            "to_stance",
            "to_hedged",
            "at",
        ],
    )
    doc["conflicts"] = _records(
        result.conflicts, ["source_id", "assertion_id", "claim_a", "claim_b"]
    )
    return doc


def to_json(result: Analysis) -> str:
    """Byte-stable JSON text of :func:`to_contract`, ending in a newline."""
    return json.dumps(to_contract(result), indent=1, ensure_ascii=False) + "\n"
