"""``briefing import values``: a long table of (source, item, value[, time]) rows as a dataset.

Truth-discovery benchmarks, loss tallies and many spreadsheets hold nothing but
who gave which value for what: ``A1Books, 0201853949, Knuth, Donald E.`` or
``General Staff, tank, 2022-03-01, 211``. Each item becomes one thing the
briefing asks about, its text the item as written:

- ``--kind choice``: a question (questions.csv) whose alternatives are the
  item's distinct values as written, one assertion each (``<item>: <value>``);
  each row is its source's supporting claim on its value's alternative, so a
  source that gives one value counts against the others (contract §4);
- ``--kind number``: a quantity (an assertion with a unit) and each row its
  source's figure, as of the row's ``--time`` day; a later day's figure of the
  same source is a revision, or with ``--cumulative`` the next day of a running
  total, and a row stated later about the same day (``--stated``) a correction.

A document per source and day the source gave its values (the day is
``--stated``, else ``--time``, else ``--date``). Rows without a source, item or
value, placeholders such as "Not Available", text where a number belongs, bad
dates and repeated rows are skipped and counted, never dropped silently.
docs/importers.md ("A values table") gives every rule with a worked example.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.importers.mapping import missing_column
from analysis.importers.messages import ImportRefused
from analysis.importers.neutralise import neutralised
from analysis.importers.request import ImportRequest
from analysis.importers.tables import (
    SUPPORTED_YEARS,
    SUPPORTED_YEARS_TEXT,
    ContractTables,
    check_width,
    content_hash,
    figure_text,
    in_supported_years,
    slug,
)

TITLE = "A long table of values: (source, item, value[, time]) rows, CSV or TSV"
LICENCE = ""  # the data's own: --licence
ATTRIBUTION = ""  # the data's own: --attribution
ROWS, VALUES = "rows", "values"  # the report's units: input rows, value cells
TEXT = pd.StringDtype("pyarrow")
PLACEHOLDERS = ("not available", "n/a", "null", "nan")  # folded; "no value", as empty
ITEM_JOINER = " / "  # between the parts of an item made of several columns
DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}
SPACE = "[ \u00a0\u2009\u202f]"  # a space, no-break, thin or narrow no-break space
DECIMALS = ("point", "comma")
# a figure grouped in thousands, by the decimal mark it is read with: by the other mark
# (12,345.5 or 12.345,5) or by spaces (12 345.5 or 12 345,5)
MARK_GROUPED = {
    "point": r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$",
    "comma": r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$",
}
SPACE_GROUPED = {
    "point": rf"^[+-]?\d{{1,3}}(?:{SPACE}\d{{3}})+(?:\.\d+)?$",
    "comma": rf"^[+-]?\d{{1,3}}(?:{SPACE}\d{{3}})+(?:,\d+)?$",
}
EXAMPLES_SHOWN = 3  # skipped or doubtful cells named by file:row in a reason or refusal
EXAMPLE_CHARS = 40
SLASHED_DAY = r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$"  # 01/11/2025, 1.11.2025
ISO_DAY = r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$"
LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t]*\r?\n)+")


@dataclass(frozen=True)
class Options:
    """``briefing import values``'s own options, checked (formats/values.py declares them)."""

    source: str
    items: tuple[str, ...]
    values: tuple[str, ...]
    time: str | None = None
    stated: str | None = None
    date: dt.date | None = None
    kind: str = "choice"
    unit: str | None = None
    cumulative: bool = False
    decimal: str | None = None  # point or comma; None: point, refused where that is a guess
    no_header: bool = False
    delimiter: str | None = None
    missing: tuple[str, ...] = ()
    source_kind: str = "other"
    licence: str = ""
    attribution: str = ""

    @classmethod
    def of(cls, given: dict) -> Options:
        for name in ("source", "item", "value"):
            if not given.get(name):
                raise ImportRefused(f"briefing import values needs --{name} COL")
        kind = given.get("kind") or "choice"
        if kind not in ("choice", "number"):
            raise ImportRefused(f"--kind {kind!r}: write choice or number")
        if kind == "choice" and (given.get("unit") or given.get("cumulative")):
            raise ImportRefused("--unit and --cumulative describe figures: add --kind number")
        decimal = given.get("decimal")
        if decimal is not None and decimal not in DECIMALS:
            raise ImportRefused(f"--decimal {decimal!r}: write point (12.5) or comma (12,5)")
        if kind == "choice" and decimal:
            raise ImportRefused("--decimal says how figures are written: add --kind number")
        if given.get("date") and (given.get("time") or given.get("stated")):
            raise ImportRefused(
                "--date is the one day of a table without dates: leave it out with --time "
                "or --stated"
            )
        if not (given.get("time") or given.get("stated") or given.get("date")):
            raise ImportRefused(
                "say when the values were given: --time COL (the day each value is as of), "
                "or --date YYYY-MM-DD for a table without dates (the day it was published)"
            )
        date = given.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise ImportRefused(f"--date {date!r}: write a day such as 2025-04-08") from None
        if date is not None and date > dt.date.today():
            raise ImportRefused(f"--date {date}: in the future; check the year")
        if date is not None and not SUPPORTED_YEARS[0] <= date.year <= SUPPORTED_YEARS[1]:
            first, last = SUPPORTED_YEARS
            raise ImportRefused(f"--date {date}: write a year from {first} to {last}")
        return cls(
            source=given["source"],
            items=tuple(_listed(given["item"])),
            values=tuple(_listed(given["value"])),
            time=given.get("time"),
            stated=given.get("stated"),
            date=date,
            kind=kind,
            unit=given.get("unit"),
            cumulative=bool(given.get("cumulative")),
            decimal=decimal,
            no_header=bool(given.get("no_header")),
            delimiter=given.get("delimiter"),
            missing=tuple(_listed(given.get("missing") or ())),
            source_kind=given.get("source_kind") or "other",
            licence=given.get("licence") or "",
            attribution=given.get("attribution") or "",
        )

    def columns(self) -> dict[str, str]:
        """Every column an option names, by the option (``--item`` and ``--value`` numbered)."""
        named = {"--source": self.source}
        named |= {f"--item {n + 1}": c for n, c in enumerate(self.items)}
        named |= {f"--value {n + 1}": c for n, c in enumerate(self.values)}
        named |= {f"--{k}": getattr(self, k) for k in ("time", "stated") if getattr(self, k)}
        return named


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def convert(request: ImportRequest) -> ContractTables:
    options = Options.of(request.options)
    read = [_read(path, options, request) for path in request.inputs]
    frame = pd.concat([table for table, _ in read], ignore_index=True)
    names = ", ".join(Path(p).name for p in request.inputs)
    if not len(frame):
        raise ImportRefused(f"{names}: no rows below the header, nothing to import")
    semicolon = [
        str(path) for path, (_, mark) in zip(request.inputs, read, strict=True) if mark == ";"
    ]
    request.report.count_read(ROWS, len(frame))
    frame = request.keep_where(frame, ROWS, internal=("input_row", "input_file"))
    request.progress.step("converting values")
    rows = _long(frame, options, request, semicolon)
    rows = _with_days(rows, options, request)
    rows = _one_per_source_item_day(rows, options.decimal, request)
    if not len(rows):
        raise ImportRefused(f"{names}: nothing to import: {_read_summary(request.report)}")
    sources, source_id = _sources(rows["source"], options, request)
    rows = rows.assign(source_id=source_id)
    documents = _documents(rows, request)
    if options.kind == "choice":
        questions, assertions, assertion_id = _alternatives(rows)
    else:
        questions, (assertions, assertion_id) = None, _quantities(rows, options)
    converted = ContractTables(
        sources=sources,
        documents=documents,
        assertions=assertions,
        claims=_claims(rows, assertion_id, options, len(request.inputs) > 1),
        questions=questions,
        manifest=_manifest(request, options, assertions),
    )
    return neutralised(converted, request.report)


