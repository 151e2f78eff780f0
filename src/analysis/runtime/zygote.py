"""A fork server for notebook kernels (a "zygote"), one per desk run.

A kernel's start is mostly imports: ipykernel, pandas, pyarrow, matplotlib and
this library cost about 3 s of CPU, paid again by every briefing. The zygote is
a process that imports them once and then forks one fresh child per briefing;
the child becomes the ipykernel, with the connection file jupyter_client wrote,
the briefing's working directory and environment, and the worker's stdout and
stderr. Nothing but imports happens before a fork: no kernel, no event loop, no
Python thread, no data. Each briefing still gets its own process, so no state is
shared between briefings.

Only what a plain launch would give is forked; anything else is refused and the
kernel is launched the usual way (``kernelspec`` command), so a refusal costs
time, never correctness:

- the kernel's environment differs from the one the zygote imported under (apart
  from the per-briefing variables), since libraries read some variables at
  import (``MPLBACKEND``, ``TZ``, thread counts);
- the working directory holds a module the zygote already imported (a plain
  kernel would import that one) or a ``matplotlibrc``;
- the kernel command is not this interpreter's ``-m ipykernel_launcher``, or
  asks for pipes;
- a Python thread is running in the zygote, or the zygote is gone.

Native threads are there after the imports (OpenBLAS workers, jemalloc's
background thread in Arrow); both libraries register ``pthread_atfork``
handlers, and OpenBLAS stops its workers before each fork.

A zygote is an object (:class:`Zygote`), held by whoever runs builds
(:class:`analysis.build.resources.BuildResources`) and handed to each kernel's
launch (:func:`fork_with`); nothing here is module state.

The process that starts the zygote owns it: the zygote reads requests from a
socket only its owner holds, and when that closes (the owner exited or was
killed) it kills the kernels it forked and exits. A run with several worker
processes starts one zygote and shares it (its imports cost 2.5 CPU-s, one per
worker at the start of a run, when every core is busy): each worker connects to
the zygote's socket, in a folder only this user can enter, and when a worker's
connection closes the kernels forked for it are killed. A kernel's parent is its zygote (ipykernel's parent
poller ends the kernel if the zygote disappears). The worker watches each
forked kernel through a pidfd, so death is seen at once and a signal never
reaches a recycled pid.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import gc
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.runtime import KERNEL_ENVIRONMENT
from analysis.runtime.handoff import PER_BUILD_VARIABLES
from analysis.runtime.sockets import socket_parent

# Imported before the first fork: what every kernel of a briefing imports (ipykernel
# and what its start imports), and the library a briefing uses, with the modules its
# dataset load and cells import later. A name missing here is only imported later.
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.csv",
    "pyarrow.parquet",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "PIL.Image",
    "sqlite3",
    "analysis.contract.dataset",
    "pandera.pandas",  # a load the cache misses validates with it
    "analysis.present.plots",
    "analysis.compute.replay",
    "analysis.present.masthead",
    "analysis.present.views",
    "analysis.present.warmup",
)
# Modules whose import hooks into the running IPython shell (matplotlib_inline makes
# figures show at the end of a cell): imported before the kernel runs, a forked kernel
# would miss that, so the zygote does not fork once one of them is imported.
SHELL_BOUND = ("matplotlib_inline.backend_inline",)
# Variables that differ per kernel by design; all others must equal the zygote's.
PER_KERNEL = frozenset(
    {
        *PER_BUILD_VARIABLES,
        "JPY_PARENT_PID",
        "JPY_SESSION_NAME",
        "PYTHONEXECUTABLE",
    }
)
READY_TIMEOUT = 120.0  # seconds for the zygote's imports (a plain kernel pays the same)
REPLY_TIMEOUT = 30.0  # seconds for a fork or status answer
STOP_TIMEOUT = 10.0  # seconds for the zygote to exit once its socket is closed
MESSAGE_SIZE = 1 << 20
SOCKET_NAME = "socket"  # in a shared zygote's private folder
BOOT = "import sys; del sys.path[0]; from analysis.runtime.zygote import serve; serve()"


class ZygoteUnavailable(Exception):
    """The zygote cannot fork this kernel; the caller launches it the plain way."""


# --- the worker's side ---------------------------------------------------------------


class Zygote:
    """A handle on a fork server: start one (``Zygote(python)``), or join the one a
    run shares (``Zygote.join(address)``); fork kernels; close.

    Thread-safe: a briefing's kernel may be starting while the last one shuts
    down in the background.
    """

    def __init__(self, python: str, env: Mapping[str, str] | None = None, *, shared=False):
        """Start a zygote for ``python`` under ``env``; ``shared``: other processes of
        this user may join it at ``address``."""
        self.python = python
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener, self.address, self._folder = None, None, None
        passed = [theirs.fileno()]
        try:
            if shared:
                self._folder = _socket_folder()
                self.address = os.path.join(self._folder, SOCKET_NAME)
                listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                listener.bind(self.address)
                listener.listen(socket.SOMAXCONN)  # every worker of a large pool at once
                passed.append(listener.fileno())
            self.process = subprocess.Popen(
                [python, "-c", BOOT, *map(str, passed)],
                pass_fds=passed,
                env=_comparable(env if env is not None else os.environ),
                cwd="/",  # no matplotlibrc or module of any project folder picked up
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's Ctrl-C goes to the run, not here
            )
        except BaseException:
            ours.close()
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            raise
        finally:
            theirs.close()
            if listener is not None:
                listener.close()
        self._setup(ours)

    @classmethod
    def join(cls, address: str, python: str) -> Zygote:
        """A handle on the shared zygote at ``address`` (dead, so never used, if it
        cannot be reached: kernels are then launched the plain way)."""
        handle = cls.__new__(cls)
        handle.python, handle.address, handle._folder, handle.process = python, address, None, None
        channel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        handle._setup(channel)
        try:
            channel.connect(address)
        except OSError as exc:
            handle.dead = f"the shared zygote cannot be reached ({exc})"
            channel.close()
        return handle

    def _setup(self, channel: socket.socket) -> None:
        self._socket = channel
        self._lock = threading.Lock()
        self._ready = False
        self.env: dict[str, str] | None = None  # the zygote's, once it is ready
        self.dead: str | None = None  # why it no longer forks
        self.forked = 0
        self.refused: str | None = None  # why the last kernel was launched the plain way

    def fork_kernel(
        self, cmd: list[str], env: Mapping[str, str], cwd: str, stdout: Any, stderr: Any
    ) -> ForkedKernel:
        """A kernel forked to run ``cmd`` (the kernelspec's), or ZygoteUnavailable."""
        if cmd[:3] != [self.python, "-m", "ipykernel_launcher"]:
            raise ZygoteUnavailable("not this interpreter's ipykernel_launcher")
        self._wait_ready()
        if _comparable(env) != self.env:
            raise ZygoteUnavailable("the environment differs from the zygote's")
        fds = [_descriptor(stdout, 1), _descriptor(stderr, 2)]
        request = {"op": "fork", "argv": cmd[3:], "cwd": cwd, "env": dict(env)}
        reply, received = self._ask(request, fds)
        if "refused" in reply:
            raise ZygoteUnavailable(reply["refused"])
        self.forked += 1
        return ForkedKernel(reply["pid"], received[0], self)

    def exit_status(self, pid: int) -> int | None:
        """The exit code of a kernel this zygote forked, once it has exited."""
        try:
            reply, _ = self._ask({"op": "status", "pid": pid}, [])
        except ZygoteUnavailable:
            return None
        return reply.get("status")

    def _wait_ready(self) -> None:
        """Wait for the zygote's imports (its first message says which environment it
        imported under)."""
        with self._lock, self._answering():
            if not self._ready:
                reply, _ = self._receive(READY_TIMEOUT)
                self.env, self._ready = reply["env"], True

    def _ask(self, request: dict, fds: list[int]):
        self._wait_ready()
        with self._lock, self._answering():
            socket.send_fds(self._socket, [json.dumps(request).encode()], fds)
            return self._receive(REPLY_TIMEOUT)

    @contextlib.contextmanager
    def _answering(self):
        """Under the lock: a zygote that fails to answer is dead from then on."""
        if self.dead:
            raise ZygoteUnavailable(self.dead)
        try:
            yield
        except (OSError, ValueError, KeyError, ZygoteUnavailable) as exc:
            self.dead = f"the zygote stopped answering ({exc or type(exc).__name__})"
            self._socket.close()
            raise ZygoteUnavailable(self.dead) from None

    def _receive(self, timeout: float) -> tuple[dict, list[int]]:
        self._socket.settimeout(timeout)
        # Close-on-exec: a kernel's pidfd must not reach what this process launches.
        message, fds, _, _ = socket.recv_fds(self._socket, MESSAGE_SIZE, 4, socket.MSG_CMSG_CLOEXEC)
        if not message:
            raise ZygoteUnavailable("the zygote exited")
        return json.loads(message), fds

    def close(self, timeout: float = STOP_TIMEOUT) -> None:
        """Let go of the zygote: it kills the kernels it forked for this handle that
        still run; the owner's handle also stops it and waits for it to exit."""
        with self._lock:
            self.dead = self.dead or "closed"
            self._socket.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _socket_folder() -> str:
    """A folder only this user can open (mode 0700) for the shared zygote's socket."""
    room = len(f"/briefing-zygote-12345678/{SOCKET_NAME}")
    return tempfile.mkdtemp(prefix="briefing-zygote-", dir=socket_parent(room))


class ForkedKernel:
    """The part of ``subprocess.Popen`` jupyter_client uses, for a kernel the zygote
    forked: not our child, so watched and signalled through its pidfd."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int, zygote: Zygote):
        self.pid, self._pidfd, self._zygote = pid, pidfd, zygote
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and _readable(self._pidfd, 0):
            status = self._zygote.exit_status(self.pid)
            self.returncode = -signal.SIGKILL if status is None else status
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            _readable(self._pidfd, left)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def start_zygote(python: str, *, shared: bool = False) -> Zygote | None:
    """A zygote for ``python`` (``shared``: the other processes of this user may join it
    at its ``address``, as a desk run's workers do); None if it cannot start, and
    kernels are then launched the plain way."""
    try:
        return Zygote(python, shared=shared)
    except (OSError, subprocess.SubprocessError):
        return None


@functools.cache
def forked_provisioner_class() -> type:
    """jupyter_client's local provisioner, launching through its ``zygote`` when it can
    (defined on first use: jupyter_client is not imported by the kernel)."""
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        """Launches the kernel as a child of the zygote; the plain launch if refused."""

        refused: str | None = None
        zygote: Zygote | None = None  # set by fork_with

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            zygote = self.zygote
            extra = set(kwargs) - {"env", "cwd", "stdout", "stderr", "stdin", "kernel_id"}
            if zygote is None or zygote.dead or extra or kwargs.get("stdin") is not None:
                self.refused = "no zygote" if zygote is None or zygote.dead else "Popen options"
                return await super().launch_kernel(cmd, **kwargs)
            cwd = str(kwargs.get("cwd") or Path.cwd())
            try:
                process = zygote.fork_kernel(
                    cmd, kwargs["env"], cwd, kwargs.get("stdout"), kwargs.get("stderr")
                )
            except ZygoteUnavailable as why:
                self.refused = zygote.refused = str(why)
                return await super().launch_kernel(cmd, **kwargs)
            self.process, self.pid, self.pgid, self.cwd = process, process.pid, process.pid, cwd
            return self.connection_info

    return ForkedProvisioner


def fork_with(manager, zygote: Zygote) -> None:
    """Have ``manager`` (a KernelManager not yet started) fork its kernel from ``zygote``
    (launched the plain way if the zygote refuses or is gone)."""
    import uuid

    manager.kernel_id = manager.kernel_id or str(uuid.uuid4())
    manager.provisioner = forked_provisioner_class()(
        kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager
    )
    manager.provisioner.zygote = zygote


def _comparable(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without what differs per kernel and what every kernel gets anyway."""
    return {k: v for k, v in env.items() if k not in PER_KERNEL and k not in KERNEL_ENVIRONMENT}


def _descriptor(stream: Any, default: int) -> int:
    """The file descriptor a plain launch would give the kernel for ``stream``."""
    if stream is None:
        return default
    if isinstance(stream, int) and stream >= 0:
        return stream
    if hasattr(stream, "fileno"):
        return stream.fileno()
    raise ZygoteUnavailable("the kernel's output is a pipe")  # subprocess.PIPE and the like


def _readable(fd: int, timeout: float | None) -> bool:
    return bool(select.select([fd], [], [], timeout)[0])


# --- the zygote's side ----------------------------------------------------------------


def serve() -> None:
    """The zygote's main: import, then fork kernels on request until the owner goes.
    Returns only in a forked child, which then runs as the kernel."""
    owner = socket.socket(fileno=int(sys.argv[1]))
    listener = socket.socket(fileno=int(sys.argv[2])) if len(sys.argv) > 2 else None
    imported_under = _comparable(os.environ)  # before the settings below
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from analysis.runtime import tune_process
    from analysis.settings import Settings

    tune_process(
        Settings.from_environment(os.environ)
    )  # before the imports: the kernels forked from here inherit it
    os.environ.update(KERNEL_ENVIRONMENT)  # as every kernel the command starts has it
    # What IPKernelApp sets before any import of matplotlib, as a plain kernel has it.
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # Libraries that ask at import whether they run in a kernel (pandas picks its display
    # width so) are answered as in the kernels forked from here.
    builtins.get_ipython = _KernelShell
    try:
        for name in PRELOADED:
            with contextlib.suppress(ImportError):
                __import__(name)
    finally:
        del builtins.get_ipython
    gc.collect()
    gc.freeze()  # the imports' objects: never scanned, so their pages stay shared
    top_level = {name.partition(".")[0] for name in sys.modules}
    ready = json.dumps({"ready": len(sys.modules), "env": imported_under}).encode()
    socket.send_fds(owner, [ready], [])
    request, sockets = _Server(owner, listener, ready, top_level).serve()
    _become_kernel(sockets, request)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


class _Server:
    """The zygote's loop: requests from its owner and from the workers that joined it;
    each forked kernel belongs to the connection that asked for it."""

    def __init__(self, owner, listener, ready: bytes, top_level: set[str]):
        self.owner, self.listener, self.ready, self.top_level = owner, listener, ready, top_level
        self.channels = {owner.fileno(): owner}
        self.children: dict[int, int] = {}  # kernel pid -> the connection it was forked for
        self.exited: dict[int, int] = {}

    def serve(self) -> tuple[dict, list[socket.socket]]:
        """Returns in a forked child only: its request, and the sockets it must close."""
        while True:
            waiting = [*self.channels, *([self.listener.fileno()] if self.listener else [])]
            readable = select.select(waiting, [], [], 1.0)[0]
            _reap(self.children, self.exited)
            for fd in readable:
                if self.listener is not None and fd == self.listener.fileno():
                    self._accept()
                    continue
                channel = self.channels[fd]
                try:
                    forked = self._answer(channel)
                except (OSError, ValueError, KeyError, TypeError):
                    # Gone before its answer (killed mid-request), or not one of ours:
                    # it leaves, and the other workers' kernels run on.
                    self._leave(channel)
                    continue
                if forked is not None:
                    return forked, [*self.channels.values(), *filter(None, [self.listener])]

    def _accept(self) -> None:
        try:
            channel, _ = self.listener.accept()
        except OSError:  # it gave up before we got to it
            return
        try:
            credentials = channel.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
            )
            _, uid, _ = struct.unpack("3i", credentials)
            if uid != os.getuid():  # the folder's mode already keeps others out
                raise PermissionError(uid)
            socket.send_fds(channel, [self.ready], [])
        except OSError:  # another user, or a worker that died before it was let in
            channel.close()
            return
        self.channels[channel.fileno()] = channel

    def _answer(self, channel: socket.socket) -> dict | None:
        """One request of ``channel``; the request itself in a forked child."""
        message, fds, _, _ = socket.recv_fds(channel, MESSAGE_SIZE, 4)
        if not message:
            self._leave(channel)
            return None
        try:
            request = json.loads(message)
            op = request["op"]
            if op == "fork" and (len(fds) != 2 or not {"argv", "cwd", "env"} <= set(request)):
                raise ValueError("a fork needs argv, cwd, env, stdout and stderr")
            if op not in ("fork", "status"):
                raise ValueError(f"unknown request {op!r}")
        except (ValueError, KeyError, TypeError):
            _close(fds)
            raise
        if op == "status":
            _reap(self.children, self.exited)
            reply = {"status": self.exited.pop(request["pid"], None)}
            socket.send_fds(channel, [json.dumps(reply).encode()], [])
            return None
        refused = _refusal(request, self.top_level)
        if refused:
            _close(fds)
            socket.send_fds(channel, [json.dumps({"refused": refused}).encode()], [])
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            request["fds"] = fds
            return request
        _close(fds)
        self.children[pid] = channel.fileno()
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(channel, [json.dumps({"pid": pid}).encode()], [pidfd])
        finally:
            os.close(pidfd)
        return None

    def _leave(self, channel: socket.socket) -> None:
        """The owner is gone: so are all kernels and the zygote; a worker: its own."""
        if channel is self.owner:
            if self.listener is not None:  # a killed run cannot remove its folder itself
                address = self.listener.getsockname()
                with contextlib.suppress(OSError):
                    os.unlink(address)
                    os.rmdir(os.path.dirname(address))
            _end(self.children)
        self._drop(channel)

    def _drop(self, channel: socket.socket) -> None:
        """A worker left: the kernels forked for it are killed."""
        fd = channel.fileno()
        theirs = {pid: owner for pid, owner in self.children.items() if owner == fd}
        _kill(theirs)
        for pid in theirs:
            self.children.pop(pid, None)
        del self.channels[fd]
        channel.close()


class _KernelShell:
    """What ``get_ipython()`` returns during the zygote's imports: a shell with a kernel."""

    kernel = None


def _refusal(request: dict, top_level: set[str]) -> str | None:
    """Why this fork would not be what a plain launch gives, or None."""
    if threading.active_count() != 1:
        return "a thread runs in the zygote"
    bound = [name for name in SHELL_BOUND if name in sys.modules]
    if bound:
        return f"imported outside a kernel, would not hook into it: {', '.join(bound)}"
    try:
        entries = set(os.listdir(request["cwd"]))
    except OSError as exc:
        return f"working directory: {exc}"
    if "matplotlibrc" in entries:
        return "a matplotlibrc in the working directory"
    shadowing = sorted(name for name in top_level if name in entries or f"{name}.py" in entries)
    if shadowing:
        return f"the working directory has modules already imported: {', '.join(shadowing)}"
    return None


def _become_kernel(sockets: list[socket.socket], request: dict) -> None:
    """In the forked child: the process a plain launch of the kernelspec would start."""
    os.setsid()  # its own process group, as jupyter_client launches kernels
    for channel in sockets:
        channel.close()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    stdout, stderr = request["fds"]
    os.dup2(stdout, 1)
    os.dup2(stderr, 2)
    _close([null, stdout, stderr])
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    parent = str(os.getppid())  # ipykernel's parent poller ends the kernel with the zygote
    os.environ["JPY_PARENT_PID"] = parent
    time.tzset()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()  # a fresh process draws its own seed; a fork would share ours
    launcher = importlib.util.find_spec("ipykernel_launcher")
    # IPKernelApp read JPY_PARENT_PID when the zygote imported it: given again here.
    handle = f"--IPKernelApp.parent_handle={parent}"
    sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *request["argv"], handle]


def _reap(children: dict[int, int], exited: dict[int, int]) -> None:
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.pop(pid)
            exited[pid] = os.waitstatus_to_exitcode(status)
    while len(exited) > 1000:  # statuses nobody asked for
        exited.pop(next(iter(exited)))


def _kill(children) -> None:
    for pid in children:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # the kernel and whatever it started
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # one just forked has no group of its own yet
    for pid in children:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)


def _end(children) -> None:
    _kill(children)
    os._exit(0)


def _close(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
