"""Questions with mutually exclusive alternatives (contract §4): support for one
alternative counts against the others; each question's status and who holds which.

A source whose latest supporting claim in a question is on alternative X is taken to
refute every other alternative of it, as of that claim: the implied refutation
competes with the source's own claims on those alternatives under the rule of §4
(the latest wins). Only the latest support in the question needs expanding: a
source's own claim on X is never older than its latest support on X, so an earlier
support elsewhere could not win there. A refutation implies nothing: with three or
more alternatives any of the rest may hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute import agreement
from analysis.compute.chronology import table_rows
from analysis.contract.dataset import Dataset

QUESTION_STATUSES = ("corroborated", "contested", "open")
QUESTION_COLUMNS = ("question_id", "text", "status", "answer", "alternatives", "held")
ALTERNATIVE_COLUMNS = (
    "question_id",
    "assertion_id",
    "statement",
    "status",
    "independent_support",
    "hedged_only",
    "holders",
)


def has_questions(dataset: Dataset) -> bool:
    """Whether the dataset declares questions or groups assertions into them."""
    return len(dataset.questions) > 0 or dataset.assertions["question_id"].notna().any()


def question_codes(dataset: Dataset) -> np.ndarray:
    """Per code of the claims' ``assertion_id`` categorical (every assertion, sorted), the
    position of its question in ``dataset.questions``; -1 outside any question."""
    assertions = dataset.assertions
    question_ids = pd.Index(dataset.questions["question_id"])
    codes = question_ids.get_indexer(assertions["question_id"].to_numpy(dtype=object))
    codes[assertions["question_id"].isna().to_numpy()] = -1
    return codes[table_rows(assertions["assertion_id"])].astype(np.int64)


def implied_refutations(known: pd.DataFrame, question_of: np.ndarray) -> pd.DataFrame:
    """Each source's latest known supporting claim in each question, as a refutation of
    every other alternative of that question. Columns as ``known``'s that
    :func:`agreement.positions` reads; the claim keeps its id, dates, hedge and rank."""
    rows = _answers(known, question_of)
    if len(rows) == 0:
        return _as_refutations(known, rows, question_of)
    question = question_of[_codes(known["assertion_id"])[rows]]
    group = _codes(known["source_id"])[rows] * (int(question_of.max()) + 1) + question
    order = agreement.latest_order(known, rows, group)
    group = group[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = group[1:] != group[:-1]
    return _as_refutations(known, rows[order[last]], question_of)


def answers_as_refutations(claims: pd.DataFrame, question_of: np.ndarray) -> pd.DataFrame:
    """Every supporting claim on an alternative, as a refutation of each other alternative
    of its question (latest or not): what :func:`analysis.compute.chronology.shifts`
    follows, so a source that moves from one answer to another is seen to shift."""
    return _as_refutations(claims, _answers(claims, question_of), question_of)


def _codes(column: pd.Series) -> np.ndarray:
    return column.cat.codes.to_numpy().astype(np.int64)


def _answers(known: pd.DataFrame, question_of: np.ndarray) -> np.ndarray:
    """Positions of the supporting claims on an alternative of a question."""
    question = question_of[_codes(known["assertion_id"])]
    return np.flatnonzero(agreement._is(known["stance"], "supports") & (question >= 0))


def _as_refutations(known: pd.DataFrame, rows: np.ndarray, question_of: np.ndarray) -> pd.DataFrame:
    """The supporting claims ``rows`` of ``known``, each repeated as a refutation of every
    other alternative of its question (POSITION_COLUMNS and LATEST_KEYS)."""
    columns = [*agreement.POSITION_COLUMNS, *agreement.LATEST_KEYS]
    if len(rows) == 0:
        return known[columns].iloc[:0]
    assertion = _codes(known["assertion_id"])
    width = int(question_of.max()) + 1
    # the alternatives of each question, as assertion codes grouped by question
    alternative = np.flatnonzero(question_of >= 0)
    alternative = alternative[np.argsort(question_of[alternative], kind="stable")]
    counts = np.bincount(question_of[alternative], minlength=width)
    starts = np.cumsum(counts) - counts
    q = question_of[assertion[rows]]
    repeat = np.repeat(rows, counts[q])
    offset = np.arange(len(repeat)) - np.repeat(np.cumsum(counts[q]) - counts[q], counts[q])
    other = alternative[np.repeat(starts[q], counts[q]) + offset]
    keep = other != assertion[repeat]
    repeat, other = repeat[keep], other[keep]
    implied = known[columns].iloc[repeat].reset_index(drop=True)
    implied["assertion_id"] = pd.Categorical.from_codes(
        other, categories=known["assertion_id"].cat.categories
    )
    implied["stance"] = pd.Categorical.from_codes(
        np.full(len(implied), known["stance"].cat.categories.get_loc("refutes")),
        categories=known["stance"].cat.categories,
    )
    return implied


def question_status(
    dataset: Dataset, status: pd.DataFrame, topic: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The questions and their alternatives, from the assertions' ``status``.

    ``alternatives`` (ALTERNATIVE_COLUMNS): one row per analysed assertion that is an
    alternative, by question then in the order of assertions.csv; ``holders`` are its
    supporting sources. ``questions`` (QUESTION_COLUMNS), in the order of
    questions.csv: ``corroborated`` when one alternative is (``answer`` names it),
    ``contested`` when one is contested, else ``open``; ``alternatives`` and ``held``
    count its alternatives and those some source supports. With a ``topic``, only the
    questions with an alternative on it.
    """
    question_of = dataset.assertions.set_index("assertion_id")["question_id"]
    asked = status["assertion_id"].map(question_of)
    chosen = status[asked.notna().to_numpy()]
    alternatives = pd.DataFrame(
        {
            "question_id": asked[asked.notna()].to_numpy(dtype=object),
            "assertion_id": chosen["assertion_id"].to_numpy(),
            "statement": chosen["statement"].to_numpy(),
            "status": chosen["status"].to_numpy(),
            "independent_support": chosen["independent_support"].to_numpy(),
            "hedged_only": chosen["hedged_only"].to_numpy(),
            "holders": chosen["supporting_sources"].to_numpy(),
        }
    )
    questions = dataset.questions
    position = pd.Index(questions["question_id"]).get_indexer(alternatives["question_id"])
    alternatives = alternatives.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)
    position = np.sort(position)
    size = len(questions)
    count = np.bincount(position, minlength=size)
    held = np.bincount(position, weights=alternatives["independent_support"] > 0, minlength=size)
    corroborated = (alternatives["status"] == "corroborated").to_numpy()
    contested = np.bincount(position, weights=alternatives["status"] == "contested", minlength=size)
    answer = np.full(size, None, dtype=object)
    answer[position[corroborated]] = alternatives["assertion_id"].to_numpy()[corroborated]
    table = pd.DataFrame(
        {
            "question_id": questions["question_id"].to_numpy(),
            "text": questions["text"].to_numpy(),
            "status": np.select(
                [pd.notna(answer), contested > 0], QUESTION_STATUSES[:2], QUESTION_STATUSES[2]
            ),
            "answer": answer,
            "alternatives": count,
            "held": held.astype(np.int64),
        }
    )
    if topic is not None:
        table = table[count > 0].reset_index(drop=True)
    return table, alternatives
