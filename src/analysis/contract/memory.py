"""Will a dataset fit? An estimate of a load's peak memory, checked before reading.

A load that runs out of memory dies without a word (the kernel or the command is
killed); saying so up front, with the figures, is the loud failure instead.
The estimate comes from measured loads (docs/scale.md): the interpreter and
libraries, about 650 bytes per claim (typed tables, resolved dates, codes) and
twice the text read. The claim count is estimated from the average row length
of the claims file's first MiB.
"""

from __future__ import annotations

from pathlib import Path

from analysis.contract.schema import TABLES
from analysis.errors import BriefingError

BASELINE = 200 << 20  # interpreter, pandas, pyarrow, pandera
PER_CLAIM = 650
PER_TEXT_BYTE = 2
SAMPLE = 1 << 20


def estimated_claims(claims: Path) -> int:
    """Rows of the claims file, from the mean length of the rows in its first MiB."""
    size = claims.stat().st_size
    with claims.open("rb") as handle:
        head = handle.read(SAMPLE)
    if not head:  # an empty file: no rows (what it lacks is the loader's to say)
        return 0
    lines = max(head.count(b"\n"), 1)
    return int(size / (len(head) / lines))


def estimated_peak(folder: Path) -> int:
    """Bytes a load of ``folder`` is expected to need at its peak."""
    text = sum((folder / t.file).stat().st_size for t in TABLES if (folder / t.file).is_file())
    claims = folder / "claims.csv"
    rows = estimated_claims(claims) if claims.is_file() else 0
    return BASELINE + PER_CLAIM * rows + PER_TEXT_BYTE * text


def available(limit: int | None = None) -> int | None:
    """Bytes this process may still use: the smallest of ``limit`` (bytes, a user's own
    cap below what the machine gives), the cgroup's limit and the machine's available
    memory (None when none can be read)."""
    found = [] if limit is None else [limit]
    try:
        cgroup = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if cgroup != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text())
            found.append(int(cgroup) - used)
    except (OSError, ValueError):
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    return min(found) if found else None


def check_fits(folder: Path, limit: int | None = None) -> None:
    """Refuse, before reading anything, a dataset whose load would not fit in memory
    (within ``limit`` bytes too, when given)."""
    room = available(limit)
    if room is None:
        return
    need = estimated_peak(folder)
    if need > room:
        raise BriefingError(
            f"{folder}: loading it needs about {_shown(need)} of memory (about "
            f"{estimated_claims(folder / 'claims.csv'):,} claims) and "
            f"{_shown(max(room, 0))} is available; free memory, use a larger machine, or "
            f"split the dataset (by topic or period)"
        )


def _shown(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB" if size >= 1 << 30 else f"{size >> 20:,} MB"
