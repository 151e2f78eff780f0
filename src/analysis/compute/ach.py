"""Analysis of competing hypotheses (Heuer) for questions with alternatives.

The matrix sets each piece of evidence, a source's current position on one
alternative (its own claim, not a refutation its support of another implies),
against every alternative of the question:

- a support of X is **consistent** with X and **inconsistent** with each other
  alternative (they exclude one another, §4);
- a refutation of X is **inconsistent** with X and says nothing of the rest (with
  three or more alternatives any of them may hold).

Each piece weighs its source's estimated accuracy (``source_reliability``; the
engine's prior mean for a source it has not judged), halved when hedged. An
alternative's **inconsistency** is the weight of the evidence against it; Heuer
ranks by it, the least inconsistent first (evidence against a hypothesis refutes it,
evidence for it rarely proves it), ties to the more consistent, then to the order of
assertions.csv. A piece's **diagnosticity** is its weight times the share of pairs of
alternatives it rates differently: 2/k in a question of k alternatives (it tells the
alternative it names from the rest), 0 when the question has one alternative. The
**sensitivity** check takes out every piece of the most influential source (the
greatest summed diagnosticity in the question, ties to the first id) and ranks again:
``holds`` when the same alternative leads, false when another does or nothing is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute.estimates import own_positions
from analysis.compute.reliability import TruthOptions

CONSISTENT, INCONSISTENT = "consistent", "inconsistent"


@dataclass(frozen=True)
class Hypotheses:
    """``evidence``: question_id, claim_id, source_id, assertion_id (the alternative the
    claim is about), stance, hedged, reliability, weight, diagnosticity; strongest first
    per question. ``matrix``: question_id, claim_id, source_id, alternative, rating,
    weight (one row per rated cell). ``ranking``: question_id, assertion_id, statement,
    inconsistency, consistency, rank (1 leads). ``sensitivity``: question_id, leading,
    influential_source, leading_without, holds."""

    evidence: pd.DataFrame
    matrix: pd.DataFrame
    ranking: pd.DataFrame
    sensitivity: pd.DataFrame


def weigh_hypotheses(
    evidence: pd.DataFrame,
    alternatives: pd.DataFrame,
    reliability: pd.Series,
    hedge_weight: float = 0.5,
    unjudged: float = 2 / 3,
) -> Hypotheses:
    """The matrix, ranking, diagnosticity and sensitivity (module docstring).

    ``evidence``: question_id, claim_id, source_id, assertion_id, stance (supports or
    refutes), hedged. ``alternatives``: question_id, assertion_id, statement, in the
    order to break ties by. ``reliability``: estimated accuracy by source_id; a source
    not in it weighs ``unjudged``.
    """
    alternatives = alternatives[["question_id", "assertion_id", "statement"]].reset_index(drop=True)
    alternatives = alternatives.assign(order=np.arange(len(alternatives)))
    known = alternatives["assertion_id"].to_numpy(dtype=object)
    evidence = evidence[evidence["assertion_id"].isin(known).to_numpy()].reset_index(drop=True)
    accuracy = reliability.reindex(evidence["source_id"]).fillna(unjudged).to_numpy(dtype=float)
    hedged = evidence["hedged"].to_numpy(dtype=bool)
    weight = accuracy * np.where(hedged, hedge_weight, 1.0)
    k = alternatives.groupby("question_id")["assertion_id"].size()
    size = k.reindex(evidence["question_id"]).to_numpy(dtype=float)
    diagnosticity = np.where(size > 1, weight * 2.0 / np.maximum(size, 1.0), 0.0)
    evidence = evidence.assign(reliability=accuracy, weight=weight, diagnosticity=diagnosticity)
    evidence = evidence.sort_values(
        ["question_id", "diagnosticity", "source_id"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
    matrix = _matrix(evidence, alternatives)
    ranking = _ranking(matrix, alternatives)
    return Hypotheses(
        evidence=evidence,
        matrix=matrix,
        ranking=ranking.drop(columns="order"),
        sensitivity=_sensitivity(evidence, matrix, alternatives, ranking),
    )


def _matrix(evidence: pd.DataFrame, alternatives: pd.DataFrame) -> pd.DataFrame:
    cells = evidence.merge(
        alternatives[["question_id", "assertion_id"]].rename(
            columns={"assertion_id": "alternative"}
        ),
        on="question_id",
    )
    named = (cells["alternative"] == cells["assertion_id"]).to_numpy()
    supports = (cells["stance"] == "supports").to_numpy()
    rated = supports | named  # a refutation rates only the alternative it names
    rating = np.where(supports & named, CONSISTENT, INCONSISTENT)
    cells = cells.assign(rating=rating)[rated]
    return cells[
        ["question_id", "claim_id", "source_id", "alternative", "rating", "weight"]
    ].reset_index(drop=True)


def _scores(matrix: pd.DataFrame, alternatives: pd.DataFrame) -> pd.DataFrame:
    """Per alternative: inconsistency and consistency, from the rated cells."""
    against = matrix["weight"].where(matrix["rating"] == INCONSISTENT, 0.0)
    towards = matrix["weight"].where(matrix["rating"] == CONSISTENT, 0.0)
    summed = (
        pd.DataFrame(
            {
                "assertion_id": matrix["alternative"],
                "inconsistency": against,
                "consistency": towards,
            }
        )
        .groupby("assertion_id")
        .sum()
    )
    scored = alternatives.join(summed, on="assertion_id")
    return scored.fillna({"inconsistency": 0.0, "consistency": 0.0})


def _ranked(scored: pd.DataFrame) -> pd.DataFrame:
    order = np.lexsort(
        (
            scored["order"].to_numpy(),
            -scored["consistency"].round(12).to_numpy(),
            scored["inconsistency"].round(12).to_numpy(),
            scored["question_id"].map(_first_order(scored)).to_numpy(),
        )
    )
    ranked = scored.iloc[order].reset_index(drop=True)
    return ranked.assign(rank=ranked.groupby("question_id").cumcount() + 1)


def _first_order(scored: pd.DataFrame) -> pd.Series:
    """Questions in the order of their first alternative."""
    return scored.groupby("question_id")["order"].min()


def _ranking(matrix: pd.DataFrame, alternatives: pd.DataFrame) -> pd.DataFrame:
    return _ranked(_scores(matrix, alternatives))[
        [
            "question_id",
            "assertion_id",
            "statement",
            "inconsistency",
            "consistency",
            "rank",
            "order",
        ]
    ]


def _sensitivity(
    evidence: pd.DataFrame, matrix: pd.DataFrame, alternatives: pd.DataFrame, ranking
) -> pd.DataFrame:
    """Per question with evidence: the leader, the most influential source, and the
    leader once that source's evidence is taken out."""
    columns = ["question_id", "leading", "influential_source", "leading_without", "holds"]
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    influence = evidence.groupby(["question_id", "source_id"], as_index=False)[
        "diagnosticity"
    ].sum()
    influence = influence.sort_values(
        ["question_id", "diagnosticity", "source_id"], ascending=[True, False, True], kind="stable"
    ).drop_duplicates("question_id")
    top = influence.set_index("question_id")["source_id"]
    out = matrix["source_id"].to_numpy() == top.reindex(matrix["question_id"]).to_numpy()
    asked = alternatives[alternatives["question_id"].isin(top.index)]
    without = _ranked(_scores(matrix[~out], asked))
    remaining = matrix[~out].groupby("question_id").size().reindex(top.index).fillna(0)
    leading = ranking[ranking["rank"] == 1].set_index("question_id")["assertion_id"]
    leading_without = without[without["rank"] == 1].set_index("question_id")["assertion_id"]
    leading_without = leading_without.reindex(top.index).where(remaining.to_numpy() > 0)
    first = leading.reindex(top.index)
    table = pd.DataFrame(
        {
            "question_id": top.index.to_numpy(dtype=object),
            "leading": first.to_numpy(dtype=object),
            "influential_source": top.to_numpy(dtype=object),
            "leading_without": leading_without.to_numpy(dtype=object),
            "holds": (leading_without.to_numpy(dtype=object) == first.to_numpy(dtype=object)),
        }
    )
    order = _first_order(alternatives.assign(order=alternatives["order"]))
    rank = order.reindex(table["question_id"]).to_numpy()
    return table.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def competing_hypotheses(result, options: TruthOptions | None = None) -> Hypotheses | None:
    """ACH for every question of ``result`` with alternatives, weighted by
    ``result.source_reliability`` (see :func:`analysis.compute.results.with_estimates`;
    without it every source weighs the prior mean). None without questions."""
    if result.alternatives is None or result.alternatives.empty:
        return None
    options = options or TruthOptions()
    alternatives = result.alternatives[["question_id", "assertion_id", "statement"]].astype(
        {"question_id": str, "assertion_id": str}
    )
    positions = own_positions(result)
    positions = positions[positions["assertion_id"].isin(alternatives["assertion_id"]).to_numpy()]
    held = pd.DataFrame(
        {
            "source_id": positions["source_id"].astype(str).to_numpy(dtype=object),
            "assertion_id": positions["assertion_id"].astype(str).to_numpy(dtype=object),
            "claim_id": positions["claim_id"].to_numpy(dtype=object),
            "stance": positions["stance"].astype(str).to_numpy(dtype=object),
            "hedged": positions["hedged"].to_numpy(dtype=bool),
        }
    )
    question_of = alternatives.set_index("assertion_id")["question_id"]
    evidence = held.assign(question_id=held["assertion_id"].map(question_of).to_numpy())
    reliability = pd.Series(dtype=float)
    if result.source_reliability is not None:
        table = result.source_reliability
        reliability = pd.Series(
            table["estimate"].to_numpy(dtype=float), index=table["source_id"].astype(str)
        )
    return weigh_hypotheses(
        evidence[["question_id", "claim_id", "source_id", "assertion_id", "stance", "hedged"]],
        alternatives,
        reliability,
        hedge_weight=options.hedge_weight,
        unjudged=options.prior_right / (options.prior_right + options.prior_wrong),
    )
