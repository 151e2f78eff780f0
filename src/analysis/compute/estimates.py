"""Whom to believe, for one analysis: the truth-discovery engine run on its positions and
figures (docs/reliability.md, "In the briefing and the JSON").

A separate step after :func:`analysis.compute.results.analyze`, so an analysis that
does not ask for estimates costs nothing more. What the engine is given:

- **Questions with alternatives.** A source's answer to a question is the
  alternative its current position supports (§4, latest; the refutations a support
  implies are not answers). Two alternatives both supported at one latest time split
  the source's weight (the engine's rule for a contradiction). A refutation alone
  names no answer and is not passed. With ``TruthOptions(list_separator=...)`` an
  alternative is passed as its statement's items ("Haag; Perry; Sosinsky"), so that
  a list naming some of another's items is scored as an incomplete answer
  (:mod:`analysis.compute.partial_answers`); the answers come back as alternatives.
- **Propositions** (assertions that are neither a quantity nor an alternative) are
  two-valued questions: a supporting position answers "holds", a refuting one "does
  not hold". The engine keeps a "none of these" share for a question; a proposition
  has no third value, so when both values are claimed their probabilities are
  taken over the two (in the estimates, the answers and so the source accuracies).
- **Quantities.** Each source's current figure (§4). A running total is estimated on
  one day: the latest day on which two or more sources give a total, else its latest
  day; each source's total for that day is its figure. A figure given only as an
  upper bound ("fewer than 50") is left out: it says where the figure is not, and the
  engine would read it as 50, the most the source allows.
- **Hedges and citations.** A hedged position counts half; a claim that cites
  another source's claim names that source (the first cited claim of another
  source), so a repeat of a value the cited source holds adds a tenth of a vote.

When the two most probable values of a question or proposition are equally probable
(within 1e-9) there is no likely answer: the row's ``value`` is null (and a
question's ``assertion_id``) and its ``basis`` "evenly split", never the engine's
tie-break.

Alternatives and propositions are one estimate (a source has one accuracy over all
its answers); figures are another (within 1% of the estimate counts as right). A
source judged on both gets one accuracy from the pooled effective counts, with the
interval of :func:`analysis.compute.reliability.beta_interval`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.compute.partial_answers import canonical_lists
from analysis.compute.reliability import TruthOptions, beta_interval
from analysis.compute.truth_categorical import estimate_answers
from analysis.compute.truth_numeric import estimate_quantities

ESTIMATE_COLUMNS = (
    "question_id",
    "kind",
    "text",
    "value",
    "assertion_id",
    "probability",
    "low",
    "high",
    "day",
    "sources",
    "holders",
    "independent_holders",
    "basis",
)
RELIABILITY_COLUMNS = (
    "source_id",
    "estimate",
    "low",
    "high",
    "claims_judged",
    "claims",
    "enough_data",
    "basis",
)
DEPENDENCE_COLUMNS = (
    "source_a",
    "source_b",
    "copier",
    "shared_items",
    "shared_values",
    "shared_false",
    "dependence",
)
HOLDS, DOES_NOT_HOLD = "holds", "does not hold"
EVENLY_SPLIT = "evenly split"  # the basis of an item whose two likeliest values tie
TIE = 1e-9  # probabilities this close are equal
_PROPOSITION, _QUESTION = "a:", "q:"  # item ids: one namespace for the engine


@dataclass(frozen=True)
class Estimates:
    """``estimates`` (ESTIMATE_COLUMNS): one row per question with a held alternative,
    per quantity with a figure (other than an upper bound alone) and per proposition
    with a position; ``question_id`` is
    the question's id, or the assertion's for a quantity or proposition; ``kind``
    "question", "quantity" or "proposition"; ``value`` the likely alternative's
    statement, the estimated number, or "holds"/"does not hold" (null when evenly
    split); ``assertion_id`` the likely alternative (null when evenly split; the
    assertion itself otherwise); ``probability`` (alternatives and propositions: of the
    likely value, or of each of the tied ones) or ``low``/``high`` (figures); ``day`` the
    day a running total is estimated for; ``basis`` "single source", "sources agree",
    "contested" or "evenly split".
    ``source_reliability`` (RELIABILITY_COLUMNS): each source with an answer or a
    figure. ``dependent_sources`` (DEPENDENCE_COLUMNS): pairs judged dependent.
    ``answers``: what each source's answer is, as given to the engine (source_id,
    question_id: the item, value, hedged, claim_id, cites_source, probability: the
    value's probability of being true, over the two values of a proposition).
    """

    estimates: pd.DataFrame
    source_reliability: pd.DataFrame
    dependent_sources: pd.DataFrame
    answers: pd.DataFrame


def estimate(result, options: TruthOptions | None = None) -> Estimates:
    """Run the engine on ``result`` (an :class:`~analysis.compute.results.Analysis`)."""
    options = options or TruthOptions()
    answers, items = categorical_claims(result)
    figures, quantities = figure_claims(result)
    rows, parts, dependence = [], [], pd.DataFrame(columns=list(DEPENDENCE_COLUMNS))
    answered = answers.iloc[:0].assign(probability=np.zeros(0))
    if len(answers):
        found, answered = _answer_estimates(result, answers, options)
        rows.append(_categorical_rows(found, items, _statements(result)))
        parts.append(_categorical_counts(answered, options))
        dependence = found.dependence[list(DEPENDENCE_COLUMNS)]
    if len(figures):
        found = estimate_quantities(figures, options)
        rows.append(_quantity_rows(found.quantities, quantities))
        parts.append(_figure_counts(found.sources, options))
    return Estimates(
        estimates=_ordered(rows, result),
        source_reliability=_pooled(parts, options),
        dependent_sources=dependence.reset_index(drop=True),
        answers=answered,
    )


# ------------------------------------------------------------------ the engine's inputs


def _kinds(result) -> pd.DataFrame:
    """The analysed assertions with their item for the engine: a question's id for an
    alternative, the assertion's own for a proposition; quantities left out."""
    table = result.assertions[["assertion_id", "statement"]].astype({"assertion_id": str})
    meta = result.dataset.assertions.set_index("assertion_id")
    question = meta["question_id"].reindex(table["assertion_id"]).to_numpy(dtype=object)
    quantity = meta["unit"].reindex(table["assertion_id"]).notna().to_numpy()
    asked = pd.notna(question)
    item = np.where(
        asked,
        _QUESTION + pd.Series(question, dtype=object).fillna("").astype(str).to_numpy(),
        _PROPOSITION + table["assertion_id"].to_numpy(dtype=object),
    )
    return table.assign(item=item, asked=asked)[~quantity].reset_index(drop=True)


