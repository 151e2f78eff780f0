"""Benchmark: `briefing import gdelt` on generated GDELT 2.0 Events + Mentions files.

Target (issue 12): 2,000,000 mention rows in under 30 s on this machine (2 cores).
Two shapes: "wide" (2,000,000 mentions of 200,000 events by 3,000 outlets in
500,000 articles, one mention in ten repeating an article's event in another sentence),
and "repetitive" (500,000 mentions of 5,000 events in 20,000 articles, so the
same URL comes back again and again). The wide shape runs on plain and on zipped
files, as GDELT publishes them. Each import runs as its own process, timed end
to end (wall clock, CPU seconds, peak resident memory); then once more in a process that
times its phases (reading and converting, writing, validating the written tables).

    python benchmarks/import_gdelt_benchmark.py [--mentions N] [--events N] [--shape wide|repetitive|all]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from analysis.importers.gdelt import EVENT_COLUMNS, MENTION_COLUMNS  # noqa: E402

BRIEFING = Path(sys.executable).with_name("briefing")
START = np.datetime64("2025-03-01T00:00:00", "s")
DAYS = 31
TSV = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
ACTORS = np.array(["RUSSIA", "UKRAINE", "FRANCE", "GERMANY", "POLICE", "GOVERNMENT", "PROTESTER",
                   "MILITARY", "PRESIDENT", "REBEL", "CITIZEN", "UNITED STATES"])  # fmt: skip
PLACES = [  # FullName, country (FIPS), ADM1, lat, lon, FeatureID
    ("Kharkiv, Kharkivs'ka Oblast', Ukraine", "UP", "UP07", "50", "36.25", "-1044367"),
    ("Belgorod, Belgorod, Russia", "RS", "RS09", "50.6107", "36.5802", "-2122367"),
    ("Paris, Ile-de-France, France", "FR", "FRA8", "48.8667", "2.33333", "-1456928"),
    ("Ukraine", "UP", "UP", "49", "32", "UP"),
    ("Kyiv, Kyyiv, Misto, Ukraine", "UP", "UP12", "50.4333", "30.5167", "-1044367000"),
    ("Berlin, Berlin, Germany", "GM", "GM16", "52.5167", "13.4", "-1746443"),
]
MEASURE = """
import os; from analysis.runtime import tune_process; from analysis.settings import Settings; tune_process(Settings.from_environment(os.environ))  # as the briefing command does
import json, sys, time
import analysis.importers.run as run, analysis.importers.writer as writer
from pathlib import Path
phases = {}
def timed(name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0) + time.perf_counter() - start
    return wrapper
