"""The package's layers: data flows one way, and there are no import cycles.

contract -> compute -> present -> build -> desk -> cli, with importers beside compute
(they write contract datasets and know nothing of the analysis), and a base of
errors, settings, the TOML reader and runtime that every layer may use.
Every import counts, including those inside functions.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

LAYERS = {
    "base": 0,
    "contract": 1,
    "compute": 2,
    "importers": 2,
    "present": 3,
    "build": 4,
    "desk": 5,
    "cli": 6,
}
BASE = {"errors", "settings", "tomlfile", "runtime"}


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").relative_to(SRC).parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path, typing_too: bool) -> set[str]:
    """Modules of the package that a file imports (absolute names); with ``typing_too``
    also those under ``if TYPE_CHECKING:``, which name types but run nothing."""
    tree = _tree(path)
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only and not typing_too:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            assert node.level == 0, f"{path}: relative import"
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("analysis")}
    return found


@functools.cache
def _graph(typing_too: bool = True) -> dict[str, set[str]]:
    files = {_module_name(p): p for p in SRC.joinpath("analysis").rglob("*.py")}
    return {
        name: {m for m in _imports(path, typing_too) if m in files} for name, path in files.items()
    }


def layer(module: str) -> str | None:
    """The layer of ``analysis.x.y``: its first part, or ``base``; None for the package's face."""
    parts = module.split(".")
    if len(parts) == 1:
        return None  # analysis/__init__.py: the public API, which names the layers lazily
    return "base" if parts[1] in BASE else parts[1]


def test_every_module_belongs_to_a_layer():
    unknown = {m for m in _graph() if layer(m) not in (None, *LAYERS)}
    assert unknown == set(), "add these to a layer in tests/test_layers.py"


def test_no_module_imports_a_higher_layer_or_a_sibling():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if layer(module) is not None
        and layer(target) is not None
        and layer(target) != layer(module)
        and LAYERS[layer(target)] >= LAYERS[layer(module)]
    )
    assert wrong == []


def test_the_desk_reaches_the_build_through_its_public_api_only():
    inside = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if layer(module) == "desk"
        for target in targets
        if target.startswith("analysis.build.")
    )
    assert inside == [], "export what the desk needs from analysis/build/__init__.py"


def test_there_are_no_import_cycles():
    graph = dict(_graph(typing_too=False))
    graph = {m: {t for t in ts if t != m and t != "analysis"} for m, ts in graph.items()}
    # packages import their own modules in __init__: that edge is not a cycle back
    for m in graph:
        graph[m] = {t for t in graph[m] if not m.startswith(t + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []
