"""Kernels forked from a desk worker's zygote: same results as a plain launch, nothing
shared between briefings, deaths and time-outs still reported, no process left behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from analysis.build import BuildResources, BuildTimeout, build_briefing
from analysis.build.execute import WarmKernel, kernel_command
from analysis.errors import BuildFailed
from analysis.runtime import zygote

from .conftest import ROOT

pytestmark = pytest.mark.slow  # real kernels and Chromium

SEED = ROOT / "notebooks" / "briefing.ipynb"
TOY = ROOT / "benchmarks" / "notebooks" / "toy.ipynb"
BOOT = "analysis.runtime.zygote import serve"
BRIEFING = str(Path(sys.executable).parent / "briefing")

# What a kernel can tell about how it was started and what it imported under.
PROBE = """\
import json, os, sys
import matplotlib, pandas as pd, numpy as np
import matplotlib.pyplot as plt
leaked = "leftover" in globals()
import analysis.present.plots as plots
module_leaked = hasattr(plots, "_probe")
leftover = plots._probe = True
parent = open(f"/proc/{os.getppid()}/cmdline").read()
print(json.dumps({
    "leaked": leaked,
    "module_leaked": module_leaked,
    "forked": "analysis.runtime.zygote" in parent,
    "pid": os.getpid(),
    "parent_pid": os.getppid(),
    "random": float(np.random.random()),
    "cwd": os.getcwd(),
    "path0": sys.path[0],
    "output_variable": "CLAIM_BRIEFINGS_OUTPUT" in os.environ,
    "marker": os.environ.get("PROBE_MARK"),
    "backend": matplotlib.get_backend(),
    "max_columns": pd.get_option("display.max_columns"),
    "width": pd.get_option("display.width"),
    "stdout": type(sys.stdout).__name__,
    "huge_pages": [l.split()[1] for l in open("/proc/self/status") if l.startswith("THP_enabled")],
}))
plt.plot([1, 2, 3])  # shown at the end of the cell by the inline backend, uncalled
"""


@pytest.fixture
def in_worker():
    """This test process as a desk worker: a zygote forks its kernels. Started in the
    test itself: pytest sets PYTEST_CURRENT_TEST anew for it, and a zygote forks only
    for the environment it was started in."""
    started: list[BuildResources] = []
    yield lambda: started.append(BuildResources.start(fork=True)) or started[0]
    zygotes = [r.zygote for r in started]
    for resources in started:
        resources.close()
    assert all(z.process.poll() is not None for z in zygotes)


def probe_notebook(folder: Path, extra: list[str] = ()) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "claim-briefings",
        "display_name": "x",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    parameters = nbformat.v4.new_code_cell('marking = "TEST"  # type: str  handling line')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(PROBE)]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in extra]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def probed(folder: Path) -> tuple[dict, list[str]]:
    """The probe's facts, and the output types of its cell, in a built briefing's folder."""
    nb = nbformat.read(folder / "probe.ipynb", 4)
    (cell,) = [c for c in nb.cells if c.source == PROBE]
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    kinds = [k for o in cell.outputs if o.output_type == "display_data" for k in o.data]
    return json.loads(text), kinds


def build(notebook: Path, reports: Path, *given: tuple[str, str], **kw):
    return build_briefing(notebook, list(given), formats="html", reports=reports, **kw)


def outputs(briefing, stem: str) -> list:
    """Every code cell's outputs, the build time (the minute it ran) left out."""
    nb = nbformat.read(briefing.folder / f"{stem}.ipynb", 4)
    text = json.dumps([c.outputs for c in nb.cells if c.cell_type == "code"], sort_keys=True)
    return json.loads(re.sub(r"built \d{4}-\d\d-\d\d \d\d:\d\d UTC", "built (time)", text))


