"""Hostile TCP peers on localhost for tests: servers that hold, drip or talk nonsense.

Real sockets, so the code under test meets what a broken or malicious server does on
the wire; each connection is served by its own thread until the peer is closed.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading


class HostilePeer:
    """A server that greets each client according to ``kind``:

    - ``silent``: accepts and never says a word;
    - ``slow``: greets (SMTP ``220``) after 30 s;
    - ``drip``: sends a continuation line ``220-`` then one byte every ``every`` seconds,
      for ever;
    - ``garbage``: 4 KiB of random bytes; ``huge``: a length prefix of 2**64 - 1.
    """

    def __init__(self, kind: str, every: float = 0.2) -> None:
        self.kind, self.every = kind, every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while not self.closed.is_set():
                peer, _ = self.listener.accept()
                threading.Thread(target=self._serve, args=(peer,), daemon=True).start()

    def _serve(self, peer: socket.socket) -> None:
        with peer, contextlib.suppress(OSError):
            if self.kind == "slow" and not self.closed.wait(30):
                peer.sendall(b"220 at last\r\n")
            elif self.kind == "drip":
                peer.sendall(b"220-")
                while not self.closed.wait(self.every):
                    peer.sendall(b"x")
            elif self.kind == "garbage":
                peer.sendall(random.Random(7).randbytes(4096))
            elif self.kind == "huge":
                peer.sendall(b"\xff" * 8)
            self.closed.wait(60)

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
