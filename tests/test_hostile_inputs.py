"""Hostile datasets: every one loads and analyses, or is refused with short, coded problems.

Each example puts hostile values into a copy of the contract example, drawn
from the families that broke the loader before: dates at and beyond the edges
of the supported range, impossible times and offsets, relative phrases that
reach too far, broken identifiers and enums, huge cells, citation graphs
(self-citations, long cycles, claims citing thousands), and hostile manifests.

Properties: no exception but DatasetError; an error report under 100 KB; on
success ``analyze`` runs, and every plain ISO day that was accepted resolved to
exactly that day (no wrapped or clipped date). The seed is fixed (derandomized),
so ``make test`` runs the same examples each time; a release check runs more:

    FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest tests/test_hostile_inputs.py -m slow
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import DatasetError, analyze, load_dataset
from analysis.errors import REASON_CODES

from .conftest import CONTRACT_EXAMPLE

EDGE_DATES = [
    "0000-01-01", "0001-01-01", "1677-09-21", "1678", "1699-12-31", "1700-01-01", "1700",
    "2199-12-31", "2199", "2200-01-01", "2262-04-11", "2262-04-12", "9999-12-31", "2025-02-29",
    "2024-02-29", "2025-13-01", "2025-00-10", "2000-01-01/9999-12-31", "1600/1700",
    "2025-03-18T24:00", "2025-03-18T25:61", "2025-03-18T23:59:59.999", "2025-03-18T10:00+25:00",
    "2025-03-18T10:00+99", "2025-03-18T10:00-14:00", "2025-03-18T10:00+14:01",
    "2025-03-18T00:00Z", "2025-03-18 10:00", "3000-01-01", "300000 days ago",
    "99999999999999999999 days ago", "last year", "in recent days", "March 18", "Monday",
]  # fmt: skip
IDENTIFIERS = ["", "E1", "e 1", "e1;e2", "x" * 10_000, "é", "-e1", "e1\n", "e1,e2"]
ENUMS = ["", "Supports", "maybe", "TRUE", "1", "F", "G", "osint;media"]
HUGE = ["x" * (3 << 20), "y" * 200_000 + '"', ";".join(f"e{i}" for i in range(5_000))]
MANIFESTS = [
    "x = " + "[" * 3_000 + "]" * 3_000,
    'timezone = "' + "Europe/" * 40 + '"',
    'timezone = "../../etc/passwd"',
    'timezone = ""',
    "name = 3",
    'title = """' + "t" * 100_000 + '"""',
    "[[a]]\n" * 2_000,
]
DATE_COLUMNS = {
    "documents.csv": ["published"],
    "claims.csv": ["stated", "event_time"],
    "assertions.csv": ["event_time"],
}
TABLES = ["sources.csv", "documents.csv", "assertions.csv", "claims.csv"]
csv.field_size_limit(sys.maxsize)  # the test's own reader meets the huge cells too


@st.composite
def hostile_edit(draw):
    family = draw(st.sampled_from(["date", "id", "enum", "huge", "cites", "manifest"]))
    if family == "manifest":
        return ("dataset.toml", None, None, draw(st.sampled_from(MANIFESTS)))
    if family == "date":
        file = draw(st.sampled_from(sorted(DATE_COLUMNS)))
        return (
            file,
            draw(st.sampled_from(DATE_COLUMNS[file])),
            None,
            draw(st.sampled_from(EDGE_DATES)),
        )
    if family == "cites":
        value = draw(
            st.sampled_from(
                ["e1", "e1;e2;e3;e4;e5;e6", "zz", ";".join(f"e{i}" for i in range(1, 7))]
            )
        )
        return ("claims.csv", "cites", None, value)
    file = draw(st.sampled_from(TABLES))
    values = {"id": IDENTIFIERS, "enum": ENUMS, "huge": HUGE}[family]
    return (file, None, draw(st.integers(0, 12)), draw(st.sampled_from(values)))


def apply(folder, edit, row: int) -> None:
    file, column, column_number, value = edit
    path = folder / file
    if file == "dataset.toml":
        path.write_text(value + "\n")
        return
    rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    header, body = rows[0], rows[1:]
    at = header.index(column) if column in header else (column_number or 0) % len(header)
    target = body[row % len(body)]
    target[at] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    path.write_text(out.getvalue())


def plain_days(folder) -> dict[tuple[str, str, str], dt.date]:
    """Every plain ISO day written in a date column, by (file, id, column): the oracle."""
    found = {}
    for file, columns in DATE_COLUMNS.items():
        rows = list(csv.DictReader(io.StringIO((folder / file).read_text(), newline="")))
        for row in rows:
            key_column = next(iter(row))
            for column in columns:
                text = (row.get(column) or "").strip()
                try:
                    day = dt.date.fromisoformat(text) if len(text) == 10 else None
                except ValueError:
                    day = None
                if day is not None:
                    found[file, row[key_column], column] = day
    return found


RESOLVED = {"published": "published_day", "stated": "stated_start", "event_time": "event_start"}


@pytest.mark.slow  # sixty datasets loaded and analysed
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(st.tuples(hostile_edit(), st.integers(0, 20)), min_size=1, max_size=3))
def test_hostile_datasets_load_and_analyse_or_are_refused_briefly(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("hostile") / "ds"
    shutil.copytree(CONTRACT_EXAMPLE, folder)
    for edit, row in edits:
        apply(folder, edit, row)
    try:
        data = load_dataset(folder)
    except DatasetError as error:
        assert error.problems and all(p.code in REASON_CODES for p in error.problems)
        assert len(error.render().encode()) < 100_000
        return
    analyze(data)
    tables = {
        "documents.csv": data.documents,
        "claims.csv": data.claims,
        "assertions.csv": data.assertions,
    }
    for (file, key, column), day in plain_days(folder).items():
        resolved = RESOLVED[column]
        frame = tables[file]
        id_column = frame.columns[0]
        values = frame.loc[frame[id_column] == key, resolved]
        if resolved in frame and len(values) == 1 and not values.isna().all():
            assert values.iloc[0].date() == day, (file, key, column)
