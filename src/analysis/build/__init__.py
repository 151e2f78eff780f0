"""Briefings: papermill execution, nbconvert export, PDF, manifest and index."""

from analysis.build.briefing import Briefing, build_briefing, find_notebook, notebooks_folder
from analysis.build.deadline import BuildTimeout
from analysis.build.execute import CellError
from analysis.build.parameters import Parameter, ParameterError, notebook_parameters

__all__ = [
    "Briefing",
    "BuildTimeout",
    "CellError",
    "Parameter",
    "ParameterError",
    "build_briefing",
    "find_notebook",
    "notebook_parameters",
    "notebooks_folder",
]
