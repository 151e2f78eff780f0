"""Run history in SQLite: what is recorded reads back the same, and readers change nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing

import pytest

from analysis.desk.fingerprint import Fingerprint
from analysis.desk.history import History, Run, history_path
from analysis.errors import BriefingError

from .test_desk_support import kyiv

PRINT = Fingerprint(
    notebook="n1",
    parameters={"as_of": "2026-11-27", "max_rows": 40},
    dataset_folder="/srv/desk/data/one",
    dataset={"claims.csv": "c1", "sources.csv": "s1"},
    dataset_sha256="d1",
    formats=("html", "pdf"),
    package_version="1.0",
    lock="l1",
    template="t1",
)


def run(result: str, day: int, key: str = "drones", **fields) -> Run:
    started = kyiv(2026, 11, day, 6, 0, 5)
    return Run(
        job="morning",
        key=key,
        scheduled=kyiv(2026, 11, day, 6),
        started=started,
        finished=started + dt.timedelta(seconds=12),
        result=result,
        **fields,
    )


def test_a_run_reads_back_as_recorded(tmp_path):
    history = History(tmp_path)
    built = run("built", 27, fingerprint=PRINT, duration_s=12.0, folder="/r/morning/drones/x")
    history.record(built)

    assert history_path(tmp_path) == tmp_path / ".desk" / "history.sqlite"
    again = history.last_built("morning", "drones")
    assert again == built  # the same instants (stored in UTC)
    assert again.scheduled.utcoffset() == dt.timedelta(0)
    assert again.scheduled == dt.datetime(2026, 11, 27, 4, tzinfo=dt.UTC)
    assert again.fingerprint == PRINT


def test_last_build_last_run_and_last_scheduled(tmp_path):
    history = History(tmp_path)
    history.record(run("built", 26, fingerprint=PRINT))
    history.record(run("skipped", 27, fingerprint=PRINT))
    history.record(run("failed", 28, error="briefing.ipynb: cell 4 failed: ValueError: x"))
    history.record(run("built", 25, key="front"))

    assert history.last_built("morning", "drones").scheduled == kyiv(2026, 11, 26, 6)
    assert history.last_run("morning", "drones").result == "failed"
    assert history.last_scheduled("morning", "drones") == kyiv(2026, 11, 28, 6)  # failed too
    assert history.last_scheduled("morning", "front") == kyiv(2026, 11, 25, 6)
    assert history.last_scheduled("morning", "nobody") is None
    assert history.last_built("evening", "drones") is None
    assert [r.result for r in history.runs("morning", "drones")] == ["built", "skipped", "failed"]
    assert len(history.runs()) == 4


def test_a_read_only_history_creates_nothing(tmp_path):
    reports = tmp_path / "reports"
    history = History(reports, read_only=True)
    assert history.last_built("morning", "drones") is None
    assert history.last_scheduled("morning", "drones") is None
    assert history.runs() == []
    assert not reports.exists()


def test_a_read_only_history_reads_what_a_writer_wrote(tmp_path):
    History(tmp_path).record(run("built", 27))
    reader = History(tmp_path, read_only=True)
    assert reader.last_run("morning", "drones").result == "built"
    with pytest.raises(ValueError, match="read-only history records nothing"):
        reader.record(run("built", 28))


def test_two_writers_share_one_file(tmp_path):
    first, second = History(tmp_path), History(tmp_path)
    first.record(run("built", 27, key="drones"))
    second.record(run("built", 27, key="front"))
    assert [r.key for r in History(tmp_path).runs()] == ["drones", "front"]


def test_an_unknown_result_is_a_bug():
    with pytest.raises(ValueError, match="unknown result 'ok'"):
        run("ok", 27)


def test_a_history_from_a_newer_desk_is_refused(tmp_path):
    History(tmp_path).record(run("built", 27))
    with closing(sqlite3.connect(history_path(tmp_path))) as connection:
        connection.execute("PRAGMA user_version = 9")
    with pytest.raises(BriefingError, match="newer version of the desk"):
        History(tmp_path, read_only=True).runs()