def test_a_forked_kernel_briefs_as_a_plain_one(tmp_path):
    plain = build(SEED, tmp_path / "plain", ("marking", "X"))
    plain_probe = probed(build(probe_notebook(tmp_path / "nb"), tmp_path / "plain-probe").folder)
    with BuildResources.start(fork=True) as worker:
        forked = build(SEED, tmp_path / "forked", ("marking", "X"), resources=worker)
        forked_probe = probed(
            build(
                probe_notebook(tmp_path / "nb"), tmp_path / "forked-probe", resources=worker
            ).folder
        )
        assert worker.zygote.forked == 2
    assert outputs(forked, "briefing") == outputs(plain, "briefing")
    (facts, kinds), (plain_facts, plain_kinds) = forked_probe, plain_probe
    assert facts["forked"] and not plain_facts["forked"]
    assert plain_facts["parent_pid"] == os.getpid()  # a plain kernel is our child,
    assert facts["parent_pid"] != os.getpid()  # a forked one the zygote's
    different = {"forked", "pid", "parent_pid", "random"}
    assert {k: v for k, v in facts.items() if k not in different} == {
        k: v for k, v in plain_facts.items() if k not in different
    }
    assert facts["cwd"] == str(tmp_path / "nb") and facts["output_variable"]
    assert facts["max_columns"] == 20  # pandas imported as in a kernel, not a terminal
    # tuned at the warm-up (plain) or by the zygote (forked); this process is not tuned
    assert plain_facts["huge_pages"] in (["0"], [])
    assert kinds == plain_kinds and "image/png" in kinds  # the inline backend hooked in


def test_two_briefings_of_one_worker_share_nothing(tmp_path, in_worker):
    worker = in_worker()
    notebook = probe_notebook(tmp_path / "nb")
    first, _ = probed(build(notebook, tmp_path / "one", resources=worker).folder)
    second, _ = probed(build(notebook, tmp_path / "two", resources=worker).folder)
    assert first["forked"] and second["forked"] and worker.zygote.forked == 2
    assert not second["leaked"] and not second["module_leaked"]
    assert first["pid"] != second["pid"]
    assert first["random"] != second["random"]  # each kernel draws its own seed


def test_a_forked_kernel_killed_mid_cell_is_reported(tmp_path, in_worker):
    worker = in_worker()
    kill = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    notebook = probe_notebook(tmp_path / "nb", [kill])
    with pytest.raises(BuildFailed, match="the kernel died while running cell 3"):
        build(notebook, tmp_path / "r", resources=worker)
    assert worker.zygote.forked == 1


def test_a_forked_kernel_past_its_cell_timeout_is_stopped(tmp_path, in_worker):
    worker = in_worker()
    notebook = probe_notebook(tmp_path / "nb", ["import time\ntime.sleep(120)"])
    started = time.monotonic()
    with pytest.raises(BuildFailed, match="cell 3 ran longer than 3 s and was stopped"):
        build(notebook, tmp_path / "r", cell_timeout=3, resources=worker)
    assert time.monotonic() - started < 60
    assert worker.zygote.forked == 1


def test_a_forked_kernel_past_the_build_deadline_is_killed(tmp_path, in_worker):
    """The deadline kills the kernel through the zygote's pidfd: the build ends at once,
    with the deadline's words, and the worker's next kernel is forked as before."""
    worker = in_worker()
    notebook = probe_notebook(tmp_path / "nb", ["import time\ntime.sleep(120)"])
    started = time.monotonic()
    with pytest.raises(BuildTimeout, match="^the build took longer than 8 s and was stopped$"):
        build(notebook, tmp_path / "r", timeout=8, resources=worker)
    assert time.monotonic() - started < 30
    assert not (tmp_path / "r").exists()  # nothing published, nothing kept
    facts, _ = probed(
        build(probe_notebook(tmp_path / "nb2"), tmp_path / "r", resources=worker).folder
    )
    assert facts["forked"] and worker.zygote.forked == 2


def test_a_dead_zygote_means_a_plain_launch(in_worker):
    worker = in_worker()
    worker.zygote.process.kill()
    worker.zygote.process.wait()
    with WarmKernel(TOY, resources=worker) as kernel:
        kernel.ready(timeout=120)
        assert kernel.manager.provisioner.refused.startswith("the zygote")
        assert not isinstance(kernel.manager.provisioner.process, zygote.ForkedKernel)
    assert worker.zygote.dead


