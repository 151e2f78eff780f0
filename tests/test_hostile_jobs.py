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

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analysis.desk.history import History
from analysis.desk.jobs import load_jobs, select_jobs
from analysis.desk.jobs_text import MAX_SHOWN
from analysis.desk.plan import plan_briefings
from analysis.desk.schedule import Schedule, cron_problem
from analysis.errors import BriefingError

from .conftest import ROOT
from .test_desk_support import fingerprinter, write_desk

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "150"))  # about 8 s in all
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
    "html", "pdf", "UTC", "Europe/Kyiv", "Europe", "America/", "posixrules", "../etc", "none", "latest", "x" * 5000, "",
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


@pytest.mark.slow  # generated examples: seconds
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


# Targeted tests, one family at a time. Each names what the code before them did.

JOB = """\
[[job]]
name = "morning"
notebook = "brief"

[job.parameters]
marking = "INTERNAL"

[job.schedule]
cron = "0 6 * * *"
timezone = "Europe/Kyiv"
"""
KYIV = ZoneInfo("Europe/Kyiv")


def text_as_of(root: Path) -> Path:
    """The desk's notebook with ``as_of`` taken as plain text, not as a date."""
    notebook = root / "notebooks" / "brief.ipynb"
    content = json.loads(notebook.read_text())
    cell = content["cells"][0]
    source = "".join(cell["source"]).replace("Optional[date]", "Optional[str]")
    cell["source"] = source
    notebook.write_text(json.dumps(content))
    return notebook


def refused(tmp_path: Path, text: str | bytes, *, as_of_text: bool = False) -> list[str]:
    """The problems of a refused jobs file, each as ``LINE: message; fix``."""
    jobs_file = write_desk(tmp_path)
    if as_of_text:
        text_as_of(tmp_path)
    if isinstance(text, str):
        text = text.encode()
    jobs_file.write_bytes(text)
    with pytest.raises(BriefingError) as caught:
        load_jobs(jobs_file)
    assert_refused_briefly(caught.value)
    lines = str(caught.value).splitlines()
    return [line.removeprefix(f"{jobs_file}:") for line in lines[1:]] or lines


def with_parameter(line: str) -> str:
    return JOB.replace('marking = "INTERNAL"', line)


def with_grid(lines: str) -> str:
    return JOB.replace("[job.schedule]", f"[job.grid]\n{lines}\n\n[job.schedule]")


# 1. Names that become paths (before: all loaded, and a run wrote outside reports/)


@pytest.mark.parametrize(
    "as_of",
    ["../../../somewhere", "a/b", "latest", "_index", ".hidden", "x" * 256, "{scheduled_date}/.."],
)
def test_an_as_of_that_is_not_one_folder_name_is_refused_on_its_line(tmp_path, as_of):
    (problem,) = refused(tmp_path, with_parameter(f"as_of = {json.dumps(as_of)}"), as_of_text=True)
    assert problem.startswith("6: as_of ")
    assert "cannot name a folder" in problem
    assert problem.endswith("; write a date such as 2025-04-08, or {scheduled_date}")


def test_an_as_of_that_is_a_date_or_the_placeholder_names_its_folder(tmp_path):
    for number, as_of in enumerate(['"2025-04-08"', "2025-04-08", '"{scheduled_date}"', '""']):
        jobs_file = write_desk(tmp_path / str(number), with_parameter(f"as_of = {as_of}"))
        text_as_of(tmp_path / str(number))  # text, so only the value keeps it safe
        assert len(load_jobs(jobs_file)) == 1


def test_an_as_of_in_the_grid_is_checked_value_by_value(tmp_path):
    text = (
        JOB.replace('marking = "INTERNAL"\n', "") + '[job.grid]\nas_of = ["2025-04-08", "../up"]\n'
    )
    (problem,) = refused(tmp_path, text, as_of_text=True)
    assert problem.startswith("11: as_of '../up' cannot name a folder: it holds a path separator")


def test_the_notebooks_own_default_as_of_is_checked_when_the_job_leaves_it(tmp_path):
    jobs_file = write_desk(tmp_path)
    notebook = text_as_of(tmp_path)
    notebook.write_text(notebook.read_text().replace("as_of = None", 'as_of = \\"../shared\\"'))
    with pytest.raises(BriefingError, match="the notebook's default as_of '../shared' cannot"):
        load_jobs(jobs_file)


