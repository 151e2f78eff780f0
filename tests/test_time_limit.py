"""The build time limit holds in any thread (a Dask worker builds outside the main one)."""

from __future__ import annotations

import threading
import time

import pytest

from analysis.build.briefing import BuildTimeout, time_limit


def run_in_thread(work) -> list:
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 (the test looks at what reached the thread)
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return outcome


def test_a_build_thread_over_its_limit_is_stopped():
    def slow() -> str:
        with time_limit(0.3):
            for _ in range(500):  # 5 s of waiting in small steps
                time.sleep(0.01)
        return "finished"

    started = time.monotonic()
    (outcome,) = run_in_thread(slow)
    assert isinstance(outcome, BuildTimeout)
    assert "took longer than" in str(outcome)
    assert time.monotonic() - started < 3


def test_a_build_thread_within_its_limit_is_never_hit_later():
    def quick() -> str:
        with time_limit(0.2):
            time.sleep(0.01)
        time.sleep(0.5)  # past the limit, outside it: nothing may arrive
        return "finished"

    assert run_in_thread(quick) == ["finished"]


def test_the_main_thread_keeps_its_timer_signal():
    with pytest.raises(BuildTimeout, match="longer than"), time_limit(0.2):
        time.sleep(2)
