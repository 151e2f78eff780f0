"""Huge pages are turned off for the briefing process and what it starts, unless asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").is_file()
    or "THP_enabled" not in Path("/proc/self/status").read_text(),
    reason="the kernel does not report THP_enabled in /proc/PID/status",
)

# the child starts from the system's setting (this test process, having imported the
# package, passes its own on), imports the package, then reports its own setting and
# that of a process it starts (inherited)
PROBE = """
import ctypes, subprocess, sys
ctypes.CDLL(None).prctl(41, 0, 0, 0, 0)
import analysis
from analysis.hugepages import disable_huge_pages
print(disable_huge_pages())
status = lambda text: [l.split()[1] for l in text.splitlines() if l.startswith("THP_enabled")][0]
print(status(open("/proc/self/status").read()))
print(status(subprocess.run(["cat", "/proc/self/status"], capture_output=True, text=True).stdout))
"""


def probe(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "BRIEFING_HUGE_PAGES"} | env
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment, check=True
    )
    return done.stdout.split()


def test_importing_the_package_turns_huge_pages_off_for_it_and_its_children():
    assert probe() == ["True", "0", "0"]


def test_the_variable_keeps_the_system_setting():
    assert probe(BRIEFING_HUGE_PAGES="on") == ["False", "1", "1"]
