"""A build's time limit, kept by ending what the build waits on, never by interrupting it.

When the time is up a timer thread kills the build's kernel: a cell waiting on it, or
the warm-up, fails within a second (nbclient polls the kernel). Every other wait of a
build is bounded by :meth:`Deadline.left`, and the build's own thread asks
:meth:`Deadline.check` between its stages, so it ends with :class:`BuildTimeout` at
the next of them. Nothing is raised into a thread from outside: cleanups (kernel shut
down, staging removed, printer released) run whole, as after any failure.

Where a build can be when the time is up, and what ends it:

- starting the kernel: the start is bounded (a fork or a plain launch); the warm-up's
  wait then stops at the deadline;
- running a cell: the kernel is killed, the cell fails at once;
- exporting the HTML: the wait for the exporter stops at the deadline;
- printing the PDF: the wait for Chromium stops at the deadline (a kept browser's late
  answer is dropped by the next print);
- publishing: checked before the one atomic swap, never during it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from analysis.errors import BuildTimeout


class Deadline:
    """``seconds`` from when it is entered (as a context manager), or none (None or 0).

    ``on_expiry`` actions (killing the kernel) run once, in a timer thread, when the
    time is up; they must be quick and safe to run at any moment of the build.
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds or None
        self._ends: float | None = None
        self._lock = threading.Lock()
        self._actions: list[Callable[[], None]] = []
        self._expired = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Deadline:
        if self.seconds is not None:
            self._ends = time.monotonic() + self.seconds
            self._timer = threading.Timer(self.seconds, self._expire)
            self._timer.name = "build-deadline"
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._actions.clear()  # met, or failed: nothing of this build is killed later

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            actions = list(self._actions)
        for action in actions:  # a handful: the kernel
            action()

    def on_expiry(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the time is up (at once if it already is)."""
        if self.seconds is None:
            return
        with self._lock:
            if not self._expired:
                self._actions.append(action)
                return
        action()

    @property
    def expired(self) -> bool:
        return self._expired or (self._ends is not None and time.monotonic() >= self._ends)

    def left(self, limit: float) -> float:
        """Seconds a wait may take: ``limit``, or less if the deadline comes first."""
        if self._ends is None:
            return limit
        return max(min(limit, self._ends - time.monotonic()), 0.0)

    def error(self) -> BuildTimeout:
        return BuildTimeout(f"the build took longer than {self.seconds:.0f} s and was stopped")

    def check(self) -> None:
        """Raise :class:`BuildTimeout` once the time is up."""
        if self.expired:
            raise self.error()
