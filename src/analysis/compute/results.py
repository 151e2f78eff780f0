"""One call from a dataset to every table a briefing reports, and its contract §5 JSON."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import pandas as pd

from analysis.compute import (
    agreement,
    chronology,
    contract_json,
    estimates,
    quantities,
    questions,
)
from analysis.compute.reliability import TruthOptions
from analysis.contract.dataset import Dataset
from analysis.errors import BriefingError


@dataclass(frozen=True)
class Analysis:
    """Everything computed for one dataset, as of one date, for one topic (or all).

    ``assertions``: status per assertion (see :func:`agreement.assertion_status`);
    ``positions``: each source's position per assertion; ``lines``: evidence line
    per (assertion, source); ``pairwise``, ``alpha``; ``timeline``, ``shifts``,
    ``conflicts`` (see :mod:`analysis.compute.chronology`). For a dataset with
    quantities, ``quantities``, ``figures``, ``revisions`` and ``series`` (see
    :mod:`analysis.compute.quantities`); with questions, ``questions`` and
    ``alternatives`` (see :mod:`analysis.compute.questions`); None otherwise. With
    questions, ``positions`` include the refutations a support of one alternative
    implies; ``pairwise`` and ``alpha`` are over the sources' own positions only.
    ``estimates``, ``source_reliability`` and ``dependent_sources``: whom to believe
    (see :mod:`analysis.compute.estimates`), None until :func:`with_estimates` adds them.
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
    quantities: pd.DataFrame | None = None
    figures: pd.DataFrame | None = None
    revisions: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    questions: pd.DataFrame | None = None
    alternatives: pd.DataFrame | None = None
    estimates: pd.DataFrame | None = None
    source_reliability: pd.DataFrame | None = None
    dependent_sources: pd.DataFrame | None = None


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
        asked = questions.has_questions(dataset)
        answers = (  # a source moving from one answer to another shifts on both
            questions.answers_as_refutations(known, questions.question_codes(dataset))
            if asked
            else None
        )
        shifts = pool.submit(lambda: chronology.shifts(ordered.result(), answers))
        conflicts = pool.submit(lambda: chronology.conflicts(ordered.result()))
        figures = None
        if quantities.has_quantities(dataset):
            figures = pool.submit(quantities.source_figures, dataset, known)
        if asked:  # the sources' own positions and those their answers imply
            implied = questions.implied_refutations(known, questions.question_codes(dataset))
            held = agreement.positions(known, implied)
        lines = agreement.evidence_lines(known, dataset, held)
        status = agreement.assertion_status(assertions, known, held, lines)
        extra = {}
        if figures is not None:
            current, revisions, series = figures.result()
            extra.update(
                quantities=quantities.quantity_summary(dataset, assertions, current, series),
                figures=current,
                revisions=revisions,
                series=series,
            )
        if asked:
            extra["questions"], extra["alternatives"] = questions.question_status(
                dataset, status, topic
            )
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
            **extra,
        )


def with_estimates(result: Analysis, options: TruthOptions | None = None) -> Analysis:
    """``result`` with the truth estimates added: a separate step, so an analysis nobody
    asks estimates of costs nothing more (docs/reliability.md)."""
    found = estimates.estimate(result, options)
    return replace(
        result,
        estimates=found.estimates,
        source_reliability=found.source_reliability,
        dependent_sources=found.dependent_sources,
    )


def wants_estimates(result: Analysis) -> bool:
    """Whether ``briefing analyze --json`` gives estimates without being asked: when the
    dataset has questions or quantities (contract §5, our extensions)."""
    return result.questions is not None or result.quantities is not None


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
