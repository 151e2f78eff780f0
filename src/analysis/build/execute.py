"""Running a notebook with papermill on the project's own kernel.

The kernel is this environment's Python (the venv), registered under
``claim-briefings`` in the environment's own prefix, never whatever ``python3``
kernel the machine happens to have.

Imports inside functions here are measured choices: jupyter_client's manager
and blocking client (0.2-0.3 s) and papermill (0.15 s, imported by
``import_executor`` while the kernel boots) would otherwise be paid by every
importer of ``analysis.build``, the notebook's kernel included.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import logging
import os
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING

from analysis.build.deadline import Deadline
from analysis.build.parameters import code_cells
from analysis.errors import BuildFailed, CellError
from analysis.runtime import KERNEL_ENVIRONMENT
from analysis.runtime.handoff import (
    DATASET_VARIABLE,
    FREEZE_STATEMENT,
    OUTPUT_VARIABLE,
    PER_BUILD_VARIABLES,
    PRELOAD_EXPRESSION,
    TUNE_STATEMENT,
)
from analysis.runtime.sockets import socket_parent

if TYPE_CHECKING:
    import nbformat

    from analysis.build.resources import BuildResources

KERNEL_NAME = "claim-briefings"
KERNEL_DISPLAY_NAME = "Claim briefings (project venv)"


SHUTDOWN_TIMEOUT = 30.0  # seconds to wait for the kernel's shutdown when the build ends
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # no transport chatter on the terminal


@functools.cache
def ready_client_class() -> type:
    """The client class papermill's executor gets from our kernel manager (defined on
    first use, so importing this module stays cheap).

    Asynchronous, as nbclient expects: with a blocking client, nbclient's wait for
    output blocks its event loop, so neither a cell timeout nor a dead kernel is
    ever noticed and the build waits for ever.
    """
    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        """A client whose readiness check ends as soon as the kernel has answered.

        jupyter_client's own check waits for 0.2 s of silence on IOPub after the
        kernel_info reply, which every run pays. Here the idle status that answers
        our kernel_info request is the proof that the IOPub subscription is live;
        if it was published before the subscription took, the request is repeated.
        """

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            timeout = 60.0 if timeout is None else timeout
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                request = self.kernel_info()
                reply = await self._reply_to(request, deadline)
                try:
                    while time.monotonic() < deadline:
                        msg = await self.iopub_channel.get_msg(timeout=0.1)
                        if (
                            msg["parent_header"].get("msg_id") == request
                            and msg["msg_type"] == "status"
                            and msg["content"]["execution_state"] == "idle"
                        ):
                            protocol = reply["content"]["protocol_version"]
                            self.session.adapt_version = int(protocol.split(".")[0])
                            return
                except Empty:
                    continue  # subscribed too late to see that answer: ask again
            raise BuildFailed(f"the notebook kernel did not answer within {timeout:.0f} s")

        async def _reply_to(self, request: str, deadline: float) -> dict:
            while True:
                if not await self.is_alive():
                    raise BuildFailed(
                        "the notebook kernel died before it answered (out of memory, or killed)"
                    )
                try:
                    msg = await self.shell_channel.get_msg(timeout=0.5)
                except Empty:
                    if time.monotonic() > deadline:
                        raise BuildFailed("the notebook kernel did not answer in time") from None
                    continue
                if msg["parent_header"].get("msg_id") == request:
                    return msg

    return ReadyClient


def _spec_dir() -> Path:
    return Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def kernel_command() -> list[str]:
    """The ``claim-briefings`` kernel's command (its ``kernel.json`` argv), registered
    first if need be: a desk worker's zygote runs the same interpreter."""
    ensure_kernel()
    return json.loads((_spec_dir() / "kernel.json").read_text())["argv"]