run.write_dataset = timed("write+validate", run.write_dataset)
writer.validate_written = timed("validate", writer.validate_written)
start = time.perf_counter()
run.import_dataset("gdelt", [Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
total = time.perf_counter() - start
phases["write (CSV files)"] = phases.pop("write+validate") - phases["validate"]
phases["read+convert"] = total - phases["write (CSV files)"] - phases["validate"]
print(json.dumps(phases))
"""
PEAK = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "code": done.returncode,
                  "out": done.stdout, "err": done.stderr}))
"""


def write_tsv(columns: dict[str, pa.Array], names: tuple[str, ...], rows: int, path: Path) -> None:
    table = pa.table({n: columns.get(n, pa.nulls(rows, pa.string())) for n in names})
    pacsv.write_csv(table, path, TSV)


def generate(folder: Path, *, events: int, mentions: int, articles: int, outlets: int,
             repeat_share: float, seed: int = 12) -> tuple[Path, Path]:  # fmt: skip
    """Write one events and one mentions file of this shape into ``folder``."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    event_ids = 1_200_000_000 + np.arange(events, dtype=np.int64)
    day = np.sort(rng.integers(0, DAYS, events))
    day_text = pd.Series((START.astype("datetime64[D]") + day).astype(str)).str.replace("-", "")
    added = pd.Series(
        (START + day * 86_400 + rng.integers(0, 96, events) * 900).astype(str)
    ).str.replace(r"[-T:]", "", regex=True)
    place = rng.integers(0, len(PLACES), events)
    geo = [pa.array(np.array([p[i] for p in PLACES])[place]) for i in range(6)]
    root = rng.integers(1, 21, events)
    code = pd.Series(root).astype(str).str.zfill(2) + pd.Series(rng.integers(0, 10, events)).astype(
        str
    )
    event_columns = {
        "GLOBALEVENTID": pa.array(event_ids.astype(str)),
        "SQLDATE": pa.array(day_text),
        "MonthYear": pa.array(day_text.str.slice(0, 6)),
        "Year": pa.array(day_text.str.slice(0, 4)),
        "Actor1Name": pa.array(ACTORS[rng.integers(0, len(ACTORS), events)]),
        "Actor2Name": pa.array(ACTORS[rng.integers(0, len(ACTORS), events)]),
        "IsRootEvent": pa.array(np.full(events, "1")),
        "EventCode": pa.array(code),
        "EventBaseCode": pa.array(code),
        "EventRootCode": pa.array(code.str.slice(0, 2)),
        "QuadClass": pa.array(rng.integers(1, 5, events).astype(str)),
        "GoldsteinScale": pa.array(np.round(rng.uniform(-10, 10, events), 1).astype(str)),
        "NumMentions": pa.array(rng.integers(1, 50, events).astype(str)),
        "NumSources": pa.array(rng.integers(1, 10, events).astype(str)),
        "NumArticles": pa.array(rng.integers(1, 50, events).astype(str)),
        "AvgTone": pa.array(np.round(rng.uniform(-10, 5, events), 4).astype(str)),
        "ActionGeo_Type": pa.array(np.full(events, "4")),
        "ActionGeo_FullName": geo[0],
        "ActionGeo_CountryCode": geo[1],
        "ActionGeo_ADM1Code": geo[2],
        "ActionGeo_Lat": geo[3],
        "ActionGeo_Long": geo[4],
        "ActionGeo_FeatureID": geo[5],
        "DATEADDED": pa.array(added),
        "SOURCEURL": pa.array("https://example-news.com/story/" + pd.Series(event_ids).astype(str)),
    }
    events_path = folder / "20250331234500.export.CSV"
    write_tsv(event_columns, EVENT_COLUMNS, events, events_path)

    outlet_names = pd.Series(np.arange(outlets)).astype(str).radd("outlet-").add(".com")
    article_outlet = rng.integers(0, outlets, articles)
    article_seen = START + rng.integers(0, DAYS * 96, articles) * 900
    article_url = (
        "https://www." + outlet_names.iloc[article_outlet].reset_index(drop=True)
        + "/news/2025/03/story-" + pd.Series(np.arange(articles)).astype(str) + ".html"
    )  # fmt: skip
    article = rng.integers(0, articles, mentions)
    # an article mentions events dated on or before the day it was seen (a few after)
    seen_day = (article_seen[article] - START).astype(np.int64) // 86_400
    known = np.searchsorted(day, seen_day, side="right")
    event = (rng.random(mentions) * np.maximum(known, 1)).astype(np.int64)
    late = rng.random(mentions) < 0.005
    event[late] = rng.integers(0, events, int(late.sum()))
    again = np.flatnonzero(rng.random(mentions) < repeat_share)
    source = rng.integers(0, mentions, again.size)
    article[again], event[again] = article[source], event[source]
    kind = np.where(rng.random(mentions) < 0.01, "2", "1")
    mention_columns = {
        "GLOBALEVENTID": pa.array(event_ids[event].astype(str)),
        "EventTimeDate": pa.array(added.to_numpy()[event]),
        "MentionTimeDate": pa.array(
            pd.Series(article_seen[article].astype(str)).str.replace(r"[-T:]", "", regex=True)
        ),
        "MentionType": pa.array(kind),
        "MentionSourceName": pa.array(outlet_names.to_numpy()[article_outlet[article]]),
        "MentionIdentifier": pa.array(article_url.to_numpy()[article]),
        "SentenceID": pa.array(rng.integers(1, 40, mentions).astype(str)),
        "Actor1CharOffset": pa.array(rng.integers(-1, 5000, mentions).astype(str)),
        "Actor2CharOffset": pa.array(rng.integers(-1, 5000, mentions).astype(str)),
        "ActionCharOffset": pa.array(rng.integers(0, 5000, mentions).astype(str)),
        "InRawText": pa.array(rng.integers(0, 2, mentions).astype(str)),
        "Confidence": pa.array((rng.integers(1, 11, mentions) * 10).astype(str)),
        "MentionDocLen": pa.array(rng.integers(500, 20000, mentions).astype(str)),
        "MentionDocTone": pa.array(np.round(rng.uniform(-10, 5, mentions), 4).astype(str)),
        "MentionDocTranslationInfo": pa.array(
            np.where(rng.random(mentions) < 0.3, "srclc:rus;eng:GT-RUS 1.0", "")
        ),
    }
    mentions_path = folder / "20250331234500.mentions.CSV"
    write_tsv(mention_columns, MENTION_COLUMNS, mentions, mentions_path)
    return events_path, mentions_path


def zipped(path: Path) -> Path:
    target = path.with_name(path.name + ".zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, path.name)
    return target


def measure(inputs: list[Path], out: Path) -> dict:
    command = [str(BRIEFING), "import", "gdelt", *map(str, inputs), "--out", str(out)]
    result = json.loads(
        subprocess.run(
            [sys.executable, "-c", PEAK, *command], check=True, capture_output=True, text=True
        ).stdout
    )
    if result["code"]:
        raise SystemExit(f"import failed:\n{result['err']}")
    result["command"] = shlex.join(command)
    phases = subprocess.run(
        [sys.executable, "-c", MEASURE, str(out.with_name(out.name + "-phases")), *map(str, inputs)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result["phases"] = json.loads(phases.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=2_000_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--shape", choices=["wide", "repetitive", "all"], default="all")
    args = parser.parse_args()
    shapes = {
        "wide": dict(events=args.events, mentions=args.mentions, articles=args.mentions // 4,
                     outlets=3_000, repeat_share=0.1),
        "repetitive": dict(events=5_000, mentions=500_000, articles=20_000, outlets=500,
                           repeat_share=0.3),
    }  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, shape in shapes.items():
            if args.shape not in (name, "all"):
                continue
            inputs = list(generate(Path(tmp) / name, **shape))
            variants = [("plain", inputs)]
            if name == "wide":
                variants.append(("zip", [zipped(p) for p in inputs]))
            for variant, files in variants:
                result = measure(files, Path(tmp) / f"out-{name}-{variant}")
                sizes = sum(p.stat().st_size for p in files) / 2**20
                rows.append((name, variant, shape, sizes, result))
    columns = "shape | input | mentions | events | MB | wall s | CPU s | peak MB | phases: "
    print(f"| {columns}read+convert | write | validate |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, variant, shape, size, r in rows:
        p = r["phases"]
        print(
            f"| {name} | {variant} | {shape['mentions']:,} | {shape['events']:,} | {size:,.0f} "
            f"| {r['wall']:.1f} | {r['cpu']:.1f} | {r['peak_mb']:,.0f} | {p['read+convert']:.1f} "
            f"| {p['write (CSV files)']:.1f} | {p['validate']:.1f} |"
        )
    # other work on the machine stretches wall times; CPU seconds show what the import cost
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print()
    for name, variant, _, _, r in rows:
        print(f"{name}/{variant}: {r['command']}")
        print("  " + " | ".join(line for line in r["out"].splitlines() if "written" in line))


if __name__ == "__main__":
    main()
