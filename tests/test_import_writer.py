"""An import validates the tables it writes from memory: the same frames, problems and
dataset as reading the files back, so nothing it moves into place would fail a load."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from analysis.contract.csvfile import frame_from_arrow, read_table
from analysis.contract.dataset import DatasetError, load_dataset, validate_written
from analysis.importers.run import import_dataset
from analysis.importers.writer import table_in_order, write_csv

SAMPLES = Path(__file__).resolve().parent / "data" / "importers"
GDELT = sorted((SAMPLES / "gdelt").iterdir())
TABLE = SAMPLES / "table"
UCDP_2014 = Path(__file__).resolve().parents[1].parent / "shared/realdata/ucdp-ged-ukraine-2014"
IMPORTS = [
    ("acled", [SAMPLES / "acled" / "ukraine-march-2024.csv"], {}),
    ("acled", [SAMPLES / "acled" / "messy-sources.csv"], {}),
    ("gdelt", GDELT, {}),
    ("table", [TABLE / "claims-log.csv"], {"mapping": TABLE / "claims-log.toml"}),
]


def same_dataset(left, right) -> None:
    for field in dataclasses.fields(left):
        a, b = getattr(left, field.name), getattr(right, field.name)
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=field.name)
        elif field.name != "path":
            assert a == b, field.name


@pytest.mark.parametrize(("format_name", "inputs", "options"), IMPORTS, ids=lambda v: str(v)[:40])
def test_the_imported_dataset_is_the_one_a_load_of_its_files_gives(
    tmp_path, format_name, inputs, options
):
    dataset, _ = import_dataset(format_name, inputs, tmp_path / "out", options=options)
    same_dataset(dataset, load_dataset(tmp_path / "out", cache=None))


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@pytest.mark.skipif(not UCDP_2014.is_dir(), reason="../shared/realdata is not here")
def test_a_real_ucdp_import_is_the_dataset_a_load_of_its_files_gives(tmp_path):
    inputs = sorted(UCDP_2014.glob("*.csv"))
    dataset, _ = import_dataset("ucdp", inputs, tmp_path / "out")
    same_dataset(dataset, load_dataset(tmp_path / "out", cache=None))


AWKWARD = pd.DataFrame(
    {
        "claim_id": ["c3", "c1", "c2", "c10"],
        "text": ['a "quoted", cell', "  padded\u00a0", "line\nbreak\r\nand more", "   "],
        "count": [1, 2, 3, 4],
        "share": [0.5, 1e-7, None, 12345678.25],
        "flag": [True, False, True, False],
        "empty": [None, "", "x", None],
    }
)


def test_awkward_cells_read_back_as_the_frame_made_from_memory(tmp_path):
    written = table_in_order("claims", AWKWARD)
    write_csv(written, tmp_path / "claims.csv")
    from_file, problems = read_table(tmp_path / "claims.csv")
    assert problems == []
    pd.testing.assert_frame_equal(frame_from_arrow(written), from_file, check_exact=True)
    assert list(from_file["claim_id"]) == ["c1", "c10", "c2", "c3"]  # identifier order


def test_a_problem_found_in_memory_names_the_row_of_the_file(tmp_path):
    (tmp_path / "dataset.toml").write_text('name = "broken"\n')
    claims = pd.DataFrame(
        {
            "claim_id": ["k1", "k2", "k2"],
            "source_id": ["s1"] * 3,
            "assertion_id": ["a1"] * 3,
            "document_id": ["d1"] * 3,
            "stance": ["supports", "maybe", "refutes"],
        }
    )
    tables = {
        "sources": pd.DataFrame({"source_id": ["s1"], "name": ["Outlet"]}),
        "documents": pd.DataFrame({"document_id": ["d1"], "published": ["2025-03-18"]}),
        "assertions": pd.DataFrame({"assertion_id": ["a1"], "statement": ["It happened"]}),
        "claims": claims,
    }
    arrow: dict[str, pa.Table] = {}
    for name, frame in tables.items():
        arrow[name] = table_in_order(name, frame)
        write_csv(arrow[name], tmp_path / f"{name}.csv")
    with pytest.raises(DatasetError) as from_files:
        load_dataset(tmp_path, cache=None)
    with pytest.raises(DatasetError) as from_memory:
        validate_written(tmp_path, arrow)
    assert from_memory.value.problems == from_files.value.problems
    assert {(p.file, p.row, p.column) for p in from_memory.value.problems} >= {
        ("claims.csv", 3, "stance"),
        ("claims.csv", 4, "claim_id"),
    }
