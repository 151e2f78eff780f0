"""Write a synthetic dataset written to the contract, of any size, for the benchmarks.

Stated dates mix ISO days and relative phrases; a share of claims cite earlier
claims, so citation chains exist but never cycles.

    python benchmarks/synthetic.py OUT_DIR --claims 1000000 [--shape wide|relayed|dense]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

PHRASES = [
    "Monday",
    "on Tuesday",
    "late on Wednesday",
    "early on Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "last Monday",
    "last Friday",
    "today",
    "yesterday",
    "2 days ago",
    "5 days ago",
    "March 18",
    "18 March",
    "January 2",
    "this week",
    "last week",
    "this month",
    "last month",
    "this year",
    "last year",
    "in March",
    "in October",
    "In recent days",
]
STANCES = np.array(["supports", "refutes", "neutral"])
KINDS = np.array(
    ["official", "military", "politician", "milblogger", "think_tank", "media", "osint"]
)


def ids(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.arange(n).astype(str))


SHAPES = {
    # the README's first shape: many documents, few relays
    "wide": dict(sources=2000, assertions=100_000, documents=50_000, cite_share=0.1),
    # issue 11's: many outlets and events, 3 documents, heavy relaying, hedges,
    # intervals/months, claim-level event times
    "relayed": dict(
        sources=42_000,
        assertions=139_000,
        documents=3,
        cite_share=0.4,
        fan_out=2,
        hedged_share=0.33,
        phrase_mix="varied",
        event_time_share=0.2,
    ),
    # few sources saying a lot about few events: long source histories, dense pairs
    "dense": dict(
        sources=40,
        assertions=2_000,
        documents=200_000,
        cite_share=0.05,
        hedged_share=0.1,
        phrase_mix="iso",
    ),
}


def write_synthetic(
    out: Path,
    *,
    claims: int,
    documents: int,
    sources: int = 2000,
    assertions: int = 100_000,
    cite_share: float = 0.1,
    fan_out: int = 1,
    hedged_share: float = 0.2,
    phrase_mix: str = "simple",
    event_time_share: float = 0.0,
    seed: int = 7,
) -> Path:
    """Write the dataset folder ``out`` and return it.

    ``cite_share`` of claims cite up to ``fan_out`` earlier claims; ``phrase_mix``
    is "simple" (half ISO days, half phrases), "varied" (ISO days, date-times,
    intervals, months and phrases: many distinct values) or "iso" (days only);
    ``event_time_share`` of claims carry a claim-level ``event_time``.
    """
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "dataset.toml").write_text(
        f'name = "synthetic-{claims}"\ntitle = "Synthetic benchmark dataset"\n', encoding="utf-8"
    )
    source_ids = ids("s", sources)
    pd.DataFrame(
        {
            "source_id": source_ids,
            "name": np.char.add("Source ", source_ids),
            "kind": rng.choice(KINDS, sources),
            "reliability": rng.choice(list("ABCDEF"), sources),
        }
    ).to_csv(out / "sources.csv", index=False)

    document_ids = ids("d", documents)
    published = np.datetime64("2024-01-01") + rng.integers(0, 700, documents)
    pd.DataFrame(
        {
            "document_id": document_ids,
            "title": np.char.add("Report ", document_ids),
            "publisher": "Wire",
            "published": published.astype(str),
        }
    ).to_csv(out / "documents.csv", index=False)

    assertion_ids = ids("a", assertions)
    pd.DataFrame(
        {
            "assertion_id": assertion_ids,
            "statement": np.char.add("Proposition ", assertion_ids),
            "topic": np.char.add("topic-", (np.arange(assertions) % 50).astype(str)),
        }
    ).to_csv(out / "assertions.csv", index=False)

    doc = rng.integers(0, documents, claims)
    anchor = published[doc]
    stated = _stated(rng, anchor, phrase_mix)
    claim_ids = ids("c", claims)
    columns = {
        "claim_id": claim_ids,
        "source_id": source_ids[rng.integers(0, sources, claims)],
        "assertion_id": assertion_ids[rng.integers(0, assertions, claims)],
        "document_id": document_ids[doc],
        "stance": rng.choice(STANCES, claims, p=[0.55, 0.3, 0.15]),
        "hedged": np.where(rng.random(claims) < hedged_share, "true", "false"),
        "stated": stated,
        "cites": _cites(rng, claim_ids, cite_share, fan_out),
    }
    if event_time_share > 0:
        when = (anchor - rng.integers(1, 60, claims)).astype(str)
        columns["event_time"] = np.where(rng.random(claims) < event_time_share, when, "")
    pd.DataFrame(columns).to_csv(out / "claims.csv", index=False)
    return out


def _stated(rng: np.random.Generator, anchor: np.ndarray, mix: str) -> np.ndarray:
    """``stated`` values, each not after its claim's document date."""
    n = len(anchor)
    days = (anchor - rng.integers(0, 30, n)).astype("datetime64[D]")
    iso = days.astype(str)
    if mix == "iso":
        return iso
    phrases = np.array(PHRASES)[rng.integers(0, len(PHRASES), n)]
    if mix == "simple":
        return np.where(rng.random(n) < 0.5, iso, phrases)
    kind = rng.integers(0, 5, n)
    timed = np.char.add(iso, "T12:00")
    interval = np.char.add(np.char.add((days - 3).astype(str), "/"), iso)
    month = days.astype("datetime64[M]").astype(str)
    choices = [iso, timed, interval, month, phrases]
    return np.choose(kind, choices)


def _cites(
    rng: np.random.Generator, claim_ids: np.ndarray, share: float, fan_out: int
) -> np.ndarray:
    """``;``-separated earlier claims for ``share`` of the claims (never a cycle)."""
    n = len(claim_ids)
    cites = np.full(n, "", dtype=object)
    citing = np.flatnonzero(rng.random(n) < share)
    citing = citing[citing > 0]
    joined = claim_ids[(rng.random(len(citing)) * citing).astype(np.int64)].astype(object)
    for _ in range(fan_out - 1):  # a loop over fan-out, not rows
        second = rng.random(len(citing)) < 0.5
        more = claim_ids[(rng.random(len(citing)) * citing).astype(np.int64)].astype(object)
        other = more != joined
        joined = np.where(second & other, joined + ";" + more, joined)
    cites[citing] = joined
    return cites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="wide")
    parser.add_argument("--documents", type=int, help="overrides the shape's")
    parser.add_argument("--sources", type=int, help="overrides the shape's")
    parser.add_argument("--assertions", type=int, help="overrides the shape's")
    args = parser.parse_args()
    shape = dict(SHAPES[args.shape])
    for knob in ("documents", "sources", "assertions"):
        if getattr(args, knob) is not None:
            shape[knob] = getattr(args, knob)
    write_synthetic(args.out, claims=args.claims, **shape)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
