"""The collector pause is one per process: blocks in several threads share it."""

from __future__ import annotations

import gc
import threading

import pytest

from analysis.compute.pyobjects import gc_paused


def test_collector_stays_paused_until_the_last_overlapping_block_ends():
    assert gc.isenabled()
    first_inside, second_inside, first_done = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    seen = {}

    def first():
        with gc_paused():
            first_inside.set()
            second_inside.wait(5)
        first_done.set()

    def second():
        first_inside.wait(5)
        with gc_paused():
            second_inside.set()
            first_done.wait(5)
            seen["while the second still builds"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"while the second still builds": False}
    assert gc.isenabled()


def test_collector_is_restored_when_the_block_raises_and_left_off_when_it_was_off():
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
