"""``briefing run --executor dask``: a real LocalCluster builds what local processes build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.desk.history import History

from .test_desk_run import AT, make_desk

pytestmark = pytest.mark.slow  # a cluster of worker processes, kernels in them

TIMINGS = ("started", "duration_s", "tools", "git_commit")


def run(jobs_file: Path, reports: str, *extra: str) -> int:
    out = str(jobs_file.parent / reports)
    return main(["run", "--jobs", str(jobs_file), "--out", out, "--at", AT, *extra])


def built(reports: Path) -> dict[str, dict]:
    """Each briefing folder's manifest, timings left out, by its path under ``reports``."""
    found = {}
    for manifest in sorted(reports.glob("*/*/*/manifest.json")):
        if manifest.parent.is_symlink():  # latest
            continue
        facts = json.loads(manifest.read_text())
        found[manifest.parent.relative_to(reports).as_posix()] = {
            k: v for k, v in facts.items() if k not in TIMINGS
        }
    return found


def test_a_local_cluster_builds_the_same_briefings_as_local_workers(tmp_path, capsys):
    jobs_file = make_desk(tmp_path, [("morning", "one")])
    assert run(jobs_file, "local", "--workers", "2") == 0
    assert run(jobs_file, "cluster", "--executor", "dask", "--workers", "2") == 0
    out = capsys.readouterr().out
    assert out.count("built morning/") == 6
    local, cluster = built(tmp_path / "local"), built(tmp_path / "cluster")
    assert sorted(cluster) == [f"morning/{k}/2026-11-27" for k in "xyz"]
    assert cluster == local
    runs = {h: History(tmp_path / h).runs() for h in ("local", "cluster")}
    assert sorted((r.key, r.result, r.fingerprint.to_json()) for r in runs["cluster"]) == sorted(
        (r.key, r.result, r.fingerprint.to_json()) for r in runs["local"]
    )
    for key in "xyz":
        assert (tmp_path / "cluster" / "morning" / key / "latest").resolve().name == "2026-11-27"
    assert run(jobs_file, "cluster", "--executor", "dask", "--workers", "2") == 0
    assert "3 skipped" in capsys.readouterr().out  # fingerprints recorded on the workers


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys):
    jobs_file = make_desk(tmp_path, [("morning", "one")])
    assert run(jobs_file, "reports", "--scheduler", "tcp://127.0.0.1:9") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "briefing: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"
    )
