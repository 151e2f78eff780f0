"""``briefing import``: real data (UCDP GED, ACLED, GDELT, any spreadsheet) into a contract dataset.

Each format is a module with ``TITLE`` (for the report), ``LICENCE`` and
``ATTRIBUTION`` (the publisher's terms, carried into the dataset), optional
``BUILTIN_ALIASES`` (a path to an aliases.csv of known spellings), and
``convert(request) -> ContractTables``. Its command-line options are declared
in ``cli.py`` and arrive in ``request.options``. ``run.import_dataset`` does
the rest (aliases, writing, validation, the report) the same way for all.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# format name -> module; imported only when used, so ``briefing --help`` stays fast
FORMATS = {
    "ucdp": "analysis.importers.ucdp",
    "acled": "analysis.importers.acled",
    "gdelt": "analysis.importers.gdelt",
    "table": "analysis.importers.table",
}


def importer(name: str) -> ModuleType:
    return importlib.import_module(FORMATS[name])