def categorical_claims(result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engine's input for alternatives and propositions (source_id, question_id: the
    item, value, hedged, cites_source, claim_id) and the items (item, question_id,
    kind, text)."""
    kinds = _kinds(result)
    held = own_positions(result)
    # per category of the positions' assertion_id: its item and whether it is asked
    categories = held["assertion_id"].cat.categories.astype(str)
    per = kinds.set_index("assertion_id").reindex(categories)
    code = held["assertion_id"].cat.codes.to_numpy()
    item = per["item"].to_numpy(dtype=object)[code]
    asked = per["asked"].fillna(False).to_numpy(dtype=bool)[code]
    supports = (held["stance"] == "supports").to_numpy()
    keep = pd.notna(item) & (supports | ~asked)  # a refutation of an alternative names no answer
    held, item, asked, supports = held[keep], item[keep], asked[keep], supports[keep]
    alternative = np.asarray(categories, dtype=object)[code[keep]]
    value = np.where(asked, alternative, np.where(supports, HOLDS, DOES_NOT_HOLD))
    claims = pd.DataFrame(
        {
            "source_id": _strings(held["source_id"]),
            "question_id": item,
            "value": value.astype(object),
            "hedged": held["hedged"].to_numpy(dtype=bool),
            "claim_id": held["claim_id"].to_numpy(dtype=object),
        }
    )
    claims["cites_source"] = _cited_sources(result, claims)
    questions = result.questions
    texts = pd.Series(dtype=object)
    if questions is not None:
        texts = pd.Series(
            questions["text"].to_numpy(dtype=object),
            index=_QUESTION + questions["question_id"].astype(str).to_numpy(dtype=object),
        )
    items = kinds.drop_duplicates("item")
    asked = items["asked"].to_numpy()
    items = pd.DataFrame(
        {
            "item": items["item"].to_numpy(),
            "question_id": items["item"].str.slice(2).to_numpy(),
            "kind": np.where(asked, "question", "proposition"),
            "text": np.where(asked, items["item"].map(texts), items["statement"]),
        }
    )
    return claims.reset_index(drop=True), items


def _strings(column: pd.Series) -> np.ndarray:
    """A categorical column as plain strings, through its (few) categories."""
    categories = np.asarray(column.cat.categories.astype(str), dtype=object)
    return categories[column.cat.codes.to_numpy()]


def own_positions(result) -> pd.DataFrame:
    """Current positions that are the sources' own claims, not refutations implied by a
    support of another alternative (``Analysis.positions``' columns and dtypes). Only
    positions on alternatives can be implied, so only those are looked up."""
    held = result.positions
    if result.alternatives is None or result.alternatives.empty:
        return held
    alternative = held["assertion_id"].isin(result.alternatives["assertion_id"]).to_numpy()
    rows = np.flatnonzero(alternative)
    claim_assertion = result.timeline.set_index("claim_id")["assertion_id"].astype(str)
    said = claim_assertion.reindex(held["claim_id"].to_numpy(dtype=object)[rows])
    implied = rows[said.to_numpy(dtype=object) != _strings(held["assertion_id"].iloc[rows])]
    return held.drop(index=held.index[implied])


def _cited_sources(result, claims: pd.DataFrame) -> np.ndarray:
    """Per claim, the source of the first claim it cites that another source made (None
    when it cites none)."""
    data = result.dataset
    cited = np.full(len(claims), None, dtype=object)
    citations = data.citations
    if citations.empty or not len(claims):
        return cited
    source = data.claims["source_id"].astype(str).to_numpy(dtype=object)
    edges = citations[["claim_row", "cited_row"]]
    edges = edges[
        source[edges["claim_row"].to_numpy()] != source[edges["cited_row"].to_numpy()]
    ].drop_duplicates("claim_row")
    citing = data.claims["claim_id"].to_numpy(dtype=object)[edges["claim_row"].to_numpy()]
    first = pd.Series(source[edges["cited_row"].to_numpy()], index=pd.Index(citing))
    return first.reindex(claims["claim_id"].to_numpy(dtype=object)).to_numpy(dtype=object)


def figure_claims(result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engine's input for figures (source_id, quantity_id, value, low, high, hedged,
    cites_source, claim_id) and the quantities (quantity_id, text, day); a figure with
    no value and no lower end (an upper bound alone) is left out."""
    columns = ["source_id", "quantity_id", "value", "low", "high", "hedged", "claim_id"]
    if result.quantities is None or result.figures is None or result.figures.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=["quantity_id", "text", "day"])
    once = result.figures[result.figures["day"].isna().to_numpy()]
    series = result.series
    day = _estimated_days(series)
    on_day = series[
        series["day"].to_numpy() == day.reindex(series["assertion_id"].astype(str)).to_numpy()
    ]
    chosen = pd.concat([once[list(on_day.columns.intersection(once.columns))], on_day])
    chosen = chosen[(chosen["value"].notna() | chosen["low"].notna()).to_numpy()]
    figures = pd.DataFrame(
        {
            "source_id": chosen["source_id"].astype(str).to_numpy(dtype=object),
            "quantity_id": chosen["assertion_id"].astype(str).to_numpy(dtype=object),
            "value": chosen["value"].to_numpy(dtype=float),
            "low": chosen["low"].to_numpy(dtype=float),
            "high": chosen["high"].to_numpy(dtype=float),
            "hedged": chosen["hedged"].to_numpy(dtype=bool),
            "claim_id": chosen["claim_id"].astype(str).to_numpy(dtype=object),
        }
    )
    figures["cites_source"] = _cited_sources(result, figures)
    quantities = result.quantities
    return figures, pd.DataFrame(
        {
            "quantity_id": quantities["assertion_id"].astype(str).to_numpy(),
            "text": quantities["statement"].to_numpy(),
            "day": day.reindex(quantities["assertion_id"].astype(str)).to_numpy(),
        }
    )


