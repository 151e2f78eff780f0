"""Messages that quote input, made safe for the terminal and kept short.

A refusal names the file, row and column and quotes what it found there: a
header, a cell, the row the CSV reader choked on. That text is the input's, so
its control characters are shown as escapes (``\\x1b``), never sent raw to the
analyst's terminal, and a quoted cell of megabytes is cut.
"""

from __future__ import annotations

import re

from analysis.errors import BriefingError

MESSAGE_CONTROLS = re.compile("[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BYTES = 2_000  # of a message line (UTF-8): a quoted cell can be megabytes
MESSAGE_BYTES = 3_500  # of a whole message


class ImportRefused(BriefingError):
    """An import refused for a mistake in its inputs or arguments. Messages quote input (a
    header, a cell, a row the CSV reader choked on), so their control characters are escaped."""

    def __init__(self, message: str):
        super().__init__(shortened(escaped(message)))


def shortened(message: str) -> str:
    """A message kept short whatever it quotes: each line cut at LINE_BYTES, the lines cut
    once they pass MESSAGE_BYTES in all (the first lines name the file and the fix)."""
    lines = [_cut(line, LINE_BYTES) for line in message.split("\n")]
    kept, size = [], 0
    for line in lines:  # a loop over a message's lines
        size += len(line.encode()) + 1
        if size > MESSAGE_BYTES:
            kept.append(f"... and {len(lines) - len(kept)} more line(s)")
            break
        kept.append(line)
    return "\n".join(kept)


def _cut(line: str, limit: int) -> str:
    data = line.encode()
    return line if len(data) <= limit else data[: limit - 3].decode(errors="ignore") + "…"


def escaped(message: str) -> str:
    """A message quoting input, its control characters (tab too) written as escapes such as
    ``\\x1b``, its line breaks kept: printed, it can never act on the terminal."""
    return MESSAGE_CONTROLS.sub(lambda found: ascii(found.group())[1:-1], message)