# ---------------------------------------------------------------- reading


def _read(path: Path, options: Options, request: ImportRequest) -> tuple[pd.DataFrame, str]:
    """One CSV or TSV as stripped text (missing where blank), the option columns checked;
    ``input_row`` (as a spreadsheet numbers it: blank rows counted, then left out) and
    ``input_file`` added; and its delimiter. Blank lines before the header are passed over."""
    with request.open(path) as opened:
        data = opened.stream.read().removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise ImportRefused(f"{path}: empty file, nothing to import")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    blank = LEADING_BLANK_LINES.match(data)
    skipped = data[: blank.end()].count(b"\n") if blank else 0
    body = data[blank.end() :] if blank else data
    first = body.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
    delimiter = DELIMITERS[options.delimiter] if options.delimiter else _guessed(first)
    tab = delimiter == "\t"
    cells = first.split("\t") if tab else next(csv.reader([first], delimiter=delimiter))
    width = len(cells)
    check_width(str(path), width)
    names = (
        [str(n) for n in range(1, width + 1)]
        if options.no_header
        else [cell.strip() for cell in cells]
    )
    placeholders = [f"c{n}" for n in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(
                column_names=placeholders,
                skip_rows=0 if options.no_header else 1,
                block_size=max(len(body), 1 << 20),  # one block: a cell of any size fits
            ),
            # a TSV has no quoting: a '"' in a cell (a book's title) is text; a blank line
            # is read as a row of empty cells, so that rows are numbered as written
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=False if tab else '"',
                newlines_in_values=not tab,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(placeholders, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        at = _ragged_line(data, delimiter, tab, width)
        raise ImportRefused(
            f"{path}{at}: not a table of {width} columns ({' '.join(str(exc).split())[:300]}); "
            "check the delimiter (--delimiter) and that every row has as many cells as the first"
        ) from None
    table = table.rename_columns(names)
    columns = list(table.column_names)
    twice = sorted({c for c in columns if columns.count(c) > 1})  # a loop over a few names
    if twice:
        raise ImportRefused(
            f"{path}:{skipped + 1}: column(s) {', '.join(map(repr, twice))} named twice"
        )
    for option, column in options.columns().items():  # a handful of options
        if column not in columns:
            raise ImportRefused(f"{option}: {_no_column(column, columns, path, options)}")
    frame = table.to_pandas(types_mapper={pa.string(): TEXT}.get)
    first_row = skipped + (1 if options.no_header else 2)
    numbers = np.arange(first_row, first_row + len(frame))
    empty = np.ones(len(frame), dtype=bool)
    for column in frame.columns:  # a loop over the table's columns
        empty &= (frame[column] == "").to_numpy(dtype=bool)
        frame[column] = frame[column].str.strip().replace("", pd.NA)
    request.report.handle(
        "blank rows", int(empty.sum()), "left out (input_row counts them, as a spreadsheet does)"
    )
    request.note_columns(frame.columns)
    frame = frame.assign(
        input_row=numbers,
        input_file=pd.Series(str(path), index=frame.index, dtype=TEXT),
    )
    return frame[~empty].reset_index(drop=True), delimiter


def _read_summary(report) -> str:
    """What was read and why none of it was kept, for "nothing to import"."""
    parts = []
    for unit, rows in report.read.items():  # rows, then values
        reasons = "; ".join(
            f"{n:,} {reason}" for (u, reason), n in sorted(report.skipped.items()) if u == unit
        )
        parts.append(f"{rows:,} {unit} read" + (f", skipped: {reasons}" if reasons else ""))
    return "; ".join(parts)


def _no_column(column: str, columns: list[str], path: Path, options: Options) -> str:
    """Why a column an option names is not there, and the fix: a look-alike, numbers
    without a header, or a delimiter the guess (comma, tab, semicolon) does not try."""
    said = missing_column(column, columns, path.name)
    if options.no_header:
        return said + " (with --no-header, columns are numbered from 1)"
    if options.delimiter is None and len(columns) == 1:
        other = [name for name, mark in DELIMITERS.items() if mark in columns[0]]
        if other:
            return (
                f'no column "{column}" in {path.name}: its first line is one column '
                f'"{columns[0][:100]}"; for a table delimited by "{DELIMITERS[other[0]]}" '
                f"add --delimiter {other[0]}"
            )
    return said


def _ragged_line(data: bytes, delimiter: str, tab: bool, width: int) -> str:
    """``:<row>`` of the first row with another number of cells, counted as a
    spreadsheet counts rows (blank ones included, passed over), read again row by row
    only to word the refusal; nothing when it is not found."""
    text = io.StringIO(data.decode("utf-8"), newline="")
    rows = (
        (line.rstrip("\r\n").split("\t") for line in text)
        if tab
        else csv.reader(text, delimiter=delimiter)
    )
    for number, row in enumerate(rows, start=1):  # the error path only
        if row not in ([], [""]) and len(row) != width:
            return f":{number}"
    return ""


def _guessed(first: str) -> str:
    if "\t" in first:
        return "\t"
    if ";" in first and "," not in first:
        return ";"
    return ","


def _long(
    frame: pd.DataFrame, options: Options, request: ImportRequest, semicolon: list[str]
) -> pd.DataFrame:
    """One row per value cell: source, item (its columns joined, and the value column's name
    when there are several), value, value_column, time, stated, input_row, input_file."""
    item = frame[options.items[0]]
    for column in options.items[1:]:  # a loop over the item's few columns
        item = item + ITEM_JOINER + frame[column]
    parts = []
    for column in options.values:  # a loop over the value columns
        parts.append(
            pd.DataFrame(
                {
                    "source": frame[options.source],
                    "item": item if len(options.values) == 1 else item + ITEM_JOINER + column,
                    "value": frame[column],
                    "value_column": pd.Series(column, index=frame.index, dtype=TEXT),
                    "time": frame[options.time] if options.time else pd.NA,
                    "stated": frame[options.stated] if options.stated else pd.NA,
                    "input_row": frame["input_row"],
                    "input_file": frame["input_file"],
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    report = request.report
    report.count_read(VALUES, len(rows))
    drop = rows["source"].isna()
    report.skip(VALUES, "no source" + _examples(rows, drop, None), int(drop.sum()))
    no_item = ~drop & rows["item"].isna()
    report.skip(
        VALUES,
        "no item (an item column is empty)" + _examples(rows, no_item, None),
        int(no_item.sum()),
    )
    drop |= no_item
    empty = ~drop & rows["value"].isna()
    report.skip(VALUES, "value empty" + _examples(rows, empty, None), int(empty.sum()))
    drop |= empty
    placeholders = {*PLACEHOLDERS, *(" ".join(m.split()).casefold() for m in options.missing)}
    folded = rows["value"].str.split().str.join(" ").str.casefold()
    placeholder = ~drop & folded.isin(placeholders).fillna(False).astype(bool)
    report.skip(
        VALUES,
        "value is a placeholder for none ("
        + ", ".join(sorted(placeholders))
        + ")"
        + _examples(rows, placeholder),
        int(placeholder.sum()),
    )
    drop |= placeholder
    rows = rows[~drop.to_numpy(dtype=bool)]
    if options.kind == "number":
        rows = _figures(rows, options.decimal or _decimal_of(rows, semicolon), request)
    return rows.reset_index(drop=True)


def _figures(rows: pd.DataFrame, decimal: str, request: ImportRequest) -> pd.DataFrame:
    """``--kind number``: each value as a figure (``figure``, float) read with the decimal
    mark ``decimal``; text, infinite and negative values skipped and named, thousands
    separators read (``grouped``: by the other mark, ``spaced``: by spaces; counted once
    repeats are dropped)."""
    report = request.report
    numbers, grouped, spaced = _read_figures(rows["value"], decimal)
    not_number = ~np.isfinite(numbers)
    digits = "12 or 4.5" if decimal == "point" else "12 or 4,5, with --decimal comma"
    report.skip(
        VALUES,
        f"not a number (--kind number wants digits: {digits})" + _examples(rows, not_number),
        int(not_number.sum()),
    )
    negative = ~not_number & (numbers < 0)
    report.skip(
        VALUES,
        "negative (a count or measure is 0 or more)" + _examples(rows, negative),
        int(negative.sum()),
    )
    keep = ~(not_number | negative)
    return rows[keep].assign(figure=numbers[keep], grouped=grouped[keep], spaced=spaced[keep])


def _read_figures(text: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Texts as figures with the decimal mark ``decimal`` (``point``: 1,150.5; ``comma``:
    1.150,5; either: 1 150), NaN where a text is none; and which were grouped by the other
    mark, and which by spaces (a space, no-break, thin or narrow no-break space)."""
    grouped = text.str.fullmatch(MARK_GROUPED[decimal]).fillna(False).to_numpy(dtype=bool)
    spaced = text.str.fullmatch(SPACE_GROUPED[decimal]).fillna(False).to_numpy(dtype=bool)
    other = "," if decimal == "point" else "."
    separators = f"{SPACE}|{re.escape(other)}"
    whole = grouped | spaced
    digits = text.where(~whole, text.str.replace(separators, "", regex=True))
    stray = ~whole & text.str.contains(other, regex=False).fillna(False).to_numpy(dtype=bool)
    if decimal == "comma":
        digits = digits.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(digits.where(~stray), errors="coerce").astype("float64")
    return numbers.to_numpy(), grouped, spaced


def _decimal_of(rows: pd.DataFrame, semicolon: list[str]) -> str:
    """``point`` when no figure says otherwise; refused, naming the cells, where figures read
    differently with a decimal point and a decimal comma and the table looks European: a
    figure that only a decimal comma reads (12,5, 1.150,5), or one such as 1.150 in a table
    delimited by ``;`` (as European Excel writes it)."""
    point, _, _ = _read_figures(rows["value"], "point")
    comma, _, _ = _read_figures(rows["value"], "comma")
    comma_only = np.isfinite(comma) & ~np.isfinite(point)
    differ = np.isfinite(point) & np.isfinite(comma) & (point != comma)
    on_semicolon = rows["input_file"].isin(semicolon).to_numpy(dtype=bool)
    if not (comma_only.any() or (differ & on_semicolon).any()):
        return "point"
    doubt = comma_only | differ
    shown = np.flatnonzero(doubt)[:EXAMPLES_SHOWN]
    readings = pd.Series(
        [
            f" (point: {_figure(point[i])}, comma: {_figure(comma[i])})"
            for i in shown  # the few cells quoted
        ],
        index=rows.index[shown],
    )
    doubted = rows[doubt]
    files = ", ".join(dict.fromkeys(Path(f).name for f in doubted["input_file"].unique()))
    columns = ", ".join(f"--value {c}" for c in doubted["value_column"].unique())
    fix = (
        "say which mark the table uses: --decimal comma (1.150 is 1150, 12,5 is 12.5) or "
        "--decimal point (1,150 is 1150, 12.5 is 12.5; 12,5 is then skipped)"
    )
    raise ImportRefused(
        f"{files}: {columns}: {int(doubt.sum()):,} figure(s) read differently with a decimal "
        f"point and a decimal comma" + _examples(rows, doubt, notes=readings) + "; " + fix
    )


def _figure(number: float) -> str:
    return figure_text(pd.Series([number])).fillna("not a number").iloc[0]


def _examples(
    rows: pd.DataFrame, mask, column: str | None = "value", notes: pd.Series | None = None
) -> str:
    """``, e.g. semi.csv:3 '1 250', ...``: the first rows of ``mask`` by file name and row
    (as a spreadsheet numbers it) and their ``column`` cell (none for an empty cell's row),
    escaped and shortened, each with its note; nothing where ``mask`` holds none."""
    shown = rows[np.asarray(mask, dtype=bool)].head(EXAMPLES_SHOWN)
    if not len(shown):
        return ""
    notes = notes if notes is not None else pd.Series("", index=shown.index)
    said = [
        f"{Path(file).name}:{row}{_short(cell)}{notes.get(at, '')}"
        for at, file, row, cell in zip(
            shown.index,
            shown["input_file"],
            shown["input_row"],
            shown[column] if column else pd.Series("", index=shown.index),
            strict=True,
        )  # the few rows shown
    ]
    more = len(np.flatnonzero(mask)) - len(shown)
    return ", e.g. " + ", ".join(said) + (f" and {more:,} more" if more > 0 else "")


def _short(cell) -> str:
    """A cell as a message quotes it after its row: escaped (repr), at most EXAMPLE_CHARS
    characters; nothing for no cell."""
    if pd.isna(cell):
        return " (empty)"
    text = str(cell)
    if not text:
        return ""
    return " " + repr(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")


def _days(text: pd.Series) -> pd.Series:
    """ISO dates or date-times (their day) as days; NaT where the text is neither."""
    day = text.str.extract(ISO_DAY, expand=False)
    return pd.to_datetime(day, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")


def _with_days(rows: pd.DataFrame, options: Options, request: ImportRequest) -> pd.DataFrame:
    """``as_of`` (the day a value is as of) and ``said`` (the day its source gave it), from
    --time, --stated and --date; rows with a day that is not one are skipped and counted."""
    report = request.report
    fixed = pd.Timestamp(options.date) if options.date else pd.NaT
    drop = np.zeros(len(rows), dtype=bool)
    days = {}
    for option, column in (("--time", "time"), ("--stated", "stated")):  # two columns
        if getattr(options, column) is None:
            continue
        day = _days(rows[column])
        bad = day.isna().to_numpy() | ~in_supported_years(day).to_numpy()
        shown = np.flatnonzero(bad & ~drop)[:EXAMPLES_SHOWN]
        hints = pd.Series(
            [_iso_hint(rows[column].iloc[i]) for i in shown],  # the few cells quoted
            index=rows.index[shown],
            dtype=object,
        )
        report.skip(
            VALUES,
            f"{option} is not an ISO date (2022-03-01) of the years {SUPPORTED_YEARS_TEXT}"
            + _examples(rows, bad & ~drop, column, notes=hints),
            int((bad & ~drop).sum()),
        )
        drop |= bad
        days[column] = day
    said = days.get("stated", days.get("time", pd.Series(fixed, index=rows.index)))
    as_of = days.get("time", said)
    early = ~drop & (said < as_of).to_numpy()
    report.skip(
        VALUES, "stated before the day it is as of" + _examples(rows, early, None), int(early.sum())
    )
    future = ~drop & ~early & (said > pd.Timestamp(dt.date.today())).to_numpy()
    report.skip(VALUES, "stated in the future" + _examples(rows, future, None), int(future.sum()))
    keep = ~(drop | early | future)
    rows = rows[keep].assign(as_of=as_of[keep], said=said[keep])
    return request.keep_within(rows, rows["as_of"], rows["as_of"], VALUES)


def _iso_hint(cell) -> str:
    """How to write a day given as 01/11/2025 or 1.11.2025 in ISO form; nothing for others."""
    found = re.fullmatch(SLASHED_DAY, cell) if isinstance(cell, str) else None
    if found is None:
        return ""
    first, second, year = (int(part) for part in found.groups())
    if first > 12 >= second:
        return f" (day first: write {year}-{second:02d}-{first:02d})"
    if second > 12 >= first:
        return f" (month first: write {year}-{first:02d}-{second:02d})"
    if first <= 12 and second <= 12:
        return (
            f" (write {year}-{second:02d}-{first:02d} if the day comes first, "
            f"{year}-{first:02d}-{second:02d} if the month does)"
        )
    return ""


def _one_per_source_item_day(
    rows: pd.DataFrame, decimal: str | None, request: ImportRequest
) -> pd.DataFrame:
    """One value per source, item, as-of day and stated day: an exact repeat (for a
    figure, the same number however written: 1,600 and 1600.0) is kept once; of different
    values the last row in the input is kept (an export lists its newest rows last), the
    others counted."""
    key = ["source", "item", "as_of", "said"]
    same = "figure" if "figure" in rows else "value"
    exact = rows.duplicated([*key, same], keep="last")
    request.report.skip(
        VALUES, "the same value again (same source, item and day)", int(exact.sum())
    )
    rows = rows[~exact.to_numpy()]
    other = rows.duplicated(key, keep="last")
    request.report.skip(
        VALUES,
        "another value of the same source for the same item and day (the last row is kept)"
        + _examples(rows, other),
        int(other.sum()),
    )
    rows = rows[~other.to_numpy()].reset_index(drop=True)
    if "grouped" in rows:
        request.report.handle(
            "figures written with thousands separators "
            + ("(12.345)" if decimal == "comma" else "(12,345)"),
            int(rows["grouped"].sum()),
            "read as the number (12345)",
        )
        request.report.handle(
            "figures written with spaces between thousands (12 345)",
            int(rows["spaced"].sum()),
            "read as the number (12345)",
        )
    return rows


# ---------------------------------------------------------------- tables


def _ids(texts: pd.Series, prefix: str = "") -> pd.Series:
    """Identifiers from texts as written: a slug, with a hash added where two different
    texts would share one (``A1Books`` and ``a1books`` stay two sources). Text work once
    per distinct text."""
    codes, distinct = pd.factorize(texts)
    distinct = pd.Series(distinct, dtype=object)
    slugs = slug(distinct, prefix=prefix)
    shared = slugs.duplicated(keep=False)
    if shared.any():
        hashes = content_hash(distinct[shared].to_frame()).str.slice(0, 8)
        slugs[shared] = slugs[shared] + "-" + hashes
    return pd.Series(slugs.to_numpy(dtype=object)[codes], index=texts.index)


def _sources(names: pd.Series, options: Options, request: ImportRequest):
    ids = _ids(names)
    distinct = pd.DataFrame({"source_id": ids, "name": names}).drop_duplicates("source_id")
    request.report.handle(
        "source names that differ only in case, accents or punctuation",
        int(slug(distinct["name"]).duplicated(keep=False).sum()),
        "kept as separate sources, their identifiers told apart by a hash",
    )
    return distinct.assign(kind=options.source_kind).reset_index(drop=True), ids


def _documents(rows: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """One document per source and stated day: where its values of that day were read."""
    files = ", ".join(Path(p).name for p in request.inputs)
    days = rows["said"].dt.strftime("%Y-%m-%d")
    rows = rows.assign(document_id=rows["source_id"] + "-" + days, day=days)
    documents = rows.drop_duplicates("document_id")
    return pd.DataFrame(
        {
            "document_id": documents["document_id"],
            "title": documents["source"] + ": values given on " + documents["day"],
            "publisher": documents["source"],
            "published": documents["day"],
            "notes": f"Stands for the rows of {files} that this source gave on this day",
        }
    ).reset_index(drop=True)


def _alternatives(rows: pd.DataFrame):
    """``--kind choice``: a question per item (its text the item as written) and an
    alternative per distinct value of it as written (``<item>: <value>``)."""
    question_id = _ids(rows["item"], prefix="q-")
    pair = rows["item"] + "\x1f" + rows["value"]  # a separator no cell holds once stripped
    codes, _ = pd.factorize(pair)
    first = np.unique(codes, return_index=True)[1]
    # a value's slug alone: a hash is added only where two values of one question share
    # a full id (_unique), so one question's values never rename another's
    value_id = slug(pair.iloc[first].reset_index(drop=True).str.split("\x1f").str[1])
    alternative = question_id.iloc[first].to_numpy(dtype=object) + "." + value_id.to_numpy()
    alternative = _unique(pd.Series(alternative), pair.iloc[first].reset_index(drop=True))
    assertion_id = pd.Series(alternative.to_numpy(dtype=object)[codes], index=rows.index)
    chosen = rows.iloc[first].reset_index(drop=True)
    assertions = pd.DataFrame(
        {
            "assertion_id": alternative,
            "statement": chosen["item"] + ": " + chosen["value"],
            "question_id": question_id.iloc[first].to_numpy(dtype=object),
            "item": chosen["item"],
            "alternative": chosen["value"],
        }
    )
    questions = pd.DataFrame({"question_id": question_id, "text": rows["item"]})
    return questions.drop_duplicates("question_id").reset_index(drop=True), assertions, assertion_id


def _unique(ids: pd.Series, texts: pd.Series) -> pd.Series:
    """``ids`` with a hash of the text added where two texts share one after slugging
    (``q-x.a-b`` from item ``x`` value ``a-b`` and item ``x.a`` value ``b``)."""
    shared = ids.duplicated(keep=False)
    if shared.any():
        ids = ids.copy()
        ids[shared] = ids[shared] + "-" + content_hash(texts[shared].to_frame()).str.slice(0, 8)
    return ids


def _quantities(rows: pd.DataFrame, options: Options):
    """``--kind number``: a quantity per item, its statement the item as written."""
    assertion_id = _ids(rows["item"])
    chosen = rows.assign(assertion_id=assertion_id).drop_duplicates("assertion_id")
    unit = options.unit or chosen["value_column"]
    quantities = pd.DataFrame(
        {
            "assertion_id": chosen["assertion_id"],
            "statement": chosen["item"],
            "unit": unit,
            "cumulative": "true" if options.cumulative else "false",
        }
    )
    return quantities.reset_index(drop=True), assertion_id


def _claims(rows: pd.DataFrame, assertion_id: pd.Series, options: Options, several: bool):
    """One supporting claim per row left: its source's value, stated on its day; the value
    as written kept as the quote, the input row as ``input_row``."""
    days = rows["said"].dt.strftime("%Y-%m-%d")
    as_of = rows["as_of"].dt.strftime("%Y-%m-%d")
    key = pd.DataFrame({"s": rows["source_id"], "i": rows["item"], "a": as_of, "d": days})
    claims = pd.DataFrame(
        {
            "claim_id": "c-" + content_hash(key),
            "source_id": rows["source_id"],
            "assertion_id": assertion_id,
            "document_id": rows["source_id"] + "-" + days,
            "stance": "supports",
            "hedged": False,
            "stated": days,
            "event_time": as_of if options.time else pd.NA,
            "quote": rows["value"],
        }
    )
    if options.kind == "number":
        claims["value"] = figure_text(rows["figure"])
    claims["input_row"] = rows["input_row"]
    if several:
        claims["input_file"] = rows["input_file"]
    return claims


def _manifest(request: ImportRequest, options: Options, assertions: pd.DataFrame) -> dict:
    files = ", ".join(Path(p).name for p in request.inputs)
    what = "a quantity" if options.kind == "number" else "a question"
    manifest = {
        "title": f"Values from {files}",
        "description": (
            f"Imported from {files} by briefing import values: {len(assertions):,} "
            f"{'quantities' if options.kind == 'number' else 'alternatives'}, each item "
            f"{what}, each row a source's supporting claim. See IMPORT.md."
        ),
    }
    if options.licence:
        manifest["license"] = options.licence
    if options.attribution:
        manifest["attribution"] = options.attribution
    return manifest
