"""Building many Python objects at once (lists per row of an output table).

CPython's cyclic garbage collector runs after every few hundred new containers and,
now and then, walks every live one: building a list per assertion for a
million-claim dataset spends a third of its time there. Lists of strings hold no
cycles, so collection can wait until they are built.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (reference counting still frees);
    restore it as it was, even when the block raises."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