@pytest.mark.parametrize(
    ("topics", "reason"),
    [
        ('["latest", "b"]', "the name is reserved"),
        ('["_drafts", "b"]', "starts with '.' or '_'"),
        (json.dumps(["a" * 300, "b"]), "longer than 255 bytes"),
        (json.dumps(["a" * 251, "b"]), "make a key of 251 bytes; at most 250"),  # + ".lock"
    ],
)
def test_a_grid_key_that_is_not_one_folder_name_is_refused(tmp_path, topics, reason):
    (problem,) = refused(tmp_path, with_grid(f"topic = {topics}"))
    assert problem.startswith("9: topic = ")
    assert reason in problem


def test_a_key_too_long_only_in_combination_is_refused(tmp_path):
    grid = f'topic = ["{"t" * 200}", "b"]\ndataset = ["{"d" * 50}", "e"]'
    (problem,) = refused(tmp_path, with_grid(grid))
    assert problem.startswith("8: topic = 'ttt")  # the grid's header: two names make the key
    assert "make a key of 251 bytes; at most 250; use shorter grid values" in problem


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ('"latest"', "cannot name a folder: the name is reserved"),
        ('"morning\\n"', "is not a name"),  # the old pattern's $ matched before the newline
        (json.dumps("m" * 300), "cannot name a folder: it is longer than 255 bytes"),
        ('"../up"', "is not a name"),
    ],
)
def test_a_job_name_must_be_one_folder_name(tmp_path, name, reason):
    (problem,) = refused(tmp_path, JOB.replace('"morning"', name))
    assert problem.startswith("2: job name ")
    assert reason in problem


def test_two_job_names_differing_only_in_case_are_one_folder_and_refused(tmp_path):
    second = JOB.replace('"morning"', '"Morning"')
    (problem,) = refused(tmp_path, JOB + "\n" + second)
    assert problem == "13: job name 'Morning' is already used on line 2; give each job its own name"


def test_an_unknown_job_asked_for_among_hundreds_is_one_short_line(tmp_path):
    text = "".join(JOB.replace('"morning"', f'"job{i:04}"') for i in range(300))
    jobs = load_jobs(write_desk(tmp_path, text))
    with pytest.raises(BriefingError) as caught:
        select_jobs(jobs, ["x" * 10_000])
    assert str(caught.value).startswith("no job 'xxxxx")
    assert str(caught.value).endswith(
        "; jobs: job0000, job0001, "
        + "".join(f"job{i:04}, " for i in range(2, 20))
        + "... (300 in all)"
    )
    assert len(str(caught.value)) < 400


def test_thousands_of_as_of_values_safe_only_once_typed_are_checked_quickly(tmp_path):
    jobs_file = write_desk(tmp_path)
    notebook = tmp_path / "notebooks" / "brief.ipynb"
    notebook.write_text(notebook.read_text().replace("Optional[date]", "Optional[float]"))
    jobs_file.write_text(JOB + f"[job.grid]\nas_of = {json.dumps(['.5'] * 50_000)}\n")
    started = time.monotonic()
    with pytest.raises(BriefingError, match="the grid makes 50,000 briefings"):
        load_jobs(jobs_file)  # ".5" cannot name a folder, but the float 0.5 can
    assert time.monotonic() - started < 3


def test_a_scheduler_port_must_be_a_port(tmp_path):
    (problem,) = refused(tmp_path, '[desk]\nscheduler = "tcp://10.0.0.5:99999"\n' + JOB)
    assert problem.startswith("2: scheduler 'tcp://10.0.0.5:99999' is not a scheduler address")


def test_a_trailing_newline_does_not_slip_into_an_address_or_a_scheduler(tmp_path):
    notify = '[job.notify]\non_failure = ["desk@example.org\\nBcc: all@example.org"]\n'
    (problem,) = refused(tmp_path / "a", JOB + notify)
    assert "is not an email address" in problem
    (problem,) = refused(
        tmp_path / "b", JOB + '[job.notify]\non_failure = ["desk@example.org\\n"]\n'
    )
    assert "is not an email address" in problem
    (problem,) = refused(tmp_path / "c", '[desk]\nscheduler = "tcp://10.0.0.5:8786\\n"\n' + JOB)
    assert "is not a scheduler address" in problem


