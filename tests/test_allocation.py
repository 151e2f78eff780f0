"""``tune_process`` turns huge pages off for the process and what it starts, and has glibc
keep freed memory for reuse, unless asked not to; importing the package changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts Python processes

reports_thp = pytest.mark.skipif(
    not Path("/proc/self/status").is_file()
    or "THP_enabled" not in Path("/proc/self/status").read_text(),
    reason="the kernel does not report THP_enabled in /proc/PID/status",
)

# the child starts from the system's setting (this test process may pass its own on),
# imports the package and reports its setting, then tunes itself (``tune``) and reports
# its own setting and that of a process it starts (inherited)
PROBE = """
import ctypes, subprocess, sys
ctypes.CDLL(None).prctl(41, 0, 0, 0, 0)
import analysis, analysis.compute.results, analysis.contract.dataset
status = lambda text: [l.split()[1] for l in text.splitlines() if l.startswith("THP_enabled")][0]
print(status(open("/proc/self/status").read()))
import os
from analysis.runtime import tune_process
from analysis.settings import Settings
print(tune_process(Settings.from_environment(os.environ))["huge_pages_off"])
print(status(open("/proc/self/status").read()))
print(status(subprocess.run(["cat", "/proc/self/status"], capture_output=True, text=True).stdout))
"""


def probe(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "BRIEFING_HUGE_PAGES"} | env
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment, check=True
    )
    return done.stdout.split()


@reports_thp
def test_importing_leaves_huge_pages_tuning_turns_them_off_for_it_and_its_children():
    assert probe() == ["1", "True", "0", "0"]


@reports_thp
def test_the_variable_keeps_the_system_setting():
    assert probe(BRIEFING_HUGE_PAGES="on") == ["1", "False", "1", "1"]


# a 256 MiB block written, freed, taken again and written again: the page faults of the
# second writing (none when the freed pages were kept, one per 4 KiB page when the block
# went back to Linux and came again; huge pages off in every case, so pages are 4 KiB),
# in the main thread or in another (which glibc would serve from an arena of its own)
REUSE = """
import ctypes, resource, sys, threading
ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)
import numpy as np
import analysis, analysis.compute.results, analysis.contract.dataset
if sys.argv[1] == "tune":
    from analysis.runtime import tune_process
    from analysis.settings import Settings
    import os
    tune_process(Settings.from_environment(os.environ))
size = 256 << 20
faults = []
def reuse():
    block = np.ones(size, dtype=np.uint8)
    del block
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    block = np.ones(size, dtype=np.uint8)
    faults.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
if sys.argv[2] == "thread":
    worker = threading.Thread(target=reuse)
    worker.start()
    worker.join()
else:
    reuse()
print(faults[0])
"""


def faults_on_reuse(how: str, where: str = "main", **env: str) -> int:
    environment = {k: v for k, v in os.environ.items() if k != "BRIEFING_KEEP_FREED_MEMORY"}
    done = subprocess.run(
        [sys.executable, "-c", REUSE, how, where],
        capture_output=True,
        text=True,
        env=environment | env,
        check=True,
    )
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_memory_is_kept_for_the_next_array():
    pages = (256 << 20) // 4096
    assert faults_on_reuse("plain") > pages // 2  # imported only: glibc's default, unmapped
    assert faults_on_reuse("tune") < pages // 20
    assert faults_on_reuse("tune", BRIEFING_KEEP_FREED_MEMORY="off") > pages // 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_memory_is_kept_in_worker_threads_too():
    pages = (256 << 20) // 4096
    assert faults_on_reuse("plain", "thread") > pages // 2
    assert faults_on_reuse("tune", "thread") < pages // 20
