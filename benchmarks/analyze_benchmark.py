"""Benchmark: analyze() end to end on 1,000,000 claims, 2,000 sources, 100,000 assertions.

Target (issue 3): under 5 s and under 3 GB peak on a 2-core machine. Also times
the pairwise table against the obvious implementation (a pandas self-merge of
positions on assertion) at 100,000 claims and reports the ratio.

    python benchmarks/analyze_benchmark.py [--claims N] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_synthetic  # noqa: E402

from analysis.compute.agreement import pairwise_agreement, positions  # noqa: E402
from analysis.compute.chronology import known_claims  # noqa: E402
from analysis.compute.results import analyze  # noqa: E402
from analysis.contract.dataset import load_dataset  # noqa: E402


def naive_pairwise(held: pd.DataFrame) -> pd.DataFrame:
    """The obvious implementation: merge positions (ids as text) with themselves on assertion."""
    pairs = held.merge(held, on="assertion_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["source_id_a"] < pairs["source_id_b"]]
    pairs = pairs.assign(agree=pairs["stance_a"] == pairs["stance_b"])
    return pairs.groupby(["source_id_a", "source_id_b"]).agg(
        shared=("agree", "size"), agree=("agree", "sum")
    )


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    from analysis.runtime import tune_process
    from analysis.settings import Settings

    tune_process(Settings.from_environment(os.environ))  # as the briefing command does
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--numeric-share", type=float, default=0.0, help="share of claims giving a figure"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = load_dataset(
            write_synthetic(
                Path(tmp) / "big",
                claims=args.claims,
                documents=50_000,
                numeric_share=args.numeric_share,
            )
        )
        small = load_dataset(write_synthetic(Path(tmp) / "small", claims=100_000, documents=50_000))
    seconds = best_of(args.repeat, lambda: analyze(big))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = analyze(big)
    print(
        f"claims={len(big.claims):,} sources={len(big.sources):,} assertions={len(big.assertions):,}"
    )
    print(f"analyze end to end: best {seconds:.2f} s of {args.repeat}")
    print(
        f"  tables out: {len(result.assertions):,} assertions, {len(result.pairwise):,} pairs, "
        f"{len(result.timeline):,} timeline rows, {len(result.shifts):,} shifts, "
        f"{len(result.conflicts):,} conflicts, alpha={result.alpha}"
    )
    if result.quantities is not None:
        print(
            f"  quantities: {len(result.quantities):,}, current figures {len(result.figures):,}, "
            f"revisions {len(result.revisions):,}, running-total entries {len(result.series):,}"
        )
    print(f"peak memory (max RSS of this process, dataset included): {peak:,.0f} MB")

    held = positions(known_claims(small))
    ours = best_of(args.repeat, lambda: pairwise_agreement(held))
    as_text = held.astype({"source_id": str, "assertion_id": str, "stance": str})
    naive = best_of(args.repeat, lambda: naive_pairwise(as_text))
    print(
        f"pairwise at {len(small.claims):,} claims: sparse products {ours:.3f} s, "
        f"pandas self-merge {naive:.3f} s, ratio {naive / ours:.1f}x"
    )


if __name__ == "__main__":
    main()
