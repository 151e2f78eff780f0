"""Every input is opened here: plain, or gzip, bzip2, xz or a one-file zip, read as a stream.

A compressed input is never extracted to disk (so no name inside an archive,
``../../x`` or otherwise, is ever a path) and never expanded past a limit: a
small file that expands to gigabytes (a "bomb") is refused when it reaches
``expansion_limit`` bytes, with the size and the fix, before it fills memory. An
archive inside an archive, a zip holding more than one file and a damaged
stream are refused the same way.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from analysis.importers.messages import ImportRefused
from analysis.importers.progress import ImportProgress

MAGIC = {  # how each kind of compressed file starts (bzip2: its block or end marker too,
    # so a text file starting "BZh1" is not taken for one)
    re.compile(rb"\x1f\x8b"): "gzip",
    re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"): "bzip2",
    re.compile(rb"\xfd7zXZ\x00"): "xz",
    re.compile(rb"PK\x03\x04"): "zip",
}
EXPANSION_RATIO = 100  # text compresses 5-20 times; a bomb a thousand times or more
EXPANDED_FLOOR = 256 << 20  # bytes any compressed input may expand to, however small
DECOMPRESSORS = {
    "gzip": lambda raw: gzip.GzipFile(fileobj=raw),
    "bzip2": bz2.BZ2File,
    "xz": lzma.LZMAFile,
}
BLOCK = 1 << 20  # bytes decompressed at a time
HEAD_BYTES = 10  # enough for the longest marker above
DAMAGED = (EOFError, OSError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


class ExpansionRefused(ImportRefused):
    """A compressed input that expands past the limit: refused, nothing written."""


def expansion_limit(compressed_bytes: int) -> int:
    """How far an input of ``compressed_bytes`` may expand: EXPANSION_RATIO times its size,
    and at least EXPANDED_FLOOR."""
    return max(EXPANDED_FLOOR, EXPANSION_RATIO * compressed_bytes)


def compression_of(head: bytes) -> str | None:
    """``gzip``, ``bzip2``, ``xz`` or ``zip`` from a file's first bytes; None when plain."""
    return next((kind for magic, kind in MAGIC.items() if magic.match(head)), None)


@dataclass(frozen=True)
class OpenedInput:
    """An input ready to read: ``stream`` (binary, seekable) and ``label``, the name messages
    give it (``batch.zip (batch.CSV)`` for a file inside a zip)."""

    stream: BinaryIO
    label: str


@contextlib.contextmanager
def open_input(
    path: Path, progress: ImportProgress | None = None, *, limit: int | None = None
) -> Iterator[OpenedInput]:
    """``path`` for binary reading and seeking, decompressed if it is compressed, never past
    ``limit`` expanded bytes (default: ``expansion_limit`` of its size).

    A decompressed input is held in memory, up to the limit, and handed over as an Arrow
    buffer: the CSV readers' threads then never call back into a decompressor (one that
    raised mid-read could leave pyarrow's reading thread stuck when Python exits)."""
    progress = progress or ImportProgress()
    with progress.open(path) as raw:
        kind = compression_of(raw.read(HEAD_BYTES))
        raw.seek(0)
        if kind is None:
            yield OpenedInput(raw, str(path))
            return
        limit = expansion_limit(path.stat().st_size) if limit is None else limit
        data, label = _expanded(raw, kind, str(path), limit)
    yield OpenedInput(pa.BufferReader(pa.py_buffer(data)), label)


def _expanded(raw: BinaryIO, kind: str, label: str, limit: int) -> tuple[bytearray, str]:
    """The decompressed bytes of ``raw``, read a block at a time, refused past ``limit``."""
    data = bytearray()
    try:
        with contextlib.ExitStack() as stack:
            if kind == "zip":
                archive = stack.enter_context(_zip(raw, label))
                member = _only_member(archive, label, limit)
                label = f"{label} ({member.filename})"  # escaped in any message
                stream = stack.enter_context(archive.open(member))
            else:
                stream = stack.enter_context(DECOMPRESSORS[kind](raw))
            while block := stream.read(min(BLOCK, limit + 1 - len(data))):
                data += block
                if len(data) > limit:
                    raise ExpansionRefused(_too_large(label, len(data), limit))
    except DAMAGED as exc:
        raise ImportRefused(
            f"{label}: a damaged {kind} file ({exc}); download or compress it again"
        ) from None
    if compression_of(bytes(data[:HEAD_BYTES])) is not None:
        raise ImportRefused(
            f"{label}: a compressed file inside a compressed file; decompress the outer one "
            "and give the file inside"
        )
    return data, label


def _zip(raw: BinaryIO, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportRefused(f"{label}: a damaged .zip file ({exc}); download it again") from None


def _only_member(archive: zipfile.ZipFile, label: str, limit: int) -> zipfile.ZipInfo:
    """The one file of a zip, refused if there are more or if it says it is too large."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) != 1:
        raise ImportRefused(
            f"{label}: a .zip input holds one file; this one holds {len(members):,} files: "
            "unzip it and give the files themselves"
        )
    member = members[0]
    if member.file_size > limit:
        raise ExpansionRefused(_too_large(label, member.file_size, limit))
    return member


def _too_large(label: str, size: int, limit: int) -> str:
    return (
        f"{label}: expands to more than {limit:,} bytes ({size:,} or more), past the limit "
        f"for a compressed input ({EXPANSION_RATIO} times its size, at least "
        f"{EXPANDED_FLOOR >> 20} MB): a decompression bomb? If the file is genuine, decompress "
        "it yourself and give the plain file"
    )
