"""A cache of validated datasets: a repeat load of unchanged files reads typed tables.

Each entry is keyed by the dataset's identity (:mod:`analysis.contract.fingerprint`:
its files' SHA-256, from their bytes, never their modification times), the package
version and the source of the modules that load and validate (a changed loader never
reads an old entry). An entry is one folder of Parquet files, plus ``entry.json``
naming its key and the SHA-256 of each file; each file also names the key it was
written for. Anything that does not match (a truncated or altered file, a file of
another entry, another layout) is ignored and the dataset is loaded from its CSV
files again. The cache never changes a result.

The cache folder is given by the caller (:func:`~analysis.contract.dataset.load_dataset`'s
``cache``); the entry points take it from :class:`~analysis.settings.Settings`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import __version__
from analysis.contract import schema
from analysis.contract.fingerprint import dataset_identity

ENTRY = "entry.json"
KEY_FIELD = b"briefing.cache.key"  # each table file names the entry it belongs to
LAYOUT = 3  # bumped when the entry's files change shape
TABLES = (*(table.name for table in schema.TABLES), "citations")  # every table, and the lookup
LOADER_MODULES = ("arrowtext", "cache", "csvfile", "dataset", "fingerprint", "schema", "timeexpr")
KEPT_ENTRIES = 20  # the oldest entries beyond this many are removed after a write


@cache
def _code_digest() -> str:
    """The package version and the loader's source: a new loader, a new key space."""
    digest = hashlib.sha256(f"{__version__}/{LAYOUT}".encode())
    here = Path(__file__).parent
    for module in LOADER_MODULES:
        digest.update((here / f"{module}.py").read_bytes())
    return digest.hexdigest()


def dataset_key(folder: Path) -> str | None:
    """The key of the dataset's current files (their identity, None if one cannot be read)."""
    try:
        identity = dataset_identity(folder)
    except OSError:
        return None
    listing = "\n".join(f"{name}:{digest}" for name, digest in identity.items())
    rules = repr(schema.TABLES)  # the declarations as they stand (a test may redeclare one)
    return hashlib.sha256(f"{_code_digest()}\n{rules}\n{listing}".encode()).hexdigest()


def read_entry(root: Path, key: str, today: dt.date) -> dict[str, pd.DataFrame] | None:
    """The cached tables of ``key`` in the cache folder ``root``, or None on a miss or an
    entry that does not check out.

    An entry is only used when none of its dates lies after ``today``: validation
    refuses dates in the future, so an earlier ``today`` must validate afresh.
    """
    folder = root / key
    try:
        entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
        if entry.get("key") != key or entry.get("layout") != LAYOUT:
            return None
        if dt.date.fromisoformat(entry["latest_day"]) > today:
            return None
        with ThreadPoolExecutor(max_workers=4) as pool:
            tables = dict(
                zip(
                    TABLES,
                    pool.map(lambda name: _read_table(folder, name, key, entry), TABLES),
                    strict=True,
                )
            )
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    return None if any(t is None for t in tables.values()) else tables


def _read_table(folder: Path, name: str, key: str, entry: dict) -> pd.DataFrame | None:
    """The table, if its bytes are the ones written and it was written for ``key``."""
    data = (folder / f"{name}.parquet").read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["digests"][name]:
        return None  # truncated, altered or replaced
    table = pq.read_table(pa.BufferReader(data))
    if (table.schema.metadata or {}).get(KEY_FIELD) != key.encode():
        return None  # a file from another entry
    return table.to_pandas()


def write_entry(
    root: Path, key: str, tables: dict[str, pd.DataFrame], latest_day: dt.date | None
) -> None:
    """Keep ``tables`` under ``key`` in the cache folder ``root``; a cache that cannot be
    written is skipped quietly (it only saves time), and a half-written entry is never
    visible."""
    staging = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=root))
        digests = {}
        for name in TABLES:
            path = staging / f"{name}.parquet"
            table = pa.Table.from_pandas(tables[name], preserve_index=False)
            metadata = {**(table.schema.metadata or {}), KEY_FIELD: key.encode()}
            pq.write_table(
                table.replace_schema_metadata(metadata),
                path,
                compression="lz4",
            )
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        entry = {
            "key": key,
            "layout": LAYOUT,
            "latest_day": (latest_day or dt.date.min).isoformat(),
            "digests": digests,
        }
        (staging / ENTRY).write_text(json.dumps(entry), encoding="utf-8")
        try:
            staging.rename(root / key)
            staging = None
        except OSError:  # another process wrote the same entry first: keep theirs
            pass
        _prune(root)
    except (OSError, pa.ArrowException):
        pass
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _prune(root: Path) -> None:
    """Remove the least recently written entries beyond ``KEPT_ENTRIES``. Only folders
    that are entries (a key's name, an ``entry.json``) count: the cache folder a user
    chose may hold other things, and those are never touched."""
    entries = sorted(
        (p for p in root.iterdir() if _is_entry(p)),
        key=lambda p: p.stat().st_mtime,
    )
    for old in entries[:-KEPT_ENTRIES]:
        shutil.rmtree(old, ignore_errors=True)


def _is_entry(folder: Path) -> bool:
    name = folder.name
    return (
        len(name) == 64
        and all(c in "0123456789abcdef" for c in name)
        and not folder.is_symlink()
        and folder.is_dir()
        and (folder / ENTRY).is_file()
    )