def ensure_kernel() -> str:
    """Register this Python as the ``claim-briefings`` kernel (once) and return its name."""
    spec_dir = _spec_dir()
    spec_file = spec_dir / "kernel.json"
    if spec_file.is_file():
        try:
            argv = json.loads(spec_file.read_text())["argv"]
            ours = Path(argv[0]).parent.resolve() == Path(sys.executable).parent.resolve()
            if ours and argv[-len(KERNEL_ARGUMENTS) :] == KERNEL_ARGUMENTS:
                return KERNEL_NAME
        except (ValueError, KeyError, IndexError):
            pass
    from ipykernel.kernelspec import write_kernel_spec  # once per environment

    built = Path(
        write_kernel_spec(
            overrides={"display_name": KERNEL_DISPLAY_NAME}, extra_arguments=KERNEL_ARGUMENTS
        )
    )
    spec_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(spec_dir, ignore_errors=True)
    shutil.move(str(built), spec_dir)
    return KERNEL_NAME


def notebook_imports(notebook: Path) -> list[str]:
    """The modules a notebook's code cells import, in order (cells that do not parse skipped)."""
    modules: list[str] = []
    for cell in code_cells(notebook):  # a loop over cells
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:  # IPython magics and the like
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(modules))


class WarmKernel:
    """The project kernel, started early and already importing what the notebook imports.

    Started once parameters are checked, it boots, imports and loads the dataset
    (``dataset``, handed over in its environment) while this process starts
    Chromium and the HTML exporter. Papermill then runs the notebook on it. Use
    as a context manager; the kernel is shut down on exit. With ``resources`` that
    hold a zygote (a desk worker's, see :mod:`.resources`) the kernel is forked from
    it, its imports done; otherwise, or if the zygote refuses, it is launched the
    plain way. The build's ``deadline`` kills it when the time is up.
    """

    def __init__(
        self,
        notebook: Path,
        dataset: str | Path | None = None,
        output: Path | None = None,
        *,
        deadline: Deadline | None = None,
        resources: BuildResources | None = None,
    ):
        from jupyter_client.manager import KernelManager

        self.manager = KernelManager(
            kernel_name=ensure_kernel(), transport="ipc", ip=_unique_ipc_prefix()
        )
        self.manager.client_factory = ready_client_class()
        if resources is not None:  # a desk worker's: forked, its imports already done
            resources.launch_with(self.manager)
        env = {k: v for k, v in os.environ.items() if k not in PER_BUILD_VARIABLES}
        env |= KERNEL_ENVIRONMENT
        if dataset is not None:
            env[DATASET_VARIABLE] = str(dataset)
        if output is not None:
            env[OUTPUT_VARIABLE] = str(output)
        self.deadline = deadline or Deadline(None)
        try:
            self.manager.start_kernel(cwd=str(notebook.parent), env=env)
            self._process = self.manager.provisioner.process
            self.deadline.on_expiry(self.kill)
            self._client = self.manager.blocking_client()  # the warm-up's own, let go later
            self._client.start_channels()
        except Exception as exc:  # no kernel, or one we cannot talk to (sockets, ports)
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)
            raise BuildFailed(
                f"the notebook kernel could not start: {type(exc).__name__}: {exc}"
            ) from exc
        # "from a import b" may name a function, not a module: import what exists, quietly.
        warm_up = "\n".join(
            [TUNE_STATEMENT]
            + [
                f"try:\n    import {name}\nexcept ImportError:\n    pass"
                for name in notebook_imports(notebook)
            ]
            + [FREEZE_STATEMENT]
        )
        self._warm_up = self._client.execute(
            warm_up,
            silent=True,
            store_history=False,
            user_expressions={"dataset": PRELOAD_EXPRESSION} if dataset is not None else {},
        )
        self.preloaded: dict | None = None
        self._stopping: threading.Thread | None = None

    def ready(self, timeout: float = 120) -> WarmKernel:
        """Wait for the warm-up to finish and let go of the kernel, so papermill's
        client is its only client from the first cell on. Later calls return at once.

        ``preloaded`` then holds what the dataset's preload answered: ``value``
        (its name and title) or ``ename`` and ``evalue`` if it raised.
        """
        if not self._client.channels_running:
            return self
        until = time.monotonic() + self.deadline.left(timeout)
        try:
            while True:
                try:
                    reply = self._client.get_shell_msg(timeout=0.5)
                except Empty:
                    self.deadline.check()  # the build's time is up (the kernel is killed)
                    if not self.manager.is_alive():
                        raise BuildFailed(
                            "the notebook kernel died while starting (out of memory, or "
                            "killed); nothing was run"
                        ) from None
                    if time.monotonic() > until:
                        raise BuildFailed(
                            f"the notebook kernel did not start within {timeout:.0f} s"
                        ) from None
                    continue
                if reply["parent_header"].get("msg_id") == self._warm_up:
                    break
        finally:
            self._client.stop_channels()
        answer = reply["content"].get("user_expressions", {}).get("dataset")
        if answer is not None:
            self.preloaded = _expression_result(answer)
        return self

    def __enter__(self) -> WarmKernel:
        return self

    def kill(self) -> None:
        """End the kernel now (the build's time is up): a cell or a warm-up waiting on it
        fails within a second. Safe from any thread, at any moment, more than once."""
        with contextlib.suppress(OSError):
            self._process.kill()

    def release(self) -> None:
        """Shut the kernel down in the background: the notebook has run, export need not wait."""
        if self._stopping is None:
            self._stopping = threading.Thread(target=self._shutdown, name="kernel-shutdown")
            self._stopping.start()

    def _shutdown(self) -> None:
        if self._client.channels_running:
            self._client.stop_channels()
        if self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)

    def __exit__(self, *exc) -> None:
        self.release()
        self._stopping.join(timeout=SHUTDOWN_TIMEOUT)


