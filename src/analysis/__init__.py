"""Claim briefings: who claimed what, when, about which event.

The public names load on first use, so the ``briefing`` command can start a
kernel or print help without first importing pandas. Importing the package changes
nothing in the process: memory settings are applied by entry points
(:func:`analysis.runtime.tune_process`).
"""

from importlib import import_module

__version__ = "0.1.0"

_PUBLIC = {
    "Analysis": ".compute.results",
    "analyze": ".compute.results",
    "to_contract": ".compute.results",
    "to_json": ".compute.results",
    "with_estimates": ".compute.results",
    "BriefingError": ".errors",
    "DatasetError": ".errors",
    "Problem": ".errors",
    "Dataset": ".contract.dataset",
    "citation_edges": ".contract.dataset",
    "load_dataset": ".contract.dataset",
    "resolve_expressions": ".contract.timeexpr",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