def test_another_environment_means_a_plain_launch(in_worker, monkeypatch):
    worker = in_worker()
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # read by libraries at import: not forked
    with WarmKernel(TOY, resources=worker) as kernel:
        kernel.ready(timeout=120)
        assert "environment" in kernel.manager.provisioner.refused
    assert worker.zygote.forked == 0


def test_workers_share_a_zygote_and_take_their_kernels_with_them(tmp_path):
    """Two workers joined to one zygote: a worker that leaves takes its own kernels,
    not the other's; the owner that leaves takes the zygote and every kernel."""
    python = kernel_command()[0]
    owner = zygote.Zygote(python, shared=True)
    workers = [zygote.Zygote.join(owner.address, python) for _ in range(2)]
    kernels = [
        worker.fork_kernel(
            [python, "-m", "ipykernel_launcher", "-f", str(tmp_path / f"kernel-{n}.json")],
            dict(os.environ),
            str(tmp_path),
            None,
            None,
        )
        for n, worker in enumerate(workers)
    ]
    try:
        assert [k.poll() for k in kernels] == [None, None]
        workers[0].close()
        kernels[0].wait(timeout=10)
        time.sleep(0.5)
        assert kernels[1].poll() is None
        owner.close()
        kernels[1].wait(timeout=10)
        assert owner.process.poll() is not None
        assert not Path(owner.address).parent.exists()  # its socket's folder is removed
        late = zygote.Zygote.join(owner.address, python)
        assert late.dead and "cannot be reached" in late.dead
    finally:
        for kernel in kernels:
            if kernel.poll() is None:
                kernel.kill()
        owner.close()


def kernel_of(worker, folder: Path, name: str):
    python = worker.python
    cmd = [python, "-m", "ipykernel_launcher", "-f", str(folder / f"{name}.json")]
    return worker.fork_kernel(cmd, dict(os.environ), str(folder), None, None)


def gone_mid_request(address: str, tmp_path: Path, how: str) -> None:
    """A worker killed at the worst moment, played by a raw connection: before the
    zygote lets it in, after asking for a fork or a status, or talking nonsense."""
    channel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    channel.connect(address)
    if how != "before it is let in":
        socket.recv_fds(channel, 1 << 20, 4)  # the zygote's ready message
        fork = {"op": "fork", "argv": ["-f", str(tmp_path / "lost.json")], "cwd": str(tmp_path)}
        request, fds = {
            "asked for a fork": (json.dumps({**fork, "env": dict(os.environ)}), [1, 2]),
            "asked for a status": (json.dumps({"op": "status", "pid": 1}), []),
            "sent nonsense": ("{not json", [1]),
            "asked for a fork without its streams": (json.dumps(fork), []),
        }[how]
        socket.send_fds(channel, [request.encode()], fds)
    channel.close()


def test_workers_lost_mid_request_leave_the_others_kernels_running(tmp_path):
    python = kernel_command()[0]
    owner = zygote.Zygote(python, shared=True)
    good = zygote.Zygote.join(owner.address, python)
    kernel = kernel_of(good, tmp_path, "good")
    try:
        for how in [
            "before it is let in",
            "asked for a fork",
            "asked for a status",
            "sent nonsense",
            "asked for a fork without its streams",
        ]:
            gone_mid_request(owner.address, tmp_path, how)
            later = kernel_of(good, tmp_path, "later")  # still forked, not launched plainly
            later.kill()
            assert owner.process.poll() is None, how
        time.sleep(2)  # a kernel whose zygote died would notice within a second
        assert kernel.poll() is None
        assert good.forked == 6 and owner.process.poll() is None
    finally:
        if kernel.poll() is None:
            kernel.kill()
        good.close()
        owner.close()


