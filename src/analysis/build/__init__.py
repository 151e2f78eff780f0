"""Briefings: papermill execution, nbconvert export, PDF, manifest and index.

The public API of the build layer: what the desk and the command line use.
"""

from analysis.build.briefing import (
    FORMATS,
    PROJECT_ROOT,
    Briefing,
    build_briefing,
    find_notebook,
    notebooks_folder,
)
from analysis.build.export import TEMPLATES, find_chromium
from analysis.build.layout import ReportsLayout
from analysis.build.outputs import RUN_NAME_PARAMETER, write_index
from analysis.build.parameters import (
    PREVIOUS,
    TYPE_MEANINGS,
    Parameter,
    ParameterError,
    check_parameters,
    dataset_parameter,
    effective_parameters,
    notebook_cells,
    notebook_parameters,
    parameter_of_type,
)
from analysis.build.resources import BuildResources, shared_zygote
from analysis.errors import BuildTimeout, CellError

__all__ = [
    "FORMATS",
    "PREVIOUS",
    "PROJECT_ROOT",
    "RUN_NAME_PARAMETER",
    "TEMPLATES",
    "TYPE_MEANINGS",
    "Briefing",
    "BuildResources",
    "BuildTimeout",
    "CellError",
    "Parameter",
    "ParameterError",
    "ReportsLayout",
    "build_briefing",
    "check_parameters",
    "dataset_parameter",
    "effective_parameters",
    "find_chromium",
    "find_notebook",
    "notebook_cells",
    "notebook_parameters",
    "notebooks_folder",
    "parameter_of_type",
    "shared_zygote",
    "write_index",
]
