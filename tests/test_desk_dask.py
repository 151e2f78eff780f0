"""``briefing run --executor dask``: a real LocalCluster builds what local processes build,
the jobs file's ``[desk]`` table chooses the executor, and a worker lost mid-briefing
costs no briefing and publishes none twice."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import dask
import nbformat
import pytest
from dask.distributed import Client, LocalCluster

from analysis.cli import main
from analysis.desk.executors import dask as dask_executor
from analysis.desk.history import History

from .peers import HostilePeer
from .test_desk_run import AT, make_desk

pytestmark = pytest.mark.slow  # a cluster of worker processes, kernels in them

TIMINGS = ("started", "duration_s", "tools", "git_commit")
UNREACHABLE = "tcp://127.0.0.1:9"  # nothing listens on the discard port
# A cell for the topic notebook: the briefing whose dataset has SLOW-<topic> takes that
# file away (so a retry runs through), says which kernel runs it, and sleeps.
SLOW_CELL = """\
import os, time
from pathlib import Path
slow = Path(dataset) / f"SLOW-{topic}"
if slow.exists():
    slow.unlink()
    said = Path(dataset) / f".PIDS-{topic}"
    said.write_text(str(os.getpid()))
    said.rename(Path(dataset) / f"PIDS-{topic}")
    time.sleep(120)
"""


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
    jobs_file = make_desk(tmp_path, [("east", "one"), ("west", "two")])  # 6 briefings
    assert run(jobs_file, "local", "--workers", "2") == 0
    assert run(jobs_file, "cluster", "--executor", "dask", "--workers", "2") == 0
    out = capsys.readouterr().out
    assert out.count("built east/") + out.count("built west/") == 12
    local, cluster = built(tmp_path / "local"), built(tmp_path / "cluster")
    keys = [f"{job}/{k}" for job in ("east", "west") for k in "xyz"]
    assert sorted(cluster) == [f"{key}/2026-11-27" for key in keys]
    assert cluster == local
    runs = {h: History(tmp_path / h).runs() for h in ("local", "cluster")}
    assert sorted(
        (r.job, r.key, r.result, r.fingerprint.to_json()) for r in runs["cluster"]
    ) == sorted((r.job, r.key, r.result, r.fingerprint.to_json()) for r in runs["local"])
    for key in keys:
        assert (tmp_path / "cluster" / key / "latest").resolve().name == "2026-11-27"
    assert run(jobs_file, "cluster", "--executor", "dask", "--workers", "2") == 0
    assert "6 skipped" in capsys.readouterr().out  # fingerprints recorded on the workers


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", "2s")  # refused: no need for 20 s
    jobs_file = make_desk(tmp_path, [("morning", "one")])
    assert run(jobs_file, "reports", "--scheduler", UNREACHABLE) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        f"briefing: error: cannot reach the Dask scheduler at {UNREACHABLE}"
    )


def test_the_desk_table_chooses_the_executor_and_flags_override_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", "2s")  # refused: no need for 20 s
    jobs_file = make_desk(tmp_path, [("morning", "one")])
    jobs = jobs_file.read_text()
    jobs_file.write_text(f'[desk]\nexecutor = "dask"\nscheduler = "{UNREACHABLE}"\n\n{jobs}')

    assert run(jobs_file, "reports") == 2  # the file's scheduler is used...
    assert f"cannot reach the Dask scheduler at {UNREACHABLE}" in capsys.readouterr().err
    assert run(jobs_file, "reports", "--scheduler", "tcp://127.0.0.1:7") == 2  # ...unless named
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:7" in capsys.readouterr().err
    assert not (tmp_path / "reports" / "morning").exists()  # nothing was built

    assert run(jobs_file, "reports", "--executor", "local") == 0  # local processes build it
    assert "3 built" in capsys.readouterr().out

    assert run(jobs_file, "reports", "--executor", "local", "--scheduler", UNREACHABLE) == 2
    assert capsys.readouterr().err.strip() == (
        "briefing: error: --scheduler needs --executor dask (or no --executor)"
    )

    jobs_file.write_text(f'[desk]\nexecutor = "dask"\nshceduler = "{UNREACHABLE}"\n\n{jobs}')
    assert run(jobs_file, "reports", "--executor", "local", "--force") == 2  # refused whole
    err = capsys.readouterr().err
    assert f"{jobs_file}:3: unknown key 'shceduler' in [desk]; did you mean 'scheduler'?" in err
    assert [r.result for r in History(tmp_path / "reports").runs()] == ["built"] * 3


def _slow_topic_notebook(jobs_file: Path) -> None:
    """The desk's topic notebook with SLOW_CELL after its parameters."""
    path = jobs_file.parent / "notebooks" / "topic.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell(SLOW_CELL))
    nbformat.write(notebook, path)


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 180) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            out, err = process.communicate(timeout=30)
            pytest.fail(f"no briefing reached the slow cell:\n{out}\n{err}")
        time.sleep(0.1)
    return path.read_text()


