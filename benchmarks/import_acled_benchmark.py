"""Benchmark: `briefing import acled` on generated ACLED-format exports.

Target (issue 12): 1,000,000 rows with 2-3 sources each in under 30 s and under
4 GB peak on a 2-core machine. A second shape has fewer rows, one source each
and long notes. The rows are invented (ACLED's terms forbid redistributing its
data) but shaped like an export: every column, ISO dates with some week and
month precision, a few thousand outlets, realistic notes. Each import runs as
a fresh `briefing` process, timed with /usr/bin/time -v (wall time, max RSS).

    python benchmarks/import_acled_benchmark.py [--rows N] [--long-rows N] [--phases]

--phases also times convert / write+validate / a separate load_dataset in this
process, to show where the time goes.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = ROOT / ".venv" / "bin" / "briefing"
COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
EVENT_KINDS = [  # disorder, event type, sub-event type, actor2 present
    (
        "Political violence",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        False,
    ),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", False),
    ("Political violence", "Battles", "Armed clash", True),
    ("Political violence", "Violence against civilians", "Attack", True),
    ("Demonstrations", "Protests", "Peaceful protest", False),
    ("Strategic developments", "Strategic developments", "Looting/property destruction", False),
]
ACTORS = [
    "Military Forces of Russia (2000-)",
    "Military Forces of Ukraine (2019-)",
    "Protesters (Ukraine)",
    "Civilians (Ukraine)",
    "Unidentified Armed Group (Ukraine)",
]
ADMIN1 = ["Kharkiv", "Donetsk", "Zaporizhia", "Sumy", "Kherson", "Luhansk", "Kyiv City", "Odesa"]
WORDS = [
    "Kyiv", "Kharkiv", "Odesa", "Dnipro", "Lviv", "Sumy", "Poltava", "Donbas", "Black Sea",
    "Slobidskyi", "Pivden", "Skhid", "Vilna", "Nova", "Narodna", "Ukrainska", "Regional",
]  # fmt: skip
TYPES = [
    "Post", "Times", "Independent", "Pravda", "News", "Daily", "Herald", "Online", "Today",
    "Vesti", "Gazeta", "Telegraph", "Channel", "Radio", "TV", "Monitor", "Observer",
]  # fmt: skip


def outlet_names(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct outlet-like names ('Kharkiv Times 12'), one in a hundred in capitals
    (so the importer's case merging has work to do)."""
    base = np.char.add(np.char.add(np.repeat(WORDS, len(TYPES)), " "), np.tile(TYPES, len(WORDS)))
    number = np.arange(count)
    suffix = np.where(number < len(base), "", np.char.add(" ", (number // len(base)).astype(str)))
    names = np.char.add(base[number % len(base)], suffix)
    return np.where(rng.random(count) < 0.01, np.char.upper(names), names)


def generate(
    path: Path, rows: int, *, sources: tuple[int, int], notes_words: int, seed: int
) -> None:
    """Write ``rows`` ACLED-format rows to ``path`` (vectorized, about 10 s per million)."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, len(EVENT_KINDS), rows)
    kinds = list(zip(*EVENT_KINDS, strict=True))
    day = np.datetime64("2022-02-24") + rng.integers(0, 1000, rows)
    precision = rng.choice([1, 2, 3], rows, p=[0.85, 0.1, 0.05])
    places = 4000
    place = rng.integers(0, places, rows)
    lat = np.round(44.5 + rng.random(places) * 7.5, 4)[place]
    lon = np.round(22.5 + rng.random(places) * 17.5, 4)[place]
    admin1 = np.array(ADMIN1)[np.arange(places) % len(ADMIN1)][place]
    location = np.char.add("Selo ", (np.arange(places)).astype(str))[place]
    outlets = outlet_names(3000, rng)
    picks = rng.integers(0, len(outlets), (rows, sources[1]))
    many = rng.integers(sources[0], sources[1] + 1, rows)
    parts = [pa.array(outlets[picks[:, k]]) for k in range(sources[1])]
    cells = parts[0]
    for k in range(1, sources[1]):
        more = pc.binary_join_element_wise(cells, parts[k], "; ")
        cells = pc.if_else(pa.array(many > k), more, cells)
    iso_day = np.datetime_as_string(day, "D")
    actor2 = np.where(np.array(kinds[3])[kind], np.array(ACTORS)[rng.integers(1, 4, rows)], "")
    sentence = (
        "forces shelled the area and damaged several houses and a power line; local "
        "officials said repair crews were sent and that casualties were being checked"
    )
    words = sentence.split()
    filler = " ".join(words[i % len(words)] for i in range(notes_words))  # one text, reused
    notes = pc.binary_join_element_wise(
        pa.array(np.char.add("On ", iso_day)),
        pa.array(location),
        pa.array(admin1),
        filler,
        ", ",
    )
    stamp = day.astype("datetime64[s]").astype(np.int64) + 86400 * rng.integers(3, 40, rows)
    table = pa.table(
        {
            "event_id_cnty": np.char.add("UKR", np.arange(rows).astype(str)),
            "event_date": iso_day,
            "year": day.astype("datetime64[Y]").astype(str),
            "time_precision": precision.astype(str),
            "disorder_type": np.array(kinds[0])[kind],
            "event_type": np.array(kinds[1])[kind],
            "sub_event_type": np.array(kinds[2])[kind],
            "actor1": np.array(ACTORS)[rng.integers(0, 2, rows)],
            "assoc_actor_1": np.full(rows, ""),
            "inter1": np.full(rows, "State forces"),
            "actor2": actor2,
            "assoc_actor_2": np.full(rows, ""),
            "inter2": np.where(actor2 == "", "", "State forces"),
            "interaction": np.full(rows, "State forces only"),
            "civilian_targeting": np.where(kind == 3, "Civilian targeting", ""),
            "iso": np.full(rows, "804"),
            "region": np.full(rows, "Europe"),
            "country": np.full(rows, "Ukraine"),
            "admin1": admin1,
            "admin2": np.char.add(admin1, "skyi"),
            "admin3": np.full(rows, ""),
            "location": location,
            "latitude": lat.astype(str),
            "longitude": lon.astype(str),
            "geo_precision": rng.integers(1, 4, rows).astype(str),
            "source": cells,
            "source_scale": np.full(rows, "National"),
            "notes": notes,
            "fatalities": rng.poisson(0.3, rows).astype(str),
            "tags": np.full(rows, ""),
            "timestamp": stamp.astype(str),
        }
    )
    pacsv.write_csv(table.select(COLUMNS), path)


PHASES = """
import os; from analysis.runtime import tune_process; from analysis.settings import Settings; tune_process(Settings.from_environment(os.environ))  # as the briefing command does
import json, sys, time
from pathlib import Path
from analysis.importers import acled
from analysis.importers.report import ImportReport
from analysis.importers.request import ImportRequest
from analysis.importers.writer import table_in_order, write_csv
from analysis.contract import schema
marks = [(time.perf_counter(), time.process_time())]
tables = acled.convert(ImportRequest([Path(sys.argv[1])], ImportReport(acled.TITLE)))
marks.append((time.perf_counter(), time.process_time()))
out = Path(sys.argv[2])
out.mkdir()
for name, frame in tables.frames().items():
    write_csv(table_in_order(name, frame), out / schema.TABLE_BY_NAME[name].file)
(out / schema.MANIFEST).write_text('name = "benchmark"\\n')
marks.append((time.perf_counter(), time.process_time()))
print(json.dumps([[b[0] - a[0], b[1] - a[1]] for a, b in zip(marks, marks[1:])]))
"""
LOAD = (
    "import sys; import os; from analysis.runtime import tune_process; from analysis.settings import Settings; tune_process(Settings.from_environment(os.environ)); "
    "from analysis.contract.dataset import load_dataset; load_dataset(sys.argv[1])"
)


def timed(command: list[str]) -> dict:
    """Run ``command`` in a fresh process under /usr/bin/time -v: wall and CPU seconds
    (CPU = user + system, which other work on a shared machine does not inflate much)
    and the process's peak memory (max RSS, MB)."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"failed: {shlex.join(command)}\n{done.stdout}\n{done.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    hours, minutes, seconds = (float(g or 0) for g in wall.groups())
    cpu = sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", done.stderr).group(1))
        for kind in ("User", "System")
    )
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return {
        "wall_s": hours * 3600 + minutes * 60 + seconds,
        "cpu_s": cpu,
        "peak_mb": rss / 1024,
        "stdout": done.stdout,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--long-rows", type=int, default=300_000)
    parser.add_argument("--phases", action="store_true")
    args = parser.parse_args()
    shapes = [
        ("2-3 sources, short notes", args.rows, (2, 3), 30),
        ("1 source, long notes", args.long_rows, (1, 1), 300),
    ]
    print(
        f"{'shape':<26} {'rows':>9} {'CSV MB':>7} {'claims':>10} "
        f"{'wall s':>7} {'CPU s':>6} {'peak MB':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for label, rows, sources, notes_words in shapes:
            if rows <= 0:
                continue
            csv_path = Path(tmp) / f"acled-{rows}.csv"
            generate(csv_path, rows, sources=sources, notes_words=notes_words, seed=rows)
            command = [str(BRIEFING), "import", "acled", str(csv_path), "--out"]
            run = timed([*command, str(Path(tmp) / f"out-{rows}")])
            claims = re.search(r"([\d,]+) claims", run["stdout"]).group(1)
            size = csv_path.stat().st_size / 2**20
            print(
                f"{label:<26} {rows:>9,} {size:>7,.0f} {claims:>10} "
                f"{run['wall_s']:>7.1f} {run['cpu_s']:>6.1f} {run['peak_mb']:>8,.0f}"
            )
            print(f"  command: {shlex.join([*command, 'OUT'])}")
            if args.phases:
                staged = Path(tmp) / f"phases-{rows}"
                split = timed([sys.executable, "-c", PHASES, str(csv_path), str(staged)])
                (convert, write) = json.loads(split["stdout"])
                load = timed([sys.executable, "-c", LOAD, str(staged)])
                print(
                    f"  phases (fresh processes): convert {convert[0]:.1f} s wall / "
                    f"{convert[1]:.1f} s CPU; write CSVs {write[0]:.1f} / {write[1]:.1f}; "
                    f"convert+write peak {split['peak_mb']:,.0f} MB; load_dataset (validation) "
                    f"{load['wall_s']:.1f} / {load['cpu_s']:.1f}, peak {load['peak_mb']:,.0f} MB"
                )


if __name__ == "__main__":
    main()
