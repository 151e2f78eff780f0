"""The project kernel and the client papermill runs it with."""

from __future__ import annotations

import pytest
from jupyter_client.manager import KernelManager

from analysis.report.execute import ensure_kernel, ready_client_class

pytestmark = pytest.mark.slow  # real kernels and Chromium


@pytest.fixture
def kernel():
    manager = KernelManager(kernel_name=ensure_kernel())
    manager.client_factory = ready_client_class()
    manager.start_kernel()
    yield manager
    manager.shutdown_kernel(now=True)


def _outputs_of(client, code: str) -> list[str]:
    request = client.execute(code)
    texts = []
    while True:
        msg = client.get_iopub_msg(timeout=30)
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
    try:
        client.wait_for_ready(timeout=60)
        assert _outputs_of(client, "print('first')") == ["first\n"]
    finally:
        client.stop_channels()


def test_a_dead_kernel_is_reported_not_waited_for(kernel):
    client = kernel.client()
    client.start_channels()
    kernel.shutdown_kernel(now=True)
    try:
        with pytest.raises(RuntimeError, match="died|did not answer"):
            client.wait_for_ready(timeout=5)
    finally:
        client.stop_channels()
