"""Where briefings land: the index of runs, and publishing a run whole."""

from __future__ import annotations

import json

from analysis.report.outputs import publish, staging_folder, write_index


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
