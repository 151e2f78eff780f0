"""Process-level settings, applied by entry points only, never on import.

The ``briefing`` command, the zygote that forks briefing kernels, a build's kernel
(at its warm-up) and the benchmarks call :func:`tune_process`; an analyst who
imports :mod:`analysis` in a notebook or a service that unpickles a task keeps the
system's memory behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.runtime.allocation import disable_huge_pages, keep_freed_memory

if TYPE_CHECKING:
    from analysis.settings import Settings

# Set for every kernel the command starts, plain or forked. debugpy (imported by
# ipykernel) warns on stderr, four lines per kernel, that frozen modules may hide
# breakpoints; nobody debugs a briefing's kernel, so its file check is turned off.
KERNEL_ENVIRONMENT = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def tune_process(settings: Settings) -> dict[str, bool]:
    """Huge pages off and freed memory kept for this process (see :mod:`.allocation`)
    unless ``settings`` keep the system's; which of the two took effect."""
    return {
        "huge_pages_off": not settings.huge_pages and disable_huge_pages(),
        "freed_memory_kept": settings.keep_freed_memory and keep_freed_memory(),
    }
