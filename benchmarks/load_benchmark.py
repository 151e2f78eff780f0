"""Benchmark: load + validate a synthetic dataset of 1,000,000 claims from 50,000 documents.

Target (issue 2): under 10 s and under 2 GB peak on a 2-core machine.
The load runs in a fresh process so its peak memory is its own.

    python benchmarks/load_benchmark.py [--claims N] [--documents N] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_synthetic  # noqa: E402

MEASURE = """
import json, resource, sys, time
t0 = time.perf_counter()
from analysis import load_dataset
t1 = time.perf_counter()
data = load_dataset(sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "claims": len(data.claims),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_synthetic(
            Path(tmp) / "synthetic", claims=args.claims, documents=args.documents
        )
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", MEASURE, str(folder)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(args.repeat)
        ]
    best = min(runs, key=lambda r: r["load_s"])
    print(f"claims={best['claims']:,} documents={args.documents:,}")
    every = ", ".join(f"{r['load_s']:.2f}" for r in runs)
    print(
        f"load+validate: best {best['load_s']:.2f} s of {args.repeat} (all: {every}); "
        f"import {best['import_s']:.2f} s"
    )
    print(
        f"peak memory (max RSS of the loading process): {max(r['peak_mb'] for r in runs):,.0f} MB"
    )


if __name__ == "__main__":
    main()