def test_a_shared_zygote_under_a_long_temporary_folder(tmp_path, monkeypatch):
    """A socket's path has at most 108 bytes: a long TMPDIR sends it to /tmp."""
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    python = kernel_command()[0]
    owner = zygote.Zygote(python, shared=True)
    try:
        assert owner.address.startswith("/tmp/briefing-zygote-")
        worker = zygote.Zygote.join(owner.address, python)
        kernel = kernel_of(worker, tmp_path, "k")
        assert kernel.poll() is None
        worker.close()
        kernel.wait(timeout=10)
    finally:
        owner.close()
    assert not Path(owner.address).parent.exists()


def test_a_zygote_that_cannot_start_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(OSError):
        zygote.Zygote(str(tmp_path / "no-python"), shared=True)
    assert list(tmp_path.iterdir()) == []
    assert zygote.start_zygote(str(tmp_path / "no-python"), shared=True) is None  # plain kernels
    assert list(tmp_path.iterdir()) == []
    assert zygote.start_zygote(str(tmp_path / "no-python")) is None


JOBS = """\
[[job]]
name = "probe"
notebook = "nb/probe.ipynb"
formats = ["html", "pdf"]

[job.grid]
marking = ["A", "B", "C"]

[job.schedule]
cron = "0 6 * * *"
timezone = "UTC"
"""


@pytest.fixture
def temporary():
    """A run's own TMPDIR, where its zygote's socket folder must not stay behind."""
    folder = Path(tempfile.mkdtemp(prefix="desk-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment holds ``PROBE_MARK=mark``: zygotes and kernels of a run."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"PROBE_MARK={mark}".encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_desk_run_forks_its_kernels_and_leaves_no_zygote(tmp_path, temporary):
    probe_notebook(tmp_path / "nb")
    (tmp_path / "briefings.toml").write_text(JOBS)
    mark = uuid.uuid4().hex
    run = subprocess.run(
        [BRIEFING, "run", "--jobs", "briefings.toml"] + ["--out", "reports", "--workers", "2"],
        cwd=tmp_path,
        env={**os.environ, "PROBE_MARK": mark, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    built = list((tmp_path / "reports" / "probe").glob("*/latest"))
    facts = [probed(folder)[0] for folder in built]
    assert len(facts) == 3 and all(f["forked"] and f["marker"] == mark for f in facts)
    assert len({f["parent_pid"] for f in facts}) == 1  # one zygote shared by both workers
    assert all((folder / "probe.pdf").is_file() for folder in built)
    assert processes_marked(mark) == []
    assert list(temporary.glob("briefing-zygote-*")) == []  # its socket's folder


def test_a_killed_run_leaves_no_zygote_nor_kernel(tmp_path, temporary):
    probe_notebook(tmp_path / "nb", ["import time\ntime.sleep(300)"])
    (tmp_path / "briefings.toml").write_text(JOBS.replace('["html", "pdf"]', '["html"]'))
    mark = uuid.uuid4().hex
    run = subprocess.Popen(
        [BRIEFING, "run", "--jobs", "briefings.toml"] + ["--out", "reports", "--workers", "2"],
        cwd=tmp_path,
        env={**os.environ, "PROBE_MARK": mark, "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while sum(BOOT in cmdline(p) for p in processes_marked(mark)) < 3:  # a zygote, 2 kernels
            assert time.monotonic() < deadline, "no forked kernels came up"
            time.sleep(0.5)
    finally:
        run.send_signal(signal.SIGKILL)  # the run only: its workers must notice
        run.wait()
    deadline = time.monotonic() + 30
    while processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = processes_marked(mark)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == [], [cmdline(p) for p in left]
    assert list(temporary.glob("briefing-zygote-*")) == []  # removed by the zygote itself


def test_kernels_print_no_debugger_warning(tmp_path, capfd, in_worker):
    """debugpy warned about frozen modules on stderr, four lines per kernel, plain or
    forked, into every `briefing run`'s output."""
    notebook = probe_notebook(tmp_path / "nb")
    build(notebook, tmp_path / "plain")
    worker = in_worker()
    build(notebook, tmp_path / "forked", resources=worker)
    assert worker.zygote.forked == 1
    assert "Debugger warning" not in capfd.readouterr().err
