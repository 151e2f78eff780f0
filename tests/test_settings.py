"""Settings: every variable read once, at the entry points; the library reads no environment."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from analysis import settings
from analysis.errors import BriefingError
from analysis.settings import Settings, parse_size, yes_no

from .conftest import ROOT

PACKAGE = ROOT / "src" / "analysis"
# The modules that may read the environment, and why: the entry points of a process.
ENTRY_POINTS = {
    "settings.py": "reads every BRIEFING_* variable into Settings",
    "cli/__init__.py": "the briefing command builds Settings for its commands",
    "present/warmup.py": "a build's kernel: the dataset it is handed, and its Settings",
    "present/snapshot.py": "a build's kernel: the staging folder it is handed",
    "runtime/zygote.py": "copies each forked kernel's environment",
    "build/execute.py": "hands the environment to the kernels it starts",
    "build/export.py": "Chromium's environment",
}
ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


@functools.cache  # parsed once for the tests that scan
def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def _reads_environment(tree: ast.Module) -> list[int]:
    """Lines that touch ``os.environ``/``os.getenv`` (or import them from os)."""
    attributes = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ENVIRONMENT_NAMES
        and isinstance(node.value, ast.Name)
        and node.value.id in ("os", "posix", "_os")
    ]
    imports = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module in ("os", "posix")
        and any(alias.name in ENVIRONMENT_NAMES for alias in node.names)
    ]
    return attributes + imports


def test_only_the_entry_points_read_the_environment():
    found = {
        f"{name}:{line}"
        for name, tree in _modules()
        if name not in ENTRY_POINTS
        for line in _reads_environment(tree)
    }
    assert found == set(), "take the value as an argument; the entry point reads Settings"


def test_the_scan_sees_every_way_of_reading_it():
    tree = ast.parse(
        "import os\nfrom os import getenv\nos.environ.get('A')\nos.getenv('B')\n"
        "x = os.environ['C']\n"
    )
    assert sorted(_reads_environment(tree)) == [2, 3, 4, 5]


def _strings(tree: ast.Module) -> list[str]:
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_variable_names_are_written_only_in_settings():
    """A ``BRIEFING_*`` name alone in a string is a lookup: only settings.py does that.
    Messages and docstrings may name variables, but only declared ones."""
    looked_up, undeclared = [], []
    for name, tree in _modules():
        for text in _strings(tree):
            if name != "settings.py" and re.fullmatch(r"BRIEFING_[A-Z0-9_]+", text):
                looked_up.append(f"{name}: {text}")
            undeclared += [
                f"{name}: {variable}"
                for variable in re.findall(r"BRIEFING_[A-Z0-9_]*[A-Z0-9]", text)
                if variable not in settings.NAMES
            ]
    assert looked_up == []
    assert undeclared == []


# ---- reading the variables -------------------------------------------------------------------


def test_nothing_set_gives_the_products_defaults(tmp_path):
    read = Settings.from_environment({"HOME": str(tmp_path)})
    assert read == Settings(cache=tmp_path / ".cache" / "briefing" / "datasets")
    assert read.mapdata.parts[-3:] == ("share", "claim-briefings", "mapdata")
    assert (read.chromium, read.memory_limit, read.smtp) == (None, None, None)
    assert (read.huge_pages, read.keep_freed_memory, read.zygote) == (False, True, True)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"HOME": "/home/a"}, Path("/home/a/.cache/briefing/datasets")),
        ({"HOME": "/home/a", "XDG_CACHE_HOME": "/x"}, Path("/x/briefing/datasets")),
        ({"HOME": "/home/a", "BRIEFING_CACHE": "/c"}, Path("/c")),
        ({"XDG_CACHE_HOME": "/x", "BRIEFING_CACHE": "off"}, None),
        ({"BRIEFING_CACHE": "OFF"}, None),
        ({"BRIEFING_CACHE": "0"}, None),
        ({"BRIEFING_CACHE": ""}, None),
    ],
)
def test_the_cache_folder(environ, expected):
    assert Settings.from_environment(environ).cache == expected


def test_the_map_and_memory_and_chromium(tmp_path):
    read = Settings.from_environment(
        {
            "BRIEFING_MAPDATA": str(tmp_path / "maps"),
            "BRIEFING_MEMORY_LIMIT": "2.5G",
            "BRIEFING_CHROMIUM": "/opt/chrome/chrome",
            "BRIEFING_ZYGOTE": "off",
        }
    )
    assert read.mapdata == tmp_path / "maps"
    assert read.memory_limit == int(2.5 * (1 << 30))
    assert read.chromium == Path("/opt/chrome/chrome")
    assert read.zygote is False


@pytest.mark.parametrize(
    ("text", "size"),
    [("8G", 8 << 30), ("512M", 512 << 20), ("2.5g", int(2.5 * (1 << 30))), ("1000", 1000),
     ("64KB", 64 << 10), (" 1T ", 1 << 40)],
)  # fmt: skip
def test_sizes_are_read_as_people_write_them(text, size):
    assert parse_size("BRIEFING_MEMORY_LIMIT", text) == size


@pytest.mark.parametrize("text", ["lots", "-1G", "0", "G", "1e999G", "nan"])
def test_a_limit_that_is_not_a_size_is_one_clear_error(text):
    with pytest.raises(BriefingError) as info:
        Settings.from_environment({"BRIEFING_MEMORY_LIMIT": text})
    assert str(info.value) == (
        f"BRIEFING_MEMORY_LIMIT={text!r} is not a size; write it like 8G or 512M"
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("on", True), ("YES", True), ("true", True), ("1", True), ("off", False),
     ("No", False), ("false", False), ("0", False), ("", None), ("  ", None)],
)  # fmt: skip
def test_one_reading_of_yes_and_no(text, value):
    for default in (True, False):
        assert yes_no("BRIEFING_ZYGOTE", text, default) is (default if value is None else value)


def test_a_yes_no_that_is_neither_names_the_variable():
    with pytest.raises(BriefingError, match=r"^BRIEFING_HUGE_PAGES='maybe': write on or off"):
        Settings.from_environment({"BRIEFING_HUGE_PAGES": "maybe"})


def test_every_variable_is_declared_once():
    names = [v.name for v in settings.VARIABLES]
    assert len(names) == len(set(names)) == len(settings.NAMES)
    assert all(name.startswith("BRIEFING_") for name in names)
    assert all(v.default and v.meaning for v in settings.VARIABLES)
