"""``briefing plan`` and ``briefing jobs`` as printed, and that they change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.desk.commands import jobs_command, parse_time, plan_command
from analysis.desk.fingerprint import Fingerprinter
from analysis.desk.history import History, Run
from analysis.desk.jobs import JobsFileError, load_jobs
from analysis.errors import BriefingError

from .test_desk_support import JOB, kyiv, write_desk

TWO_JOBS = (
    JOB
    + """
[[job]]
name = "weekly"
notebook = "brief"

[job.grid]
topic = ["drones", "front"]

[job.schedule]
cron = "0 7 * * mon"
timezone = "UTC"
"""
)


@pytest.fixture
def desk(tmp_path):
    return write_desk(tmp_path, TWO_JOBS)


def record(root, job: str, key: str, result: str, scheduled: dt.datetime, **fields) -> None:
    """A run as ``briefing run`` will record it, with today's real fingerprint."""
    briefing = next(
        b
        for j in load_jobs(root / "briefings.toml")
        if j.name == job
        for b in j.briefings()
        if b.key == key
    )
    History(root / "reports").record(
        Run(
            job=job,
            key=key,
            scheduled=scheduled,
            started=scheduled,
            finished=scheduled + dt.timedelta(seconds=3),
            result=result,
            fingerprint=Fingerprinter().of(briefing, scheduled),
            **fields,
        )
    )


def test_plan_prints_each_briefing_with_its_decision(desk, capsys):
    reports = desk.parent / "reports"
    folder = reports / "morning" / "default" / "2026-11-27"
    folder.mkdir(parents=True)
    record(desk.parent, "morning", "default", "built", kyiv(2026, 11, 27, 6), folder=str(folder))
    monday = dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC)
    record(desk.parent, "weekly", "drones", "built", monday, folder=str(folder))

    code = plan_command(desk, [], due=True, at="2026-11-28T06:10+02:00", reports=reports)

    assert code == 0
    assert capsys.readouterr().out == (
        "plan at 2026-11-28T06:10+02:00, due briefings only\n"
        "JOB      KEY      FOR               DECISION\n"
        "morning  default  2026-11-28 06:00  skip (unchanged since 2026-11-27 06:00)\n"
        "weekly   drones   -                 not due (next 2026-11-30 07:00)\n"
        "weekly   front    2026-11-23 07:00  build (new; catching up a missed time)\n"
        "1 to build, 1 to skip, 1 not due\n"
    )


def test_plan_of_named_jobs_without_due(desk, capsys):
    # 28 November 2026 is a Saturday: the weekly job's latest time was Monday the 23rd
    plan_command(desk, ["weekly"], at="2026-11-28T04:10Z", reports=desk.parent / "reports")
    assert capsys.readouterr().out == (
        "plan at 2026-11-28T04:10+00:00\n"
        "JOB     KEY     FOR               DECISION\n"
        "weekly  drones  2026-11-23 07:00  build (new)\n"
        "weekly  front   2026-11-23 07:00  build (new)\n"
        "2 to build, 0 to skip, 0 not due\n"
    )


def test_plan_and_jobs_create_nothing(desk, capsys):
    reports = desk.parent / "reports"
    plan_command(desk, [], due=True, at="2026-11-28T06:10+02:00", reports=reports)
    jobs_command(desk, reports, at="2026-11-28T06:10+02:00")
    assert not reports.exists()


def test_jobs_lists_each_job_with_its_next_time_and_last_results(desk, capsys):
    reports = desk.parent / "reports"
    record(
        desk.parent,
        "morning",
        "default",
        "built",
        kyiv(2026, 11, 27, 6),
        duration_s=2.4,
        folder="reports/morning/default/2026-11-27",
    )
    record(
        desk.parent,
        "morning",
        "default",
        "failed",
        kyiv(2026, 11, 28, 6),
        duration_s=1.2,
        error="brief.ipynb: cell 3 failed: ValueError: x\nmore",
    )
    record(
        desk.parent,
        "weekly",
        "drones",
        "skipped",
        kyiv(2026, 11, 23, 9),
        folder="reports/weekly/drones/2026-11-16",
    )

    assert jobs_command(desk, reports, at="2026-11-28T06:10+02:00") == 0

    assert capsys.readouterr().out == (
        'morning: notebook brief, 1 briefing(s), cron "0 6 * * *" Europe/Kyiv, catch-up latest; next 2026-11-29 06:00\n'
        "  KEY      LAST                                                                         LAST GOOD BUILD\n"
        "  default  failed 2026-11-28 06:00 in 1.2 s: brief.ipynb: cell 3 failed: ValueError: x  2026-11-27 06:00 reports/morning/default/2026-11-27\n"
        'weekly: notebook brief, 2 briefing(s), cron "0 7 * * mon" UTC, catch-up latest; next 2026-11-30 07:00\n'
        "  KEY     LAST                      LAST GOOD BUILD\n"
        "  drones  skipped 2026-11-23 07:00  none\n"
        "  front   never run                 none\n"
    )


def test_a_bad_jobs_file_is_refused_before_anything(tmp_path):
    jobs_file = write_desk(tmp_path, JOB.replace('"0 6 * * *"', '"0 6 * *"'))
    with pytest.raises(JobsFileError, match=r"briefings.toml:9: cron '0 6 \* \*' has 4 field"):
        plan_command(jobs_file, [], at="2026-11-28T06:10+02:00", reports=tmp_path / "reports")


def test_an_unknown_job_name_is_refused(desk):
    with pytest.raises(BriefingError, match="no job 'evening'; jobs: morning, weekly"):
        plan_command(desk, ["evening"], reports=desk.parent / "reports")


def test_at_times():
    assert parse_time("2026-11-28T06:00+02:00") == kyiv(2026, 11, 28, 6)
    assert parse_time("2026-11-28 04:00Z") == dt.datetime(2026, 11, 28, 4, tzinfo=dt.UTC)
    local = parse_time("2026-11-28T06:00")
    assert local.tzinfo is not None and local.replace(tzinfo=None) == dt.datetime(2026, 11, 28, 6)
    with pytest.raises(
        BriefingError, match="--at 'tomorrow' is not a time; write it as 2026-11-28T06:00"
    ):
        parse_time("tomorrow")


def test_a_long_failure_is_cut_in_the_jobs_table(desk, capsys):
    """The table's column is as wide as its widest cell: a failure of 300 characters
    would make every row that wide."""
    record(desk.parent, "morning", "default", "failed", kyiv(2026, 11, 28, 6),
           duration_s=1.2, error="brief.ipynb: cell 3 failed: " + "x" * 300)  # fmt: skip
    jobs_command(desk, desk.parent / "reports", at="2026-11-28T06:10+02:00")
    row = next(line for line in capsys.readouterr().out.splitlines() if "default" in line)
    assert "failed 2026-11-28 06:00 in 1.2 s: brief.ipynb: cell 3 failed: xxx" in row
    assert row.endswith("…  none") and len(row) < 130
