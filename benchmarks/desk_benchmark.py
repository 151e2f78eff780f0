"""Benchmark: a desk of N briefings of the seed notebook, built by `briefing run`.

A jobs file with one job whose grid gives N briefings of notebooks/briefing.ipynb
(HTML and PDF, one per handling marking) on the seed dataset. Times, each from
a cold process and in a fresh reports folder: `briefing run --workers 1`,
`briefing run --workers W`, then an all-skipped rerun; and, in the same session,
the plain chain (papermill CLI + nbconvert --no-input + Chromium --print-to-pdf,
its best case with no DNS wait) on the same notebook, for the cost per briefing.
With --plain-kernels, also both desk runs with BRIEFING_ZYGOTE=off (every kernel
launched the plain way, no zygote), interleaved, to show what the zygote saves.
Prints the load average before and after: the machine may be shared.

    python benchmarks/desk_benchmark.py [--briefings N] [--workers W] [--chain-runs K]
                                        [--repeat P] [--plain-kernels]

--repeat P times P pairs of runs (1 worker, then W), alternating, and reports medians
and the speed-up of each pair: the machine's speed drifts by a third within minutes.
"""

from __future__ import annotations

import argparse
import os
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


def run(jobs: Path, reports: Path, *extra: str, zygote: bool = True) -> float:
    command = [str(BIN / "briefing"), "run", "--jobs", str(jobs), "--out", str(reports), *extra]
    env = {**os.environ, "BRIEFING_ZYGOTE": "on" if zygote else "off"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"briefing run failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def write_jobs(folder: Path, briefings: int) -> Path:
    """The benchmark's jobs file: one job, a grid of ``briefings`` seed briefings."""
    markings = ", ".join(f'"DESK {i:02d}"' for i in range(briefings))
    jobs = folder / "briefings.toml"
    jobs.write_text(
        JOB.format(
            notebook=ROOT / "notebooks" / "briefing.ipynb",
            dataset=ROOT / "data" / "belgorod-2025-04",
            markings=markings,
        )
    )
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefings", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chain-runs", type=int, default=3)
    parser.add_argument(
        "--repeat", type=int, default=1, help="pairs of runs (1 worker, then W), alternating"
    )
    parser.add_argument("--plain-kernels", action="store_true", help="also time without zygote")
    args = parser.parse_args()
    load_before = os.getloadavg()
    plain: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        jobs = write_jobs(root, args.briefings)
        if args.plain_kernels:
            plain[1] = run(jobs, root / "plain-one", "--workers", "1", zygote=False)
        ones, manys = [], []
        for turn in range(args.repeat):  # alternating, so the machine's drift hits both
            ones.append(run(jobs, root / f"one-{turn}", "--workers", "1"))
            manys.append(run(jobs, root / f"many-{turn}", "--workers", str(args.workers)))
        if args.plain_kernels:
            plain[args.workers] = run(
                jobs, root / "plain-many", "--workers", str(args.workers), zygote=False
            )
        one, many = statistics.median(ones), statistics.median(manys)
        many_folder = root / f"many-{args.repeat - 1}"
        skipped = min(run(jobs, many_folder) for _ in range(3))
        notebook = ROOT / "notebooks" / "briefing.ipynb"
        chain = [
            timed(chain_offline(notebook, root / f"chain-{i}"), root)
            for i in range(args.chain_runs)
        ]
    n = args.briefings
    best_chain = statistics.median(chain)
    load = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(load_before, os.getloadavg(), strict=True))
    print(f"load average (1, 5, 15 min) before/after: {load}")
    print(f"{n} briefings, --workers 1: {one:.1f} s ({one / n:.2f} s per briefing)")
    print(
        f"{n} briefings, --workers {args.workers}: {many:.1f} s ({many / n:.2f} s per briefing), "
        f"speed-up {one / many:.2f}x"
    )
    if args.repeat > 1:
        ratios = [a / b for a, b in zip(ones, manys, strict=True)]
        pairs = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(ones, manys, strict=True))
        print(
            f"medians of {args.repeat} alternating pairs (1 worker/{args.workers}: {pairs}); "
            f"speed-up per pair {', '.join(f'{r:.2f}x' for r in ratios)}, "
            f"median {statistics.median(ratios):.2f}x"
        )
    print(f"all skipped rerun: {skipped:.2f} s (best of 3)")
    print(
        f"plain chain, no DNS wait: median {best_chain:.2f} s per briefing "
        f"(runs: {', '.join(f'{c:.2f}' for c in chain)}); "
        f"desk per briefing / chain: {many / n / best_chain:.2f}x with {args.workers} workers, "
        f"{one / n / best_chain:.2f}x with 1"
    )
    if plain:
        w = args.workers
        print(
            f"without zygote (BRIEFING_ZYGOTE=off): --workers 1 {plain[1]:.1f} s, "
            f"--workers {w} {plain[w]:.1f} s, speed-up {plain[1] / plain[w]:.2f}x, "
            f"per briefing / chain {plain[w] / n / best_chain:.2f}x with {w} workers; "
            f"the zygote saves {1 - one / plain[1]:.0%} with 1 worker, "
            f"{1 - many / plain[w]:.0%} with {w}"
        )


if __name__ == "__main__":
    main()
