"""Hostile jobs files: every one loads and plans, or is refused with short lines.

Each generated example mutates a valid jobs file (one job with a grid, one
without) or builds a hostile one from the families that could break the desk:
names that become paths (a job name, a grid key, an ``as_of``), wrong types in
every place, non-finite and huge numbers, random or impossible cron fields,
grids whose product explodes, encodings (UTF-16 with and without a BOM, a
UTF-8 BOM, Latin-1, binary, NUL bytes), deep nesting, long dotted keys and
huge files; the plan is made at times from year 1 to 9999 in zones from
UTC-23:59 to UTC+14.

Property: ``load_jobs``, expanding every grid and ``plan_briefings`` (no kernel)
either succeed or raise a BriefingError whose every line is under 2 KB, within
seconds; no other exception, and no file made outside the test's folder. The
seed is fixed (derandomized), so ``make test`` runs the same examples each time;
a release check runs more:

    HOSTILE_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_hostile_jobs.py
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import json
import math
import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analysis.desk.history import History
from analysis.desk.jobs import load_jobs
from analysis.desk.jobs_text import MAX_SHOWN
from analysis.desk.plan import plan_briefings
from analysis.errors import BriefingError

from .conftest import ROOT
from .test_desk_support import fingerprinter, write_desk

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "80"))
SECONDS = 20.0  # one example's bound: load, expand and plan (a 10,000-briefing plan is ~5 s)
LINE_BYTES = 2048

VALID = {
    "name": "morning",
    "notebook": "brief",
    "formats": ["html"],
    "timeout": 900,
    "parameters": {"dataset": "data/one", "as_of": "{scheduled_date}", "marking": "X"},
    "grid": {"topic": ["Drones", "Front line"], "max_rows": [10, 20]},
    "schedule": {"cron": "0 6 * * *", "timezone": "Europe/Kyiv", "catch_up": "latest"},
    "notify": {"on_failure": ["desk@example.org"]},
}
PLAIN = {
    "name": "weekly",
    "notebook": "brief",
    "schedule": {"cron": "0 7 * * 1", "timezone": "UTC"},
}
PATHS = [
    ("name",), ("notebook",), ("formats",), ("timeout",), ("cell_timeout",), ("schedule",),
    ("schedule", "cron"), ("schedule", "timezone"), ("schedule", "catch_up"), ("parameters",),
    ("parameters", "as_of"), ("parameters", "marking"), ("parameters", "max_rows"),
    ("parameters", "dataset"), ("parameters", "topic"), ("grid",), ("grid", "topic"),
    ("grid", "max_rows"), ("grid", "as_of"), ("notify",), ("notify", "on_failure"), ("extra",),
]  # fmt: skip
NAMES_AS_PATHS = [
    "../../../somewhere", "..", ".", "latest", "_internal", ".hidden", "a/b", "a\\b", "a\0b",
    "a\nb", "morning\n", "x" * 256, "é" * 200, "{scheduled_date}/..", "../{scheduled_date}",
    "\u202e", "", " ", "-", "CON", "a" * 251, "a" * 250,
]  # fmt: skip
CRONS = [
    "R 6 * * *", "0 R * * *", "r(0-29) 6 * * *", "H 6 * * *", "H/15 * * * *", "0 0 30 2 *",
    "0 0 31 4,6,9,11 *", "0 0 29 2 *", "0 0 29 2 1", "* * * * *", "59 23 31 12 *",
    "0 0 1 1 *", "*/0 * * * *", "0 0 0 * *", "0 0 * * 8", "0 6 * * * *", "@daily", "0 6 L * *",
    "0 6 * * 5#5", "0 6 ? * *", "0 6 * * 7", "1-0 * * * *", "0 0 1 1 * 2100", "０ 6 * * *",
    "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20 * * * *", "0 6 * * *" + " " * 300,
    "0 6 * * MON-FRI", "0 6 1-31/2 * *", "0 6 * jan-dec/3 *", "-1 * * * *", "0 6 W * *",
]  # fmt: skip
SCALARS = [
    0, -1, 1, 2**63 - 1, -(2**63), math.nan, math.inf, -math.inf, 1e308, 0.5, True, False,
    dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2025, 4, 8, 6, 0), dt.time(6, 0),
    "html", "pdf", "UTC", "Europe/Kyiv", "../etc", "none", "latest", "x" * 5000, "",
    "desk@example.org\nBcc: all@example.org", "desk@example.org", "tcp://10.0.0.5:8786\n",
]  # fmt: skip
ZONES = [
    dt.UTC, ZoneInfo("Europe/Kyiv"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12"),
    dt.timezone(dt.timedelta(hours=23, minutes=59)), dt.timezone(-dt.timedelta(hours=23, minutes=59)),
]  # fmt: skip
EDGE_TIMES = [
    dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(1, 1, 2, tzinfo=dt.UTC),
    dt.datetime(1969, 12, 31, 23, 59, tzinfo=dt.UTC), dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC),
    dt.datetime.min.replace(tzinfo=ZONES[-1]), dt.datetime.max.replace(tzinfo=ZONES[-2]),
    dt.datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Kyiv")),
    dt.datetime(2026, 10, 25, 3, 30, fold=1, tzinfo=ZoneInfo("Europe/Kyiv")),
]  # fmt: skip


def toml_value(value: object) -> str:
    """``value`` as a TOML value, inline (tables as inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else {math.inf: "inf", -math.inf: "-inf"}.get(value, repr(value))
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_file(jobs: list[dict], desk: dict | None = None) -> str:
    lines = [f"desk = {toml_value(desk)}"] if desk is not None else []
    for job in jobs:  # a loop over a few jobs
        lines.append("[[job]]")
        lines += [f"{json.dumps(key)} = {toml_value(value)}" for key, value in job.items()]
    return "\n".join(lines) + "\n"


def put(job: dict, path: tuple[str, ...], value: object) -> dict:
    """A copy of ``job`` with ``value`` at ``path`` (tables made as needed)."""
    changed = copy.deepcopy(job)
    table = changed
    for key in path[:-1]:
        if not isinstance(table.get(key), dict):
            table[key] = {}
        table = table[key]
    table[path[-1]] = value
    return changed


hostile_scalar = st.one_of(
    st.sampled_from(SCALARS + NAMES_AS_PATHS + CRONS),
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
)
hostile_value = st.recursive(
    hostile_scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_jobs(draw) -> bytes:
    """The valid file with a few values replaced, jobs repeated or a grid blown up."""
    jobs = [VALID, PLAIN]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 1, 2, 3]))):
        at = draw(st.integers(0, len(jobs) - 1))
        path = draw(st.sampled_from(PATHS))
        jobs[at] = put(jobs[at], path, draw(hostile_value))
    if draw(st.integers(0, 3)) == 0:
        width, depth = draw(st.integers(1, 200)), draw(st.integers(1, 12))
        names = ["topic", "max_rows", "marking", "as_of", "dataset"] + [
            f"p{i}" for i in range(depth)
        ]
        grid = {names[i]: [f"v{i}-{j}" for j in range(width)] for i in range(depth)}
        jobs[0] = put(jobs[0], ("grid",), grid)
    if draw(st.integers(0, 5)) == 0:
        jobs = jobs + [jobs[draw(st.integers(0, len(jobs) - 1))]] * draw(st.integers(1, 3))
    desk = draw(
        st.none()
        | st.none()
        | st.none()
        | st.dictionaries(st.sampled_from(["executor", "scheduler", "x"]), hostile_scalar)
    )
    return toml_file(jobs, desk).encode("utf-8", "surrogatepass")


