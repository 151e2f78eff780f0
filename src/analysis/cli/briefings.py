"""Commands on briefing notebooks: build one, list them."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from analysis.cli.arguments import seconds


def add_commands(commands) -> None:
    build = commands.add_parser(
        "build",
        help="run a briefing notebook and export it to HTML and PDF",
        description=(
            "Execute a notebook with papermill on the project's kernel, then export it "
            "to HTML (no code, self-contained) and PDF (A4, printed by Chromium) in "
            "reports/<notebook>/<as_of or run date>/, with the executed notebook and a "
            "manifest. Parameters are checked before anything runs."
        ),
    )
    build.add_argument(
        "notebook",
        nargs="?",
        default="briefing",
        help="notebook name in notebooks/ or a path (default: briefing)",
    )
    build.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter; repeat for several (see: briefing notebooks)",
    )
    build.add_argument(
        "--to",
        default="html,pdf",
        metavar="FORMATS",
        help="comma-separated output formats: html, pdf (default: html,pdf)",
    )
    build.add_argument(
        "--out", default="reports", metavar="DIR", help="reports folder (default: reports)"
    )
    build.add_argument(
        "--cell-timeout",
        type=seconds,
        default=600,
        metavar="SECONDS",
        help="stop a cell that runs longer than this (default: 600)",
    )
    build.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="stop the whole build after this long (default: no limit)",
    )
    build.set_defaults(handler=_build)

    notebooks = commands.add_parser(
        "notebooks",
        help="list the briefing notebooks and their parameters",
        description="List the notebooks briefing build can run, with each parameter's type, default and meaning.",
    )
    notebooks.set_defaults(handler=_notebooks)


def _stop(signum, frame):
    """A scheduler's SIGTERM: unwind, so nothing half-written stays."""
    raise KeyboardInterrupt


def _build(args: argparse.Namespace) -> int:
    from analysis.build import BuildResources, build_briefing

    signal.signal(signal.SIGTERM, _stop)

    # One build: a plain kernel (a zygote's imports would cost what the kernel's do) and
    # a Chromium for this build alone.
    with BuildResources() as resources:
        briefing = build_briefing(
            args.notebook,
            [tuple(pair) for pair in args.parameter],
            formats=args.to,
            reports=Path(args.out),
            chromium=args.settings.chromium,
            cell_timeout=args.cell_timeout,
            timeout=args.timeout,
            resources=resources,
        )

    def shown(path: Path) -> str:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)

    print(f"built {shown(briefing.folder)} in {briefing.manifest['duration_s']:.1f} s")
    for file in briefing.files:
        print(f"  {shown(file)}")
    if briefing.index_error:
        print(
            f"briefing: note: the index was not rewritten: {briefing.index_error}", file=sys.stderr
        )
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from analysis.build import notebook_parameters, notebooks_folder
    from analysis.build.parameters import TYPE_MEANINGS

    folder = notebooks_folder()
    used: set[str] = set()
    for path in sorted(folder.glob("*.ipynb")):
        print(path.stem)
        for p in notebook_parameters(path):
            print(f"  -p {p.name:<14} {p.type_name:<14} default {p.default!r}")
            print(f"     {p.help}")
            used.add(p.type_name.removeprefix("Optional[").removesuffix("]"))
    print("\ntypes (Optional[T]: also none)")
    for name in sorted(used & set(TYPE_MEANINGS)):
        print(f"  {name:<9} {TYPE_MEANINGS[name]}")
    return 0
