"""Benchmark: conflicts (contract §4) when one source says a lot about one assertion.

Conflicts pair a source's overlapping claims on an assertion; comparing every
pair costs memory quadratic in the claims. Three shapes, each timed in a fresh
child process so its peak memory is its own:

- spread: N claims on N different days, stances alternating (few overlaps);
- weekly: N claims, each stated as a 7-day interval starting on successive days
  (every claim overlaps its 6 neighbours on each side);
- many sources: N claims over N/10 sources and 100 assertions, random days.

    python benchmarks/conflicts_benchmark.py [--claims N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time


def frame(shape: str, n: int):
    import numpy as np
    import pandas as pd

    day = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n), unit="D")
    rng = np.random.default_rng(1)
    if shape == "many sources":
        day = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), unit="D")
    end = day + pd.Timedelta(days=6) if shape == "weekly" else day
    return pd.DataFrame(
        {
            "claim_id": [f"c{i:07d}" for i in range(n)],
            "source_id": [f"s{i % max(n // 10, 1)}" for i in range(n)]
            if shape == "many sources"
            else "s",
            "assertion_id": [f"a{i % 100}" for i in range(n)] if shape == "many sources" else "a",
            "stance": np.where(np.arange(n) % 2 == 0, "supports", "refutes"),
            "hedged": np.arange(n) % 3 == 0,
            "stated_start": day,
            "stated_end": end,
        }
    )


def child(shape: str, n: int) -> None:
    from analysis.compute.chronology import conflicts

    data = frame(shape, n)
    started = time.perf_counter()
    found = conflicts(data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak:.0f} {len(found)}")


def main() -> None:
    from analysis.runtime import tune_process
    from analysis.settings import Settings

    tune_process(Settings.from_environment(os.environ))  # as the briefing command does
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    print(f"conflicts of {args.claims:,} claims (seconds, peak MB of the whole process)")
    print(f"{'shape':<14} {'seconds':>8} {'peak MB':>8} {'conflicts':>10}")
    for shape in ("spread", "weekly", "many sources"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", shape, str(args.claims)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(f"{shape:<14} {float(out[0]):>8.3f} {float(out[1]):>8.0f} {int(out[2]):>10,}")


if __name__ == "__main__":
    main()
