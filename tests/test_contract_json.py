"""The streamed contract §5 JSON (analysis.compute.contract_json) against the reference it
replaced: json.dumps(indent=1, ensure_ascii=False) over the rows one dict at a time.

The expected files of the contract example are a public interface, so the writer
must give the same bytes as that reference on every input, not only on the example:
the seed, generated datasets, and tables of awkward strings and floats.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.compute.contract_json import CONTRACT_JSON, ONLY_WHEN_GIVEN, records, write_contract
from analysis.compute.results import (
    Analysis,
    analyze,
    to_contract,
    to_json,
)
from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError

from .builders import write_dataset
from .conftest import CONTRACT_EXAMPLE, SEED
from .test_properties import QUERIES, datasets, load_spec

# ---------------------------------------------------------------- the reference


def reference_records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The per-row conversion the library used before: kept here as the reference."""
    out = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    rows = out.astype(object).where(out.notna(), None).to_dict("records")
    for row in rows:
        for key, value in row.items():
            if hasattr(value, "item"):
                row[key] = value.item()
            if isinstance(row[key], float) and math.isnan(row[key]):
                row[key] = None
    return rows


def reference_contract(result: Analysis) -> dict:
    values = {
        "dataset": result.dataset.name,
        "as_of": None if result.as_of is None else f"{result.as_of:%Y-%m-%d}",
        "topic": result.topic,
        "alpha": result.alpha,
    }
    doc: dict = {}
    for key, columns in CONTRACT_JSON.items():
        value = values[key] if columns is None else getattr(result, key)
        if key in ONLY_WHEN_GIVEN and value is None:
            continue
        doc[key] = value if columns is None else reference_records(value, list(columns))
    return doc


def reference_json(result: Analysis) -> str:
    return json.dumps(reference_contract(result), indent=1, ensure_ascii=False) + "\n"


def streamed(result: Analysis, chunk_rows: int = 50_000) -> bytes:
    out = io.BytesIO()
    write_contract(result, out, chunk_rows=chunk_rows)
    return out.getvalue()