def _estimated_days(series: pd.DataFrame) -> pd.Series:
    """Per running total: the latest day two or more sources give a total, else its
    latest day."""
    if series.empty:
        return pd.Series(dtype="datetime64[ns]")
    per_day = series.groupby([series["assertion_id"].astype(str), "day"])["source_id"].nunique()
    per_day = per_day.reset_index()
    shared = per_day[per_day["source_id"] >= 2].groupby("assertion_id")["day"].max()
    latest = per_day.groupby("assertion_id")["day"].max()
    return shared.reindex(latest.index).fillna(latest)


def _answer_estimates(result, answers: pd.DataFrame, options: TruthOptions):
    """The engine's estimates for alternatives and propositions, and each answer with
    the probability that it is true. With ``options.list_separator`` the engine is given
    each alternative as its statement's list (:func:`listed_answers`), so that a list
    naming some of another's items counts as an incomplete answer, not a rival; what
    comes back is said again in alternatives' ids."""
    if options.list_separator is None:
        found = _over_two_values(estimate_answers(answers, options))
        return found, _with_probability(answers, found.distribution)
    listed, alternative_of = listed_answers(result, answers, options.list_separator)
    found = _over_two_values(estimate_answers(listed, options))
    answered = _with_probability(listed, found.distribution)
    key = pd.MultiIndex.from_arrays([found.answers["question_id"], found.answers["value"]])
    alternative = alternative_of.reindex(key).to_numpy(dtype=object)
    likely = np.where(pd.notna(alternative), alternative, found.answers["value"].to_numpy())
    return (
        replace(found, answers=found.answers.assign(value=likely)),
        answered.assign(value=answers["value"].to_numpy()),
    )


