"""The scheduled desk: a jobs file of briefings, when each is due, and whether it changed.

``jobs`` reads ``briefings.toml`` and expands grids into briefings with stable
keys; ``schedule`` says when each is due; ``fingerprint`` says what a briefing's
files depend on; ``history`` keeps what each run did; ``plan`` turns these into
one decision per briefing (build, skip, not due, with the reason);
``commands`` prints ``briefing plan`` and ``briefing jobs``. See docs/desk.md.
"""
