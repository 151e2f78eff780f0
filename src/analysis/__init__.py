"""Claim briefings: who claimed what, when, about which event.

The public names load on first use, so the ``briefing`` command can start a
kernel or print help without first importing pandas. Importing the package turns
transparent huge pages off for the process and has glibc keep freed memory for
reuse (:mod:`analysis.allocation`, which says why and how to keep the defaults).
"""

from importlib import import_module

from .allocation import disable_huge_pages, keep_freed_memory

__version__ = "0.1.0"

_PUBLIC = {
    "Analysis": ".results",
    "analyze": ".results",
    "to_contract": ".results",
    "to_json": ".results",
    "BriefingError": ".errors",
    "DatasetError": ".errors",
    "Problem": ".errors",
    "Dataset": ".dataset",
    "citation_edges": ".dataset",
    "load_dataset": ".dataset",
    "resolve_expressions": ".timeexpr",
}

__all__ = sorted(_PUBLIC)

disable_huge_pages()
keep_freed_memory()


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
