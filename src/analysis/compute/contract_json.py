"""The contract §5 JSON, written in a stream: table by table, in chunks of rows, each
chunk encoded column by column through Arrow.

The bytes are those of ``json.dumps(to_contract(result), indent=1, ensure_ascii=False)``
plus a newline (the contract example's expected files are matched byte for byte), but
a million-claim analysis gives several hundred MB of JSON: the pure-Python encoder
behind ``indent`` and a dict per row took seconds per 100,000 claims and held all of
it in memory. Here each cell of a chunk is encoded by a vectorized kernel for its
column (a category's labels, a date column's days and a float column's distinct
values are encoded once, then taken by code), the cells are joined into the rows'
text by one Arrow kernel, and that buffer goes to the file as it is.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.compute.estimates import DEPENDENCE_COLUMNS, ESTIMATE_COLUMNS, RELIABILITY_COLUMNS
from analysis.compute.quantities import (
    FIGURE_TABLE,
    QUANTITY_COLUMNS,
    REVISION_COLUMNS,
    SERIES_COLUMNS,
)
from analysis.compute.questions import ALTERNATIVE_COLUMNS, QUESTION_COLUMNS

if TYPE_CHECKING:
    from analysis.compute.results import Analysis

# Contract §5, declared once: every key of the JSON object in output order; a table's
# value lists its columns in order (also the names of the Analysis frame it comes from),
# a scalar's is None.
CONTRACT_JSON: dict[str, tuple[str, ...] | None] = {
    "dataset": None,
    "as_of": None,
    "topic": None,
    "assertions": (
        "assertion_id",
        "statement",
        "status",
        "independent_support",
        "hedged_only",
        "supporting_sources",
        "refuting_sources",
        "neutral_sources",
        "first_stated",
        "last_stated",
    ),
    "pairwise": ("source_a", "source_b", "shared", "agree", "disagree", "agreement", "kappa"),
    "alpha": None,
    "timeline": (
        "claim_id",
        "source_id",
        "assertion_id",
        "document_id",
        "stance",
        "hedged",
        "stated_start",
        "stated_end",
        "stated_precision",
        "event_start",
        "event_end",
        "lag_days",
    ),
    "shifts": (
        "source_id",
        "assertion_id",
        "from_claim",
        "to_claim",
        "from_stance",
        "from_hedged",
        "to_stance",
        "to_hedged",
        "at",
    ),
    "conflicts": ("source_id", "assertion_id", "claim_a", "claim_b"),
    "quantities": QUANTITY_COLUMNS,
    "figures": FIGURE_TABLE,
    "revisions": REVISION_COLUMNS,
    "series": SERIES_COLUMNS,
    "questions": QUESTION_COLUMNS,
    "alternatives": ALTERNATIVE_COLUMNS,
    "estimates": ESTIMATE_COLUMNS,
    "source_reliability": RELIABILITY_COLUMNS,
    "dependent_sources": DEPENDENCE_COLUMNS,
}
# Our extension of §5: keys present only when the analysis has a value for them
# (``topic`` when a topic filter was given; the quantities' tables when the dataset has
# quantities, the questions' when it has questions; the estimates when they were made,
# analysis.compute.results.with_estimates).
ONLY_WHEN_GIVEN = frozenset(
    {
        "topic",
        "quantities",
        "figures",
        "revisions",
        "series",
        "questions",
        "alternatives",
        "estimates",
        "source_reliability",
        "dependent_sources",
    }
)


# Rows per encoded chunk: 50,000 timeline rows are about 20 MB of text, a few times that
# in Arrow buffers while they are built; large enough that the per-chunk overhead of
# the kernels is small.
CHUNK_ROWS = 50_000

_SAMPLE = 1_000  # rows of an object column its Arrow type is inferred from
_TEXT = pa.large_string()  # 64-bit offsets: a chunk of long statements cannot overflow
_NULL = "null"

# What Python's json (ensure_ascii=False) escapes in a string, and how: the backslash
# first, so the backslashes the other escapes add are not doubled. DEL, U+2028 and the
# rest of Unicode pass through unescaped.
_SPECIAL = r'[\x00-\x1f"\\]'
_SPECIAL_BYTE = np.zeros(256, dtype=bool)
_SPECIAL_BYTE[[*range(32), ord('"'), ord("\\")]] = True
_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_ESCAPES = [("\\", "\\\\"), ('"', '\\"')] + [
    (chr(code), _SHORT.get(chr(code), f"\\u{code:04x}")) for code in range(32)
]

# The layout of json.dumps(indent=1) for the contract object: top-level keys at one
# space, a table's records at two, their keys at three, a list's items at four.
_RECORD_OPEN = "\n  {\n   "
_FIELD_SEP = ",\n   "
_RECORD_CLOSE = "\n  }"
_LIST_OPEN = "[\n    "
_LIST_SEP = ",\n    "
_LIST_CLOSE = "\n   ]"


def _literal(text: str) -> pa.Scalar:
    return pa.scalar(text, _TEXT)


def _key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


# ------------------------------------------------------------------ one Arrow array at a time


def _encode(values: pa.Array) -> pa.Array:
    """Each value's JSON text (nulls as ``null``), as a large_string array without nulls."""
    kind = values.type
    if pa.types.is_dictionary(kind):
        values, kind = values.dictionary_decode(), kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = _quote(values)
    elif pa.types.is_boolean(kind):
        text = pc.if_else(values, _literal("true"), _literal("false"))
    elif pa.types.is_integer(kind):
        text = pc.cast(values, _TEXT)
    elif pa.types.is_floating(kind):
        text = _floats(values)
    elif pa.types.is_null(kind):
        text = pa.nulls(len(values), _TEXT)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        text = _lists(values)
    else:
        raise TypeError(f"no JSON encoding for a column of Arrow type {kind}")
    return pc.fill_null(text.cast(_TEXT), _literal(_NULL))


