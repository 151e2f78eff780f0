"""The jobs file as TOML text, read defensively, and how its problems are shown.

A jobs file is a few kilobytes of UTF-8 written by hand; anything else is
refused with one line before ``tomllib`` sees it, because tomllib meets hostile
text badly: it recurses once per nested array (a RecursionError after a few
thousand ``[``), its memory grows with the square of a dotted key's length
(``a.a.a...`` of 10,000 parts takes half a gigabyte), and an integer of more
than 4,300 digits raises a ValueError rather than its own error.
"""

from __future__ import annotations

import codecs
import re
import reprlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import BriefingError

MAX_BYTES = 1 << 20  # a jobs file of a thousand jobs is well under 1 MiB
MAX_KEY_PARTS = 32  # parts of one dotted key or header (``job.schedule.cron`` has 3)
MAX_SHOWN = 30  # problems listed in full; the rest are counted
# Possessive and anchored at a part's start, so a megabyte without dots is one pass.
_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')[ \t]*+\.[ \t]*+"""
_DOTTED = re.compile(rf"(?<![A-Za-z0-9_-])(?:{_KEY_PART}){{{MAX_KEY_PARTS},}}")
_UTF16_32 = {
    codecs.BOM_UTF32_LE: "UTF-32",  # before UTF-16: its BOM starts with UTF-16's
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
SAVE_AS_UTF8 = "save it as UTF-8 text (TOML files are UTF-8)"
_short = reprlib.Repr()
_short.maxlevel, _short.maxstring, _short.maxother = 2, 80, 80
_short.maxlist = _short.maxtuple = _short.maxdict = 4


def shown(value: object) -> str:
    """``repr(value)`` cut to a line: a hostile file's megabyte string or deeply nested
    table must not make a megabyte (or a RecursionError) of an error message."""
    return _short.repr(value)


@dataclass(frozen=True, order=True)
class JobsProblem:
    """One thing wrong in a jobs file: its line, what is wrong, and how to fix it."""

    line: int
    message: str
    fix: str = ""

    def render(self, file: str) -> str:
        return f"{file}:{self.line}: {self.message}" + (f"; {self.fix}" if self.fix else "")


class JobsFileError(BriefingError):
    """A jobs file refused whole, with every problem found; nothing runs. Past MAX_SHOWN
    problems the rest are counted, not listed: the first ones are the ones to fix."""

    def __init__(self, path: Path, problems: list[JobsProblem]):
        self.path = path
        self.problems = sorted(set(problems))
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.path}: {len(self.problems)} problem(s) found, nothing was run"]
        lines += [p.render(str(self.path)) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_SHOWN} more problem(s)")
        return "\n".join(lines)


def read_toml(path: Path) -> tuple[str, dict]:
    """The file's text and its parsed TOML; BriefingError with one line (the file is not
    one we can read as text) or JobsFileError (the text is not TOML we accept)."""
    text = _read_text(path)
    where = _too_deep_key(text)
    if where is not None:
        message = f"a dotted key or table header of more than {MAX_KEY_PARTS} parts"
        raise JobsFileError(path, [JobsProblem(where, message, "a job's keys have 1 to 3 parts")])
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JobsFileError(path, [_syntax_problem(exc, text)]) from None
    except RecursionError:
        problem = JobsProblem(1, "arrays or tables nested too deeply to read", "nest less")
        raise JobsFileError(path, [problem]) from None
    except ValueError as exc:  # an integer too long to convert
        problem = JobsProblem(1, f"not valid TOML: {shown(str(exc))}", "write shorter numbers")
        raise JobsFileError(path, [problem]) from None


def _read_text(path: Path) -> str:
    """At most MAX_BYTES of a regular file, decoded as UTF-8 (a leading BOM dropped)."""
    try:
        if not path.is_file():  # a folder, a FIFO that would block, /dev/zero that never ends
            if path.exists():
                raise BriefingError(f"jobs file {path} is not a file; name a .toml file")
            raise FileNotFoundError
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BriefingError(
            f"no jobs file {path}; write one (see docs/desk.md) or name it with --jobs FILE"
        ) from None
    except OSError as exc:
        raise BriefingError(f"cannot read jobs file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise BriefingError(
            f"jobs file {path} is over {MAX_BYTES // 1024} KiB, far more than any jobs file "
            "needs; is it the right file?"
        )
    for bom, encoding in _UTF16_32.items():  # four encodings
        if data.startswith(bom):
            raise BriefingError(f"jobs file {path} is {encoding} text; {SAVE_AS_UTF8}")
    data = data.removeprefix(codecs.BOM_UTF8)
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise BriefingError(
            f"jobs file {path}:{line}: holds NUL bytes, so it is UTF-16 without a BOM or "
            f"not text at all; {SAVE_AS_UTF8}"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise BriefingError(
            f"jobs file {path}:{line}: is not UTF-8 (byte 0x{byte}; Latin-1 or Windows-1252?); "
            + SAVE_AS_UTF8
        ) from None


def _too_deep_key(text: str) -> int | None:
    """The line of a dotted key or header of more than MAX_KEY_PARTS parts, if any."""
    found = _DOTTED.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> JobsProblem:
    """tomllib's message, its ``(at line L, column C)`` turned into our ``file:LINE:``."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        line, message = int(found[1]), f"{message[: found.start()]} (column {found[2]})"
    else:  # "(at end of document)"
        line, message = max(1, len(text.splitlines())), re.sub(r"\s*\(at .*\)$", "", message)
    return JobsProblem(line, f"not valid TOML: {message}", "see docs/desk.md for the format")
