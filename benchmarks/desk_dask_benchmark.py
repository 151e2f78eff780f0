"""Benchmark: the same desk of N briefings built by local workers and by a Dask LocalCluster.

The desk of desk_benchmark.py (N briefings of notebooks/briefing.ipynb, HTML and
PDF, on the seed dataset), each run from a cold process in a fresh reports
folder: `briefing run --workers W`, then `briefing run --executor dask --workers W`
(a LocalCluster of W worker processes, started and stopped by the run). Prints
both times and the ratio; the cluster path should cost at most 1.2x.

    python benchmarks/desk_dask_benchmark.py [--briefings N] [--workers W]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desk_benchmark import JOB, ROOT, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefings", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        markings = ", ".join(f'"DESK {i:02d}"' for i in range(args.briefings))
        jobs = root / "briefings.toml"
        jobs.write_text(
            JOB.format(
                notebook=ROOT / "notebooks" / "briefing.ipynb",
                dataset=ROOT / "data" / "belgorod-2025-04",
                markings=markings,
            )
        )
        workers = str(args.workers)
        local = run(jobs, root / "local", "--workers", workers)
        cluster = run(jobs, root / "cluster", "--executor", "dask", "--workers", workers)
    print(f"{args.briefings} briefings, {args.workers} workers (HTML and PDF, seed dataset)")
    print(f"  local processes (--workers {workers}):          {local:6.1f} s")
    print(f"  Dask LocalCluster (--executor dask --workers {workers}): {cluster:6.1f} s")
    print(f"  cluster / local: {cluster / local:.2f}x")


if __name__ == "__main__":
    main()
