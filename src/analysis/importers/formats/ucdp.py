"""``briefing import ucdp``: the command-line face of :mod:`analysis.importers.ucdp`."""

from analysis.importers.base import Format

FORMAT = Format(
    name="ucdp",
    summary="UCDP GED or Candidate events (CSV, UTF-8 or Windows-1252)",
    description=(
        "One assertion per event; each article in source_article a document with the "
        "outlet's supporting claim, citing the original claimants of source_original."
    ),
    module="analysis.importers.ucdp",
)
