"""A dataset's identity: the files that make it and their SHA-256 digests, without loading it.

A dataset is its ``dataset.toml`` and the table files the contract declares
(:data:`~analysis.contract.schema.DATASET_FILES`): exactly what a load reads. Other
files in the folder (a README, the importer's report, the ``aliases.csv`` an import
was run with, kept there for provenance) do not change what a load returns, so they
do not change the identity either. The dataset cache keys its entries by it, the desk
fingerprints a briefing's dataset by it, and the build's warm-up hands its dataset to
the notebook only while the same files are there.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analysis.contract.schema import DATASET_FILES

CHUNK = 1 << 20  # bytes hashed at a time: a large claims file is never held whole


def dataset_files(folder: str | Path) -> list[str]:
    """The names of the dataset's files that are in ``folder``, in name order."""
    folder = Path(folder)
    return sorted(name for name in DATASET_FILES if (folder / name).is_file())


def dataset_identity(folder: str | Path) -> dict[str, str]:
    """Each dataset file's SHA-256 (hex) by name, in name order: equal identities, equal
    data. Raises OSError when a file cannot be read."""
    folder = Path(folder)
    names = dataset_files(folder)
    with ThreadPoolExecutor(max_workers=4) as pool:  # hashlib lets go of the GIL
        digests = list(pool.map(lambda name: _file_digest(folder / name), names))
    return dict(zip(names, digests, strict=True))


def dataset_hash(folder: str | Path) -> str:
    """One SHA-256 over the dataset's files (each name, a NUL byte, then its bytes), in
    name order: the content hash a briefing publishes (its manifest.json, its provenance
    table). Two folders with the same hash hold the same data."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for name in dataset_files(folder):
        digest.update(name.encode() + b"\0")
        with open(folder / name, "rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