def _unique_ipc_prefix() -> str:
    """Where this kernel's sockets go: Unix sockets under a name no other kernel has.

    TCP ports are picked by binding port 0 and letting go, so builds starting at
    once can race for the same port; socket files named per kernel cannot. The
    name stays short, and under /tmp when TMPDIR is too deep for it.
    """
    name = f"briefing-{uuid.uuid4().hex[:16]}"
    return os.path.join(socket_parent(len(f"/{name}-65535")), name)


def _expression_result(answer: dict) -> dict:
    """A user expression's answer as ``{"value": ...}`` or ``{"ename": ..., "evalue": ...}``."""
    if answer.get("status") == "ok":
        return {"value": ast.literal_eval(answer["data"]["text/plain"])}
    return {"ename": answer.get("ename", "Error"), "evalue": answer.get("evalue", "")}


def _saved(output: Path, failed_dir: Path) -> Path | None:
    """Copy the partly executed notebook papermill wrote into ``failed_dir``, for debugging."""
    if not output.is_file():
        return None
    failed_dir.mkdir(parents=True, exist_ok=True)
    saved = failed_dir / output.name
    shutil.copyfile(output, saved)
    return saved


def _kept(output: Path, failed_dir: Path) -> str:
    saved = _saved(output, failed_dir)
    return f"; the executed notebook is kept at {saved}" if saved else ""


class _Progress:
    """What papermill is running, from nbclient's hooks: the notebook object and the
    cell last started, so a run that dies can say where and keep what was done."""

    def __init__(self) -> None:
        self.notebook = None
        self.cell: int | None = None

    def notebook_started(self, notebook, **_) -> None:
        self.notebook = notebook

    def cell_started(self, cell, cell_index: int, **_) -> None:
        self.cell = cell_index

    def where(self) -> str:
        """``cell N``, N counting the analyst's own cells (papermill's injected one not)."""
        if self.notebook is None or self.cell is None:
            return "a cell"
        before = self.notebook.cells[: self.cell]
        injected = sum(
            "injected-parameters" in c.get("metadata", {}).get("tags", []) for c in before
        )
        return f"cell {self.cell + 1 - injected}"

    def keep(self, output: Path, failed_dir: Path) -> str:
        """Save the partly executed notebook with the failed ones; where it is, for the message."""
        import nbformat

        if self.notebook is not None:
            with contextlib.suppress(OSError, ValueError):
                nbformat.write(self.notebook, output)
        return _kept(output, failed_dir)


