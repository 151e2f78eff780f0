"""Briefings: papermill execution, nbconvert export, PDF, manifest and index.

The public API of the build layer: what the desk and the command line use.
"""

from analysis.build.briefing import Briefing, build_briefing, find_notebook, notebooks_folder
from analysis.build.deadline import BuildTimeout
from analysis.build.execute import CellError
from analysis.build.export import find_chromium
from analysis.build.parameters import Parameter, ParameterError, notebook_parameters
from analysis.build.resources import BuildResources, shared_zygote

__all__ = [
    "Briefing",
    "BuildResources",
    "BuildTimeout",
    "CellError",
    "Parameter",
    "ParameterError",
    "build_briefing",
    "find_chromium",
    "find_notebook",
    "notebook_parameters",
    "notebooks_folder",
    "shared_zygote",
]
