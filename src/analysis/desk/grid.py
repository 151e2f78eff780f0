"""How many briefings a grid makes, counted before anything is expanded.

A grid is a product: ten names of ten values each make ten billion briefings,
which would take hours to plan and all the memory to list. The count is the
product of the lists' lengths, computed as a number (cheap however large) and
refused past MAX_BRIEFINGS, for one job and for the whole file.
"""

from __future__ import annotations

import math

MAX_BRIEFINGS = 10_000  # briefings of one jobs file: a plan of this many takes seconds


def grid_size(grid: dict[str, tuple]) -> int:
    """The number of briefings ``grid`` expands to (1 for no grid)."""
    return math.prod(len(values) for values in grid.values())


def count_shown(count: int) -> str:
    """``12,000``; past a trillion ``about 10^40``, since Python refuses to print an int
    of more than 4,300 digits (a grid of 100,000 lists of two has 30,103)."""
    if count < 10**12:
        return f"{count:,}"
    return f"about 10^{int(count.bit_length() * math.log10(2))}"
