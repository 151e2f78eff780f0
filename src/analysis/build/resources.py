"""What builds reuse, held by whoever runs them: how kernels start, and a kept Chromium.

A build needs a kernel and, for a PDF, a browser. One build alone starts both itself
(a plain kernel; a Chromium for that build). A process that runs many builds (a desk
run in-process, each pool or Dask worker) keeps, for all of them:

- a zygote (:mod:`analysis.runtime.zygote`) that forks each kernel with its imports
  done, started for this process or joined (the one a desk run shares with its pool);
- one Chromium (:class:`~analysis.build.export.PdfPrinter` kept open).

:class:`BuildResources` holds them; it is created by that process, passed to
``build_briefing(..., resources=...)`` and closed when its builds are done (a context
manager). No module global decides which kernel or browser a build gets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from analysis.build.execute import kernel_command
from analysis.build.export import PdfPrinter
from analysis.runtime.zygote import Zygote, fork_with, start_zygote


class BuildResources:
    """A kernel launcher (plain, or forked from ``zygote``) and an optional kept
    ``printer``; both closed with this object."""

    def __init__(self, zygote: Zygote | None = None, printer: PdfPrinter | None = None):
        self.zygote = zygote
        self.printer = printer

    @classmethod
    def start(
        cls, *, fork: bool = False, join: str | None = None, chromium: Path | str | None = None
    ) -> BuildResources:
        """Resources for many builds: with ``fork``, a zygote of this process's own, or the
        shared one at ``join`` (kernels launched the plain way if it cannot start or be
        reached); with ``chromium``, one browser kept open for every PDF."""
        zygote = None
        if join:
            zygote = Zygote.join(join, kernel_command()[0])
        elif fork:
            zygote = start_zygote(kernel_command()[0])
        printer = PdfPrinter(str(chromium), keep_open=True) if chromium is not None else None
        return cls(zygote, printer)

    def launch_with(self, manager) -> None:
        """Have ``manager`` (a KernelManager not yet started) fork its kernel from the
        zygote while it still forks; otherwise it launches the plain way."""
        if self.zygote is not None and not self.zygote.dead:
            fork_with(manager, self.zygote)

    @contextlib.contextmanager
    def printer_for(self, chromium: str | None) -> Iterator[PdfPrinter | None]:
        """The kept printer, or one for this build on ``chromium`` (closed after it);
        None when no PDF is wanted."""
        with PdfPrinter.maybe(chromium, self.printer) as printer:
            yield printer

    def close(self) -> None:
        """Close the kept Chromium, stop (or leave) the zygote: kernels it forked for this
        process that still run are killed."""
        printer, zygote, self.printer, self.zygote = self.printer, self.zygote, None, None
        if printer is not None:
            printer.close()
        if zygote is not None:
            zygote.close()

    def __enter__(self) -> BuildResources:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def shared_zygote(wanted: bool) -> Iterator[str | None]:
    """A zygote other processes join by its address (a desk run's, for its pool's
    workers), stopped on exit; None when not ``wanted`` or it cannot start."""
    zygote = start_zygote(kernel_command()[0], shared=True) if wanted else None
    try:
        yield zygote.address if zygote is not None else None
    finally:
        if zygote is not None:
            zygote.close()
