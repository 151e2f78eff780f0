"""Building many Python objects at once (lists per row of an output table).

CPython's cyclic garbage collector runs after every few hundred new containers and,
now and then, walks every live one: building a list per assertion for a
million-claim dataset spends a third of its time there. Lists of strings hold no
cycles, so collection can wait until they are built.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # blocks inside gc_paused, in any thread
_was_enabled = False  # the collector's state before the first of them


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (reference counting still frees);
    restore it as it was when the last paused block ends, even when blocks raise or
    overlap in several threads (the collector is one per process)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
