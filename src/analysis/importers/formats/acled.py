"""``briefing import acled``: the command-line face of :mod:`analysis.importers.acled`."""

from analysis.importers.base import Format

FORMAT = Format(
    name="acled",
    summary="ACLED events (CSV export)",
    description=(
        "One assertion per event; each ;-separated source a claim stated on the event's "
        "date at its time_precision (day, week or month)."
    ),
    module="analysis.importers.acled",
)