def _quote(strings: pa.Array) -> pa.Array:
    """Quoted and escaped as Python's json does; only the few strings that need an
    escape go through the replacements."""
    strings = strings.cast(_TEXT)
    if _SPECIAL_BYTE[np.frombuffer(_buffer(strings), dtype=np.uint8)].any():
        awkward = pc.fill_null(pc.match_substring_regex(strings, _SPECIAL), False)
        escaped = strings.filter(awkward)
        for char, escape in _ESCAPES:
            escaped = pc.replace_substring(escaped, char, escape)
        strings = pc.replace_with_mask(strings, awkward, escaped.cast(_TEXT))
    quote = _literal('"')
    return pc.binary_join_element_wise(quote, strings, quote, _literal(""))


def _floats(values: pa.Array) -> pa.Array:
    """``float.__repr__`` of each value (numpy's shortest round-trip text is the same,
    unless legacy print options are set), NaN as null and the infinities as json writes
    them. A float32 is widened first, as ``.item()`` did."""
    numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)  # nulls: NaN
    with np.printoptions(legacy=False):
        text = numbers.astype(str)
    text[np.isposinf(numbers)] = "Infinity"
    text[np.isneginf(numbers)] = "-Infinity"
    return pa.array(text, type=_TEXT, mask=np.isnan(numbers))


def _lists(lists: pa.Array) -> pa.Array:
    """A list of scalars as json.dumps(indent=1) lays it out inside a record."""
    lengths = pc.list_value_length(lists)
    items = lists.flatten()
    if pa.types.is_list(items.type) or pa.types.is_large_list(items.type):
        raise TypeError("no JSON encoding for a list of lists in a table cell")
    counts = pc.fill_null(lengths, 0).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
    rebuilt = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), _encode(items))
    joined = pc.binary_join(rebuilt, _literal(_LIST_SEP))
    laid_out = pc.binary_join_element_wise(
        _literal(_LIST_OPEN), joined, _literal(_LIST_CLOSE), _literal("")
    )
    return pc.if_else(pc.equal(lengths, 0), _literal("[]"), laid_out)  # null list: null


def _arrow(series: pd.Series) -> pa.Array:
    """The column in Arrow; NaN, NaT and pd.NA become null."""
    values = None
    if series.dtype == object and len(series) > _SAMPLE:
        # Inferring the type of Python objects costs a third of converting them: infer
        # it from the first rows, and convert the rest to it, unless they do not fit.
        kind = pa.array(series.iloc[:_SAMPLE], from_pandas=True).type
        if not pa.types.is_null(kind):
            with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
                values = pa.array(series, type=kind, from_pandas=True)
    if values is None:
        values = pa.array(series, from_pandas=True)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


# ------------------------------------------------------------------ a table's columns


