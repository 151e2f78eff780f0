"""Where briefings land: the index of runs, and publishing a run whole."""

from __future__ import annotations

import json

import pytest

from analysis.build.outputs import publish, staging_folder, write_index
from analysis.errors import BriefingError


def _run(reports, folder_name, run, **manifest):
    folder = reports / folder_name / run
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_the_index_lists_runs_newest_first_with_text_escaped(tmp_path):
    _run(
        tmp_path,
        "briefing",
        "2025-04-08",
        title="<script>alert(1)</script> & co",
        notebook="briefing",
        parameters={"as_of": "2025-04-08"},
        dataset={"name": "seed"},
        started="2026-11-27T10:00:00+00:00",
        files=["briefing.pdf", "manifest.json"],
    )
    _run(tmp_path, "chronology", "2026-11-27", title="Later", started="2026-11-27T11:00:00+00:00")
    _run(tmp_path, "_failed", "x", title="never listed", started="2026-11-27T12:00:00+00:00")
    page = write_index(tmp_path).read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert page.index("Later") < page.index("alert")  # newest first
    assert '<a href="briefing/2025-04-08/briefing.pdf">pdf</a>' in page
    assert "never listed" not in page and "2 briefing(s)" in page
    assert not list(tmp_path.glob(".index-*"))


def test_publishing_replaces_an_earlier_run_whole(tmp_path):
    reports = tmp_path / "reports"
    first = staging_folder(reports)
    (first / "a.txt").write_text("first")
    destination = publish(first, reports / "briefing" / "2025-04-08")
    second = staging_folder(reports)
    (second / "b.txt").write_text("second")
    publish(second, destination)
    assert [p.name for p in destination.iterdir()] == ["b.txt"]
    assert not list(reports.glob(".building-*")) and not list(destination.parent.glob(".*"))


def _publish_many(reports: str, times: int, worker: int) -> None:
    from pathlib import Path

    for attempt in range(times):
        staging = staging_folder(Path(reports))
        for part in ("briefing.html", "briefing.pdf", "manifest.json"):
            (staging / part).write_text(f"{worker}:{attempt}")
        publish(staging, Path(reports) / "briefing" / "2025-04-08")


@pytest.mark.slow  # eight Python processes
def test_eight_processes_publishing_one_run_leave_one_whole_briefing(tmp_path):
    """The race of two desks building the same run: no error, no torn or missing folder."""
    import multiprocessing

    reports = tmp_path / "reports"
    context = multiprocessing.get_context("spawn")
    with context.Pool(8) as pool:
        pool.starmap(_publish_many, [(str(reports), 25, worker) for worker in range(8)])
    run = reports / "briefing" / "2025-04-08"
    contents = {p.name: p.read_text() for p in run.iterdir()}
    assert set(contents) == {"briefing.html", "briefing.pdf", "manifest.json"}
    assert len(set(contents.values())) == 1  # all three files from the same publish
    assert sorted(p.name for p in reports.rglob("*")) == [
        "2025-04-08", "briefing", "briefing.html", "briefing.pdf", "manifest.json",
    ]  # fmt: skip


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_a_reader_always_finds_the_run_while_it_is_replaced(tmp_path):
    """Between the old run and the new one there is no moment without a run."""
    import threading

    reports = tmp_path / "reports"
    run = reports / "briefing" / "2025-04-08"
    _publish_many(str(reports), 1, 0)
    missing, done = [], threading.Event()

    def read() -> None:
        while not done.is_set():
            if not (run / "manifest.json").exists():
                missing.append(1)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        _publish_many(str(reports), 200, 1)
    finally:
        done.set()
        reader.join()
    assert missing == []


def test_the_reports_layout_names_every_place_once(tmp_path):
    """The build, the desk and the site find each place under a reports folder here."""
    from analysis.build import ReportsLayout

    layout = ReportsLayout(tmp_path)
    series = layout.series("morning", "east")
    assert series == tmp_path / "morning" / "east"
    assert layout.notebook_folder("briefing") == tmp_path / "briefing"
    assert layout.failed_notebooks() == tmp_path / "_failed"
    assert layout.history == tmp_path / ".desk" / "history.sqlite"
    assert layout.lock("morning", "east") == tmp_path / ".desk" / "locks" / "morning" / "east.lock"
    assert ReportsLayout.latest(series) == series / "latest"
    assert ReportsLayout.failed_note(series) is None and ReportsLayout.next_due(series) is None
    ReportsLayout.note_failed(series, {"error": "KeyError"})
    assert json.loads((series / ".failed.json").read_text()) == {"error": "KeyError"}
    assert ReportsLayout.failed_note(series) == {"error": "KeyError"}
    ReportsLayout.clear_failed(series)
    assert ReportsLayout.failed_note(series) is None
    ReportsLayout.note_due(series, {"next": "2026-11-28T06:00:00+02:00", "schedule": "x"})
    assert ReportsLayout.next_due(series).isoformat() == "2026-11-28T06:00:00+02:00"
    assert [ReportsLayout.is_internal(n) for n in (".desk", "_failed", "morning")] == [
        True,
        True,
        False,
    ]
    with pytest.raises(BriefingError, match="cannot name a folder"):
        layout.series("../etc", "east")
