"""Benchmark: `briefing analyze --json` on 1,000,000 claims, the writing alone and end to end.

Target (issue 11, item 2): `briefing analyze DIR --json > file` under 10 s wall and
2 GB peak on a 2-core machine, of which writing the JSON (from the Analysis to bytes in
the file) about 2-3 s.

Loads and analyses the dataset once, then times only ``write_contract``, to /dev/null
and into a file (median of ``--repeat``, wall and CPU seconds, as the machine may be
shared), with the peak RSS while writing (Linux: the high-water mark
is reset after the analysis, so loading does not hide it). Then runs the command end to
end under /usr/bin/time -v and checks that it wrote the same bytes.

    python benchmarks/json_benchmark.py [--claims N] [--shape relayed] [--dataset DIR]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import SHAPES, write_synthetic  # noqa: E402

from analysis.compute.contract_json import write_contract  # noqa: E402
from analysis.compute.results import CONTRACT_JSON, analyze  # noqa: E402
from analysis.contract.dataset import load_dataset  # noqa: E402


def status_kb(field: str) -> int | None:
    """A memory figure of this process from /proc (Linux), in kB."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS, so the next peak is the writer's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def dataset_folder(args: argparse.Namespace) -> Path:
    if args.dataset:
        return args.dataset
    folder = Path("/tmp") / f"json-benchmark-{args.shape}-{args.claims}"
    if not (folder / "claims.csv").is_file():
        print(f"writing {args.claims:,} claims ({args.shape}) to {folder} ...", flush=True)
        write_synthetic(folder, claims=args.claims, **SHAPES[args.shape])
    return folder


def end_to_end(folder: Path, out: Path) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of `briefing analyze FOLDER --json > OUT`."""
    script = Path(sys.executable).with_name("briefing")
    command = ["/usr/bin/time", "-v", str(script), "analyze", str(folder), "--json"]
    with open(out, "wb") as stdout:
        run = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise SystemExit(f"briefing failed ({run.returncode}):\n{run.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", run.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    assert wall and rss, run.stderr
    hours, minutes, seconds = wall.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return total, int(rss.group(1)) / 1024, " ".join(command) + f" > {out}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="relayed")
    parser.add_argument("--dataset", type=Path, help="an existing dataset folder to use")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/json-benchmark-out.json"))
    parser.add_argument("--keep", action="store_true", help="keep the JSON files written")
    parser.add_argument("--no-end-to-end", action="store_true")
    args = parser.parse_args()

    folder = dataset_folder(args)
    print(load_line())
    start = time.perf_counter()
    dataset = load_dataset(folder)
    loaded = time.perf_counter()
    result = analyze(dataset)
    analysed = time.perf_counter()
    rows = {key: len(getattr(result, key)) for key, cols in CONTRACT_JSON.items() if cols}
    print(f"{folder}: load {loaded - start:.2f} s, analyze {analysed - loaded:.2f} s")
    print("rows: " + ", ".join(f"{key} {count:,}" for key, count in rows.items()))

    before = status_kb("VmRSS")
    measured_peak = reset_peak_rss()
    # /dev/null: the encoding alone; the file: plus the page cache (and the disk, when the
    # kernel throttles writers because too much is waiting to be written back).
    for target in (Path(os.devnull), args.out):
        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            with open(target, "wb") as file:
                write_contract(result, file)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        median = statistics.median(walls)
        print(
            f"write_contract to {target}: median {median:.2f} s wall of "
            + ", ".join(f"{s:.2f}" for s in walls)
            + f"; CPU median {statistics.median(cpus):.2f} s"
        )
    size = args.out.stat().st_size / 1e6
    print(f"output: {size:,.0f} MB, {size / median:,.0f} MB/s into the file")
    peak = status_kb("VmHWM") if measured_peak else None
    if before is not None and peak is not None:
        print(
            f"RSS {before / 1024:,.0f} MB with the analysis held; peak while writing "
            f"{peak / 1024:,.0f} MB (+{(peak - before) / 1024:,.0f} MB)"
        )
    print(load_line())

    if not args.no_end_to_end:
        del result, dataset
        other = args.out.with_name(args.out.stem + "-cli.json")
        wall, rss, command = end_to_end(folder, other)
        same = filecmp.cmp(args.out, other, shallow=False)
        print(f"end to end: {wall:.2f} s wall, {rss:,.0f} MB peak RSS: {command}")
        print(f"same bytes as write_contract: {same}")
        print(load_line())
        if not args.keep:
            other.unlink()
    if not args.keep:
        args.out.unlink()


if __name__ == "__main__":
    main()
