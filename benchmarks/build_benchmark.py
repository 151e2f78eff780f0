"""Benchmark: `briefing build` against the plain chain it replaces, on the same notebook.

Both run in the same session, alternating, each from a cold process: ours is
`briefing build NOTEBOOK --to html,pdf`; the chain is the `papermill` CLI, then
`jupyter nbconvert --to html --no-input`, then Chromium `--print-to-pdf`.
Target (issue 4): ours at most 0.6x the chain's wall time. Runs the seed
briefing and a toy notebook (benchmarks/notebooks/toy.ipynb, almost no work),
which shows the fixed cost of each way apart from the notebook's own work.

    python benchmarks/build_benchmark.py [--repeat K] [--notebook PATH ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"


def timed(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def ours(notebook: Path, out: Path) -> list[list[str]]:
    return [[str(BIN / "briefing"), "build", str(notebook), "--to", "html,pdf", "--out", str(out)]]


# nbconvert's default HTML asks cdnjs for require.js and MathJax. On a closed
# network Chromium may wait about 5 s for those before printing, or may not.
# The chain's best case is timed with every host name failing at once.
NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND"


def chain_offline(notebook: Path, out: Path) -> list[list[str]]:
    commands = chain(notebook, out)
    commands[-1].insert(1, NO_NETWORK)
    return commands


def chain(notebook: Path, out: Path) -> list[list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    executed, page = out / notebook.name, out / f"{notebook.stem}.html"
    return [
        [
            str(BIN / "papermill"),
            str(notebook),
            str(executed),
            "-k",
            "claim-briefings",
            "--cwd",
            str(notebook.parent),
            "--no-progress-bar",
        ],
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--print-to-pdf={out / (notebook.stem + '.pdf')}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
    ]


def compare(notebook: Path, repeat: int, tmp: Path) -> None:
    ways = {"ours": ours, "chain": chain, "chain, no DNS": chain_offline}
    times: dict[str, list[float]] = {name: [] for name in ways}
    timed(ours(notebook, tmp / "warm"), ROOT)  # registers the kernel, warms the disk cache
    for k in range(repeat):
        for name, commands in ways.items():
            times[name].append(timed(commands(notebook, tmp / f"{name}{k}"), ROOT))
    print(notebook.relative_to(ROOT))
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<14} median {statistics.median(values):.2f} s  (runs: {runs})")
    for name in ("chain", "chain, no DNS"):
        ratio = statistics.median(times["ours"]) / statistics.median(times[name])
        best = min(times["ours"]) / min(times[name])
        print(
            f"  ours / {name}: medians {ratio:.2f}x, fastest runs {best:.2f}x"
            "  (target: at most 0.60x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--notebook",
        type=Path,
        action="append",
        help="notebook to time (default: notebooks/briefing.ipynb and the toy notebook)",
    )
    args = parser.parse_args()
    notebooks = args.notebook or [
        ROOT / "notebooks" / "briefing.ipynb",
        ROOT / "benchmarks" / "notebooks" / "toy.ipynb",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for notebook in notebooks:
            compare(notebook.resolve(), args.repeat, Path(tmp) / notebook.stem)


if __name__ == "__main__":
    main()
