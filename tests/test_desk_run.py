"""``briefing run`` end to end: real papermill builds of a small desk (HTML only)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.desk.history import History

from .conftest import CONTRACT_EXAMPLE, DATA, ROOT
from .test_report import open_offline

pytestmark = pytest.mark.slow  # real kernels

JOBS = """\
[[job]]
name = "{name}"
notebook = "notebooks/topic.ipynb"
formats = ["html"]

[job.parameters]
dataset = "data/{dataset}"

[job.grid]
topic = ["x", "y", "z"]

[job.schedule]
cron = "0 6 * * *"
timezone = "Europe/Kyiv"
"""
AT = "2026-11-27T09:00+02:00"  # after the day's 06:00 in Kyiv


def make_desk(root: Path, jobs: list[tuple[str, str]]) -> Path:
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(DATA / "desk" / "topic.ipynb", root / "notebooks")
    for _, dataset in jobs:
        if not (root / "data" / dataset).exists():
            shutil.copytree(CONTRACT_EXAMPLE, root / "data" / dataset)
    jobs_file = root / "briefings.toml"
    jobs_file.write_text("\n".join(JOBS.format(name=n, dataset=d) for n, d in jobs))
    return jobs_file


def run(jobs_file: Path, *extra: str) -> int:
    reports = jobs_file.parent / "reports"
    at = [] if "--at" in extra else ["--at", AT]
    return main(["run", "--jobs", str(jobs_file), "--out", str(reports), *at, *extra])


def results(jobs_file: Path) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for r in History(jobs_file.parent / "reports").runs():
        found.setdefault((r.job, r.key), []).append(r.result)
    return found


def test_a_desk_builds_skips_rebuilds_what_changed_and_keeps_failures_apart(tmp_path, capsys):
    jobs_file = make_desk(tmp_path, [("east", "one"), ("west", "two")])
    reports = tmp_path / "reports"

    assert run(jobs_file, "--workers", "2") == 0  # first run: every briefing is new
    keys = [(job, key) for job in ("east", "west") for key in ("x", "y", "z")]
    assert results(jobs_file) == {k: ["built"] for k in keys}
    for job, key in keys:
        latest = reports / job / key / "latest"
        assert latest.is_symlink() and os.readlink(latest) == "2026-11-27"
        assert (latest / "topic.html").read_text().count(f"briefing on {key}") == 1
    assert "6 built" in capsys.readouterr().out

    assert run(jobs_file) == 0  # nothing changed: all skipped
    assert all(r == ["built", "skipped"] for r in results(jobs_file).values())

    claims = tmp_path / "data" / "two" / "claims.csv"
    claims.write_text(claims.read_text() + "\n")  # west's dataset changed, east's did not
    assert run(jobs_file) == 0
    out = capsys.readouterr().out
    assert "dataset changed: claims.csv" in out
    history = results(jobs_file)
    assert all(history[("east", k)] == ["built", "skipped", "skipped"] for k in "xyz")
    assert all(history[("west", k)] == ["built", "skipped", "built"] for k in "xyz")

    good = (reports / "west" / "y" / "latest").resolve()
    (tmp_path / "data" / "two" / "FAIL-y").write_text("")
    assert run(jobs_file, "west", "--force") == 1  # one briefing fails: the run says so
    out = capsys.readouterr().out
    assert "failed west/y" in out and "cannot brief y" in out
    assert "2 built, 1 failed" in out
    assert results(jobs_file)[("west", "y")][-1] == "failed"
    assert (reports / "west" / "y" / "latest").resolve() == good  # the last good one stays
    assert "briefing on y" in (good / "topic.html").read_text()
    assert results(jobs_file)[("west", "x")][-1] == "built"  # the others went on
    assert not list(reports.rglob(".building-*"))

    index = json.loads((reports / "index.json").read_text())
    groups = {g["group"]: g for g in index["groups"]}
    assert set(groups) == {f"{job}/{key}" for job, key in keys}
    assert "cannot brief y" in groups["west/y"]["failed"]["error"]
    assert groups["west/x"]["failed"] is None and groups["west/x"]["latest"] == "west/x/latest"
    page = reports / "index.html"
    assert page.read_text().count("Stale, last run failed") == 1
    failed, errors, dialogs, _ = open_offline(page)
    assert failed == [] and errors == [] and dialogs == []


def test_two_runs_at_once_build_each_briefing_once(tmp_path):
    jobs_file = make_desk(tmp_path, [("east", "one")])
    command = [sys.executable, "-m", "analysis.cli", "run", "--jobs", str(jobs_file)]
    command += ["--out", str(tmp_path / "reports"), "--at", AT]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=300)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    built = {
        key: [r for r in history if r == "built"] for key, history in results(jobs_file).items()
    }
    assert built == {("east", k): ["built"] for k in "xyz"}
    for key in "xyz":
        assert (tmp_path / "reports" / "east" / key / "latest" / "manifest.json").is_file()


def test_what_changed_names_exactly_the_moved_statuses(tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "briefing.ipynb", tmp_path / "notebooks")
    shutil.copytree(CONTRACT_EXAMPLE, tmp_path / "data" / "example")
    jobs_file = tmp_path / "briefings.toml"
    jobs_file.write_text(
        JOBS.replace("{name}", "desk")
        .replace("{dataset}", "example")
        .replace("topic.ipynb", "briefing.ipynb")
        .replace('topic = ["x", "y", "z"]', 'topic = ["x-front"]')
    )
    reports = tmp_path / "reports"
    assert run(jobs_file) == 0
    first = reports / "desk" / "x-front" / "latest"
    assert json.loads((first / "manifest.json").read_text())["changes"] == {"first": True}
    assert "First briefing of this series" in (first / "briefing.html").read_text()

    claims = tmp_path / "data" / "example" / "claims.csv"  # mod_b now supports: corroborated
    claims.write_text(
        claims.read_text().replace(
            "e8,mod_b,town_taken,d3,refutes", "e8,mod_b,town_taken,d3,supports"
        )
    )
    assert run(jobs_file, "--at", "2026-11-28T09:00+02:00") == 0
    second = (reports / "desk" / "x-front" / "latest").resolve()
    assert second.name == "2026-11-28"
    changes = json.loads((second / "manifest.json").read_text())["changes"]
    assert changes["status_moves"] == [
        {"assertion_id": "town_taken", "before": "contested", "after": "corroborated"}
    ]
    assert (
        changes["new_claims"],
        changes["positions_revised"],
        changes["positions_withdrawn"],
    ) == (0, 1, 0)
    page = " ".join((second / "briefing.html").read_text().split())
    assert "Changes since the briefing of 2026-11-27" in page
    assert (
        "<td>Side A forces took the town of Y</td> <td>contested</td> <td>corroborated</td>" in page
    )


def test_one_chromium_prints_every_briefing_of_a_run(tmp_path, monkeypatch):
    """A warm batch: the run keeps one browser for its briefings instead of one each."""
    from analysis.build.export import PdfPrinter

    jobs_file = make_desk(tmp_path, [("east", "one")])
    jobs_file.write_text(jobs_file.read_text().replace('formats = ["html"]', 'formats = ["pdf"]'))
    started = []
    original = PdfPrinter.__init__

    def counted(self, *args, **kwargs):
        started.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(PdfPrinter, "__init__", counted)
    assert run(jobs_file) == 0
    assert len(started) == 1
    for key in "xyz":
        pdf = tmp_path / "reports" / "east" / key / "latest" / "topic.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
