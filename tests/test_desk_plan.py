"""The desk's decisions under fixed clocks: build (and why), skip, or not due."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from analysis.desk.history import History, Run
from analysis.desk.jobs import load_jobs
from analysis.desk.plan import Decision, plan_briefings

from .test_desk_support import JOB, fingerprinter, kyiv, notebook_json, write_desk

TOPICS = """\
[[job]]
name = "topics"
notebook = "brief"

[job.grid]
dataset = ["data/one", "data/two"]
topic = ["drones", "front"]

[job.schedule]
cron = "0 6 * * *"
timezone = "Europe/Kyiv"
"""


def plan(root, now, *, due=False, force=False) -> list[Decision]:
    """A fresh plan, as ``briefing plan`` makes it: jobs file re-read, files re-hashed."""
    jobs = load_jobs(root / "briefings.toml")
    history = History(root / "reports")
    return plan_briefings(
        jobs, now, history, due=due, force=force, fingerprinter=fingerprinter(root)
    )


def record(root, decision: Decision, result: str = "built") -> None:
    """What ``briefing run`` will record: the decision's time and fingerprint, a folder."""
    folder = root / "reports" / decision.briefing.job.name / decision.briefing.key / "x"
    folder.mkdir(parents=True, exist_ok=True)
    History(root / "reports").record(
        Run(
            job=decision.briefing.job.name,
            key=decision.briefing.key,
            scheduled=decision.scheduled,
            started=decision.scheduled,
            finished=decision.scheduled + dt.timedelta(seconds=3),
            result=result,
            fingerprint=decision.fingerprint,
            duration_s=3.0,
            folder=str(folder),
            error="cell 4 failed" if result == "failed" else None,
        )
    )


def said(decisions: list[Decision]) -> list[str]:
    return [f"{d.briefing.key}: {d}" for d in decisions]


def test_a_new_briefing_is_built_for_the_latest_scheduled_time(tmp_path):
    write_desk(tmp_path)
    (decision,) = plan(tmp_path, kyiv(2026, 11, 27, 10))
    assert str(decision) == "build (new)"
    assert decision.action == "build"
    assert decision.scheduled == kyiv(2026, 11, 27, 6)
    assert decision.fingerprint.parameters["marking"] == "INTERNAL"


def test_an_unchanged_briefing_is_skipped_and_a_changed_one_says_why(tmp_path):
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 27, 10))[0])
    next_day = kyiv(2026, 11, 28, 10)
    assert said(plan(tmp_path, next_day)) == ["default: skip (unchanged since 2026-11-27 06:00)"]

    (tmp_path / "data" / "one" / "claims.csv").write_text("claim_id,source_id\nc9,s1\n")
    assert said(plan(tmp_path, next_day)) == ["default: build (dataset changed: claims.csv)"]


def test_notebook_outputs_alone_are_skipped_its_source_is_built(tmp_path):
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 27, 10))[0])
    notebook = tmp_path / "notebooks" / "brief.ipynb"
    executed = notebook_json()
    executed["cells"][2].update(
        execution_count=7, outputs=[{"output_type": "stream", "name": "stdout", "text": "hello\n"}]
    )
    notebook.write_text(json.dumps(executed))
    assert str(plan(tmp_path, kyiv(2026, 11, 28, 10))[0]).startswith("skip")

    notebook.write_text(json.dumps(notebook_json(body="print(2)")))
    assert str(plan(tmp_path, kyiv(2026, 11, 28, 10))[0]) == "build (notebook changed)"


def test_several_changes_are_all_named(tmp_path):
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 27, 10))[0])
    (tmp_path / "data" / "one" / "sources.csv").write_text("source_id,name\ns1,Renamed\n")
    (tmp_path / "briefings.toml").write_text(JOB.replace('"INTERNAL"', '"SECRET"'))
    (tmp_path / "requirements.lock").write_text("pandas==2.3.0\n")
    assert str(plan(tmp_path, kyiv(2026, 11, 28, 10))[0]) == (
        "build (parameters changed: marking; dataset changed: sources.csv; "
        "requirements.lock changed)"
    )


def test_force_and_a_missing_published_folder_build_again(tmp_path):
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 27, 10))[0])
    assert str(plan(tmp_path, kyiv(2026, 11, 28, 10), force=True)[0]) == "build (forced)"

    shutil.rmtree(tmp_path / "reports" / "morning" / "default" / "x")
    folder = tmp_path / "reports" / "morning" / "default" / "x"
    assert str(plan(tmp_path, kyiv(2026, 11, 28, 10))[0]) == (
        f"build (published folder missing: {folder})"
    )


