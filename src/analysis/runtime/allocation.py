"""How a process tuned by an entry point (the ``briefing`` command, a briefing's kernel,
see :func:`analysis.runtime.tune_process`) gets memory from Linux: two settings, each
with a variable to keep the system's.

**Huge pages off** (``BRIEFING_HUGE_PAGES=on`` keeps them). Arrow's allocator asks
Linux for huge pages over its arenas, then hands memory back in small pieces. Where
the kernel compacts memory on demand for such regions (``defrag`` of ``madvise``,
common on virtual machines), every 2 MiB fault can stall while the kernel compacts
memory: on the 2-core test machine an import of 1,000,000 ACLED rows spent a third
of its time there, and a load of 1,000,000 claims about 15% (docs/scale.md).
Ordinary pages cost a little more in address translation and nothing like that.
The setting is inherited by the processes this one starts.

**Freed memory kept** (``BRIEFING_KEEP_FREED_MEMORY=off`` keeps glibc's defaults).
glibc maps every block above 32 MiB on its own and unmaps it when freed, so each
of the many temporary arrays of a 10,000,000-claim analysis (80 MB apiece) is
faulted in again page by page: half of that analysis' system time. Taking every
block from the heap and trimming it only past 2 GiB of free memory lets the next
array reuse the pages of the last one (10M claims: a fifth faster, about 15% more
peak memory). Both settings govern glibc's main arena only; threads (the analysis
runs branches on two, the loader looks up citations on one) would each get an arena
of their own that still maps and unmaps, so every thread is kept on the main one. A process keeps its peak memory until it
ends: fine for a command or a briefing's kernel, which is why a notebook session
that merely imports the package is left alone.
"""

from __future__ import annotations

import ctypes
import sys

PR_SET_THP_DISABLE = 41  # linux/prctl.h; inherited by children, kept across exec
M_TRIM_THRESHOLD, M_MMAP_MAX, M_ARENA_MAX = -1, -4, -8  # malloc.h
TRIM_THRESHOLD = (1 << 31) - 1  # mallopt takes an int: the largest, 2 GiB


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def disable_huge_pages() -> bool:
    """Turn transparent huge pages off for this process; whether it was done."""
    libc = _libc()
    if libc is None:
        return False
    try:
        return libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
    except AttributeError:  # no prctl (another libc): keep the system's setting
        return False


def keep_freed_memory() -> bool:
    """Have glibc serve large blocks from the heap and keep freed memory; whether done."""
    libc = _libc()
    if libc is None:
        return False
    try:
        return all(
            libc.mallopt(option, value) == 1
            for option, value in (
                (M_ARENA_MAX, 1),
                (M_MMAP_MAX, 0),
                (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            )
        )
    except AttributeError:  # no mallopt (musl): keep the allocator's behaviour
        return False
