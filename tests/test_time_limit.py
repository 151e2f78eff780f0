"""A build's time limit ends what the build waits on (its kernel), in any thread (a Dask
worker builds outside the main one), and never fires into a build that met it."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from analysis.build import BuildTimeout, build_briefing
from analysis.build.deadline import Deadline

from .conftest import DATA


def run_in_thread(work) -> list:
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 (the test looks at what reached the thread)
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    return outcome


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_at_the_deadline_what_the_build_waits_on_is_killed_in_any_thread():
    waited: list[float] = []

    def wait_on_a_process() -> None:
        process = subprocess.Popen(["sleep", "30"])
        started = time.monotonic()
        with Deadline(1) as deadline:
            deadline.on_expiry(process.kill)
            process.wait(timeout=20)
            waited.append(time.monotonic() - started)
            deadline.check()

    (outcome,) = run_in_thread(wait_on_a_process)
    assert isinstance(outcome, BuildTimeout)
    assert str(outcome) == "the build took longer than 1 s and was stopped"
    assert 0.9 < waited[0] < 5


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_a_deadline_met_never_fires_later():
    process = subprocess.Popen(["sleep", "30"])
    try:
        with Deadline(0.2) as deadline:
            deadline.on_expiry(process.kill)
            time.sleep(0.01)
        time.sleep(0.5)  # past the limit, outside it: nothing may be killed
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()


def test_an_action_given_after_the_time_is_up_runs_at_once_and_waits_are_cut_short():
    killed = []
    with Deadline(0.1) as deadline:
        assert 0 < deadline.left(60) <= 0.1
        time.sleep(0.2)
        deadline.on_expiry(lambda: killed.append(True))
        assert killed == [True] and deadline.left(60) == 0
        with pytest.raises(BuildTimeout, match="longer than"):
            deadline.check()
    with Deadline(None) as unlimited:
        assert unlimited.left(60) == 60 and not unlimited.expired


@pytest.mark.slow  # a real kernel
def test_a_build_in_a_thread_over_its_time_limit_kills_its_kernel_and_publishes_nothing(
    tmp_path,
):
    started = time.monotonic()
    (outcome,) = run_in_thread(
        lambda: build_briefing(
            DATA / "notebooks" / "sleeps.ipynb", formats=("html",), reports=tmp_path, timeout=3
        )
    )
    assert isinstance(outcome, BuildTimeout), outcome
    assert str(outcome) == "the build took longer than 3 s and was stopped"
    assert time.monotonic() - started < 20  # the cell sleeps far longer
    assert list(tmp_path.iterdir()) == []  # nothing published, nothing kept, no staging
