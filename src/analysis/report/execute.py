"""Running a notebook with papermill on the project's own kernel.

The kernel is this environment's Python (the venv), registered under
``claim-briefings`` in the environment's own prefix, never whatever ``python3``
kernel the machine happens to have.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat

from ..errors import BriefingError

KERNEL_NAME = "claim-briefings"
KERNEL_DISPLAY_NAME = "Claim briefings (project venv)"


class CellError(BriefingError):
    """A notebook cell raised while the briefing ran."""

    def __init__(self, notebook: str, cell: int, ename: str, evalue: str, saved: Path | None):
        self.notebook, self.cell, self.ename, self.evalue, self.saved = (
            notebook,
            cell,
            ename,
            evalue,
            saved,
        )
        where = f"; the executed notebook is kept at {saved}" if saved else ""
        super().__init__(f"{notebook}: cell {cell} failed: {ename}: {evalue}{where}")


KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # no transport chatter on the terminal


def ensure_kernel() -> str:
    """Register this Python as the ``claim-briefings`` kernel (once) and return its name."""
    spec_dir = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    spec_file = spec_dir / "kernel.json"
    if spec_file.is_file():
        try:
            argv = json.loads(spec_file.read_text())["argv"]
            ours = Path(argv[0]).parent.resolve() == Path(sys.executable).parent.resolve()
            if ours and argv[-len(KERNEL_ARGUMENTS) :] == KERNEL_ARGUMENTS:
                return KERNEL_NAME
        except (ValueError, KeyError, IndexError):
            pass
    from ipykernel.kernelspec import write_kernel_spec

    built = Path(
        write_kernel_spec(
            overrides={"display_name": KERNEL_DISPLAY_NAME}, extra_arguments=KERNEL_ARGUMENTS
        )
    )
    spec_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(spec_dir, ignore_errors=True)
    shutil.move(str(built), spec_dir)
    return KERNEL_NAME


def execute_notebook(
    notebook: Path, output: Path, parameters: dict[str, object], failed_dir: Path
) -> nbformat.NotebookNode:
    """Execute ``notebook`` into ``output`` with ``parameters`` injected.

    The working directory is the notebook's folder, as in JupyterLab. A cell that
    raises becomes a :class:`CellError`; the executed notebook is then copied
    into ``failed_dir`` for debugging.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=ensure_kernel(),
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        saved = None
        if output.is_file():
            failed_dir.mkdir(parents=True, exist_ok=True)
            saved = failed_dir / output.name
            shutil.copyfile(output, saved)
        raise CellError(notebook.name, exc.exec_count or exc.cell_index, exc.ename, exc.evalue, saved) from None
