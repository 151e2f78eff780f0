"""Benchmark: a desk of N briefings of the seed notebook, built by `briefing run`.

A jobs file with one job whose grid gives N briefings of notebooks/briefing.ipynb
(HTML and PDF, one per handling marking) on the seed dataset. Times, each from
a cold process and in a fresh reports folder: `briefing run --workers 1`,
`briefing run --workers W`, then an all-skipped rerun; and, in the same session,
the plain chain (papermill CLI + nbconvert --no-input + Chromium --print-to-pdf,
its best case with no DNS wait) on the same notebook, for the cost per briefing.

    python benchmarks/desk_benchmark.py [--briefings N] [--workers W] [--chain-runs K]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_benchmark import chain_offline, timed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JOB = """\
[[job]]
name = "seed"
notebook = "{notebook}"
formats = ["html", "pdf"]

[job.parameters]
dataset = "{dataset}"

[job.grid]
marking = [{markings}]

[job.schedule]
cron = "0 6 * * *"
timezone = "Europe/Kyiv"
"""


def run(jobs: Path, reports: Path, *extra: str) -> float:
    command = [str(BIN / "briefing"), "run", "--jobs", str(jobs), "--out", str(reports), *extra]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"briefing run failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefings", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chain-runs", type=int, default=3)
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
        one = run(jobs, root / "one", "--workers", "1")
        many = run(jobs, root / "many", "--workers", str(args.workers))
        skipped = min(run(jobs, root / "many") for _ in range(3))
        notebook = ROOT / "notebooks" / "briefing.ipynb"
        chain = [
            timed(chain_offline(notebook, root / f"chain-{i}"), root)
            for i in range(args.chain_runs)
        ]
    n = args.briefings
    best_chain = statistics.median(chain)
    print(f"{n} briefings, --workers 1: {one:.1f} s ({one / n:.2f} s per briefing)")
    print(
        f"{n} briefings, --workers {args.workers}: {many:.1f} s ({many / n:.2f} s per briefing), "
        f"speed-up {one / many:.2f}x"
    )
    print(f"all skipped rerun: {skipped:.2f} s (best of 3)")
    print(
        f"plain chain, no DNS wait: median {best_chain:.2f} s per briefing "
        f"(runs: {', '.join(f'{c:.2f}' for c in chain)}); "
        f"desk per briefing / chain: {many / n / best_chain:.2f}x with {args.workers} workers, "
        f"{one / n / best_chain:.2f}x with 1"
    )


if __name__ == "__main__":
    main()
