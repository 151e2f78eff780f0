"""What ``briefing import`` knows of a format before it imports anything: a ``Format``.

A format is two modules. Its converter (``analysis.importers.ucdp``...) holds
``TITLE``, ``LICENCE``, ``ATTRIBUTION``, an optional ``BUILTIN_ALIASES`` and
``convert(request) -> ContractTables``; it imports pandas and pyarrow at its
top, like any module that works on columns. Its declaration, one ``Format`` in
:mod:`analysis.importers.formats`, holds what the command line needs: the name,
the help texts, the options only this format has and which of them reach the
converter in ``request.options``. The declaration names its converter by module
path and imports nothing heavy, so ``briefing import --help`` lists every format
without loading pandas and pyarrow (most of a second) and a converter is
imported only to import. A declaration at the top of its converter would load
them for the help; imports moved inside the converter's functions would scatter
them through a module of a thousand lines and its sibling modules.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType


def no_options(parser: argparse.ArgumentParser) -> None:
    """A format with only the options every format has."""


def nothing_instead(args: argparse.Namespace) -> None:
    """A format whose options never replace the import by a printed text."""


@dataclass(frozen=True)
class Format:
    """One format of ``briefing import``: its subcommand, help and own options.

    ``add_options`` adds the format's own options to its subcommand's parser,
    after the ones every format has (``--out``, ``--since``, ``--where``...);
    ``options`` names the parsed ones passed on to the converter (``None`` values
    left out). ``instead`` returns a text to print in place of an import when the
    options ask for one (``table --template``), else None; ``inputs_required``
    false lets such a call name no INPUT.
    """

    name: str
    summary: str
    description: str
    module: str
    add_options: Callable[[argparse.ArgumentParser], None] = no_options
    options: tuple[str, ...] = ()
    instead: Callable[[argparse.Namespace], str | None] = nothing_instead
    inputs_required: bool = True

    def converter(self) -> ModuleType:
        """The module that converts this format (imported now, with pandas and pyarrow)."""
        return importlib.import_module(self.module)

    def request_options(self, args: argparse.Namespace) -> dict[str, object]:
        """The parsed options this format's converter reads, by name."""
        return {
            key: getattr(args, key) for key in self.options if getattr(args, key, None) is not None
        }
