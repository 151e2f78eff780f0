"""``briefing run --executor dask``: each briefing a task on a ``dask.distributed`` cluster.

The task is the run's ``build`` (:func:`analysis.desk.run.build_one`), as the local
executor runs it: the same lock, fresh decision, build, history row and failure kept
apart, done on a worker. So the workers need the project installed (the same version) and the
reports folder at the same path (a shared file system: the locks are ``flock``
locks and the history is SQLite on it). Results and errors come back to the run.

Like a local worker process, a Dask worker keeps what it can reuse between
briefings (its Chromium, its kernel zygote): :func:`build_on_worker` prepares them
(:mod:`._worker`) in the task itself. Dask runs tasks in a worker's executor thread, not in the thread
where a ``WorkerPlugin`` or ``client.run`` would start things, and the build
should find its resources prepared by the thread that uses them.

An address given with ``--scheduler`` or in the jobs file is probed first
(:func:`probe_scheduler`): Dask's comm takes the peer's first eight bytes as the
length of a message to read, so an HTTP or mail server at that address would have
it try to allocate exabytes.

A worker lost mid-briefing: the scheduler gives the task to another worker, once
(``allowed-failures`` = 1 for the cluster this run starts; set it on a scheduler
you start yourself). The retry takes the briefing's lock and decides again, so a
briefing the lost worker had already published is not published a second time.
"""

from __future__ import annotations

import contextlib
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.build import find_chromium
from analysis.desk import stopping
from analysis.desk.executors import POLL, Options, _worker
from analysis.desk.jobs import load_jobs
from analysis.desk.task import Outcome, Task
from analysis.errors import BriefingError

if TYPE_CHECKING:
    from analysis.desk.executors import Build

ALLOWED_FAILURES = 1  # a briefing whose worker dies is tried once more, elsewhere
CONNECT_TIMEOUT = "20s"
PROBE_TIMEOUT = 5.0  # seconds a scheduler has to greet the probe
GREETING_MAX = 1 << 20  # bytes: a scheduler's handshake is a few dozen
_ADDRESS = re.compile(
    r"^(?:(?P<scheme>tcp|tls|ws|wss|ucx)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>\d{1,5})$"
)


class DaskExecutor:
    name = "dask"
    meaning = "a cluster"

    def run(self, tasks: list[Task], build: Build, options: Options) -> Iterator[Outcome]:
        """Outcomes as briefings finish on the cluster at ``options.scheduler`` (a
        ``LocalCluster`` of ``options.workers`` processes when None)."""
        if tasks:
            yield from _run_on_dask(
                tasks, build, options.scheduler, options.workers, options.forked
            )


EXECUTOR = DaskExecutor()


def _run_on_dask(
    tasks: list[Task], build: Build, scheduler: str | None, workers: int, forked: bool
) -> Iterator[Outcome]:
    import dask
    from dask.distributed import Client, LocalCluster

    prints = _prints_pdf(tasks)
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
        )
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=min(workers, len(tasks)),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            address = cluster.scheduler_address
        else:
            address = scheduler
        try:
            client = stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT))
        except (OSError, TimeoutError) as exc:
            raise BriefingError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        except Exception as exc:  # Dask's words for a protocol it cannot speak here (TLS, UCX)
            raise BriefingError(
                f"cannot reach the Dask scheduler at {address}: {type(exc).__name__}: {exc}"
            ) from None
        run = uuid.uuid4().hex[:8]
        futures = {
            client.submit(
                build_on_worker,
                build,
                task,
                prints,
                forked,
                key=f"briefing-{task.job}-{task.key}-{run}",
                pure=False,
            ): task
            for task in tasks
        }
        yield from _outcomes(client, futures)


def _outcomes(client, futures: dict) -> Iterator[Outcome]:
    """Outcomes as the cluster finishes briefings; once the run is stopped, the rest are
    cancelled (interrupted, nothing recorded for them by this run)."""
    from dask.distributed import wait

    pending = set(futures)
    while pending and not stopping.stopped():
        with contextlib.suppress(TimeoutError):
            wait(list(pending), timeout=POLL, return_when="FIRST_COMPLETED")
        for future in [f for f in pending if f.done()]:
            pending.discard(future)
            task = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # the task itself was lost (its workers died), not the build
                yield task.failed(f"{type(exc).__name__}: {exc}")
    if pending:
        client.cancel(list(pending))
        for future in pending:
            task = futures[future]
            yield Outcome(task.job, task.key, "interrupted", "the run was stopped; due again")


