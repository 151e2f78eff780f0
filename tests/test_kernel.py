"""The project kernel and the client papermill runs it with."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from analysis.build.execute import WarmKernel, ensure_kernel, ready_client_class
from analysis.errors import BuildFailed

from .conftest import ROOT

pytestmark = pytest.mark.slow  # real kernels and Chromium


@pytest.fixture
def kernel():
    manager = KernelManager(kernel_name=ensure_kernel())
    manager.client_factory = ready_client_class()
    manager.start_kernel()
    yield manager
    manager.shutdown_kernel(now=True)


async def _outputs_of(client, code: str) -> list[str]:
    request = client.execute(code)
    texts = []
    while True:
        msg = await client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != request:
            continue
        if msg["msg_type"] == "stream":
            texts.append(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return texts


def test_a_ready_client_sees_every_output_from_the_first_cell_on(kernel):
    """Ready means IOPub is subscribed: the first cell's output is not lost."""
    client = kernel.client()
    assert isinstance(client, ready_client_class())
    client.start_channels()

    async def first_cell() -> list[str]:
        await client.wait_for_ready(timeout=60)
        return await _outputs_of(client, "print('first')")

    try:
        assert asyncio.run(first_cell()) == ["first\n"]
    finally:
        client.stop_channels()


def test_a_dead_kernel_is_reported_not_waited_for(kernel):
    client = kernel.client()
    client.start_channels()
    kernel.shutdown_kernel(now=True)
    try:
        with pytest.raises(BuildFailed, match="died before it answered|did not answer"):
            asyncio.run(client.wait_for_ready(timeout=5))
    finally:
        client.stop_channels()


def test_eight_kernels_started_at_once_all_come_up():
    """Builds started together never race for a port: each kernel has its own sockets."""
    toy = ROOT / "benchmarks" / "notebooks" / "toy.ipynb"

    def start(_: int) -> str:
        with WarmKernel(toy) as kernel:
            kernel.ready(timeout=120)
            return kernel.manager.ip

    with ThreadPoolExecutor(8) as pool:
        addresses = list(pool.map(start, range(8)))
    assert len(set(addresses)) == 8
    for address in addresses:  # the socket files went with their kernels
        assert not list(Path(address).parent.glob(Path(address).name + "-*"))


def test_a_kernel_that_dies_while_starting_is_reported_within_seconds():
    with WarmKernel(ROOT / "benchmarks" / "notebooks" / "toy.ipynb") as kernel:
        kernel.manager.provisioner.process.kill()  # as the OOM killer would
        started = time.monotonic()
        with pytest.raises(BuildFailed, match="the notebook kernel died while starting"):
            kernel.ready(timeout=60)
        assert time.monotonic() - started < 10