def _ancestors(pid: int) -> set[int]:
    """The processes above ``pid`` (a kernel's worker, through its zygote or not)."""
    found = set()
    while pid > 1:
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat.rsplit(")", 1)[1].split()[1])  # the parent, after the command's name
        found.add(pid)
    return found


def test_a_worker_lost_mid_briefing_is_built_once_by_another(tmp_path):
    jobs_file = make_desk(tmp_path, [("east", "one"), ("west", "two")])  # 6 briefings
    _slow_topic_notebook(jobs_file)
    (tmp_path / "data" / "one" / "SLOW-y").write_text("")  # east/y sleeps, once
    reports = tmp_path / "reports"
    kernel = None
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        workers = set(client.run(os.getpid).values())
        command = [sys.executable, "-m", "analysis.cli", "run", "--jobs", str(jobs_file)]
        command += ["--out", str(reports), "--at", AT, "--scheduler", cluster.scheduler_address]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            kernel = int(_wait_for(tmp_path / "data" / "one" / "PIDS-y", process))
            (worker,) = workers & _ancestors(kernel)  # the Dask worker building east/y
            os.kill(worker, signal.SIGKILL)
            out, err = process.communicate(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
            if kernel is not None:  # the lost worker's kernel, still asleep
                with contextlib.suppress(ProcessLookupError):
                    os.kill(kernel, signal.SIGKILL)
        assert worker not in set(client.run(os.getpid).values())  # it really died

    assert process.returncode == 0, out + err
    assert "built east/y in" in out and "6 built" in out
    keys = [(job, key) for job in ("east", "west") for key in "xyz"]
    rows = History(reports).runs()
    assert sorted((r.job, r.key, r.result) for r in rows) == [(*k, "built") for k in keys]
    for job, key in keys:  # each published once, in one folder, latest on it
        assert sorted(p.name for p in (reports / job / key).iterdir()) == [
            ".due.json",  # when it is next due, for the index
            "2026-11-27",
            "latest",
        ]
        assert f"briefing on {key}" in (reports / job / key / "latest" / "topic.html").read_text()
    assert not (tmp_path / "data" / "one" / "SLOW-y").exists()  # the lost worker got that far


@contextlib.contextmanager
def peer_at(kind: str):
    """The address of a peer of ``kind``: a stranger, an HTTP or SMTP server, a closed
    port, or an address that is not one."""
    if kind in ("garbage", "huge", "silent"):
        stranger = HostilePeer(kind)
        yield stranger.address
        stranger.close()
    elif kind in ("http", "tls"):
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), http.server.BaseHTTPRequestHandler
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"{'tcp' if kind == 'http' else 'tls'}://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        server.server_close()
    elif kind == "smtp":
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(object(), hostname="127.0.0.1", port=port)
        controller.start()
        yield f"tcp://127.0.0.1:{port}"
        controller.stop()
    elif kind == "closed":
        yield UNREACHABLE
    else:
        yield kind


@pytest.mark.parametrize(
    "kind, said",
    [
        ("garbage", "is not a Dask scheduler"),
        ("huge", "is not a Dask scheduler"),
        ("smtp", "is not a Dask scheduler (it answered b'220 "),
        ("http", "nothing answered as one within 0.5 s"),
        ("silent", "nothing answered as one within 0.5 s"),
        ("closed", "Connection refused"),
        ("tls", "cannot reach the Dask scheduler at tls://"),  # no TLS set up: Dask's TypeError
        ("ucx://127.0.0.1:1", "cannot reach the Dask scheduler at ucx://"),  # no UCX here
        ("inproc://x:1", "is malformed"),
        ("tcp://127.0.0.1:99999", "is malformed"),
        ("tcp://:8786", "is malformed"),
        ("http://[::1", "is malformed"),
    ],
)
def test_a_scheduler_that_is_not_one_is_one_line_quickly(tmp_path, capsys, monkeypatch, kind, said):
    monkeypatch.setattr(dask_executor, "PROBE_TIMEOUT", 0.5)
    jobs_file = make_desk(tmp_path, [("morning", "one")])
    with peer_at(kind) as address:
        clock = time.monotonic()
        code = run(jobs_file, "reports", "--scheduler", address)
        took = time.monotonic() - clock
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and said in err[0], err
    assert took < 5  # the probe's second, not Dask's 20 s nor an exabyte read
    assert not (tmp_path / "reports" / "morning").exists()


def test_a_real_scheduler_passes_the_probe():
    with LocalCluster(n_workers=0, dashboard_address=None) as cluster:
        dask_executor.probe_scheduler(cluster.scheduler_address, timeout=5)
        dask_executor.probe_scheduler(cluster.scheduler_address.removeprefix("tcp://"), timeout=5)