def typed(value):
    """A value with the type of every scalar in it, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


def assert_same_as_reference(result: Analysis) -> None:
    """Writer, to_json and to_contract against the reference, at several chunk sizes."""
    expected = reference_json(result)
    assert to_json(result) == expected
    for chunk_rows in (1, 2, 7, 50_000):
        assert streamed(result, chunk_rows) == expected.encode("utf-8")
    assert typed(to_contract(result)) == typed(reference_contract(result))
    assert json.dumps(to_contract(result), indent=1, ensure_ascii=False) + "\n" == expected


# ---------------------------------------------------------------- real datasets


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (None, "expected-all.json"),
        ("2025-05-03", "expected-as-of-2025-05-03.json"),
        ("2025-05-06", "expected-as-of-2025-05-06.json"),
    ],
)
def test_contract_example_streams_its_expected_bytes(as_of, expected):
    result = analyze(load_dataset(CONTRACT_EXAMPLE), as_of=as_of)
    assert_same_as_reference(result)
    assert streamed(result, chunk_rows=2) == (CONTRACT_EXAMPLE / expected).read_bytes()


@pytest.mark.parametrize("as_of", [None, "2025-05-01", "2025-05-03", "2025-05-06"])
def test_quantities_and_questions_stream_as_the_reference_writes_them(as_of):
    result = analyze(load_dataset(CONTRACT_EXAMPLE.parent / "quantities-and-questions"), as_of)
    assert_same_as_reference(result)
    document = json.loads(to_json(result))
    assert list(document)[-6:] == [
        "quantities",
        "figures",
        "revisions",
        "series",
        "questions",
        "alternatives",
    ]


@pytest.mark.parametrize(
    ("as_of", "topic"),
    [
        (None, None),
        ("2025-03-20", None),
        ("2025-04-07", None),
        ("2025-04-08", "ops"),
        ("2025-03-01", None),
    ],
)
def test_seed_streams_the_reference_bytes(as_of, topic):
    dataset = load_dataset(SEED)
    if topic is not None:
        topic = sorted(dataset.assertions["topic"].dropna().unique())[0]
    assert_same_as_reference(analyze(dataset, as_of=as_of, topic=topic))


@pytest.mark.slow  # generated examples: seconds
@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=datasets(), queries=QUERIES)
def test_generated_datasets_stream_the_reference_bytes(spec, queries):
    dataset = load_spec(spec)
    for as_of, topic in queries:
        try:
            result = analyze(dataset, as_of=as_of, topic=topic)
        except BriefingError:  # a topic the dataset does not have
            continue
        assert_same_as_reference(result)


def test_awkward_text_in_a_dataset_reaches_the_output_unchanged(tmp_path):
    statements = [
        'He said "destroyed"',
        "C:\\path\\to",
        "Bakhmut → Бахмут, 巴赫穆特",
        "fire 🔥 and 👍🏽",
        "line\u2028separator\u2029paragraph",
        "tab\there",
        "a\nnew line",
        "del\x7f and nbsp\u00a0inside",
    ]
    folder = write_dataset(
        tmp_path / "awkward",
        [f"c{i},s{i % 3 + 1},a{i},d1,supports,false,2025-03-01,," for i in range(len(statements))],
        {"d1": "2025-03-02"},
        assertions=tuple(f"a{i}" for i in range(len(statements))),
    )
    text = "assertion_id,statement,topic\n" + "".join(
        f'a{i},"{s.replace(chr(34), chr(34) * 2)}",t1\n' for i, s in enumerate(statements)
    )
    (folder / "assertions.csv").write_text(text, encoding="utf-8")
    (folder / "dataset.toml").write_text('name = "Ünïcode \\"name\\" 🙂"\n', encoding="utf-8")
    result = analyze(load_dataset(folder))
    assert_same_as_reference(result)
    doc = json.loads(streamed(result))
    assert [a["statement"] for a in doc["assertions"]] == statements
    assert doc["dataset"] == 'Ünïcode "name" 🙂'
    assert "\u2028" in streamed(result).decode("utf-8")  # unescaped, as json.dumps leaves it


# ---------------------------------------------------------------- awkward tables


AWKWARD_STRINGS = [
    "",
    '"',
    "\\",
    '\\"',
    "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f",
    "\x7f",
    "é, ß, Ж, 漢字",
    "🙂👩‍👩‍👧",
    "\u2028\u2029",
    "\ufeffbom",
    "ends with backslash\\",
    "/slash/",
]
AWKWARD_FLOATS = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    1 / 3,
    -1 / 6,
    1e16,
    1e15,
    123456789012345678.0,
    1e-5,
    1e-4,
    5e-324,
    1.7976931348623157e308,
    float("nan"),
    float("inf"),
    float("-inf"),
    2.5,
]


def replaced(result: Analysis, **frames: pd.DataFrame) -> Analysis:
    return dataclasses.replace(result, **frames)


@pytest.fixture(scope="module")
def example() -> Analysis:
    return analyze(load_dataset(CONTRACT_EXAMPLE))


def awkward_timeline(strings: list[str]) -> pd.DataFrame:
    n = len(strings)
    days = pd.to_datetime(["2025-05-01", None, "1999-12-31"] * n)[:n]
    return pd.DataFrame(
        {
            "claim_id": pd.Series(strings, dtype="str"),
            "source_id": pd.Categorical(strings[::-1]),
            "assertion_id": pd.Series(strings, dtype=object),
            "document_id": pd.Categorical(
                [None if i % 4 == 0 else s for i, s in enumerate(strings)]
            ),
            "stance": pd.Categorical(["supports", "refutes", "neutral"] * n)[:n],
            "hedged": np.arange(n) % 2 == 0,
            "stated_start": days,
            "stated_end": days[::-1],
            "stated_precision": pd.Categorical(["day"] * n),
            "event_start": pd.Series([pd.NaT] * n, dtype="datetime64[ns]"),
            "event_end": pd.to_datetime(["2025-01-31"] * n),
            "lag_days": pd.array([None if i % 3 == 0 else i - 5 for i in range(n)], dtype="Int64"),
        }
    )


def float32(values: list[float]) -> np.ndarray:
    with np.errstate(over="ignore"):  # the largest doubles become infinities
        return np.array(values).astype(np.float32)


def test_awkward_strings_floats_and_missing_values(example):
    floats = AWKWARD_FLOATS
    strings = (AWKWARD_STRINGS * 2)[: len(floats)]
    pairwise = pd.DataFrame(
        {
            "source_a": pd.Categorical(strings),
            "source_b": pd.Series(strings[::-1], dtype=object),
            "shared": np.arange(len(floats), dtype=np.int64) * 10**17,
            "agree": np.arange(len(floats), dtype=np.int32) - 3,
            "disagree": np.zeros(len(floats), dtype=np.uint8),
            "agreement": np.array(floats, dtype=np.float64),
            "kappa": float32(floats[::-1]),  # widened, as .item() did
        }
    )
    assertions = pd.DataFrame(
        {
            "assertion_id": strings,
            "statement": [None if i == 3 else s for i, s in enumerate(strings[::-1])],
            "status": "contested",
            "independent_support": range(len(strings)),
            "hedged_only": [i % 2 == 1 for i in range(len(strings))],
            "supporting_sources": [strings[: i % 4] for i in range(len(strings))],
            "refuting_sources": [[] for _ in strings],
            "neutral_sources": [[s] for s in strings],
            "first_stated": pd.to_datetime(["2025-05-01", None] * len(strings))[: len(strings)],
            "last_stated": pd.to_datetime(
                ["0999-01-02T12:00", "9999-12-31"] * len(strings), format="ISO8601"
            )[: len(strings)].as_unit("s"),
        }
    )
    result = replaced(
        example,
        pairwise=pairwise,
        assertions=assertions,
        timeline=awkward_timeline(strings),
        shifts=example.shifts.iloc[:0],
        alpha=float("nan"),
        topic='t "1" ✓',
    )
    assert_same_as_reference(result)


@pytest.mark.slow  # generated examples: seconds
@settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "6")) * 5, deadline=None)
@given(
    strings=st.lists(st.text(st.characters(exclude_categories=("Cs",))), min_size=1, max_size=30),
    floats=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=30),
)
def test_any_text_and_any_float_as_json_writes_them(example, strings, floats):
    pairwise = example.pairwise.iloc[[0] * len(floats)].reset_index(drop=True)
    pairwise["agreement"] = np.array(floats, dtype=np.float64)
    pairwise["kappa"] = np.array(floats, dtype=np.float64)[::-1]
    result = replaced(example, pairwise=pairwise, timeline=awkward_timeline(strings))
    assert_same_as_reference(result)


def test_empty_tables_and_no_topic(example):
    empty = replaced(
        example,
        assertions=example.assertions.iloc[:0],
        pairwise=example.pairwise.iloc[:0],
        timeline=example.timeline.iloc[:0],
        shifts=example.shifts.iloc[:0],
        conflicts=example.conflicts.iloc[:0],
        alpha=None,
    )
    assert_same_as_reference(empty)
    assert '"timeline": [],' in to_json(empty)


def test_a_missing_column_is_an_error_as_before(example):
    broken = replaced(example, conflicts=example.conflicts.drop(columns="claim_b"))
    with pytest.raises(KeyError):
        streamed(broken)
    with pytest.raises(KeyError):
        records(broken.conflicts, CONTRACT_JSON["conflicts"])


# ---------------------------------------------------------------- streaming


class CountingWriter(io.RawIOBase):
    """A binary file that keeps only the size of each write."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sizes.append(len(memoryview(data).cast("B")))
        return self.sizes[-1]


