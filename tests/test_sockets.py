"""Unix sockets go where their path fits."""

from __future__ import annotations

import tempfile

from analysis.runtime.sockets import SOCKET_PATH_MAX, socket_parent


def test_sockets_stay_in_a_temporary_folder_with_room_and_leave_one_without(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    room = SOCKET_PATH_MAX - len(str(tmp_path))
    assert socket_parent(room) == str(tmp_path)  # exactly fits
    assert socket_parent(room + 1) == "/tmp"
