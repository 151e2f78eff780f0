"""Claim briefings: who claimed what, when, about which event."""

from .dataset import Dataset, citation_edges, load_dataset
from .errors import BriefingError, DatasetError, Problem
from .timeexpr import resolve_expressions

__version__ = "0.1.0"

__all__ = [
    "BriefingError",
    "Dataset",
    "DatasetError",
    "Problem",
    "citation_edges",
    "load_dataset",
    "resolve_expressions",
]
