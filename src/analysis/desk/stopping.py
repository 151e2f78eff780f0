"""A run stopped by SIGTERM or Ctrl-C: builds under way unwind, none starts, and nothing is
recorded for a briefing that did not finish, so the next ``--due`` run builds it again.

systemd's stop, ``timeout`` and a shutdown send SIGTERM; a terminal sends SIGINT to the
run and its workers. Either marks this process stopped, and raises KeyboardInterrupt
only inside a build (:func:`interruptible`), which then unwinds as on Ctrl-C (kernel
and Chromium shut, staging removed, nothing published). Outside a build (deciding,
recording, linking) the work in hand is finished first, so a briefing is recorded
whole or not at all, and the run stops before the next one. SIGKILL cannot be caught:
a briefing is recorded only once it has ended, so a killed one is simply not there; a
pool worker whose run was killed (:func:`watch_run`) exits and records nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass
class _Stop:
    signum: int | None = None  # the first stop signal this process received
    building: bool = False  # the main thread is inside a build
    run: int | None = None  # a pool worker's run (its parent): when gone, the run was killed


_STOP = _Stop()  # per process: signals are


def stopped() -> int | None:
    """The signal that stopped this process's run, or None while it goes on."""
    return _STOP.signum


def handle_stop_signals() -> dict[int, object]:
    """Let SIGTERM and SIGINT stop the run as the module says; returns the handlers they
    had. A no-op outside the main thread, where Python cannot set handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    _STOP.signum = None
    return {signum: signal.signal(signum, _stop) for signum in SIGNALS}


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """:func:`handle_stop_signals` for a run, the previous handlers back after it."""
    previous = handle_stop_signals()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """A build a stop interrupts (KeyboardInterrupt), at once if the run already stopped."""
    if _STOP.signum is not None:
        raise KeyboardInterrupt
    if threading.current_thread() is not threading.main_thread():
        yield  # a Dask worker's build thread: signals reach the main thread only
        return
    _STOP.building = True
    try:
        yield
    finally:
        _STOP.building = False


def _stop(signum: int, frame) -> None:
    first = _STOP.signum is None
    if first:
        _STOP.signum = signum
    if first and _STOP.building:
        _STOP.building = False  # a second signal must not break the unwinding
        raise KeyboardInterrupt


def watch_run(run: int) -> None:
    """In a pool worker: end this process once ``run``, its parent, is gone (a pool's idle
    workers would wait for it for ever, their zygote and Chromium too)."""
    _STOP.run = run
    threading.Thread(target=_exit_without, args=(run,), name="run-watch", daemon=True).start()


def run_lost() -> bool:
    """Whether this pool worker's run was killed: its builds then end with their kernels
    (the run's zygote kills them) and must not be recorded as failures."""
    return _STOP.run is not None and os.getppid() != _STOP.run


def _exit_without(run: int) -> None:
    while os.getppid() == run:
        time.sleep(1.0)
    os._exit(1)