def listed_answers(result, answers: pd.DataFrame, separator: str) -> tuple[pd.DataFrame, pd.Series]:
    """``answers`` (:func:`categorical_claims`) with each alternative's id replaced by its
    statement as a list of items, the form :mod:`analysis.compute.partial_answers`
    compares (items stripped, sorted, joined by ``separator``: "Perry; Haag" is
    "Haag;Perry"); and per (item, list) the alternative it stands for, the first in
    assertions.csv when two alternatives of a question list the same items.
    Propositions' "holds" and "does not hold" are left as they are."""
    if not separator:
        raise ValueError(
            "truth estimates: list_separator is empty; give the text that separates a "
            "list's items (for example ';'), or None when values are not lists"
        )
    meta = result.dataset.assertions
    alternatives = meta[meta["question_id"].notna().to_numpy()]
    ids = alternatives["assertion_id"].astype(str).to_numpy(dtype=object)
    lists = canonical_lists(alternatives["statement"].astype(str), separator).to_numpy()
    as_list = pd.Series(lists, index=ids, dtype=object)
    asked = answers["question_id"].str.startswith(_QUESTION).to_numpy()
    value = answers["value"].to_numpy(dtype=object)
    listed = answers.assign(
        value=np.where(asked, as_list.reindex(value).to_numpy(dtype=object), value)
    )
    items = _QUESTION + alternatives["question_id"].astype(str).to_numpy(dtype=object)
    back = pd.Series(ids, index=pd.MultiIndex.from_arrays([items, lists]), dtype=object)
    return listed, back[~back.index.duplicated()]


# ------------------------------------------------------------------ the engine's outputs


def _statements(result) -> pd.Series:
    assertions = result.dataset.assertions
    return pd.Series(
        assertions["statement"].to_numpy(dtype=object),
        index=assertions["assertion_id"].astype(str).to_numpy(),
    )


def _over_two_values(found):
    """The engine's answers and distribution with a proposition's probabilities taken
    over its two values when both are claimed: the engine keeps a "none of these" share
    (``unclaimed``) that a proposition, true or false, does not have."""
    distribution, answers = found.distribution, found.answers
    unclaimed = answers.set_index("question_id")["unclaimed"]
    claimed = distribution.groupby("question_id")["value"].transform("size").to_numpy()
    item = distribution["question_id"]
    both = item.str.startswith(_PROPOSITION).to_numpy() & (claimed == 2)
    scale = np.where(both, 1.0 - unclaimed.reindex(item).to_numpy(dtype=float), 1.0)
    distribution = distribution.assign(probability=distribution["probability"] / scale)
    answered = answers["question_id"].str.startswith(_PROPOSITION).to_numpy()
    two = answered & np.isin(answers["question_id"], item[both].to_numpy())
    over = np.where(two, 1.0 - answers["unclaimed"].to_numpy(dtype=float), 1.0)
    answers = answers.assign(probability=answers["probability"] / over)
    return replace(found, answers=answers, distribution=distribution)