# 2. Hostile files (before: UnicodeDecodeError, RecursionError, ValueError, AttributeError,
#    IsADirectoryError tracebacks; minutes and gigabytes for long keys and large grids)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            codecs.BOM_UTF16_LE + JOB.encode("utf-16-le"),
            "briefings.toml is UTF-16 text; save it as UTF-8",
        ),
        (
            codecs.BOM_UTF16_BE + JOB.encode("utf-16-be"),
            "briefings.toml is UTF-16 text; save it as UTF-8",
        ),
        (
            codecs.BOM_UTF32_LE + JOB.encode("utf-32-le"),
            "briefings.toml is UTF-32 text; save it as UTF-8",
        ),
        (JOB.encode("utf-16-le"), ":1: holds NUL bytes, so it is UTF-16 without a BOM"),
        (JOB.replace("INTERNAL", "INTERNE é").encode("latin-1"), ":6: is not UTF-8 (byte 0xe9"),
        (bytes(range(128, 256)), ":1: is not UTF-8 (byte 0x80"),
        (JOB.encode() + b"x = 1\0\n", ":11: holds NUL bytes"),
    ],
)
def test_a_file_that_is_not_utf8_text_is_refused_in_one_line(tmp_path, data, said):
    (line,) = refused(tmp_path, data)
    assert said in line
    assert line.startswith("jobs file ")


def test_a_utf8_byte_order_mark_is_read_past(tmp_path):
    jobs_file = write_desk(tmp_path)
    jobs_file.write_bytes(codecs.BOM_UTF8 + JOB.encode())
    assert [job.name for job in load_jobs(jobs_file)] == ["morning"]


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path):
    (line,) = refused(tmp_path, JOB + "#" * (2 << 20))
    assert "is over 1024 KiB" in line


