"""Key judgments: the analysis in plain sentences, as an analyst would write them.

Sentences name sources, give dates at their real precision ("March 2025", not
"2025-03-01"), say when support is hedged and when one source relies on
another, and count lines of evidence rather than sources. Deterministic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.estimates import EVENLY_SPLIT
from analysis.contract.dataset import citation_edges
from analysis.present.figure_words import quantity_sentences, ranked_quantities
from analysis.present.propositions import propositions, quantity_ids
from analysis.present.wording import (
    TOO_FEW,
    count,
    count_spelled,
    describe_day,
    describe_intervals,
    joined,
    judged_claims,
    named_few,
    ranked_assertions,
    rests_on,
    stance_as_noun,
)

MAX_DISSENTERS = 2  # sources named as saying otherwise in a likely-answer sentence

_STATUS_LABEL = {
    "contested": "Contested",
    "corroborated": "Corroborated",
    "single-source": "Single source",
    "denied": "Denied",
}


def _holders(held: pd.DataFrame) -> str:
    """The holders of one stance, earliest first, naming a few and counting the rest."""
    return named_few([_describe_holder(row) for row in held.itertuples(index=False)])


def _position_details(result, assertion_ids: pd.Series) -> pd.DataFrame:
    """Positions on these assertions, with source name, date words, hedge and reliance."""
    names = result.dataset.sources.set_index("source_id")["name"]
    claims = result.timeline.set_index("claim_id")
    held = result.positions[result.positions["assertion_id"].isin(assertion_ids)].copy()
    chosen = claims.reindex(held["claim_id"])
    held["name"] = names.reindex(held["source_id"]).to_numpy()
    held["since"] = chosen["stated_start"].to_numpy()
    held["when"] = describe_intervals(
        chosen["stated_start"], chosen["stated_end"], chosen["stated_precision"]
    ).to_numpy()
    edges = citation_edges(
        result.dataset.claims[result.dataset.claims["claim_id"].isin(held["claim_id"])]
    )
    cited_source = result.dataset.claims.set_index("claim_id")["source_id"]
    edges["relied_on"] = names.reindex(cited_source.reindex(edges["cited_claim_id"])).to_numpy()
    relies = (
        edges.dropna()
        .drop_duplicates(["claim_id", "relied_on"])
        .groupby("claim_id")["relied_on"]
        .agg(lambda s: joined(sorted(s)))
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
    """The key judgments, most telling first: the contested propositions, then the
    disputed figures (their sentences name the best-graded source's figure, the spread
    and the most conservative: :func:`figure_judgments`), then the other addressed
    propositions, then one per shift on a proposition. A quantity is never judged by
    status ("corroborated" means nothing for two different counts). With estimates, a
    contested proposition and the likely alternative of a contested question say how
    likely (:func:`likely_sentences`).

    ``limit`` keeps the first ``limit`` judgments and words only those, so a
    briefing on a large dataset does not write sentences nobody reads.
    Columns: assertion_id, status, judgment, claims (the ids of the claims it rests
    on: the current positions, the current figures, or the two claims of a shift; for
    its endnotes).
    """
    names = result.dataset.sources.set_index("source_id")["name"]
    rows = []
    addressed = propositions(result)
    table = ranked_assertions(addressed[addressed["status"] != "unaddressed"])
    contested = int((table["status"] == "contested").sum())
    figures = figure_judgments(result, limit)
    if limit is not None:
        table = table.head(limit)
    details = _position_details(result, table["assertion_id"])
    by_assertion = dict(list(details.groupby(details["assertion_id"].astype(str), sort=False)))
    likely = likely_sentences(result)
    for item in table.itertuples(index=False):  # one sentence per assertion shown
        held = by_assertion[item.assertion_id].sort_values(["since", "name"])
        support = held[held["stance"] == "supports"]
        refute = held[held["stance"] == "refutes"]
        parts = [f"{_STATUS_LABEL[item.status]}: {item.statement}."]
        clauses = []
        if len(support):
            lines = count_spelled(int(item.independent_support), "line")
            clauses.append("Supported by " + _holders(support) + f", {lines} of evidence")
        if len(refute):
            refuted = "refuted by " if clauses else "Refuted by "
            clauses.append(refuted + _holders(refute))
        parts.append("; ".join(clauses) + ".")
        if item.hedged_only:
            parts.append("All support for it is hedged.")
        if item.neutral_sources:
            neutral = named_few(sorted(names.reindex(item.neutral_sources).tolist()))
            parts.append(f"{neutral} addressed it without taking a side.")
        if item.assertion_id in likely.index:
            parts.append(likely[item.assertion_id])
        rows.append((item.assertion_id, item.status, " ".join(parts), held["claim_id"].tolist()))
    at = min(contested, len(rows))  # disputed figures come after the contested propositions
    rows[at:at] = list(figures.itertuples(index=False, name=None))
    if limit is not None:
        rows = rows[:limit]
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    shifts = result.shifts[~result.shifts["assertion_id"].astype(str).isin(quantity_ids(result))]
    shifts = shifts if limit is None else shifts.head(max(limit - len(rows), 0))
    for shift in shifts.itertuples(index=False):
        before = f"{stance_as_noun(shift.from_stance, shift.from_hedged)} ({describe_day(shift.from_at)})"
        after = f"{stance_as_noun(shift.to_stance, shift.to_hedged)} ({describe_day(shift.at)})"
        sentence = (
            f"{names[shift.source_id]} moved from {before} to {after} "
            f"on: {statements[shift.assertion_id]}."
        )
        rows.append((shift.assertion_id, "shift", sentence, [shift.from_claim, shift.to_claim]))
    return pd.DataFrame(rows, columns=["assertion_id", "status", "judgment", "claims"])


def figure_judgments(result, limit: int | None = None) -> pd.DataFrame:
    """One judgment per disputed figure (two or more sources, different figures), the
    figures section's order: "Disputed figure: Deaths in X. An event data programme
    (graded A) gives 9 (6–30) deaths; ...". Columns as :func:`key_judgments`'; empty
    without quantities."""
    columns = ["assertion_id", "status", "judgment", "claims"]
    if result.quantities is None:
        return pd.DataFrame(columns=columns)
    ranked = ranked_quantities(result)
    ranked = ranked[ranked["disputed"].to_numpy(dtype=bool)]
    if limit is not None:
        ranked = ranked.head(limit)
    figures = result.figures[
        result.figures["assertion_id"].astype(str).isin(ranked["assertion_id"].astype(str))
    ]
    claims = figures["claim_id"].astype(str).groupby(figures["assertion_id"].astype(str)).agg(list)
    ids = ranked["assertion_id"].astype(str)
    return pd.DataFrame(
        {
            "assertion_id": ids.to_numpy(),
            "status": "disputed figure",
            "judgment": quantity_sentences(result, ranked).to_numpy(),
            "claims": claims.reindex(ids).to_numpy(),
        },
        columns=columns,
    )


def _dissenter(names: pd.Series, reliability: pd.DataFrame, source_id: str) -> str:
    """ "Russian MoD (estimated accuracy 0.40 on 31 judged claims)", or too few to judge."""
    name = str(names.get(source_id, source_id))
    if source_id not in reliability.index:
        return name
    row = reliability.loc[source_id]
    if not row["enough_data"]:
        return f"{name} ({TOO_FEW})"
    judged = judged_claims(row["claims_judged"])
    return f"{name} (estimated accuracy {row['estimate']:.2f} on {judged})"


def likely_sentences(result) -> pd.Series:
    """Per assertion id, how likely an answer is and why: for the likely alternative of
    each contested question and each contested proposition ("Likely true: 0.86; rests
    on 3 independent sources; Russian MoD (estimated accuracy 0.40 on 31 judged claims)
    says otherwise."). Where the two likeliest answers tie ("evenly split"), no answer is
    called likely: "No likely answer: the sources split evenly (0.43 each)." on the
    proposition, or on each alternative of the question a source holds. Empty without
    estimates (``Analysis.estimates``)."""
    estimates = result.estimates
    if estimates is None or estimates.empty:
        return pd.Series(dtype=object)
    worded = (estimates["kind"] != "quantity").to_numpy()
    chosen = estimates[worded & (estimates["basis"] == "contested").to_numpy()]
    names = result.dataset.sources.set_index("source_id")["name"]
    reliability = result.source_reliability.set_index(
        result.source_reliability["source_id"].astype(str)
    )
    held = result.positions
    stance = held["stance"].astype(str).to_numpy()
    assertion = held["assertion_id"].astype(str).to_numpy()
    source = held["source_id"].astype(str).to_numpy()
    alternatives = result.alternatives
    sentences = {}
    for row in chosen.itertuples(index=False):  # the few contested items a briefing words
        target = str(row.assertion_id)
        if row.kind == "proposition":
            backing = row.value == "holds"
            agree = (assertion == target) & (stance == ("supports" if backing else "refutes"))
            other = (assertion == target) & (stance == ("refutes" if backing else "supports"))
            what = "Likely true" if backing else "Likely false"
        else:
            rivals = alternatives.loc[
                alternatives["question_id"].astype(str) == str(row.question_id), "assertion_id"
            ].astype(str)
            agree = (assertion == target) & (stance == "supports")
            other = np.isin(assertion, rivals[rivals != target].to_numpy()) & (stance == "supports")
            what = "Likely the answer"
        against = sorted(
            set(source[other]) - set(source[agree]),
            key=lambda s: (-reliability["estimate"].get(s, 0.0), s),
        )
        parts = [
            f"{what}: {row.probability:.2f}",
            rests_on(int(row.holders), row.independent_holders),
        ]
        if against:
            named = [_dissenter(names, reliability, s) for s in against[:MAX_DISSENTERS]]
            if len(against) > len(named):
                named.append(count(len(against) - len(named), "other source"))
            parts.append(f"{joined(named)} {'says' if len(against) == 1 else 'say'} otherwise")
        sentences[target] = "; ".join(parts) + "."
    split = estimates[worded & (estimates["basis"] == EVENLY_SPLIT).to_numpy()]
    return pd.Series(sentences | _split_sentences(result, split), dtype=object)


def _split_sentences(result, split: pd.DataFrame) -> dict[str, str]:
    """Per assertion id, "No likely answer: the sources split evenly (0.43 each).": for a
    proposition, itself; for a question, each of its alternatives a source holds."""
    if split.empty:
        return {}
    sentence = (
        "No likely answer: the sources split evenly ("
        + split["probability"].map("{:.2f}".format)
        + " each)."
    )
    items = pd.DataFrame(
        {
            "kind": split["kind"].to_numpy(),
            "question_id": split["question_id"].astype(str).to_numpy(),
            "assertion_id": split["assertion_id"].astype(object).to_numpy(),
            "sentence": sentence.to_numpy(),
        }
    )
    own = items[(items["kind"] == "proposition").to_numpy()]
    asked = items[(items["kind"] == "question").to_numpy()].drop(columns="assertion_id")
    alternatives = result.alternatives
    if alternatives is not None and not asked.empty:
        options = pd.DataFrame(
            {
                "question_id": alternatives["question_id"].astype(str).to_numpy(),
                "assertion_id": alternatives["assertion_id"].astype(str).to_numpy(),
            }
        )
        held = result.positions[(result.positions["stance"] == "supports").to_numpy()]
        options = options[options["assertion_id"].isin(held["assertion_id"].astype(str))]
        asked = asked.merge(options, on="question_id")
        own = pd.concat([own, asked[own.columns]], ignore_index=True)
    return dict(zip(own["assertion_id"].astype(str), own["sentence"], strict=True))