def test_due_builds_once_per_scheduled_time(tmp_path):
    write_desk(tmp_path)
    (first,) = plan(tmp_path, kyiv(2026, 11, 27, 6, 15), due=True)
    assert (str(first), first.scheduled) == ("build (new)", kyiv(2026, 11, 27, 6))
    record(tmp_path, first)

    (again,) = plan(tmp_path, kyiv(2026, 11, 27, 6, 30), due=True)
    assert str(again) == "not due (next 2026-11-28 06:00)"
    assert (again.scheduled, again.fingerprint) == (None, None)

    # the next morning it is due again, and unchanged
    (morning,) = plan(tmp_path, kyiv(2026, 11, 28, 6, 15), due=True)
    assert str(morning) == "skip (unchanged since 2026-11-27 06:00)"
    assert morning.scheduled == kyiv(2026, 11, 28, 6)


def test_a_failure_waits_for_the_next_time_unless_run_by_hand(tmp_path):
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 27, 6, 15), due=True)[0])
    (tmp_path / "data" / "one" / "claims.csv").write_text("claim_id,source_id\nc9,s1\n")
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 28, 6, 15), due=True)[0], result="failed")

    assert said(plan(tmp_path, kyiv(2026, 11, 28, 6, 30), due=True)) == [
        "default: not due (next 2026-11-29 06:00)"
    ]
    # compared with the last good build, not the failure
    assert said(plan(tmp_path, kyiv(2026, 11, 28, 6, 30))) == [
        "default: build (dataset changed: claims.csv)"
    ]


def test_catch_up_latest_after_days_off(tmp_path):
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 25, 6, 15), due=True)[0])
    (decision,) = plan(tmp_path, kyiv(2026, 11, 28, 9), due=True)
    assert (str(decision), decision.scheduled, decision.late) == (
        "skip (unchanged since 2026-11-25 06:00; catching up a missed time)",
        kyiv(2026, 11, 28, 6),
        True,
    )


def test_catch_up_none_waits_for_the_next_time(tmp_path):
    write_desk(tmp_path, JOB + 'catch_up = "none"\n')
    assert said(plan(tmp_path, kyiv(2026, 11, 28, 9), due=True)) == [
        "default: not due (next 2026-11-29 06:00)"
    ]
    assert said(plan(tmp_path, kyiv(2026, 11, 28, 6, 45), due=True)) == ["default: build (new)"]


def test_touching_one_dataset_rebuilds_only_its_briefings(tmp_path):
    write_desk(tmp_path, TOPICS)
    first = plan(tmp_path, kyiv(2026, 11, 27, 10))
    assert said(first) == [
        "data-one-drones: build (new)",
        "data-one-front: build (new)",
        "data-two-drones: build (new)",
        "data-two-front: build (new)",
    ]
    for decision in first:
        record(tmp_path, decision)

    (tmp_path / "data" / "two" / "claims.csv").write_text("claim_id,source_id\nc2,s1\n")
    assert said(plan(tmp_path, kyiv(2026, 11, 28, 10))) == [
        "data-one-drones: skip (unchanged since 2026-11-27 06:00)",
        "data-one-front: skip (unchanged since 2026-11-27 06:00)",
        "data-two-drones: build (dataset changed: claims.csv)",
        "data-two-front: build (dataset changed: claims.csv)",
    ]


def test_an_as_of_binding_builds_each_scheduled_day(tmp_path):
    write_desk(tmp_path, JOB.replace('marking = "INTERNAL"', 'as_of = "{scheduled_date}"'))
    (first,) = plan(tmp_path, kyiv(2026, 11, 27, 10), due=True)
    assert first.fingerprint.parameters["as_of"] == "2026-11-27"
    record(tmp_path, first)
    (second,) = plan(tmp_path, kyiv(2026, 11, 28, 10), due=True)
    assert str(second) == "build (parameters changed: as_of; catching up a missed time)"
    assert second.fingerprint.parameters["as_of"] == "2026-11-28"


def test_a_briefing_never_built_says_its_last_run_failed(tmp_path):
    """ "build (new)" after two failures reads as if nothing had been tried."""
    write_desk(tmp_path)
    record(tmp_path, plan(tmp_path, kyiv(2026, 11, 27, 10))[0], result="failed")
    assert said(plan(tmp_path, kyiv(2026, 11, 28, 10))) == [
        "default: build (new; the run for 2026-11-27 06:00 failed)"
    ]
