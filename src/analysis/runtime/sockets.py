"""Where Unix sockets can go: their paths have at most 107 bytes, and a deep TMPDIR
(a pytest folder, a home under a long mount) leaves no room for them."""

from __future__ import annotations

import os
import tempfile

SOCKET_PATH_MAX = 107  # bytes; sun_path holds 108 with its closing NUL
FALLBACK = "/tmp"


def socket_parent(room: int) -> str:
    """The temporary folder, or /tmp when it leaves fewer than ``room`` bytes for the
    path below it of the deepest socket made there."""
    folder = tempfile.gettempdir()
    if len(os.fsencode(folder)) + room <= SOCKET_PATH_MAX:
        return folder
    return FALLBACK
