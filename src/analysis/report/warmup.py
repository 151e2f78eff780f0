"""What a briefing build's kernel does before the first cell, besides importing.

The build names the dataset in the kernel's environment (data, never code);
the kernel loads and validates it during its warm-up and keeps it for the
notebook's own ``load_dataset`` call, so the dataset is read once per build.
"""

from __future__ import annotations

import os

DATASET_VARIABLE = "CLAIM_BRIEFINGS_PRELOAD"

# Evaluated by the kernel as a user expression after the warm-up code: a fixed
# text, so no parameter value ever becomes code.
PRELOAD_EXPRESSION = "__import__('analysis.report.warmup').report.warmup.preload_dataset()"


def preload_dataset() -> dict[str, str] | None:
    """Load the dataset the build named; its name and title for the title block.

    None when the notebook takes no dataset. A dataset that fails validation
    raises here, and the build then reports its problems before any cell runs.
    """
    path = os.environ.get(DATASET_VARIABLE)
    if not path:
        return None
    from ..dataset import preload

    dataset = preload(path)
    return {"name": dataset.name, "title": dataset.title}
