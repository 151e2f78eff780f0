"""Benchmark: the same desk of N briefings built by local workers and by a Dask LocalCluster.

The desk of desk_benchmark.py (N briefings of notebooks/briefing.ipynb, HTML and
PDF, on the seed dataset), each run from a cold process in a fresh reports
folder: `briefing run --workers W`, then `briefing run --executor dask --workers W`
(a LocalCluster of W worker processes, started and stopped by the run), the
pair `--repeat` times, alternating, so a busy machine weighs on both alike.
Prints each run's wall time, the time from its first build's start to its last
one's end and its briefings' median build time (from the run history: what is
left of the wall time is the run's start-up and shut-down, the cluster's
included), and the machine's load; the cluster path should cost at most 1.2x.

    python benchmarks/desk_dask_benchmark.py [--briefings N] [--workers W] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from analysis.desk.history import History

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desk_benchmark import run, write_jobs  # noqa: E402

LOCAL, CLUSTER = "local", "cluster"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefings", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="pairs of runs, alternating")
    args = parser.parse_args()
    workers = str(args.workers)
    flags = {
        LOCAL: ["--workers", workers],
        CLUSTER: ["--executor", "dask", "--workers", workers],
    }
    times: dict[str, list[float]] = {LOCAL: [], CLUSTER: []}
    print(f"{args.briefings} briefings, {args.workers} workers (HTML and PDF, seed dataset)")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        jobs = write_jobs(root, args.briefings)
        for index in range(args.repeat):  # a loop over pairs of runs
            for path in (LOCAL, CLUSTER) if index % 2 == 0 else (CLUSTER, LOCAL):
                reports = root / f"{path}-{index}"
                load = os.getloadavg()[0]
                seconds = run(jobs, reports, *flags[path])
                built = [r for r in History(reports).runs() if r.result == "built"]
                span = max(r.finished for r in built) - min(r.started for r in built)
                times[path].append(seconds)
                print(
                    f"  {path:7}  {seconds:6.1f} s: first build's start to last one's end "
                    f"{span.total_seconds():.1f} s, median build "
                    f"{statistics.median(r.duration_s for r in built):.2f} s "
                    f"(load {load:.2f} -> {os.getloadavg()[0]:.2f})",
                    flush=True,
                )
    local, cluster = (statistics.median(times[p]) for p in (LOCAL, CLUSTER))
    pairs = ", ".join(f"{c / lo:.2f}x" for lo, c in zip(times[LOCAL], times[CLUSTER], strict=True))
    print(f"local processes (briefing run --workers {workers}): median {local:.1f} s")
    print(f"Dask LocalCluster (--executor dask --workers {workers}): median {cluster:.1f} s")
    print(f"cluster / local: {cluster / local:.2f}x (each pair: {pairs})")


if __name__ == "__main__":
    main()