def test_rows_are_written_a_chunk_at_a_time(example):
    timeline = awkward_timeline(AWKWARD_STRINGS * 50)  # 600 rows
    result = replaced(example, timeline=timeline)
    out = CountingWriter()
    write_contract(result, out, chunk_rows=100)
    total = sum(out.sizes)
    assert total == len(reference_json(result).encode("utf-8"))
    assert max(out.sizes) < total / 5  # no write holds the whole text (nor most of it)


class BrokenPipe(io.RawIOBase):
    """stdout's buffer once the reader has gone: every write fails."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_analyze_json_to_a_closed_pipe_ends_quietly(monkeypatch, tmp_path, capsys):
    stdout = io.TextIOWrapper(io.BufferedWriter(BrokenPipe()))
    monkeypatch.setattr(sys, "stdout", stdout)
    with open(tmp_path / "stdout", "wb") as target:  # the fd pointed at devnull
        monkeypatch.setattr(stdout, "fileno", target.fileno, raising=False)
        assert main(["analyze", str(SEED), "--json"]) == 1
    assert capsys.readouterr().err == ""


def big_dataset(folder: Path, claims: int) -> Path:
    """A dataset whose JSON is far larger than a pipe's buffer."""
    rows = [
        f"c{i},s{i % 4 + 1},a{i % 2 + 1},d1,{('supports', 'refutes')[i % 2]},false,2025-03-01,,"
        for i in range(claims)
    ]
    return write_dataset(folder, rows, {"d1": "2025-03-02"})


@pytest.mark.slow  # a subprocess or a kernel
def test_analyze_json_piped_into_head_has_no_traceback(tmp_path):
    folder = big_dataset(tmp_path / "big", 5_000)  # about 2 MB of JSON
    script = Path(sys.executable).with_name("briefing")
    with subprocess.Popen(
        [script, "analyze", str(folder), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as run:
        assert run.stdout.read(100).startswith(b'{\n "dataset": "big",\n')
        run.stdout.close()  # as `| head -c 100` does
        err = run.stderr.read().decode()
        run.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert err == ""
    assert run.returncode == 1


@pytest.mark.slow  # a subprocess or a kernel
def test_analyze_json_to_a_file_is_the_reference(tmp_path):
    folder = big_dataset(tmp_path / "big", 3_000)
    script = Path(sys.executable).with_name("briefing")
    with open(tmp_path / "out.json", "wb") as out:
        run = subprocess.run([script, "analyze", str(folder), "--json"], stdout=out, check=False)
    assert run.returncode == 0
    expected = reference_json(analyze(load_dataset(folder)))
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == expected
