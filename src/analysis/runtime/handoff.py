"""What a build hands to its kernel, in one place: both sides import these names.

The build names the dataset and the staging folder in the kernel's environment (data,
never code); after the kernel's warm-up it evaluates one fixed expression that loads
the named dataset (:mod:`analysis.present.warmup`), and a cell that keeps what changed
writes into the named folder (:mod:`analysis.present.snapshot`).
"""

DATASET_VARIABLE = "CLAIM_BRIEFINGS_PRELOAD"  # the dataset folder the warm-up loads
OUTPUT_VARIABLE = "CLAIM_BRIEFINGS_OUTPUT"  # the run's staging folder
PER_BUILD_VARIABLES = (DATASET_VARIABLE, OUTPUT_VARIABLE)
PRELOAD_EXPRESSION = "__import__('analysis.present.warmup').present.warmup.preload_dataset()"
# A build's kernel is a process the command starts: its memory settings are applied
# first thing in its warm-up (analysis.runtime); an analyst's own kernels are left alone.
TUNE_STATEMENT = (
    "from analysis.settings import Settings as _Settings; import os as _os; "
    "__import__('analysis.runtime').runtime.tune_process(_Settings.from_environment(_os.environ)); "
    "del _Settings, _os"
)
# Last in the warm-up, once the notebook's modules are imported: their objects (hundreds
# of thousands) go to the collector's permanent generation, so a full collection in a
# cell scans what the briefing made, not the libraries (0.05-0.1 s each, a build's
# cells paid one or two). The zygote does the same before it forks (runtime.zygote).
FREEZE_STATEMENT = "__import__('gc').freeze()"