def import_executor() -> None:
    """Import papermill now: done while the kernel boots, its 0.15 s is off the critical path."""
    import papermill  # noqa: F401


def execute_notebook(
    notebook: Path,
    output: Path,
    parameters: dict[str, object],
    failed_dir: Path,
    kernel: WarmKernel | None = None,
    cell_timeout: float | None = None,
    deadline: Deadline | None = None,
) -> nbformat.NotebookNode:
    """Execute ``notebook`` into ``output`` with ``parameters`` injected.

    The working directory is the notebook's folder, as in JupyterLab. A cell that
    raises becomes a :class:`CellError`; the executed notebook is then copied
    into ``failed_dir`` for debugging. ``kernel`` reuses a started kernel. A cell
    running longer than ``cell_timeout`` seconds, or a kernel that dies, ends the
    build with a message saying so; one killed because the build's ``deadline`` passed
    ends it with :class:`BuildTimeout` (nothing kept: the build was stopped, not broken).
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    progress = _Progress()
    try:
        with _quiet_once_stopped(deadline):
            executed = papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=ensure_kernel(),
                cwd=str(notebook.parent),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,  # written once at the end (or on failure)
                km=kernel.ready().manager if kernel else None,
                execution_timeout=cell_timeout,
                on_notebook_start=progress.notebook_started,
                on_cell_start=progress.cell_started,
            )
    except DeadKernelError:
        if deadline is not None and deadline.expired:
            raise deadline.error() from None
        where = progress.keep(output, failed_dir)
        raise BuildFailed(
            f"{notebook.name}: the kernel died while running {progress.where()} (out of "
            f"memory, or killed); nothing was published{where}"
        ) from None
    except CellTimeoutError:
        where = progress.keep(output, failed_dir)
        raise BuildFailed(
            f"{notebook.name}: {progress.where()} ran longer than {cell_timeout:.0f} s and "
            f"was stopped; nothing was published{where}"
        ) from None
    except PapermillExecutionError as exc:
        saved = _saved(output, failed_dir)
        cell = exc.exec_count or exc.cell_index
        raise CellError(notebook.name, cell, exc.ename, exc.evalue, saved) from None
    except BaseException:  # a stop (Ctrl-C, SIGTERM) interrupted the event loop mid-cell
        _drop_abandoned_tasks()
        raise
    finally:
        if kernel:
            kernel.release()
    return executed


@contextlib.contextmanager
def _quiet_once_stopped(deadline: Deadline | None):
    """Drop what nbclient logs in this thread once the build's deadline has killed its
    kernel ("Kernel died while waiting for execute reply"): the build says it was stopped,
    in its own words, as before the deadline killed kernels."""
    if deadline is None or deadline.seconds is None:
        yield
        return
    thread = threading.get_ident()

    def keep(record: logging.LogRecord) -> bool:
        return record.thread != thread or not deadline.expired

    logger = logging.getLogger("papermill")  # nbclient logs through papermill's logger
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def _drop_abandoned_tasks() -> None:
    """Cancel what nbclient left on this thread's event loop when an exception stopped it
    mid-cell: left alone, the next build's loop would resume it against a dead kernel and
    asyncio would print its DeadKernelError traceback ("Task exception was never
    retrieved") to the user's terminal."""
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running() or loop.is_closed():
        return
    abandoned = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in abandoned:  # the one cell's few tasks
        task.cancel()
    if abandoned:
        loop.run_until_complete(asyncio.gather(*abandoned, return_exceptions=True))
