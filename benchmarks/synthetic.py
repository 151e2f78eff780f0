"""Write a synthetic dataset written to the contract, of any size, for the benchmarks.

Stated dates mix ISO days and relative phrases; a share of claims cite earlier
claims, so citation chains exist but never cycles.

    python benchmarks/synthetic.py OUT_DIR --claims 1000000 --documents 50000
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


def write_synthetic(
    out: Path,
    *,
    claims: int,
    documents: int,
    sources: int = 2000,
    assertions: int = 100_000,
    cite_share: float = 0.1,
    seed: int = 7,
) -> Path:
    """Write the dataset folder ``out`` and return it."""
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
    iso = rng.random(claims) < 0.5
    iso_days = (published[doc] - rng.integers(0, 30, claims)).astype(str)
    stated = np.where(iso, iso_days, np.array(PHRASES)[rng.integers(0, len(PHRASES), claims)])
    claim_ids = ids("c", claims)
    cites = np.full(claims, "", dtype=object)
    citing = np.flatnonzero(rng.random(claims) < cite_share)
    citing = citing[citing > 0]
    cites[citing] = claim_ids[(rng.random(len(citing)) * citing).astype(np.int64)]
    pd.DataFrame(
        {
            "claim_id": claim_ids,
            "source_id": source_ids[rng.integers(0, sources, claims)],
            "assertion_id": assertion_ids[rng.integers(0, assertions, claims)],
            "document_id": document_ids[doc],
            "stance": rng.choice(STANCES, claims, p=[0.55, 0.3, 0.15]),
            "hedged": np.where(rng.random(claims) < 0.2, "true", "false"),
            "stated": stated,
            "cites": cites,
        }
    ).to_csv(out / "claims.csv", index=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--assertions", type=int, default=100_000)
    args = parser.parse_args()
    write_synthetic(
        args.out,
        claims=args.claims,
        documents=args.documents,
        sources=args.sources,
        assertions=args.assertions,
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