def _ties(distribution: pd.DataFrame) -> pd.Index:
    """The items whose two most probable values are equally probable (the engine's
    ``distribution`` lists each item's values the most probable first)."""
    rank = distribution.groupby("question_id").cumcount().to_numpy()
    first = distribution[rank == 0].set_index("question_id")["probability"]
    second = distribution[rank == 1].set_index("question_id")["probability"]
    gap = first.reindex(second.index) - second
    return second.index[(gap.abs() <= TIE).to_numpy()]


def _with_probability(answers: pd.DataFrame, distribution: pd.DataFrame) -> pd.DataFrame:
    """Each answer with the probability that its value is true."""
    keyed = distribution.set_index(["question_id", "value"])["probability"]
    index = pd.MultiIndex.from_arrays([answers["question_id"], answers["value"]])
    return answers.assign(probability=keyed.reindex(index).to_numpy())


def _categorical_rows(found, items: pd.DataFrame, statements: pd.Series) -> pd.DataFrame:
    """One row per question and proposition from the engine's answers; an item whose
    two likeliest values tie has no likely value ("evenly split")."""
    answers = found.answers.rename(columns={"question_id": "item"})
    answers = answers.merge(items, on="item", how="inner")
    proposition = (answers["kind"] == "proposition").to_numpy()
    split = answers["item"].isin(_ties(found.distribution)).to_numpy()
    value = answers["value"].to_numpy(dtype=object)  # an alternative's assertion_id
    alternative = statements.reindex(value).to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "question_id": answers["question_id"].to_numpy(dtype=object),
            "kind": answers["kind"].to_numpy(dtype=object),
            "text": answers["text"].to_numpy(dtype=object),
            "value": np.where(split, None, np.where(proposition, value, alternative)),
            "assertion_id": np.where(
                proposition, answers["question_id"], np.where(split, None, value)
            ),
            "probability": answers["probability"].to_numpy(dtype=float),
            "low": np.nan,
            "high": np.nan,
            "day": pd.NaT,
            "sources": answers["sources"].to_numpy(dtype=np.int64),
            "holders": answers["holders"].to_numpy(dtype=np.int64),
            "independent_holders": answers["independent_holders"].to_numpy(dtype=float),
            "basis": np.where(split, EVENLY_SPLIT, answers["basis"].to_numpy(dtype=object)),
        }
    )


def _quantity_rows(found: pd.DataFrame, quantities: pd.DataFrame) -> pd.DataFrame:
    rows = found.merge(quantities, on="quantity_id", how="inner")
    return pd.DataFrame(
        {
            "question_id": rows["quantity_id"].to_numpy(dtype=object),
            "kind": "quantity",
            "text": rows["text"].to_numpy(dtype=object),
            "value": rows["estimate"].to_numpy(dtype=float).astype(object),
            "assertion_id": rows["quantity_id"].to_numpy(dtype=object),
            "probability": np.nan,
            "low": rows["low"].to_numpy(dtype=float),
            "high": rows["high"].to_numpy(dtype=float),
            "day": pd.to_datetime(rows["day"]).to_numpy(),
            "sources": rows["sources"].to_numpy(dtype=np.int64),
            "holders": rows["sources"].to_numpy(dtype=np.int64),
            "independent_holders": np.nan,
            "basis": rows["basis"].to_numpy(dtype=object),
        }
    )