@dataclass(frozen=True)
class _Direct:
    """A column encoded slice by slice (ids, statements: mostly distinct values), with
    the literal text written ``before`` and ``after`` each cell."""

    values: pa.Array
    before: str = ""
    after: str = ""

    def text(self, start: int, stop: int) -> pa.Array:
        return _encode(self.values.slice(start, stop - start))

    def pieces(self, start: int, stop: int) -> list[pa.Array | pa.Scalar]:
        around = (_literal(self.before), self.text(start, stop), _literal(self.after))
        return [piece for piece in around if not isinstance(piece, pa.Scalar) or piece.as_py()]

    def framed(self, before: str, after: str) -> _Direct:
        return _Direct(self.values, before, after)

    def python(self) -> list[Any]:
        return self.values.to_pylist()


@dataclass(frozen=True)
class _Coded:
    """A column of few distinct values (categories, days, ratios, counts): each distinct
    value is encoded once, with the literal text around it; ``codes`` index ``texts`` and
    ``natives``, whose last entry is null."""

    codes: np.ndarray
    texts: pa.Array
    natives: np.ndarray

    def text(self, start: int, stop: int) -> pa.Array:
        return self.texts.take(pa.array(self.codes[start:stop]))

    def pieces(self, start: int, stop: int) -> list[pa.Array | pa.Scalar]:
        return [self.text(start, stop)]

    def framed(self, before: str, after: str) -> _Coded:
        texts = pc.binary_join_element_wise(
            _literal(before), self.texts, _literal(after), _literal("")
        )
        return _Coded(self.codes, texts, self.natives)

    def python(self) -> list[Any]:
        return self.natives[self.codes].tolist()


@dataclass(frozen=True)
class _Encoded:
    """A column whose cells mix kinds (an estimate's value: text or a number), each
    encoded by json itself; ``values`` hold the cells' JSON text."""

    values: pa.Array
    natives: tuple
    before: str = ""
    after: str = ""

    def text(self, start: int, stop: int) -> pa.Array:
        return self.values.slice(start, stop - start)

    def pieces(self, start: int, stop: int) -> list[pa.Array | pa.Scalar]:
        around = (_literal(self.before), self.text(start, stop), _literal(self.after))
        return [piece for piece in around if not isinstance(piece, pa.Scalar) or piece.as_py()]

    def framed(self, before: str, after: str) -> _Encoded:
        return _Encoded(self.values, self.natives, before, after)

    def python(self) -> list[Any]:
        return list(self.natives)


def _mixed(series: pd.Series) -> _Encoded:
    """Cells of several kinds, one json.dumps each (a small table: one row per question)."""
    natives = tuple(
        None if value is None or (isinstance(value, float) and np.isnan(value)) else value
        for value in (v.item() if isinstance(v, np.generic) else v for v in series)
    )
    texts = [_NULL if v is None else json.dumps(v, ensure_ascii=False) for v in natives]
    return _Encoded(pa.array(texts, _TEXT), natives)


def _coded(codes: np.ndarray, distinct: _Direct | _Coded, count: int) -> _Coded:
    """Codes, -1 for a missing value, over the ``count`` ``distinct`` values they index."""
    codes = np.where(codes < 0, count, codes).astype(np.int64, copy=False)
    texts = pa.concat_arrays([distinct.text(0, count), pa.array([_NULL], _TEXT)])
    natives = np.empty(count + 1, dtype=object)
    natives[:count] = distinct.python()
    return _Coded(codes, texts, natives)  # natives[count] is None


