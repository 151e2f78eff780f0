"""The registry of ``briefing import`` formats: each declares its own command line, and the
help lists them all without loading pandas."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import build_parser, main
from analysis.errors import BriefingError
from analysis.importers.base import Format
from analysis.importers.formats import FORMATS, format_named
from analysis.importers.run import import_dataset

TABLE = Path(__file__).resolve().parent / "data" / "importers" / "table"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_every_declared_format_is_a_subcommand_of_import_in_the_registry_order():
    importing = subcommands(build_parser())["import"]
    assert list(subcommands(importing)) == ["ucdp", "acled", "gdelt", "table", "values"]


def test_each_format_passes_on_exactly_the_options_it_declares():
    """A format's own options are parsed by its subcommand only and reach its converter."""
    parser = build_parser()
    gdelt = parser.parse_args(["import", "gdelt", "e.CSV", "--min-confidence", "40"])
    assert FORMATS["gdelt"].request_options(gdelt) == {"min_confidence": 40}
    table = parser.parse_args(["import", "table", "s.csv", "--mapping", "m.toml"])
    assert FORMATS["table"].request_options(table) == {"mapping": Path("m.toml")}
    ucdp = parser.parse_args(["import", "ucdp", "ged.csv"])
    assert FORMATS["ucdp"].request_options(ucdp) == {}
    with pytest.raises(SystemExit):
        parser.parse_args(["import", "ucdp", "ged.csv", "--min-confidence", "40"])
    values = parser.parse_args(
        ["import", "values", "t.csv", "--source", "s", "--item", "a", "--item", "b",
         "--value", "v", "--kind", "number", "--cumulative", "--date", "2025-01-01"]
    )  # fmt: skip
    assert FORMATS["values"].request_options(values) == {
        "source": "s",
        "item": ["a", "b"],
        "value": ["v"],
        "date": "2025-01-01",
        "kind": "number",
        "cumulative": True,
        "no_header": False,
        "source_kind": "other",
    }
    with pytest.raises(SystemExit):  # --source, --item and --value are required
        parser.parse_args(["import", "values", "t.csv", "--item", "a", "--value", "v"])


def test_every_converter_has_the_names_the_import_reads():
    for declared in FORMATS.values():
        module = declared.converter()
        assert isinstance(module.TITLE, str) and module.TITLE, declared.name
        assert isinstance(module.LICENCE, str), declared.name
        assert isinstance(module.ATTRIBUTION, str), declared.name
        assert callable(module.convert), declared.name


def test_a_format_declared_once_gets_its_subcommand_options_and_import(
    tmp_path, monkeypatch, capsys
):
    """Adding a format is one declaration in the registry: here the table converter under
    another name, with its mapping given by an option of its own."""

    def own_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--rules", dest="mapping", type=Path, help="how to read the sheet")

    sheet = Format(
        name="sheet",
        summary="a sheet read by rules",
        description="The table converter under another name.",
        module="analysis.importers.table",
        add_options=own_options,
        options=("mapping",),
    )
    monkeypatch.setitem(FORMATS, "sheet", sheet)
    out = tmp_path / "log"
    args = ["import", "sheet", str(TABLE / "claims-log.csv"), "--out", str(out)]
    assert main([*args, "--rules", str(TABLE / "claims-log.toml")]) == 0
    assert "Belgorod incursion: claims log" in capsys.readouterr().out
    assert (out / "claims.csv").is_file()
    with pytest.raises(SystemExit):  # table's own option is not sheet's
        main([*args, "--mapping", "x.toml"])
    assert "unrecognized arguments: --mapping" in capsys.readouterr().err


def test_an_unknown_format_is_refused_naming_the_known_ones(tmp_path):
    with pytest.raises(BriefingError, match="no import format 'csv'; the formats are ucdp, acled"):
        import_dataset("csv", [TABLE / "claims-log.csv"], tmp_path / "out")
    assert format_named("gdelt") is FORMATS["gdelt"]


@pytest.mark.slow  # a subprocess
def test_the_import_help_loads_no_pandas_nor_pyarrow():
    """The registry is light: ``briefing import --help`` and every format's help answer
    without importing the libraries that convert (a second or more)."""
    probe = (
        "import sys\n"
        "from analysis.cli import build_parser\n"
        "parser = build_parser()\n"
        "for name in ('ucdp', 'acled', 'gdelt', 'table'):\n"
        "    parser.parse_args(['import', name, 'x'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'numpy'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
