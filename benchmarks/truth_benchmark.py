"""Benchmark: whom to believe, against public gold (issue 25).

Reads the Book, Flights and Population truth-discovery datasets in place from
``/work/shared/realdata/truth`` (or ``--data``; never copied), runs the estimates of
``analysis.compute.truth_categorical`` / ``truth_numeric`` (Book's author lists read as
lists, so that an incomplete list is a partial answer; and once more with every value
exclusive) and, side by side, majority vote, TruthFinder and a one-coin Dawid-Skene
(all three written here), and prints the accuracy per dataset as each README defines
it: Book, the same set of normalised author last names as the gold; Flights, the same
normalised HH:MM time; Population, no gold here, so only our estimates' summary and
how often each baseline agrees with us within 1%. Then times the estimates on
1,000,000 generated claims (wall and CPU time).

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
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compute.reliability import TruthOptions
from analysis.compute.truth_categorical import estimate_answers
from analysis.compute.truth_numeric import estimate_quantities

DATA = Path("/work/shared/realdata/truth")

# --- reading the three datasets (one function each, behind read_truth_dataset) ---------


@dataclass(frozen=True)
class TruthData:
    """claims: source_id, question_id (or quantity_id), value; gold: question -> value
    (empty when the dataset gives none); kind: "choice" or "number"; separator: the
    separator of list values (Book's author lists), None when values are single."""

    claims: pd.DataFrame
    gold: pd.Series
    kind: str
    separator: str | None = None


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


def read_book(folder: Path) -> TruthData:
    raw = pd.read_csv(
        folder / "book.txt",
        sep="\t",
        header=None,
        names=["source_id", "question_id", "title", "authors"],
        dtype=str,
        keep_default_na=False,
        quoting=3,
        encoding="ascii",
    )
    raw["authors"] = raw["authors"].str.rstrip("\r")
    names = {text: author_last_names(text) for text in raw["authors"].unique()}
    claims = raw.assign(value=raw["authors"].map(names))[["source_id", "question_id", "value"]]
    claims = claims[claims["value"] != ""].reset_index(drop=True)
    lines = [line for line in (folder / "book_golden.txt").read_text().splitlines() if line]
    gold = pd.Series(
        {isbn: author_last_names(authors) for isbn, authors in (x.split("\t") for x in lines)}
    )
    return TruthData(claims, gold, "choice", separator=";")


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
    long = frame.melt(id_vars=["src", "flight"], value_vars=FLIGHT_TIMES, var_name="attribute")
    long = long[long["value"].notna()]
    times = {text: normal_time(text) for text in long["value"].unique()}
    return pd.DataFrame(
        {
            "source_id": long["src"],
            "question_id": long["flight"] + " " + long["attribute"],
            "value": long["value"].map(times),
        }
    ).query("value != ''")


def read_flights(folder: Path) -> TruthData:
    claims = _flight_cells(pd.read_csv(folder / "flights_dirty.csv", dtype=str))
    clean = _flight_cells(pd.read_csv(folder / "flights_clean.csv", dtype=str))
    gold = clean.drop_duplicates("question_id").set_index("question_id")["value"]
    return TruthData(claims.reset_index(drop=True), gold, "choice")


def read_population(folder: Path) -> TruthData:
    raw = pd.read_csv(folder / "population_claims.csv", dtype=str)
    claims = pd.DataFrame(
        {
            "source_id": raw["SourceID"],
            "quantity_id": raw["ObjectID"] + " | " + raw["PropertyID"],
            "value": pd.to_numeric(raw["PropertyValue"]),
        }
    )
    return TruthData(claims, pd.Series(dtype=object), "number")


def read_truth_dataset(name: str, folder: Path) -> TruthData:
    """The one reader of the benchmark data: switch this to the product's values import
    (``briefing import values``) once it exists."""
    return {"book": read_book, "flights": read_flights, "population": read_population}[name](
        folder / name
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


def run_categorical(name: str, data: TruthData, options: TruthOptions) -> dict[str, float]:
    """Ours (list values read as lists when the dataset has them), ours with every value
    exclusive, and the baselines, each scored against the gold."""
    t0 = time.perf_counter()
    estimates = estimate_answers(data.claims, replace(options, list_separator=data.separator))
    seconds = time.perf_counter() - t0
    ours = estimates.answers.set_index("question_id")["value"]
    exclusive = estimate_answers(data.claims, replace(options, list_separator=None))
    best_source = (
        data.claims.assign(
            right=data.claims["value"].to_numpy()
            == data.gold.reindex(data.claims["question_id"]).to_numpy()
        )
        .query("question_id in @data.gold.index")
        .groupby("source_id")["right"]
        .agg(["mean", "size"])
    )
    print(
        f"{name}: {len(data.claims):,} claims, {data.claims['source_id'].nunique():,} sources, "
        f"{data.claims['question_id'].nunique():,} questions, {len(data.gold)} gold; "
        f"estimated in {seconds:.2f} s; {len(estimates.dependence)} dependent pairs"
    )
    top = best_source[best_source["size"] >= 20].sort_values("mean").tail(1)
    if len(top):
        print(
            f"  best single source on gold (>= 20 items): {top.index[0]} {top['mean'].iloc[0]:.3f}"
        )
    return {
        "ours": accuracy_against(data.gold, ours),
        "ours, values exclusive": accuracy_against(
            data.gold, exclusive.answers.set_index("question_id")["value"]
        ),
        "vote": accuracy_against(data.gold, majority_vote(data.claims)),
        "truthfinder": accuracy_against(data.gold, truthfinder(data.claims, "choice")),
        "dawid-skene": accuracy_against(data.gold, one_coin_dawid_skene(data.claims)),
    }


def run_population(data: TruthData, options: TruthOptions) -> dict[str, float]:
    t0 = time.perf_counter()
    estimates = estimate_quantities(data.claims, options)
    seconds = time.perf_counter() - t0
    q = estimates.quantities
    ours = q.set_index("quantity_id")["estimate"]
    contested = q.loc[q["basis"] == "contested", "quantity_id"]
    print(
        f"population: {len(data.claims):,} claims, {data.claims['source_id'].nunique():,} "
        f"sources, {len(q):,} quantities ({len(contested):,} contested, "
        f"{(q['sources'] == 1).sum():,} single-source); estimated in {seconds:.2f} s"
    )
    s = estimates.sources
    print(
        f"  sources with enough judged claims: {int(s['enough_data'].sum())}; median reliability "
        f"{s.loc[s['enough_data'], 'estimate'].median():.3f}; median support of contested "
        f"estimates {q.loc[q['basis'] == 'contested', 'support'].median():.3f}"
    )
    baselines = {
        "vote": majority_vote(data.claims, "quantity_id"),
        "truthfinder": truthfinder(data.claims, "number", "quantity_id"),
        "dawid-skene": one_coin_dawid_skene(data.claims, "quantity_id"),
    }
    row = {"ours": float("nan"), "ours, values exclusive": float("nan")}
    for name, chosen in baselines.items():
        row[name] = within(ours.loc[contested], chosen.astype(float))
    return row


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
        table = {
            name: run_categorical(name, read_truth_dataset(name, args.data), options)
            for name in ("book", "flights")
        }
        table["population (agree with ours, contested, within 1%)"] = run_population(
            read_truth_dataset("population", args.data), options
        )
        print()
        print(pd.DataFrame(table).T.to_string(float_format=lambda x: f"{x:.3f}", na_rep="-"))
        print()
    time_generated(args.claims, options)


if __name__ == "__main__":
    sys.exit(main())