def probe_scheduler(address: str, timeout: float | None = None) -> None:
    """Refuse, within ``timeout`` seconds, an address where no Dask scheduler answers: a
    malformed one, a closed port, a silent peer, or one whose first words are not a
    scheduler's greeting (its handshake, sent as soon as it accepts a connection), read
    here with a cap on its size. Only ``tcp://`` is probed; TLS and the others fail in
    their own handshake."""
    found = _ADDRESS.match(address.strip())
    if found is None or not 0 < int(found["port"]) < 65536:
        raise BriefingError(
            f"the scheduler address {address[:80]!r} is malformed; write it as "
            "tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )
    if (found["scheme"] or "tcp") != "tcp":
        return
    host, port = found["host"].strip("[]"), int(found["port"])
    timeout = PROBE_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    try:
        with _connect(host, port, deadline) as peer:
            prefix = _read(peer, 8, deadline)
            (size,) = struct.unpack("<Q", prefix)
            greeting = _read(peer, size, deadline) if 16 <= size <= GREETING_MAX else b""
    except TimeoutError:
        raise BriefingError(
            f"cannot reach the Dask scheduler at {address}: nothing answered as one within "
            f"{timeout:g} s; check the address and port (a scheduler listens on 8786)"
        ) from None
    except OSError as exc:
        raise BriefingError(
            f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}"
        ) from None
    if not _is_handshake(greeting):
        raise BriefingError(
            f"{address} is not a Dask scheduler (it answered {prefix!r}...); check the "
            "address and port (a scheduler listens on 8786)"
        )


def _connect(host: str, port: int, deadline: float) -> socket.socket:
    """A connection made by ``deadline``, the name's lookup included (the system's
    resolver has no timeout of its own: it runs in a thread this one stops waiting for)."""
    made: list[socket.socket | OSError] = []

    def connect() -> None:
        try:
            made.append(
                socket.create_connection((host, port), max(deadline - time.monotonic(), 0.01))
            )
        except OSError as exc:
            made.append(exc)

    thread = threading.Thread(target=connect, name="scheduler-probe", daemon=True)
    thread.start()
    thread.join(max(deadline - time.monotonic(), 0))
    if not made:
        raise TimeoutError
    if isinstance(made[0], OSError):
        raise made[0]
    return made[0]


def _read(peer: socket.socket, size: int, deadline: float) -> bytes:
    """Exactly ``size`` bytes by ``deadline``, however slowly they come; TimeoutError
    after it, ConnectionError when the peer hangs up first."""
    chunks, got = [], 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        peer.settimeout(left)
        chunk = peer.recv(min(size - got, 65536))
        if not chunk:
            raise ConnectionError("the peer closed the connection without a greeting")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _is_handshake(greeting: bytes) -> bool:
    """Whether ``greeting`` is a Dask message holding a handshake (its ``python`` entry)."""
    from distributed.protocol import loads
    from distributed.protocol.utils import unpack_frames

    if len(greeting) < 16:
        return False
    (count,) = struct.unpack_from("<Q", greeting)
    if not 0 < count <= 64 or 8 * (1 + count) > len(greeting):
        return False
    try:
        message = loads(unpack_frames(greeting), deserialize=False)
    except Exception:  # whatever a stranger's bytes make the decoder say
        return False
    return isinstance(message, dict) and "python" in message


def build_on_worker(build: Build, task: Task, prints: bool, forked: bool) -> Outcome:
    """One briefing, on a Dask worker: the worker's reusable resources prepared first
    (once per worker process: its zygote when ``forked``, and its Chromium when the run
    prints PDFs), then the build a local worker does. A Chromium that cannot be found is
    left to the build, which fails the briefing with the same words as a local run."""
    chromium = None
    if prints:
        with contextlib.suppress(BriefingError):
            chromium = find_chromium(task.chromium)
    return build(task, _worker.prepare(chromium, fork=forked))


def _prints_pdf(tasks: list[Task]) -> bool:
    """Whether any briefing of the run prints a PDF (so its worker wants a Chromium)."""
    printing = set()
    for jobs_file in {task.jobs_file for task in tasks}:  # one file per run
        printing |= {job.name for job in load_jobs(jobs_file) if "pdf" in job.formats}
    return any(task.job in printing for task in tasks)
