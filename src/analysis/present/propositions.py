"""Which assertions the status views show: propositions, never quantities.

A status (corroborated, contested, denied) says whether independent sources agree
that something holds. A quantity's claims give numbers: two sources giving 5 and 12
deaths neither corroborate nor contest a death toll in that sense, so "Deaths:
corroborated" misleads. The status table, the board, who says what, the map and
``briefing analyze``'s table show propositions (the key judgments too, with the disputed
figures named by their figures, never by a status; the alternatives of a
question included: each holds or not, and its status means what it says), and say in
one line where the quantities went: their figures are compared in "Figures in
dispute". The analysis itself (its JSON) keeps every assertion's status.
"""

from __future__ import annotations

import pandas as pd

from analysis.present.wording import count

IN_THE_BRIEFING = "compared in Figures in dispute"  # where a briefing's quantities went


def quantity_ids(result) -> pd.Index:
    """The ids (as text) of the quantities the analysis covers; empty without quantities."""
    if result.quantities is None:
        return pd.Index([], dtype=object)
    return pd.Index(result.quantities["assertion_id"].astype(str))


def propositions(result) -> pd.DataFrame:
    """``result.assertions`` without its quantities (the same table when there are none)."""
    quantities = quantity_ids(result)
    if quantities.empty:
        return result.assertions
    quantity = result.assertions["assertion_id"].astype(str).isin(quantities).to_numpy()
    return result.assertions[~quantity]


def left_out(result) -> int:
    """How many quantities the status views leave out."""
    return len(quantity_ids(result))


def figures_pointer(result, where: str = IN_THE_BRIEFING) -> str:
    """ "Not listed here: 2 quantities, whose figures are compared in Figures in dispute."
    (``where`` says where they are), or "" when there is no quantity."""
    n = left_out(result)
    if not n:
        return ""
    return f"Not listed here: {count(n, 'quantity', 'quantities')}, whose figures are {where}."
