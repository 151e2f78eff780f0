"""Transparent huge pages off for a process that imports :mod:`analysis` (the ``briefing``
command, a notebook's kernel) and the processes it starts.

Arrow's allocator asks Linux for huge pages over its arenas, then hands memory
back in small pieces. Where the kernel compacts memory on demand for such
regions (``defrag`` of ``madvise``, common on virtual machines), every 2 MiB fault
can stall while the kernel compacts memory: on the 2-core test machine an
import of 1,000,000 ACLED rows spent a third of its time there, and a load of
1,000,000 claims about 15% (docs/scale.md). Ordinary pages cost a little more
in address translation and nothing like that. ``BRIEFING_HUGE_PAGES=on`` keeps the
system's setting.
"""

from __future__ import annotations

import ctypes
import os
import sys

PR_SET_THP_DISABLE = 41  # linux/prctl.h; inherited by children, kept across exec
VARIABLE = "BRIEFING_HUGE_PAGES"


def disable_huge_pages() -> bool:
    """Turn transparent huge pages off for this process; whether it was done."""
    if not sys.platform.startswith("linux") or os.environ.get(VARIABLE, "").lower() == "on":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):  # no prctl (another libc): keep the system's setting
        return False
