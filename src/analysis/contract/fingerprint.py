"""A dataset folder's content identity, without loading it (no pandas needed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

DATASET_FILE_SUFFIXES = (".csv", ".toml")  # the files that make a dataset's content


def dataset_hash(path: str | Path) -> str:
    """SHA-256 over a dataset folder's CSV and TOML files (names and bytes), in name order.

    Two folders with the same hash hold the same data: the key for skipping a
    briefing whose inputs have not changed.
    """
    digest = hashlib.sha256()
    for file in sorted(Path(path).iterdir()):
        if file.is_file() and file.suffix in DATASET_FILE_SUFFIXES:
            digest.update(file.name.encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()
