"""The formats of ``briefing import``, in the order its help lists them.

Each is a ``Format`` (:mod:`analysis.importers.base`) declared in a light module
here beside its converter; adding a format is its converter module, its
declaration module and one entry below.
"""

from __future__ import annotations

from analysis.importers.base import Format
from analysis.importers.formats import acled, gdelt, table, ucdp, values
from analysis.importers.messages import ImportRefused

FORMATS: dict[str, Format] = {
    declared.name: declared
    for declared in (ucdp.FORMAT, acled.FORMAT, gdelt.FORMAT, table.FORMAT, values.FORMAT)
}


def format_named(name: str) -> Format:
    """The format called ``name``; ImportRefused naming the known ones otherwise."""
    if name not in FORMATS:
        raise ImportRefused(f"no import format {name!r}; the formats are {', '.join(FORMATS)}")
    return FORMATS[name]
