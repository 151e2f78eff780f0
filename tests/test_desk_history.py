"""Run history in SQLite: what is recorded reads back the same, and readers change nothing."""

from __future__ import annotations

import datetime as dt
import os
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


def damage(path, how: str) -> None:
    """Spoil a recorded history at ``path`` as a disk, a hand or another program would."""
    data = path.read_bytes()
    if how == "random bytes":
        path.write_bytes(bytes(range(256)) * 40)
    elif how == "truncated":
        path.write_bytes(data[:1500])
    elif how == "folder":
        path.unlink()
        path.mkdir()
    elif how == "link":
        path.unlink()
        path.symlink_to(path.parent.parent.parent / "elsewhere.sqlite")  # dangling: made by no one
    elif how == "other schema":
        path.unlink()
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, what TEXT)")
            connection.commit()
    elif how == "naive time":
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("UPDATE runs SET scheduled = '2026-11-27T06:00'")
            connection.commit()


DAMAGES = {
    "random bytes": "is damaged (file is not a database)",
    "truncated": "is damaged (database disk image is malformed)",
    "folder": "is not a file; move it away",
    "link": "is a link; move it away",
    "other schema": "is not a desk history (it has a 'runs' table of other columns)",
    "naive time": "is damaged (row 1 of runs: time '2026-11-27T06:00' has no time zone)",
}


@pytest.mark.parametrize("how", sorted(DAMAGES))
def test_a_spoilt_history_is_one_line_for_run_plan_and_jobs(tmp_path, capsys, how):
    from analysis.cli import main

    from .test_desk_support import write_desk

    jobs_file = write_desk(tmp_path)
    reports = tmp_path / "reports"
    History(reports).record(run("built", 26, key="default"))
    path = history_path(reports)
    damage(path, how)
    before = sorted(p.name for p in path.parent.iterdir())
    kept = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    for command in (["run", "--at", "2026-11-27T09:00+02:00"], ["plan", "--due"], ["jobs"]):
        code = main([*command, "--jobs", str(jobs_file), "--out", str(reports)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, (command, err)
        assert err[0].startswith(f"briefing: error: the desk's history {path} ") or err[
            0
        ].startswith(f"briefing: error: {path} ")
        assert DAMAGES[how] in err[0] and "the next run starts a new history" in err[0]
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing moved or wiped
    if kept is not None:
        assert path.read_bytes() == kept
    assert not (tmp_path / "elsewhere.sqlite").exists()  # nothing made through the link


@pytest.mark.slow  # a second process holds the lock
def test_a_history_locked_for_long_is_one_line(tmp_path, capsys, monkeypatch):
    import subprocess
    import sys

    from analysis.cli import main
    from analysis.desk import history as history_module

    from .test_desk_support import write_desk

    monkeypatch.setattr(history_module, "TIMEOUT", 0.5)
    jobs_file = write_desk(tmp_path)
    reports = tmp_path / "reports"
    History(reports).record(run("built", 26, key="default"))
    path = history_path(reports)
    holder = subprocess.Popen(  # another process holds the whole file
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE'); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in (["run", "--at", "2026-11-27T09:00+02:00"], ["plan"], ["jobs"]):
            code = main([*command, "--jobs", str(jobs_file), "--out", str(reports)])
            err = capsys.readouterr().err.strip().splitlines()
            assert code == 2 and len(err) == 1, err
            assert f"{path} is locked by another process" in err[0] and "over 0.5 s" in err[0]
    finally:
        holder.kill()
        holder.wait()
    assert [r.result for r in History(reports).runs()] == ["built"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_history_refuses_a_run_before_it_builds(tmp_path, capsys, what):
    from analysis.cli import main

    from .test_desk_support import write_desk

    jobs_file = write_desk(tmp_path)
    reports = tmp_path / "reports"
    History(reports).record(run("built", 26, key="default"))
    path = history_path(reports)
    target = path if what == "file" else path.parent
    target.chmod(0o444 if what == "file" else 0o555)
    try:
        code = main(["run", "--jobs", str(jobs_file), "--out", str(reports), "--force"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and "cannot be written" in err[0], err
        assert (
            main(["plan", "--jobs", str(jobs_file), "--out", str(reports)]) == 0
        )  # reading is fine
    finally:
        target.chmod(0o644 if what == "file" else 0o755)
