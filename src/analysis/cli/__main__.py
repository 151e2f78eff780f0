"""``python -m analysis.cli``: the ``briefing`` command."""

from analysis.cli import run

run()