def _column(series: pd.Series) -> _Direct | _Coded | _Encoded:
    """How to encode one column, by its dtype; the same values as ``_records`` gave before:
    dates as YYYY-MM-DD, NaN/NaT/NA as null, plain Python scalars."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        labels = _column(pd.Series(dtype.categories))
        return _coded(series.cat.codes.to_numpy(), labels, len(dtype.categories))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        codes, days = pd.factorize(series)  # NaT: -1
        labels = _Direct(_arrow(pd.Series(days).dt.strftime("%Y-%m-%d")))
        return _coded(codes, labels, len(days))
    if pd.api.types.is_float_dtype(dtype):
        # By bit pattern, so -0.0 stays apart from 0.0; every NaN encodes as null.
        numbers = np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
        codes, bits = pd.factorize(numbers.view(np.int64))
        labels = _Direct(pa.array(bits.view(np.float64), from_pandas=True))
        return _coded(codes, labels, len(bits))
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        codes, distinct = pd.factorize(series)  # NA: -1
        if 4 * len(distinct) <= len(series):  # counts, lags, flags: few distinct values
            return _coded(codes, _Direct(_arrow(pd.Series(distinct))), len(distinct))
    if pd.api.types.is_object_dtype(dtype):
        try:
            return _Direct(_arrow(series))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return _mixed(series)
    return _Direct(_arrow(series))


# ------------------------------------------------------------------ rows and the document


def _fields(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[_Direct | _Coded | _Encoded]:
    """A table's columns, each with the text between its cells and the previous ones: a
    row is ``,`` then its record, so rows are joined by writing them end to end."""
    fields = []
    for number, name in enumerate(columns):
        before = ("," + _RECORD_OPEN if number == 0 else _FIELD_SEP) + _key(name) + ": "
        after = _RECORD_CLOSE if number == len(columns) - 1 else ""
        fields.append(_column(frame[name]).framed(before, after))
    return fields


def _rows(fields: list[_Direct | _Coded | _Encoded], start: int, stop: int) -> pa.Array:
    """Rows ``start:stop`` of a table as text, in 32-bit offsets when they fit."""
    if not fields:
        return pa.array([",\n  {}"] * (stop - start), _TEXT)
    parts = [piece for field in fields for piece in field.pieces(start, stop)]
    size = sum(
        len(part.as_py().encode()) * (stop - start)
        if isinstance(part, pa.Scalar)
        else part.nbytes  # at least its text
        for part in parts
    )
    kind = pa.string() if size < 2**31 - 1 else _TEXT
    parts = [part.cast(kind) for part in parts]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, pa.scalar("", kind))


def _buffer(text: pa.Array) -> memoryview:
    """The UTF-8 bytes of a string array's values, end to end, without a copy."""
    _, offsets, data = text.buffers()
    if len(text) == 0 or data is None:
        return memoryview(b"")
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    ends = np.frombuffer(offsets, dtype=width)[text.offset : text.offset + len(text) + 1]
    return memoryview(data)[int(ends[0]) : int(ends[-1])]


@dataclass(frozen=True)
class _Table:
    frame: pd.DataFrame
    columns: tuple[str, ...]


def _items(result: Analysis) -> Iterator[tuple[str, Any]]:
    """The contract object's keys in order, each with its scalar or its _Table."""
    scalars = {
        "dataset": result.dataset.name,
        "as_of": None if result.as_of is None else f"{result.as_of:%Y-%m-%d}",
        "topic": result.topic,
        "alpha": result.alpha,
    }
    for key, columns in CONTRACT_JSON.items():
        value = scalars[key] if columns is None else getattr(result, key)
        if key in ONLY_WHEN_GIVEN and value is None:
            continue
        yield key, (value if columns is None else _Table(value, columns))


def _write_table(table: _Table, out: IO[bytes], chunk_rows: int) -> None:
    rows = len(table.frame)
    if rows == 0:
        table.frame[list(table.columns)]  # a missing column is an error even with no rows
        out.write(b"[]")
        return
    fields = _fields(table.frame, table.columns)
    out.write(b"[")
    for start in range(0, rows, chunk_rows):
        chunk = _buffer(_rows(fields, start, min(rows, start + chunk_rows)))
        out.write(chunk[1:] if start == 0 else chunk)  # no comma before the first record
    out.write(b"\n ]")


def write_contract(result: Analysis, out: IO[bytes], chunk_rows: int = CHUNK_ROWS) -> None:
    """Write the contract §5 JSON of ``result`` (and a final newline) to the binary ``out``,
    ``chunk_rows`` rows of a table at a time."""
    separator = "\n "
    out.write(b"{")
    for key, value in _items(result):
        out.write(f"{separator}{_key(key)}: ".encode())
        separator = ",\n "
        if isinstance(value, _Table):
            _write_table(value, out, chunk_rows)
        else:
            text = json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n ")
            out.write(text.encode())
    out.write(b"}\n" if separator == "\n " else b"\n}\n")


def contract_text(result: Analysis) -> str:
    """The whole JSON text, for callers that want a str (small analyses, tests)."""
    buffer = io.BytesIO()
    write_contract(result, buffer)
    return buffer.getvalue().decode("utf-8")


def records(frame: pd.DataFrame, columns: list[str] | tuple[str, ...]) -> list[dict]:
    """Rows as dicts of plain Python scalars (dates as YYYY-MM-DD, missing as None),
    each column converted in one step rather than value by value."""
    names = list(columns)
    if not names:
        frame[names]
        return [{} for _ in range(len(frame))]
    values = [_column(frame[name]).python() for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def contract_dict(result: Analysis) -> dict:
    """The contract §5 object as Python values, key by key."""
    return {
        key: records(value.frame, value.columns) if isinstance(value, _Table) else value
        for key, value in _items(result)
    }