def hostile_text(valid: str) -> list[bytes]:
    """Whole files of the other families, around the valid text."""
    return [
        codecs.BOM_UTF16_LE + valid.encode("utf-16-le"),
        valid.encode("utf-16-le"),
        valid.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + valid.encode("utf-32-le"),
        codecs.BOM_UTF8 + valid.encode(),
        valid.replace("X", "é").encode("latin-1"),
        bytes(range(256)) * 8,
        valid.encode() + b"\0",
        ("x = " + "[" * 5000 + "]" * 5000).encode(),
        ("x = " + "{a = " * 3000 + "1" + "}" * 3000).encode(),
        ("[" + ".".join(["a"] * 20_000) + "]").encode(),
        (".".join(["a"] * 20_000) + " = 1").encode(),
        ("n = " + "9" * 5000).encode(),
        b"[[job]]\n" * 130_000,
        valid.encode() + b"#" * (1 << 20),
        ("[[job]]\n" + "x" * 200_000 + " = 1\n").encode(),
        ('[[job]]\nname = "' + "n" * 500_000 + '"\n').encode(),
        valid.encode()[: len(valid) // 2],
    ]


@st.composite
def jobs_file_bytes(draw) -> bytes:
    valid = toml_file([VALID, PLAIN])
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(hostile_text(valid)))
    data = draw(mutated_jobs())
    if draw(st.integers(0, 7)) == 0:  # a few bytes spliced in anywhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


plan_time = st.one_of(
    st.sampled_from(EDGE_TIMES),
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from(ZONES),
    ),
)


def files_under(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*")}


def load_expand_and_plan(jobs_file: Path, now: dt.datetime, due: bool) -> None:
    """What ``briefing plan`` does, without printing: the property's subject."""
    jobs = load_jobs(jobs_file)
    for job in jobs:  # a loop over a few jobs
        job.briefings()
    root = jobs_file.parent
    history = History(root / "reports", read_only=True)
    plan_briefings(jobs, now, history, due=due, fingerprinter=fingerprinter(root))


def assert_refused_briefly(error: BriefingError) -> None:
    lines = str(error).splitlines()
    assert lines and len(lines) <= MAX_SHOWN + 2
    assert all(len(line.encode()) < LINE_BYTES for line in lines), max(lines, key=len)[:300]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=jobs_file_bytes(), now=plan_time, due=st.booleans())
def test_hostile_jobs_files_plan_or_are_refused_briefly(tmp_path_factory, data, now, due):
    root = tmp_path_factory.mktemp("desk")
    jobs_file = write_desk(root)
    jobs_file.write_bytes(data)
    made, outside = (
        files_under(root),
        files_under(ROOT / "reports") | {str(p) for p in ROOT.iterdir()},
    )
    started = time.monotonic()
    try:
        load_expand_and_plan(jobs_file, now, due)
        event("planned")
    except BriefingError as error:
        assert_refused_briefly(error)
        event(f"refused: {type(error).__name__}")
    assert time.monotonic() - started < SECONDS
    assert files_under(root) == made  # a plan changes nothing, not even in its own folder
    assert files_under(ROOT / "reports") | {str(p) for p in ROOT.iterdir()} == outside