def test_a_folder_named_as_the_jobs_file_is_refused(tmp_path):
    with pytest.raises(BriefingError, match="is not a file; name a .toml file"):
        load_jobs(tmp_path)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("x = " + "[" * 5000 + "]" * 5000, "1: arrays or tables nested too deeply to read"),
        (".".join(["a"] * 20_000) + " = 1", "1: a dotted key or table header of more than 32"),
        ("[" + ".".join(["job"] * 20_000) + "]", "1: a dotted key or table header of more than 32"),
        ("n = " + "9" * 5000, "1: not valid TOML: 'Exceeds the limit (4300 digits)"),
        ("job = [1, 2]", "1: job must be written [[job]]"),
        ('job = ["morning"]', "1: job must be written [[job]]"),
    ],
)
def test_toml_that_tomllib_or_the_reader_meets_badly_is_refused_quickly(tmp_path, text, said):
    started = time.monotonic()
    (problem,) = refused(tmp_path, text)
    assert problem.startswith(said)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("value", "shown"),
    [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf"), ("1e300", "1e+300"), ("604801", "604801"),
     ("1" + "0" * 30, "1" + "0" * 30), ("0", "0"), ("true", "True")],
)  # fmt: skip
def test_a_time_limit_must_be_finite_and_at_most_a_week(tmp_path, value, shown):
    text = JOB.replace('notebook = "brief"\n', f'notebook = "brief"\ntimeout = {value}\n')
    (problem,) = refused(tmp_path, text)
    assert problem == (
        f"4: timeout {shown} is not a number of seconds above 0 and at most 604,800 (a week); "
        "write a number of seconds above 0, e.g. timeout = 900"
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_non_finite_value_is_refused_since_it_never_equals_itself(tmp_path, value):
    (problem,) = refused(tmp_path, with_grid(f'topic = ["a", {value}]'))
    assert problem.startswith(f"9: parameter 'topic': {value} is not a number a briefing can use")


def test_a_nul_in_a_value_is_refused(tmp_path):
    (problem,) = refused(tmp_path, with_parameter('dataset = "data/one\\u0000x"'))
    assert problem.startswith("6: parameter 'dataset': 'data/one\\x00x' holds a NUL character")


def test_a_notebook_name_too_long_for_the_file_system_is_a_problem_of_its_line(tmp_path):
    (problem,) = refused(tmp_path, JOB.replace('"brief"', json.dumps("n" * 3000)))
    assert problem.startswith("3: notebook 'nnn")
    assert "File name too long" in problem


@pytest.mark.parametrize("zone", ["Europe", "x" * 5000, "../../etc/passwd"])
def test_a_time_zone_that_is_a_folder_or_too_long_is_unknown(tmp_path, zone):
    text = JOB.replace('"Europe/Kyiv"', json.dumps(zone))
    (problem,) = refused(tmp_path, text)
    assert problem.startswith("10: unknown time zone ")


def test_a_grid_too_large_is_refused_by_its_count_without_expanding_it(tmp_path):
    grid = (
        f"topic = {json.dumps([f't{i}' for i in range(100)])}\n"
        f"dataset = {json.dumps([f'd{i}' for i in range(100)])}\n"
        f"max_rows = {list(range(1, 101))}"
    )
    started = time.monotonic()
    (problem,) = refused(tmp_path, with_grid(grid))
    assert time.monotonic() - started < 2
    assert problem == (
        "8: the grid makes 1,000,000 briefings (100 x 100 x 100); a job may make at most 10,000; "
        "list fewer values, or split the job"
    )


def test_the_whole_file_may_make_at_most_ten_thousand_briefings(tmp_path):
    job = with_grid(f"topic = {json.dumps([f't{i}' for i in range(6000)])}")
    second = job.replace('"morning"', '"evening"')
    problems = refused(tmp_path, job + "\n" + second)
    assert problems == [
        "15: the jobs up to this one make 12,000 briefings; a jobs file may make at most "
        "10,000; split the jobs over several files"
    ]


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_a_grid_whose_count_has_more_digits_than_python_prints_is_still_refused(tmp_path):
    names = "\n".join(f'p{i} = ["a", "b"]' for i in range(20_000))  # 2^20000 briefings
    problems = refused(tmp_path, with_grid(names))
    assert any("the grid makes about 10^6020 briefings (2 x 2 x" in p for p in problems)


def test_thousands_of_problems_are_counted_past_the_first_thirty(tmp_path):
    text = "[[job]]\n" * 5000
    jobs_file = write_desk(tmp_path)
    jobs_file.write_text(text)
    with pytest.raises(BriefingError) as caught:
        load_jobs(jobs_file)
    lines = str(caught.value).splitlines()
    assert lines[0].endswith("15000 problem(s) found, nothing was run")  # name, notebook, schedule
    assert lines[-1] == "... and 14970 more problem(s)"
    assert len(lines) == 32


def test_a_megabyte_key_makes_a_short_message_quickly(tmp_path):
    started = time.monotonic()
    (problem,) = refused(
        tmp_path, JOB.replace("[job.schedule]", "x" * 900_000 + " = 1\n[job.schedule]")
    )
    assert time.monotonic() - started < 2
    assert problem.startswith("8: unknown parameter 'xxxxx") and len(problem) < 400


@pytest.mark.parametrize(
    ("cron", "said"),
    [
        ("R 6 * * *", "has a random (R) or hashed (H) field, which would move at every run"),
        ("0 r(0-5) * * *", "has a random (R) or hashed (H) field"),
        ("H/15 * * * *", "has a random (R) or hashed (H) field"),
        ("０ 6 * * *", "is not a cron expression (ASCII, at most 200)"),
        ("0 6 * * *" + " " * 300, "is not a cron expression (ASCII, at most 200)"),
        ("0 0 31 4,6,9,11 *", "never happens"),
    ],
)
def test_a_cron_must_give_the_same_times_at_every_run_and_happen(tmp_path, cron, said):
    (problem,) = refused(tmp_path, JOB.replace('"0 6 * * *"', json.dumps(cron)))
    assert problem.startswith("9: cron ")
    assert said in problem


# 3. Schedules at the edges (before: OverflowError and ValueError tracebacks)


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime.max.replace(tzinfo=dt.timezone(-dt.timedelta(hours=23))),
    ],
)
def test_a_time_with_no_scheduled_time_around_it_is_one_line(now):

    schedule = Schedule("0 6 * * *", "Pacific/Kiritimati")
    for ask in (schedule.latest, schedule.next, lambda t: schedule.due(t, None)):
        try:
            answer = ask(now)
        except BriefingError as error:
            assert "within the years 1 to 9999" in str(error)
            assert "\n" not in str(error)
        else:
            assert answer is not None


