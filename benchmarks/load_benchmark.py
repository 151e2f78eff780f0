"""Benchmark: load + validate, a cached repeat load, and analyze(), per shape of data.

Each figure is the median of --repeat runs, each in a fresh process (so its
peak memory, max RSS, is its own). Shapes come from benchmarks/synthetic.py
(``wide``, ``relayed``, ``dense``); datasets are written once under --work
and reused by later runs with the same size and shape.

    python benchmarks/load_benchmark.py [--claims N] [--shape S ...] [--repeat K]
        [--numeric-share 0.3]

``--numeric-share`` makes that share of the claims give figures on quantities
(benchmarks/synthetic.py), in a dataset folder of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import SHAPES  # noqa: E402

MEASURE = """
import json, resource, sys, time
import os; from analysis.runtime import tune_process; from analysis.settings import Settings
settings = Settings.from_environment(os.environ); tune_process(settings)  # as the briefing command does
from analysis import load_dataset, analyze
import pandera.pandas  # the library imports it on a load's first validation: the import
# (0.2 s) stays out of the timed load, as it was when the library imported it at once
t0 = time.perf_counter()
data = load_dataset(sys.argv[1], cache=settings.cache, memory_limit=settings.memory_limit)
t1 = time.perf_counter()
seconds = None
if sys.argv[2] == "analyze":
    analyze(data)
    seconds = time.perf_counter() - t1
print(json.dumps({"load_s": t1 - t0, "analyze_s": seconds, "claims": len(data.claims),
                  "edges": len(data.citations),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(folder: Path, cache: str, what: str) -> dict:
    env = {**os.environ, "BRIEFING_CACHE": cache}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(folder), what],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return json.loads(out)


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--shape", nargs="+", choices=sorted(SHAPES), default=sorted(SHAPES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-benchmark"))
    parser.add_argument("--numeric-share", type=float, default=0.0)
    args = parser.parse_args()
    numeric = f"-numeric{args.numeric_share:g}" if args.numeric_share else ""
    for shape in args.shape:
        folder = args.work / f"{shape}-{args.claims}{numeric}"
        if not (folder / "claims.csv").is_file():  # written by a child: the peak memory of
            # a process is inherited across fork and exec, so this one stays small
            subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("synthetic.py")),
                    str(folder),
                    "--claims",
                    str(args.claims),
                    "--shape",
                    shape,
                    "--numeric-share",
                    str(args.numeric_share),
                ],
                check=True,
                capture_output=True,
            )
        cache = args.work / f"cache-{shape}-{args.claims}{numeric}"
        plain = [measure(folder, "off", "analyze") for _ in range(args.repeat)]
        measure(folder, str(cache), "load")  # fills the cache
        cached = [measure(folder, str(cache), "load") for _ in range(args.repeat)]
        first = plain[0]
        print(
            f"{shape}{numeric}: {first['claims']:,} claims, {first['edges']:,} citation edges "
            f"({', '.join(f'{k}={v}' for k, v in SHAPES[shape].items())})"
        )
        runs = ", ".join("{load_s:.2f}+{analyze_s:.2f}".format(**r) for r in plain)
        print(
            f"  load+validate {median(plain, 'load_s'):.2f} s, analyze() "
            f"{median(plain, 'analyze_s'):.2f} s, peak {max(r['peak_mb'] for r in plain):,.0f} MB"
            f"  (runs, load+analyze: {runs})"
        )
        print(
            f"  cached load {median(cached, 'load_s'):.2f} s, peak "
            f"{max(r['peak_mb'] for r in cached):,.0f} MB"
        )


if __name__ == "__main__":
    main()
