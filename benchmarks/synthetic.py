"""Write a synthetic dataset written to the contract, of any size, for the benchmarks.

Stated dates mix ISO days and relative phrases; a share of claims cite earlier
claims, so citation chains exist but never cycles.

    python benchmarks/synthetic.py OUT_DIR --claims 1000000 [--shape wide|relayed|dense]
        [--numeric-share 0.3]

With ``--numeric-share S``, about S of the claims give a figure: assertions are made
quantities (a fifth of them running totals) so that their claims, nine in ten of them
supporting, carry a value, a range (three in ten) or an open lower bound (one in ten).
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
    numeric_share: float = 0.0,
    seed: int = 7,
) -> Path:
    """Write the dataset folder ``out`` and return it.

    ``cite_share`` of claims cite up to ``fan_out`` earlier claims; ``phrase_mix``
    is "simple" (half ISO days, half phrases), "varied" (ISO days, date-times,
    intervals, months and phrases: many distinct values) or "iso" (days only);
    ``event_time_share`` of claims carry a claim-level ``event_time``;
    ``numeric_share`` of claims give a figure on a quantity (see the module's help).
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
    assertion_table = pd.DataFrame(
        {
            "assertion_id": assertion_ids,
            "statement": np.char.add("Proposition ", assertion_ids),
            "topic": np.char.add("topic-", (np.arange(assertions) % 50).astype(str)),
        }
    )
    quantity = rng.random(assertions) < numeric_share / SUPPORTS_ON_QUANTITIES
    running = quantity & (rng.random(assertions) < 0.2)
    if numeric_share > 0:
        assertion_table["unit"] = np.where(quantity, np.where(running, "tanks", "deaths"), "")
        assertion_table["cumulative"] = np.where(running, "true", "")
    assertion_table.to_csv(out / "assertions.csv", index=False)

    doc = rng.integers(0, documents, claims)
    anchor = published[doc]
    stated = _stated(rng, anchor, phrase_mix)
    claim_ids = ids("c", claims)
    about = rng.integers(0, assertions, claims)
    stance = rng.choice(STANCES, claims, p=[0.55, 0.3, 0.15])
    on_quantity = quantity[about]
    stance[on_quantity] = rng.choice(
        STANCES,
        int(on_quantity.sum()),
        p=[
            SUPPORTS_ON_QUANTITIES,
            (1 - SUPPORTS_ON_QUANTITIES) / 2,
            (1 - SUPPORTS_ON_QUANTITIES) / 2,
        ],
    )
    columns = {
        "claim_id": claim_ids,
        "source_id": source_ids[rng.integers(0, sources, claims)],
        "assertion_id": assertion_ids[about],
        "document_id": document_ids[doc],
        "stance": stance,
        "hedged": np.where(rng.random(claims) < hedged_share, "true", "false"),
        "stated": stated,
        "cites": _cites(rng, claim_ids, cite_share, fan_out),
    }
    if event_time_share > 0 or numeric_share > 0:
        when = (anchor - rng.integers(1, 60, claims)).astype(str)
        dated = (rng.random(claims) < event_time_share) | running[about]
        columns["event_time"] = np.where(dated, when, "")
    if numeric_share > 0:
        columns.update(_figures(rng, on_quantity & (stance == "supports")))
    pd.DataFrame(columns).to_csv(out / "claims.csv", index=False)
    return out


SUPPORTS_ON_QUANTITIES = 0.9  # the share of claims on a quantity that give a figure


def _figures(rng: np.random.Generator, giving: np.ndarray) -> dict[str, np.ndarray]:
    """``value``, ``low`` and ``high`` for the claims ``giving`` a figure: a value, a range
    around it (three in ten) or an open lower bound (one in ten); blank elsewhere."""
    n = len(giving)
    value = rng.integers(0, 5_000, n)
    spread = rng.integers(1, 200, n)
    kind = rng.random(n)
    ranged, open_low = kind < 0.3, (kind >= 0.3) & (kind < 0.4)
    blank = np.full(n, "", dtype=object)
    text = value.astype(str).astype(object)
    low = np.where(ranged, np.maximum(value - spread, 0).astype(str), blank)
    low = np.where(open_low, text, low)
    high = np.where(ranged, (value + spread).astype(str), blank)
    return {
        "value": np.where(giving & ~open_low, text, blank),
        "low": np.where(giving, low, blank),
        "high": np.where(giving, high, blank),
    }


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
    parser.add_argument(
        "--numeric-share", type=float, default=0.0, help="share of claims giving a figure"
    )
    args = parser.parse_args()
    shape = dict(SHAPES[args.shape], numeric_share=args.numeric_share)
    for knob in ("documents", "sources", "assertions"):
        if getattr(args, knob) is not None:
            shape[knob] = getattr(args, knob)
    write_synthetic(args.out, claims=args.claims, **shape)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