def test_times_before_the_epoch_and_near_year_one_have_sane_answers():

    daily = Schedule("0 6 * * *", "UTC")
    assert daily.latest(dt.datetime(1969, 7, 20, 20, 17, tzinfo=dt.UTC)) == dt.datetime(
        1969, 7, 20, 6, tzinfo=dt.UTC
    )
    assert daily.next(dt.datetime(1, 1, 1, tzinfo=dt.UTC)) == dt.datetime(1, 1, 1, 6, tzinfo=dt.UTC)
    assert daily.show(dt.datetime(1, 1, 1, 6, tzinfo=dt.UTC)) == "0001-01-01 06:00"


def test_a_plan_at_the_end_of_time_is_refused_in_one_line(tmp_path):
    jobs = load_jobs(write_desk(tmp_path, JOB))
    history = History(tmp_path / "reports", read_only=True)
    with pytest.raises(BriefingError, match="has no time at or before 9999-12-31T23:59"):
        plan_briefings(
            jobs, dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC), history, due=True,
            fingerprinter=fingerprinter(tmp_path),
        )  # fmt: skip
    (decision,) = plan_briefings(
        jobs,
        dt.datetime(9999, 12, 30, tzinfo=dt.UTC),
        history,
        fingerprinter=fingerprinter(tmp_path),
    )
    assert decision.scheduled == dt.datetime(9999, 12, 29, 6, tzinfo=KYIV)


# 4. Reading the dataset for the fingerprint (before: OSError traceback)


def test_a_dataset_path_too_long_to_look_at_is_one_line(tmp_path):
    jobs = load_jobs(write_desk(tmp_path, with_parameter(f"dataset = {json.dumps('d' * 5000)}")))
    history = History(tmp_path / "reports", read_only=True)
    with pytest.raises(
        BriefingError, match="dataset folder '.*' cannot be read: File name too long"
    ):
        plan_briefings(
            jobs,
            dt.datetime(2026, 11, 28, tzinfo=KYIV),
            history,
            fingerprinter=fingerprinter(tmp_path),
        )


CRON_ATOMS = [
    "*", "?", "0", "1", "7", "15", "23", "29", "30", "31", "59", "60", "-1", "L", "W", "15W",
    "LW", "5L", "5#5", "1#1", "0#6", "*/0", "*/7", "1-5", "5-1", "0-59/61", "mon", "SUN-SAT",
    "jan", "feb", "dec-jan", "R", "H", "r(1-5)", "H(0-29)/5", "1,2,3", "", ",", "/", "**", "%",
]  # fmt: skip


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(
    fields=st.lists(st.sampled_from(CRON_ATOMS), min_size=5, max_size=5),
    now=plan_time,
    zone=st.sampled_from(["UTC", "Europe/Kyiv", "Pacific/Kiritimati", "America/St_Johns"]),
)
def test_any_cron_is_refused_or_answers_in_bounded_time(fields, now, zone):

    cron = " ".join(fields)
    started = time.monotonic()
    problem = cron_problem(cron)
    if problem is None:
        schedule = Schedule(cron, zone)
        for ask in (schedule.latest, schedule.next):
            try:
                moment = ask(now)
            except BriefingError as error:
                assert "within the years 1 to 9999" in str(error)
            else:
                assert moment.utcoffset() is not None
                after = moment.astimezone(dt.UTC) > now.astimezone(dt.UTC)
                assert after == (ask == schedule.next)
    else:
        assert len(problem) < 400
    assert time.monotonic() - started < 5


def test_a_grid_entry_with_an_empty_or_long_name_gets_a_fix_that_can_be_written(tmp_path):
    (problem,) = refused(tmp_path / "a", with_grid('"" = "drones"'))
    assert problem == '9: grid \'\' is not a list of values; write topic = ["a", "b"]'
    (problem,) = refused(tmp_path / "b", with_grid("topic = 3"))
    assert problem == '9: grid \'topic\' is not a list of values; write topic = ["a", "b"]'
