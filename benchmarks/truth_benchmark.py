"""Benchmark: whom to believe, against public gold (issue 25).

Reads the Book, Flights and Population truth-discovery datasets in place from
``/work/shared/realdata/truth`` (or ``--data``; never copied) through the product's own
import: the raw values normalised as each README says a fair comparison does (Book's
author lists to their sorted last names joined by ``;``, Flights' times to HH:MM) into
a long table in a temporary folder, ``briefing import values`` into a temporary
dataset (with each README's attribution), ``load_dataset``, then the product's
estimates step ``with_estimates(analyze(dataset))``. Beside it, on the same imported
claims (the engine's input that step builds, ``compute/estimates.py``): the engine
with Book's author lists read as lists, so that an incomplete list is a partial answer
(the product's step passes each alternative's id, not its text, so a list separator
cannot reach it), and majority vote, TruthFinder and a one-coin Dawid-Skene (all three
written here). Prints the accuracy per dataset as each README defines it: Book, the
same set of normalised author last names as the gold; Flights, the same normalised
HH:MM time; Population, no gold here, so only our estimates' summary and how often
each baseline agrees with us within 1%. Then times the engine on 1,000,000 generated
claims (wall and CPU time).

    python benchmarks/truth_benchmark.py [--data DIR] [--claims N]

Dawid-Skene: crowd-kit 1.4.2 would pull in transformers, huggingface_hub, tokenizers,
scikit-learn and nltk, too heavy for one baseline, so a one-coin Dawid-Skene is
written here instead (per-source accuracy, per-question classes = the claimed values).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compute.estimates import categorical_claims, figure_claims
from analysis.compute.reliability import TruthOptions
from analysis.compute.results import Analysis, analyze, with_estimates
from analysis.compute.truth_categorical import estimate_answers
from analysis.compute.truth_numeric import estimate_quantities
from analysis.contract.dataset import Dataset, load_dataset
from analysis.importers.run import import_dataset
from analysis.importers.values import ITEM_JOINER

DATA = Path("/work/shared/realdata/truth")
NO_LICENCE = "no stated licence (research data, attribution required)"

# --- normalising the raw values as the READMEs say a fair comparison does ---------------

ROLE_WORDS = re.compile(
    r"\([^)]*\)|\b(?:by|authors?|editors?|edited|eds?|foreword|introduction|translat\w*|"
    r"illustrat\w*|contributors?|compiled|compiler|with|et al|joint)\b\.?",
    re.IGNORECASE,
)
PREFIXES = {"Mac", "Mc", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Del", "Della", "St"}
GLUED = re.compile(r"([A-Z][a-z]+)(?=[A-Z][a-z])")
NOT_NAMES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "dr", "prof", "mr", "mrs", "ms", "unknown"}
ORGANISATIONS = re.compile(
    r"\b(?:press|publishing|publications?|publishers?|inc|ltd|corporation|company|staff|"
    r"conference|university|institute)\b",
    re.IGNORECASE,
)
SEPARATORS = re.compile(r";|&|\band\b|/|\|", re.IGNORECASE)


def _words(name: str) -> list[str]:
    words = [re.sub(r"[^a-z]", "", w.lower()) for w in name.split()]
    return [w for w in words if w and w not in NOT_NAMES]


def _names_in(part: str) -> list[str]:
    """The names of one comma-separated run, read by its shape: "First Last, First Last",
    "Last, First Last, First" (names with no separator but the comma inside each) or
    "Last, First, Last, First". Pieces naming an organisation are not authors."""
    pieces = [p.strip() for p in part.split(",")]
    pieces = [p for p in pieces if _words(p) and not ORGANISATIONS.search(p)]
    if len(pieces) <= 1:
        return pieces
    size = [len(_words(p)) for p in pieces]
    if min(size) >= 2:
        return pieces
    if len(pieces) >= 3 and size[0] == 1 and min(size[1:-1]) >= 2:
        return pieces[:-1]
    return pieces[0::2]


def author_last_names(text: str) -> str:
    """An author list as written -> its sorted last names joined by ';' ('' if none).

    Role words and parenthesised notes separate names ("By (author) Han, Jiawei By
    (author) Kamber, Micheline"); lists are split on ; & and / |; names glued without
    a separator are split ("Mark DowdJohn McDonald", but not "McDonald"); the last
    word of each name, letters only, is its last name (particles fall away)."""
    text = unicodedata.normalize("NFKD", html.unescape(str(text))).strip()
    text = "".join(c for c in text if not unicodedata.combining(c))
    if text.lower() in {"", "not available", "nan"}:
        return ""
    text = ROLE_WORDS.sub(";", text)
    text = GLUED.sub(lambda m: m[1] if m[1] in PREFIXES else m[1] + ";", text)
    names = {
        words[-1]
        for part in SEPARATORS.split(text)
        for name in _names_in(part)
        if (words := _words(name))
    }
    return ";".join(sorted(names))


TIME = re.compile(r"(\d{1,2}):(\d{2})\s*(noon|[ap])?", re.IGNORECASE)
FLIGHT_TIMES = ["sched_dep_time", "act_dep_time", "sched_arr_time", "act_arr_time"]


def normal_time(text: str) -> str:
    """The first h:mm of a time as written, with its a/p marker, as 24-hour HH:MM ('' if none)."""
    found = TIME.search(str(text))
    if not found:
        return ""
    hour, minute, marker = int(found[1]), found[2], (found[3] or "").lower()
    if marker == "a" and hour == 12:
        hour = 0
    elif marker == "p" and hour < 12:
        hour += 12
    return f"{hour:02d}:{minute}"


def _flight_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Flights' four time columns as (src, flight, attribute, time) rows, each time
    normalised to HH:MM; times with no h:mm left out."""
    long = frame.melt(id_vars=["src", "flight"], value_vars=FLIGHT_TIMES, var_name="attribute")
    long = long[long["value"].notna()]
    times = {text: normal_time(text) for text in long["value"].unique()}
    return long.assign(time=long["value"].map(times)).query("time != ''")[
        ["src", "flight", "attribute", "time"]
    ]


# --- the long tables for the values import (one function each) --------------------------


@dataclass(frozen=True)
class Prepared:
    """One dataset ready for ``briefing import values``: ``table`` the long table,
    ``options`` the import's options (columns, kind, the day the values were published,
    the licence and the attribution the README asks for), ``gold`` the item as the import
    writes it (its question's text) -> the normalised value (empty when the dataset
    gives none), ``separator`` the separator of list values (Book's author lists), None
    when values are single."""

    table: Path
    options: dict
    gold: pd.Series
    separator: str | None = None


def prepare_book(folder: Path, work: Path) -> Prepared:
    """book.txt with each store's author list as its sorted last names joined by ';'
    (lists with no name left out), in the order of the file (the import keeps a store's
    last row of a book)."""
    raw = pd.read_csv(
        folder / "book.txt",
        sep="\t",
        header=None,
        names=["store", "isbn", "title", "authors"],
        dtype=str,
        keep_default_na=False,
        quoting=3,
        encoding="ascii",
    )
    raw["authors"] = raw["authors"].str.rstrip("\r")
    names = {text: author_last_names(text) for text in raw["authors"].unique()}
    table = raw.assign(last_names=raw["authors"].map(names))[["store", "isbn", "last_names"]]
    table[table["last_names"] != ""].to_csv(work / "book.csv", index=False)
    lines = [line for line in (folder / "book_golden.txt").read_text().splitlines() if line]
    gold = pd.Series(
        {isbn: author_last_names(authors) for isbn, authors in (x.split("\t") for x in lines)}
    )
    options = {
        "source": "store",
        "item": ["isbn"],
        "value": ["last_names"],
        "date": "2020-01-29",  # the snapshot of github.com/totucuong/spectrum
        "licence": NO_LICENCE,
        "attribution": "Book dataset of Yin, Han & Yu (KDD 2007) as distributed by X. L. Dong "
        "(lunadong.com), via github.com/totucuong/spectrum @ 77628c1 (Apache-2.0).",
    }
    return Prepared(work / "book.csv", options, gold, separator=";")


def prepare_flights(folder: Path, work: Path) -> Prepared:
    """flights_dirty.csv as one row per source, flight and time attribute, the time as
    HH:MM; the gold the same normalisation of flights_clean.csv."""
    _flight_cells(pd.read_csv(folder / "flights_dirty.csv", dtype=str)).to_csv(
        work / "flights.csv", index=False
    )
    clean = _flight_cells(pd.read_csv(folder / "flights_clean.csv", dtype=str))
    clean = clean.drop_duplicates(["flight", "attribute"])
    gold = pd.Series(
        clean["time"].to_numpy(), index=clean["flight"] + ITEM_JOINER + clean["attribute"]
    )
    options = {
        "source": "src",
        "item": ["flight", "attribute"],
        "value": ["time"],
        "date": "2025-09-25",  # the commit of github.com/probcomp/PClean
        "licence": NO_LICENCE,
        "attribution": "Flight data of Li et al. (VLDB 2012), HoloClean/PClean version, via "
        "github.com/probcomp/PClean @ 6779154 (Apache-2.0).",
    }
    return Prepared(work / "flights.csv", options, gold)


def prepare_population(folder: Path, work: Path) -> Prepared:
    """population_claims.csv as it is (its figures need no normalising); no gold here."""
    options = {
        "kind": "number",
        "source": "SourceID",
        "item": ["ObjectID", "PropertyID"],
        "value": ["PropertyValue"],
        "unit": "people",
        "date": "2020-01-29",  # the snapshot of github.com/totucuong/spectrum
        "licence": NO_LICENCE + "; the values are from Wikipedia (CC BY-SA)",
        "attribution": "Population dataset of Pasternack & Roth (from Wikipedia edit "
        "histories), via github.com/totucuong/spectrum @ 77628c1.",
    }
    return Prepared(folder / "population_claims.csv", options, pd.Series(dtype=object))


PREPARE = {"book": prepare_book, "flights": prepare_flights, "population": prepare_population}


def imported(name: str, prepared: Prepared, work: Path) -> Dataset:
    """``briefing import values`` of the prepared table into ``work/name``, then loaded as
    any dataset folder is."""
    import_dataset("values", [prepared.table], work / name, options=prepared.options)
    return load_dataset(work / name)


def estimated(dataset: Dataset, options: TruthOptions) -> tuple[Analysis, float]:
    """The product's estimates step on ``dataset`` and the seconds it took (load excluded)."""
    t0 = time.perf_counter()
    result = with_estimates(analyze(dataset), options)
    return result, time.perf_counter() - t0


def alternatives_as_written(result: Analysis) -> pd.Series:
    """assertion_id -> the alternative's value as written in the imported table."""
    assertions = result.dataset.assertions
    return pd.Series(
        assertions["alternative"].to_numpy(dtype=object),
        index=assertions["assertion_id"].astype(str).to_numpy(),
    )


def product_answers(result: Analysis) -> pd.DataFrame:
    """The engine's input the product's estimates step builds (compute/estimates.py:
    source_id, question_id, value, hedged, claim_id, cites_source), each answer's
    question named by its text (the item as written) and its value the alternative as
    written instead of its id."""
    claims, items = categorical_claims(result)
    texts = items.set_index("item")["text"]
    return claims.assign(
        question_id=claims["question_id"].map(texts),
        value=claims["value"].map(alternatives_as_written(result)),
    )


# --- baselines, written for this benchmark ----------------------------------------------


def _candidates(claims: pd.DataFrame, item: str) -> pd.DataFrame:
    """One row per (source, item, value): sources repeating themselves count once."""
    return claims.drop_duplicates(["source_id", item, "value"])


def majority_vote(claims: pd.DataFrame, item: str = "question_id") -> pd.Series:
    """The value most sources give; ties to the smallest value."""
    counts = _candidates(claims, item).groupby([item, "value"]).size().rename("n").reset_index()
    counts = counts.sort_values([item, "n", "value"], ascending=[True, False, True])
    return counts.drop_duplicates(item).set_index(item)["value"]


def _support(kind: str, given: pd.Series, other: pd.Series) -> np.ndarray:
    """How far a source giving ``given`` also says ``other`` (TruthFinder's sim before
    base_sim is taken off). Numbers: 1 within 1%, else 0. Author lists: the share of
    ``given``'s names that ``other`` lists too, so an incomplete list wholly supports
    the full one and a full list half supports a half of it (Yin, Han & Yu's partial
    support between author sets); single values such as times: 1 if equal, else 0."""
    if kind == "number":
        return (np.abs(given - other) <= 0.01 * np.maximum(np.abs(other), 1.0)).to_numpy(float)
    sets_given = given.str.split(";").map(set)
    sets_other = other.str.split(";").map(set)
    return np.array(
        [len(x & y) / len(x) for x, y in zip(sets_given, sets_other, strict=True)], dtype=float
    )


def truthfinder(
    claims: pd.DataFrame,
    kind: str,
    item: str = "question_id",
    gamma: float = 0.3,
    rho: float = 0.5,
    base_sim: float = 0.5,
    start: float = 0.9,
    iterations: int = 20,
) -> pd.Series:
    """TruthFinder (Yin, Han & Yu, KDD 2007), with the paper's parameters: trust t -> tau =
    -ln(1 - t) -> sigma(f) = the sum of its sources' tau, adjusted by rho times the sigma of
    each other fact f' of the item weighted by the implication imp(f' -> f) =
    support(f', f) - base_sim (:func:`_support`) -> confidence 1 / (1 + exp(-gamma sigma*))
    -> trust = the mean confidence of a source's facts, from t = 0.9 until stable."""
    rows = _candidates(claims, item)
    facts = rows[[item, "value"]].drop_duplicates().reset_index(drop=True)
    fact_index = pd.MultiIndex.from_frame(facts)
    fact = fact_index.get_indexer(pd.MultiIndex.from_frame(rows[[item, "value"]]))
    source, sources = pd.factorize(rows["source_id"])
    pairs = facts.reset_index().merge(facts.reset_index(), on=item, suffixes=("", "_o"))
    pairs = pairs[pairs["index"] != pairs["index_o"]]
    implication = _support(kind, pairs["value_o"], pairs["value"]) - base_sim
    trust = np.full(len(sources), start)
    for _ in range(iterations):
        tau = -np.log(np.maximum(1.0 - trust, 1e-9))
        sigma = np.bincount(fact, weights=tau[source], minlength=len(facts))
        adjusted = sigma + rho * np.bincount(
            pairs["index"], weights=sigma[pairs["index_o"]] * implication, minlength=len(facts)
        )
        confidence = 1.0 / (1.0 + np.exp(-gamma * adjusted))
        updated = np.bincount(source, weights=confidence[fact]) / np.bincount(source)
        if np.max(np.abs(updated - trust)) < 1e-6:
            break
        trust = updated
    return _best(facts, confidence, item)


def one_coin_dawid_skene(
    claims: pd.DataFrame, item: str = "question_id", iterations: int = 50
) -> pd.Series:
    """One-coin Dawid-Skene: each source right with probability a_s, wrong values uniform
    over the item's other claimed values; EM from the majority vote."""
    rows = _candidates(claims, item)
    facts = rows[[item, "value"]].drop_duplicates().reset_index(drop=True)
    fact = pd.MultiIndex.from_frame(facts).get_indexer(
        pd.MultiIndex.from_frame(rows[[item, "value"]])
    )
    fact_item, items = pd.factorize(facts[item])
    source, sources = pd.factorize(rows["source_id"])
    classes = np.bincount(fact_item)[fact_item]
    posterior = np.bincount(fact, minlength=len(facts)).astype(float)
    posterior /= np.bincount(fact_item, weights=posterior)[fact_item]
    for _ in range(iterations):
        right = posterior[fact]
        accuracy = np.bincount(source, weights=right) / np.bincount(source)
        accuracy = np.clip(accuracy, 1e-4, 1 - 1e-4)
        others = np.maximum(classes[fact] - 1, 1)
        score = np.bincount(
            fact,
            weights=np.log(accuracy[source] * others / (1 - accuracy[source])),
            minlength=len(facts),
        )
        top = pd.Series(score).groupby(fact_item).transform("max").to_numpy()
        posterior = np.exp(score - top)
        posterior /= np.bincount(fact_item, weights=posterior)[fact_item]
    return _best(facts, posterior, item)


def _best(facts: pd.DataFrame, score: np.ndarray, item: str) -> pd.Series:
    """Per item the highest-scored value; ties to the smallest value."""
    ranked = facts.assign(score=score).sort_values(
        [item, "score", "value"], ascending=[True, False, True]
    )
    return ranked.drop_duplicates(item).set_index(item)["value"]


# --- scoring and the run ----------------------------------------------------------------


def accuracy_against(gold: pd.Series, chosen: pd.Series) -> float:
    """Share of gold items whose chosen value equals the gold (no choice counts as wrong)."""
    return float((chosen.reindex(gold.index) == gold).mean())


def within(a: pd.Series, b: pd.Series, tolerance: float = 0.01) -> float:
    a, b = a.align(b, join="inner")
    return float((np.abs(a - b) <= tolerance * np.maximum(np.abs(a), 1.0)).mean())


def run_categorical(name: str, data: Dataset, prepared: Prepared, options: TruthOptions) -> dict:
    """Ours: the product's estimates (every alternative exclusive) and, where the values
    are lists, the engine on the same answers with the lists read as lists; and the
    baselines on those answers; each scored against the gold."""
    result, seconds = estimated(data, options)
    claims = product_answers(result)
    questions = result.estimates[result.estimates["kind"] == "question"]
    exclusive = pd.Series(
        alternatives_as_written(result).reindex(questions["assertion_id"]).to_numpy(),
        index=questions["text"].to_numpy(),
    )
    ours = exclusive
    if prepared.separator is not None:
        lists = estimate_answers(claims, replace(options, list_separator=prepared.separator))
        ours = lists.answers.set_index("question_id")["value"]
    gold = prepared.gold
    best_source = (
        claims.assign(
            right=claims["value"].to_numpy() == gold.reindex(claims["question_id"]).to_numpy()
        )
        .query("question_id in @gold.index")
        .groupby("source_id")["right"]
        .agg(["mean", "size"])
    )
    print(
        f"{name}: {len(claims):,} claims, {claims['source_id'].nunique():,} sources, "
        f"{claims['question_id'].nunique():,} questions, {len(gold)} gold; "
        f"analysed and estimated in {seconds:.2f} s; "
        f"{len(result.dependent_sources)} dependent pairs"
    )
    top = best_source[best_source["size"] >= 20].sort_values("mean").tail(1)
    if len(top):
        print(
            f"  best single source on gold (>= 20 items): {top.index[0]} {top['mean'].iloc[0]:.3f}"
        )
    return {
        "ours": accuracy_against(gold, ours),
        "ours, values exclusive": accuracy_against(gold, exclusive),
        "vote": accuracy_against(gold, majority_vote(claims)),
        "truthfinder": accuracy_against(gold, truthfinder(claims, "choice")),
        "dawid-skene": accuracy_against(gold, one_coin_dawid_skene(claims)),
    }


def run_population(data: Dataset, options: TruthOptions) -> dict[str, float]:
    """Our estimates' summary, and how often each baseline, on the figures the product's
    estimates step reads, agrees with our contested estimates within 1%."""
    result, seconds = estimated(data, options)
    figures, _ = figure_claims(result)
    q = result.estimates[result.estimates["kind"] == "quantity"]
    ours = pd.Series(q["value"].to_numpy(dtype=float), index=q["question_id"].to_numpy())
    contested = q.loc[q["basis"] == "contested", "question_id"]
    print(
        f"population: {len(figures):,} claims, {figures['source_id'].nunique():,} "
        f"sources, {len(q):,} quantities ({len(contested):,} contested, "
        f"{(q['sources'] == 1).sum():,} single-source); "
        f"analysed and estimated in {seconds:.2f} s"
    )
    s = result.source_reliability
    print(
        f"  sources with enough judged claims: {int(s['enough_data'].sum())}; median reliability "
        f"{s.loc[s['enough_data'], 'estimate'].median():.3f}"
    )
    baselines = {
        "vote": majority_vote(figures, "quantity_id"),
        "truthfinder": truthfinder(figures, "number", "quantity_id"),
        "dawid-skene": one_coin_dawid_skene(figures, "quantity_id"),
    }
    row = {"ours": float("nan"), "ours, values exclusive": float("nan")}
    for name, chosen in baselines.items():
        row[name] = within(ours.loc[contested], chosen.astype(float))
    return row


def run_gold(folder: Path, options: TruthOptions) -> None:
    """Import the three datasets into a temporary folder, run each, print the table and
    the credit lines the READMEs ask for (as the import wrote them into dataset.toml)."""
    table, credits = {}, []
    with tempfile.TemporaryDirectory(prefix="truth-benchmark-") as tmp:
        work = Path(tmp)
        for name, prepare in PREPARE.items():
            prepared = prepare(folder / name, work)
            data = imported(name, prepared, work)
            credits.append(f"{name}: {data.metadata['attribution']} ({data.metadata['license']})")
            if name == "population":
                key = "population (agree with ours, contested, within 1%)"
                table[key] = run_population(data, options)
            else:
                table[name] = run_categorical(name, data, prepared, options)
    print()
    print(pd.DataFrame(table).T.to_string(float_format=lambda x: f"{x:.3f}", na_rep="-"))
    print("\nimported with `briefing import values`; data:\n  " + "\n  ".join(credits))
    print()


def generated_claims(claims: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Claims with known truth, 2,000 sources of accuracy 0.3-0.95, ten claims per question:
    as alternatives (truth "0"), as lists (truth "0;1;2"; half of the wrong claims give
    only its first one or two items) and as figures (truth 1,000-30,000,000)."""
    rng = np.random.default_rng(seed)
    n_sources, n_questions = 2_000, max(claims // 10, 1)
    accuracy = rng.uniform(0.3, 0.95, n_sources)
    source = rng.integers(0, n_sources, claims)
    question = rng.integers(0, n_questions, claims)
    right = rng.random(claims) < accuracy[source]
    wrong = rng.integers(1, 20, claims)
    choice = pd.DataFrame(
        {
            "source_id": pd.Categorical.from_codes(source, [f"s{i}" for i in range(n_sources)]),
            "question_id": question,
            "value": np.where(right, 0, wrong).astype(str),
        }
    )
    incomplete = ~right & (rng.random(claims) < 0.5)
    lists = np.array(["0;1;2", "0", "0;1"])[np.where(incomplete, 1 + (wrong % 2), 0)]
    lists = np.where(right | incomplete, lists, (wrong + 2).astype(str))
    truth = np.exp(rng.uniform(np.log(1e3), np.log(3e7), n_questions))
    figure = truth[question] * np.where(right, 1.0, rng.uniform(0.5, 1.5, claims))
    number = choice.drop(columns="value").rename(columns={"question_id": "quantity_id"})
    return {
        "alternatives": choice,
        "lists": choice.assign(value=lists),
        "figures": number.assign(value=figure.round()),
    }


def time_generated(claims: int, options: TruthOptions) -> None:
    """Time each estimate on generated claims (the generation excluded) and say how often
    it finds the truth. CPU time too: on a shared machine the wall time also counts the
    waits for a core, which a quiet machine would not have."""
    generated = generated_claims(claims)
    runs = {
        "alternatives": (estimate_answers, options, "0"),
        "lists": (estimate_answers, replace(options, list_separator=";"), "0;1;2"),
        "figures": (estimate_quantities, options, None),
    }
    parts = []
    for name, (estimate, chosen, truth) in runs.items():
        t0, c0 = time.perf_counter(), time.process_time()
        result = estimate(generated[name], chosen)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        found = "" if truth is None else f", {(result.answers['value'] == truth).mean():.3f} right"
        parts.append(
            f"{name} {seconds:.2f} s (CPU {cpu:.2f} s; {result.iterations} iterations{found})"
        )
    print(f"generated {claims:,} claims, load excluded, target 10 s:\n  " + "\n  ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--claims", type=int, default=1_000_000)
    args = parser.parse_args()
    options = TruthOptions()
    if not args.data.is_dir():
        print(f"skipped the gold benchmarks: {args.data} is absent (the shared truth datasets)")
    else:
        run_gold(args.data, options)
    time_generated(args.claims, options)


if __name__ == "__main__":
    sys.exit(main())
