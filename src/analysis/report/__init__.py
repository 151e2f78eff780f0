"""Briefings: papermill execution, nbconvert export, PDF, manifest and index."""

from .build import Briefing, build_briefing, find_notebook, notebooks_folder
from .execute import CellError
from .parameters import Parameter, ParameterError, notebook_parameters

__all__ = [
    "Briefing",
    "CellError",
    "Parameter",
    "ParameterError",
    "build_briefing",
    "find_notebook",
    "notebook_parameters",
    "notebooks_folder",
]