def _ordered(rows: list[pd.DataFrame], result) -> pd.DataFrame:
    """Questions in the order of questions.csv, then quantities and propositions in the
    order of assertions.csv."""
    if not rows:
        return _empty(ESTIMATE_COLUMNS, _ESTIMATE_DTYPES)
    frame = pd.concat(rows, ignore_index=True)
    questions = result.questions
    question_order = (
        pd.Index([]) if questions is None else pd.Index(questions["question_id"].astype(str))
    )
    assertion_order = pd.Index(result.dataset.assertions["assertion_id"].astype(str))
    asked = (frame["kind"] == "question").to_numpy()
    rank = np.where(
        asked,
        question_order.get_indexer(frame["question_id"]),
        len(question_order) + assertion_order.get_indexer(frame["question_id"]),
    )
    frame = frame.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
    return frame.astype({"value": object})[list(ESTIMATE_COLUMNS)]


def _empty(columns: tuple[str, ...], dtypes: dict[str, str]) -> pd.DataFrame:
    """A table of no rows with the dtypes a table with rows has (text as object, not the
    float64 pandas gives an empty column)."""
    return pd.DataFrame({name: pd.Series(dtype=dtypes[name]) for name in columns})


_ESTIMATE_DTYPES = {
    **dict.fromkeys(("question_id", "kind", "text", "value", "assertion_id", "basis"), "object"),
    **dict.fromkeys(("probability", "low", "high", "independent_holders"), "float64"),
    "day": "datetime64[ns]",
    "sources": "int64",
    "holders": "int64",
}
_RELIABILITY_DTYPES = {
    **dict.fromkeys(("source_id", "basis"), "object"),
    **dict.fromkeys(("estimate", "low", "high", "claims_judged"), "float64"),
    "claims": "int64",
    "enough_data": "bool",
}


# ------------------------------------------------------------------ one accuracy per source


def _categorical_counts(answered: pd.DataFrame, options: TruthOptions) -> pd.DataFrame:
    """Per source: effective right and judged counts and the right count's variance over
    its answers, as the engine weighs them (hedge, split; only items two sources speak to)."""
    weight = np.where(answered["hedged"].to_numpy(dtype=bool), options.hedge_weight, 1.0)
    per_item = answered.groupby(["source_id", "question_id"])["value"].transform("size")
    weight = weight / per_item.to_numpy()
    speakers = answered.groupby("question_id")["source_id"].transform("nunique").to_numpy()
    weight = np.where(speakers >= 2, weight, 0.0)
    p = answered["probability"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "source_id": answered["source_id"].to_numpy(),
            "right": weight * p,
            "judged": weight,
            "variance": weight**2 * p * (1 - p),
            "claims": 1,
        }
    )
    return frame.groupby("source_id", sort=True).sum()


def _figure_counts(sources: pd.DataFrame, options: TruthOptions) -> pd.DataFrame:
    """Per source: the effective right and judged counts behind the engine's figure
    reliability (its judging is certain: a figure is within 1% or not)."""
    judged = sources["claims_judged"].to_numpy(dtype=float)
    prior = options.prior_right + options.prior_wrong
    right = sources["estimate"].to_numpy(dtype=float) * (prior + judged) - options.prior_right
    return pd.DataFrame(
        {
            "right": np.clip(right, 0.0, judged),
            "judged": judged,
            "variance": 0.0,
            "claims": sources["claims"].to_numpy(dtype=np.int64),
        },
        index=pd.Index(sources["source_id"].astype(str), name="source_id"),
    )


def _pooled(parts: list[pd.DataFrame], options: TruthOptions) -> pd.DataFrame:
    """One accuracy per source from the summed counts of its answers and figures."""
    if not parts:
        return _empty(RELIABILITY_COLUMNS, _RELIABILITY_DTYPES)
    counts = pd.concat(parts).groupby(level=0, sort=True).sum()
    right, judged = counts["right"].to_numpy(), counts["judged"].to_numpy()
    mean, low, high = beta_interval(right, judged, options, counts["variance"].to_numpy())
    enough = judged >= options.min_judged
    return pd.DataFrame(
        {
            "source_id": counts.index.to_numpy(dtype=object),
            "estimate": mean,
            "low": low,
            "high": high,
            "claims_judged": judged,
            "claims": counts["claims"].to_numpy(dtype=np.int64),
            "enough_data": enough,
            "basis": np.where(
                enough, "judged", np.where(judged > 0, "few judged claims", "no claim judged")
            ),
        }
    )
