"""Benchmark: `briefing build` of the working tree against another commit, interleaved.

A change to the build's speed is worth a few percent at most, less than this
machine's drift from minute to minute; runs of the two versions alternate so
that drift hits both alike. The other commit is checked out in a temporary git
worktree and run with this venv (its `src` first on PYTHONPATH, for the kernel too).

Besides wall time it reports the CPU time of each build (the command, its kernel,
Chromium and every other process it waited for): when others load the machine a
build's wall time follows the CPU it needs more than its critical path.

    python benchmarks/compare_builds.py [--base REV] [--repeat K] [--notebook NB]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_seconds(tree: Path, notebook: str, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `briefing build` (CPU: user + system of the build's
    processes, each counted once its parent has waited for it)."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "analysis.cli", "build", notebook, "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="commit to compare against (default HEAD)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--notebook", default="briefing", help="name or path, as `briefing build` takes"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(base), args.base],
            cwd=ROOT,
            check=True,
        )
        try:
            trees = {args.base: base, "working tree": ROOT}
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
            for tree in trees.values():  # once each first: kernel spec, disk cache
                build_seconds(tree, args.notebook, Path(tmp) / "warm")
            for k in range(args.repeat):
                for name, tree in trees.items():
                    times[name].append(build_seconds(tree, args.notebook, Path(tmp) / f"{k}"))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True
            )
    for name, values in times.items():
        walls, cpus = [wall for wall, _ in values], [cpu for _, cpu in values]
        runs = ", ".join(f"{v:.2f}" for v in walls)
        print(
            f"{name:<14} median {statistics.median(walls):.3f} s, CPU {statistics.median(cpus):.2f} s"
            f"  (runs: {runs})"
        )
    # Each pair ran back to back, so the machine's drift hits both of a pair alike: the
    # median of the pairs' ratios is steadier than the ratio of the two medians.
    base_runs, ours = times[args.base], times["working tree"]
    for what, at in (("wall", 0), ("CPU", 1)):
        ratios = [mine[at] / theirs[at] for mine, theirs in zip(ours, base_runs, strict=True)]
        print(
            f"working tree / {args.base}, {what}: median of pairs {statistics.median(ratios):.3f}"
        )


if __name__ == "__main__":
    main()
