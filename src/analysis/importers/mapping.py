"""The mapping file of ``briefing import table``: which columns of a sheet give which fields.

An analyst's sheet has columns named however its author liked; the mapping (TOML)
names, per contract field, the column that gives it. It is checked whole before a
row is read, and every problem names the mapping file and the LINE of the key at
fault, since a mapping is written by hand; it is read by
:func:`analysis.tomlfile.read_toml` like the jobs file, and ``tomllib`` keeps no positions
(:func:`analysis.tomlfile.scan` finds them in the text).

Shape (docs/importers.md, "Any spreadsheet", has a worked example)::

    [source]                       # who said it          (required section)
    name = "Who"                   # a column name ...
    kind = { value = "media" }     # ... or the same value on every row
    [document]                     # where it was read    (required section)
    [assertion]                    # what it is about     (required section)
    [claim]                        # the claim itself     (required section)
    stance = { column = "Position", map = { "confirmed" = "supports" } }
    [sheet]     # optional: worksheet, header_row, encoding, delimiter, date_format, fill_down
    [place]     # optional: id, admin1, country, lat, lon of [assertion] place
    [question]  # optional: id, topic of [assertion] question
    [dataset]   # optional: title, description, license, attribution

A field is a column name, or a table with ``column`` or ``value`` and optionally
``default`` (for empty cells), ``map`` (cell value -> field value; every value the
column holds must be in it), ``format`` (dates: how the sheet writes them) and, for
``cites``, ``by`` ("row" or "id"). Each of the four main sections also takes
``keep``, a list of columns kept as extra columns of its table.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.contract import schema
from analysis.contract.timeexpr import resolve_expressions
from analysis.errors import Problem, ProblemsError
from analysis.importers.messages import ImportRefused
from analysis.importers.tables import TABLE_COLUMNS
from analysis.tomlfile import Positions, TomlKind, read_toml, scan

MAX_SHOWN = 30  # mapping problems listed; more are counted
COLUMNS_LISTED = 40  # of a sheet's columns, in a message naming a missing one
SUGGESTED_FROM = 2_000  # columns compared with a missing name to suggest the closest


class MappingError(ProblemsError, ImportRefused):
    """A mapping file refused whole, with every problem (each a Problem whose ``row`` is
    its line); nothing is imported."""

    shown = MAX_SHOWN
    more = "... and {count} more"

    def heading(self) -> str:
        return f"{self.path}: {self.count} problem(s) in the mapping, nothing imported"


MAPPING_FILE = TomlKind(
    name="mapping file",
    missing="{path}: no such mapping file",
    too_large=(
        "{path}: larger than {kib} KB; a mapping names a few dozen columns: check this is "
        "the mapping file (start one with --template)"
    ),
    key_parts_fix="a mapping's keys have 1 to 4 parts",
    max_bytes=1 << 20,  # a hand-written mapping is a few KB
    refused=MappingError,
)


@dataclass(frozen=True)
class Role:
    """What a mapping key gives: ``kind`` is ``text``, ``id``, ``enum`` (one of ``values``),
    ``bool``, ``day`` (a full date), ``date`` (a date expression), ``number`` (in the range of
    ``values``), ``figure`` (a claim's number on a quantity, 0 or more) or ``cites``;
    ``help`` is what the starting mapping (:mod:`.mapping_template`) says of it."""

    kind: str = "text"
    required: bool = False
    values: tuple[str, ...] = ()
    relative: bool = False  # a date that may be a relative phrase ("yesterday")
    help: str = ""


# Every field of a mapping, declared once: read and checked here, written with its help by
# --template, in this order (the order unknown-key messages list them in too).
SECTIONS: dict[str, dict[str, Role]] = {
    "source": {
        "name": Role(required=True, help="who said it; the same name is the same source"),
        "id": Role("id", help="default: made from the name"),
        "kind": Role("enum", True, schema.SOURCE_KINDS, help=", ".join(schema.SOURCE_KINDS)),
        "side": Role(help="the party it speaks for: UA, RU, none..."),
        "reliability": Role(
            "enum", values=schema.RELIABILITY, help='Admiralty A..F ("B2" reads as B)'
        ),
        "url": Role(),
        "notes": Role(),
    },
    "document": {
        "title": Role(required=True),
        "publisher": Role(required=True),
        "published": Role("day", True, help="a full date: the anchor of relative stated dates"),
        "url": Role(),
        "id": Role("id", help="default: made from publisher, title, published and url"),
        "notes": Role(),
    },
    "assertion": {
        "statement": Role(
            required=True, help="one checkable proposition; the same text is the same assertion"
        ),
        "id": Role("id", help="default: made from the statement"),
        "topic": Role(),
        "event_time": Role(
            "date", help="when it happened; ISO only (relative: [claim] event_time)"
        ),
        "place": Role(help="a place name; [place] may add id, admin1, country, lat, lon"),
        "unit": Role(
            help="what the claims' figures count (deaths, tanks): makes the assertion a quantity"
        ),
        "cumulative": Role("bool", help="yes: the figures are running totals, each as of a day"),
        "question": Role(
            help="the question it answers: assertions with one question are its alternatives"
        ),
    },
    "claim": {
        "stance": Role(
            "enum",
            True,
            schema.STANCES,
            help="supports, refutes or neutral (addressed it without taking a side)",
        ),
        "stated": Role(
            "date",
            relative=True,
            help='when said; may be relative ("yesterday"); empty: the published date',
        ),
        "event_time": Role(
            "date", relative=True, help="when it happened, as this claim says; may be relative"
        ),
        "quote": Role(),
        "notes": Role(),
        "cites": Role("cites", help='rows of this sheet it relies on, e.g. "12; 15"'),
        "id": Role("id", help="default: made from the claim's content"),
        "hedged": Role("bool", help="yes/no, true/false, y/n, 1/0 or x"),
        "value": Role("figure", help='on a quantity: the figure given, "12 killed": 12'),
        "low": Role("figure", help='the low end of a range: "between 8 and 20" 8, "over 100" 100'),
        "high": Role("figure", help='the high end: "between 8 and 20" 20, "fewer than 50" 50'),
    },
    "place": {
        "id": Role("id"),
        "admin1": Role(),
        "country": Role(),
        "lat": Role("number", values=("-90", "90")),
        "lon": Role("number", values=("-180", "180")),
    },
    "question": {
        "id": Role("id", help="default: made from the question's text"),
        "topic": Role(),
    },
}
MAIN_SECTIONS = ("source", "document", "assertion", "claim")  # required; each takes ``keep``
OUTPUT_TABLE = {"source": "sources", "document": "documents", "assertion": "assertions"}
OUTPUT_TABLE |= {"claim": "claims", "place": "places", "question": "questions"}
INPUT_COLUMNS = ("input_row", "input_file")  # extra claims columns the import adds itself
SHEET_KEYS = ("worksheet", "header_row", "encoding", "delimiter", "date_format", "fill_down")
DATASET_KEYS = ("title", "description", "license", "attribution")
TOP_KEYS = ("sheet", "dataset", *SECTIONS)
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "|": "|"}
CITE_BY = ("row", "id")
HEDGE_WORDS = {"true": True, "yes": True, "y": True, "1": True, "x": True, "hedged": True}
HEDGE_WORDS |= {"false": False, "no": False, "n": False, "0": False, "not hedged": False}

SPEC_KEYS = {  # the keys a field's table may hold, by the field's kind
    "text": ("column", "value", "default", "map"),
    "id": ("column", "value"),
    "enum": ("column", "value", "default", "map"),
    "bool": ("column", "value", "default", "map"),
    "day": ("column", "value", "default", "format"),
    "date": ("column", "value", "default", "format"),
    "number": ("column", "value", "default"),
    "figure": ("column", "value", "default"),
    "cites": ("column", "by"),
}


def fold(text: str) -> str:
    """The form a cell value and a map key are compared in: spaces collapsed, case folded."""
    return " ".join(str(text).split()).lower()  # as pyarrow's lower, which cells go through


def enum_form(kind_values: tuple[str, ...], text: str) -> str:
    """A cell or mapping value written as the contract writes the enum: ``Think tank`` ->
    ``think_tank``, ``b`` -> ``B``."""
    if kind_values == schema.RELIABILITY:
        return fold(text).upper()
    return fold(text).replace(" ", "_").replace("-", "_")


@dataclass(frozen=True)
class Spec:
    """One mapped field: where its value comes from, as the mapping says."""

    section: str
    key: str
    role: Role
    line: int
    column: str | None = None
    value: object = None
    default: object = None
    map: dict[str, object] | None = None  # folded cell value -> field value
    map_keys: tuple[str, ...] = ()  # the map's keys as written, for messages
    format: str | None = None
    by: str | None = None
    column_line: int = 0  # the line of ``column = ...`` in a [section.key] table, else ``line``
    map_line: int = 0

    @property
    def label(self) -> str:
        return f"[{self.section}] {self.key}"


@dataclass(frozen=True)
class SheetOptions:
    """How to read the input: the ``[sheet]`` section, with the line of each key."""

    worksheet: str | None = None
    header_row: int | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    date_format: str | None = None
    fill_down: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Mapping:
    """A checked mapping: fields by (section, key), kept columns, sheet options, dataset text."""

    path: Path
    specs: dict[tuple[str, str], Spec]
    keep: dict[str, tuple[tuple[str, ...], int]]  # section -> (columns, line)
    sheet: SheetOptions
    dataset: dict[str, str]
    positions: Positions

    def spec(self, section: str, key: str) -> Spec | None:
        return self.specs.get((section, key))

    def check_columns(self, columns: list[str], input_name: str) -> None:
        """Refuse the mapping if it names a column ``input_name`` lacks, suggesting the closest."""
        problems = []
        used = [(s.column, s.column_line, s.label) for s in self.specs.values() if s.column]
        for section, (names, line) in self.keep.items():
            used += [(name, line, f"[{section}] keep") for name in names]
        used += [
            (name, self.sheet.lines["fill_down"], "[sheet] fill_down")
            for name in self.sheet.fill_down
        ]
        if (joined := _one_column_header(columns, self.sheet.delimiter)) and any(
            column not in columns for column, _, _ in used
        ):  # one problem, the cause, rather than one per column named
            mark, written = joined
            mark = "tab" if mark == "\t" else mark  # as the mapping spells it
            line = self.sheet.lines.get("delimiter", 1)
            now = (
                f'delimiter = "{self.sheet.delimiter}"' if self.sheet.delimiter else "no delimiter"
            )
            message = (
                f'the header of {input_name} reads as one column ("{written}"): its fields are '
                f'separated by "{mark}", and the mapping gives {now}; write delimiter = "{mark}" '
                "in [sheet]"
            )
            raise MappingError(
                self.path, [Problem(str(self.path), line, None, message, "bad-value")]
            )
        for column, line, label in used:  # a loop over the mapping's few columns
            if column not in columns:
                message = f"{label}: {missing_column(column, columns, input_name)}"
                problems.append(Problem(str(self.path), line, None, message, "unknown-column"))
        if problems:
            raise MappingError(self.path, problems)


def _one_column_header(columns: list[str], delimiter: str | None) -> tuple[str, str] | None:
    """(the separator, the header shortened) when a sheet's header was read as one column
    that another separator would split: the mapping's delimiter is not the file's."""
    if len(columns) != 1:
        return None
    header = columns[0]
    for mark in (",", ";", "\t", "|"):  # the separators spreadsheets write
        if mark != delimiter and header.count(mark) >= 1:
            return mark, header if len(header) <= 60 else header[:59] + "…"
    return None


def missing_column(column: str, columns: list[str], input_name: str) -> str:
    """``no column "Sourse" in claims.csv; did you mean "Source"?`` with the columns listed."""
    same = [c for c in columns if fold(c) == fold(column)]
    # difflib compares every pair of characters: only the first, short names are candidates
    candidates = [c for c in columns[:SUGGESTED_FROM] if len(c) <= 100]
    close = same or difflib.get_close_matches(column, candidates, n=1, cutoff=0.5)
    hint = f'; did you mean "{close[0]}"?' if close else "."
    listed = ", ".join(f'"{c}"' for c in columns[:COLUMNS_LISTED])
    more = f" and {len(columns) - COLUMNS_LISTED:,} more" if len(columns) > COLUMNS_LISTED else ""
    return f'no column "{column}" in {input_name}{hint} Its columns: {listed}{more}'


def kept_name(column: str) -> str:
    """The extra column a kept sheet column becomes: ``Analyst's note (2)`` -> ``analyst_s_note_2``;
    a name with no Latin letter or digit stays as written."""
    name = re.sub(r"[^a-z0-9]+", "_", column.casefold()).strip("_")
    return name or column.strip()


def load_mapping(path: Path | str | None) -> Mapping:
    """The mapping at ``path``, checked; MappingError with every problem's line otherwise."""
    if path is None:
        raise ImportRefused(
            "briefing import table needs --mapping FILE; start one with "
            "`briefing import table INPUT --template > mapping.toml`"
        )
    path = Path(path)
    text, data = read_toml(path, MAPPING_FILE)
    reader = _Reader(path, scan(text))
    mapping = reader.read(data)
    if reader.problems:
        raise MappingError(path, reader.problems)
    return mapping


@dataclass
class _Reader:
    """Reads the parsed mapping section by section, collecting problems with their lines."""

    path: Path
    positions: Positions
    problems: list[Problem] = field(default_factory=list)

    def line(self, *path: str) -> int:
        return self.positions.line(None, *path)

    def problem(self, path: tuple[str, ...], message: str, code: str = "bad-value") -> None:
        """A problem at the line of the key ``path`` (a bad value, unless ``code`` says)."""
        self.problems.append(Problem(str(self.path), self.line(*path), None, message, code))

    def unknown(self, path: tuple[str, ...], table: dict, allowed: tuple[str, ...], what: str):
        for key in table:  # a loop over a table's few keys
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f'did you mean "{close[0]}"? ' if close else ""
                self.problem(
                    (*path, key),
                    f'unknown key "{key}" in {what}; {hint}it takes {", ".join(allowed)}',
                    "unknown-key",
                )

    def read(self, data: dict) -> Mapping:
        self.unknown((), data, TOP_KEYS, "the mapping")
        for name in (*SECTIONS, "sheet", "dataset"):
            if name in data and not isinstance(data[name], dict):
                self.problem(
                    (name,),
                    f"{name} must be a table: write [{name}] on a line of its own",
                    "not-a-table",
                )
                data = {k: v for k, v in data.items() if k != name}
        for name in MAIN_SECTIONS:
            if name not in data:
                message = f"the mapping has no [{name}] section; {_NEEDS[name]}"
                self.problems.append(Problem(str(self.path), 1, None, message, "missing-key"))
        specs: dict[tuple[str, str], Spec] = {}
        keep: dict[str, tuple[tuple[str, ...], int]] = {}
        for section, roles in SECTIONS.items():  # a loop over the six sections
            table = data.get(section, {})
            allowed = (*roles, "keep") if section in MAIN_SECTIONS else tuple(roles)
            self.unknown((section,), table, allowed, f"[{section}]")
            for key, role in roles.items():
                if key in table:
                    spec = self.spec(section, key, role, table[key])
                    if spec is not None:
                        specs[section, key] = spec
                elif role.required and section in data:
                    self.problem(
                        (section,),
                        f"[{section}] needs {key}: {_REQUIRED_HINT[role.kind]}",
                        "missing-key",
                    )
            if "keep" in table and section in MAIN_SECTIONS:
                keep[section] = (
                    self.columns((section, "keep"), table["keep"]),
                    self.line(section, "keep"),
                )
        if "place" in data and ("assertion", "place") not in specs:
            self.problem(
                ("place",),
                '[place] describes [assertion] place, which is not mapped; add place = "COLUMN" under [assertion]',
                "missing-key",
            )
        if "question" in data and ("assertion", "question") not in specs:
            self.problem(
                ("question",),
                '[question] describes [assertion] question, which is not mapped; add question = "COLUMN" under [assertion]',
                "missing-key",
            )
        sheet = self.sheet(data.get("sheet", {}))
        dataset = self.dataset(data.get("dataset", {}))
        self.check_cites(specs)
        self.check_kept_names(specs, keep)
        return Mapping(self.path, specs, keep, sheet, dataset, self.positions)

    def spec(self, section: str, key: str, role: Role, raw: object) -> Spec | None:
        path = (section, key)
        label = f"[{section}] {key}"
        line = self.line(*path)
        if isinstance(raw, str):
            raw = {"column": raw}
        if not isinstance(raw, dict):
            self.problem(
                path,
                f'{label} must be a column name in quotes, or a table such as {{ column = "..." }} or {{ value = ... }}; got {_toml(raw)}',
            )
            return None
        self.unknown(path, raw, SPEC_KEYS[role.kind], label)
        column, value = raw.get("column"), raw.get("value")
        if (column is None) == (value is None):
            self.problem(
                path,
                f"{label} needs either column (a column of the sheet) or value (the same for every row), not {'both' if column is not None else 'neither'}",
            )
            return None
        if column is not None and (not isinstance(column, str) or not column.strip()):
            self.problem(
                (*path, "column"),
                f"{label}: column must be a column name in quotes; got {_toml(column)}",
            )
            return None
        if value is not None:
            value = self.value((*path, "value"), label, role, value)
            for extra in ("default", "map", "format"):
                if extra in raw:
                    self.problem(
                        (*path, extra),
                        f"{label}: {extra} applies to a column's cells; a value is the same "
                        "on every row already",
                    )
        default = raw.get("default")
        if default is not None:
            default = self.value((*path, "default"), label, role, default)
        mapped, map_keys = self.value_map(path, label, role, raw.get("map"))
        fmt = raw.get("format")
        if fmt is not None:
            fmt = self.date_format((*path, "format"), fmt)
        by = raw.get("by")
        if role.kind == "cites":
            if by is None:
                by = "row"
            elif by not in CITE_BY:
                self.problem(
                    (*path, "by"),
                    f'{label}: by must be "row" (cells hold row numbers of the sheet) or "id" (cells hold values of [claim] id); got {_toml(by)}',
                )
        return Spec(
            section,
            key,
            role,
            line,
            column and column.strip(),
            value,
            default,
            mapped,
            map_keys,
            fmt,
            by,
            column_line=self.line(*path, "column"),
            map_line=self.line(*path, "map"),
        )

    def value(self, path: tuple[str, ...], label: str, role: Role, value: object) -> object:
        """A ``value`` or ``default`` checked against what the field holds, in its output form."""
        if role.kind == "bool":
            if isinstance(value, bool):
                return value
            self.problem(path, f"{label}: write true or false (no quotes); got {_toml(value)}")
            return None
        if role.kind == "number":
            if isinstance(value, int | float) and not isinstance(value, bool):
                low, high = (float(v) for v in role.values)
                if low <= value <= high:
                    return str(value)
            self.problem(
                path,
                f"{label}: write a number between {role.values[0]} and {role.values[1]}; got {_toml(value)}",
            )
            return None
        if role.kind == "figure":
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                return str(value)
            self.problem(path, f"{label}: write a number of 0 or more; got {_toml(value)}")
            return None
        if role.kind in ("day", "date") and isinstance(value, dt.date):
            return _iso(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"{label}: write a text in quotes; got {_toml(value)}")
            return None
        value = value.strip()
        if role.kind == "enum":
            form = enum_form(role.values, value)
            if form not in role.values:
                self.problem(path, f"{label}: {value!r} is not one of {', '.join(role.values)}")
                return None
            return form
        if role.kind == "id" and not re.fullmatch(schema.IDENTIFIER, value):
            self.problem(
                path,
                f"{label}: {value!r} is not an identifier; use a-z, 0-9 and _ . - (starting with a letter or digit)",
            )
            return None
        if role.kind in ("day", "date"):
            return self.date_value(path, label, role, value)
        return value

    def date_value(self, path: tuple[str, ...], label: str, role: Role, value: str) -> str | None:
        import pandas as pd

        resolved = resolve_expressions(
            pd.Series([value], dtype="string"),
            pd.Series([pd.Timestamp("2000-01-01")]),
            allow_relative=role.relative,
        )
        problem = resolved["problem"].iloc[0]
        if problem is None and role.kind == "day" and resolved["precision"].iloc[0] != "day":
            problem = "must be a full date such as 2025-04-08"
        if problem is not None:
            self.problem(path, f"{label}: {value!r}: {problem}")
            return None
        return value

    def value_map(self, path, label: str, role: Role, raw: object) -> tuple[dict | None, tuple]:
        if raw is None:
            return None, ()
        where = (*path, "map")
        if not isinstance(raw, dict) or not raw:
            self.problem(
                where,
                f'{label}: map must be a table of cell value = field value, e.g. map = {{ "confirmed" = "supports" }}; got {_toml(raw)}',
                "not-a-table",
            )
            return None, ()
        out: dict[str, object] = {}
        for cell, target in raw.items():  # a loop over the map's entries
            key_path = (*where, cell)
            folded = fold(cell)
            if not folded:
                self.problem(
                    key_path,
                    f"{label}: an empty map key never matches; use default for empty cells",
                )
                continue
            if folded in out:
                self.problem(
                    key_path,
                    f'{label}: map key "{cell}" appears twice (keys are compared without case or extra spaces)',
                    "duplicate-name",
                )
                continue
            value = self.value(key_path, f"{label} map", role, target)
            if value is not None:
                out[folded] = value
        return out, tuple(raw)

    def date_format(self, path: tuple[str, ...], fmt: object) -> str | None:
        sample = dt.datetime(2025, 11, 28, 13, 45, 30)
        ok = isinstance(fmt, str) and re.search(r"%[dj]", fmt) and re.search(r"%[mbB]", fmt)
        ok = ok and re.search(r"%[yY]", fmt)
        try:
            ok = ok and dt.datetime.strptime(sample.strftime(fmt), fmt).date() == sample.date()
        except ValueError:
            ok = False
        if not ok:
            self.problem(
                path,
                f'date format {_toml(fmt)} is not a strptime format with day, month and year, e.g. "%d/%m/%Y" for 28/11/2025 or "%m/%d/%Y %H:%M"',
            )
            return None
        return fmt

    def columns(self, path: tuple[str, ...], raw: object) -> tuple[str, ...]:
        if isinstance(raw, list) and all(isinstance(c, str) and c.strip() for c in raw):
            return tuple(dict.fromkeys(c.strip() for c in raw))
        self.problem(
            path,
            f'{path[-1]} must be a list of column names, e.g. ["Analyst", "Confidence"]; got {_toml(raw)}',
        )
        return ()

    def sheet(self, raw: dict) -> SheetOptions:
        self.unknown(("sheet",), raw, SHEET_KEYS, "[sheet]")
        lines = {key: self.line("sheet", key) for key in SHEET_KEYS}
        options: dict[str, object] = {}
        for key in ("worksheet", "encoding"):
            if key in raw:
                if isinstance(raw[key], str) and raw[key].strip():
                    options[key] = raw[key].strip()
                else:
                    self.problem(
                        ("sheet", key),
                        f"[sheet] {key} must be a text in quotes; got {_toml(raw[key])}",
                    )
        if "encoding" in options:
            try:  # decoding a byte also refuses rot13, hex, zlib: codecs, not text encodings
                b"a".decode(str(options["encoding"]), "replace")
            except (LookupError, ValueError):
                self.problem(
                    ("sheet", "encoding"),
                    f'[sheet] encoding {_toml(options["encoding"])} is not an encoding Python knows; e.g. "utf-8", "cp1252", "latin-1", "utf-16"',
                )
                options.pop("encoding")
        if "header_row" in raw:
            row = raw["header_row"]
            if isinstance(row, int) and not isinstance(row, bool) and row >= 1:
                options["header_row"] = row
            else:
                self.problem(
                    ("sheet", "header_row"),
                    f"[sheet] header_row must be a row number from 1; got {_toml(row)}",
                )
        if "delimiter" in raw:
            if raw["delimiter"] in DELIMITERS:
                options["delimiter"] = DELIMITERS[raw["delimiter"]]
            else:
                self.problem(
                    ("sheet", "delimiter"),
                    f'[sheet] delimiter must be one of "," ";" "|" "tab"; got {_toml(raw["delimiter"])}',
                )
        if "date_format" in raw:
            options["date_format"] = self.date_format(("sheet", "date_format"), raw["date_format"])
        if "fill_down" in raw:
            options["fill_down"] = self.columns(("sheet", "fill_down"), raw["fill_down"])
        return SheetOptions(**options, lines=lines)

    def dataset(self, raw: dict) -> dict[str, str]:
        self.unknown(("dataset",), raw, DATASET_KEYS, "[dataset]")
        out = {}
        for key in DATASET_KEYS:
            if key in raw:
                if isinstance(raw[key], str):
                    out[key] = " ".join(raw[key].split())
                else:
                    self.problem(
                        ("dataset", key),
                        f"[dataset] {key} must be a text in quotes; got {_toml(raw[key])}",
                    )
        return out

    def check_cites(self, specs: dict[tuple[str, str], Spec]) -> None:
        cites = specs.get(("claim", "cites"))
        if cites is not None and cites.by == "id" and ("claim", "id") not in specs:
            self.problem(
                ("claim", "cites", "by"),
                '[claim] cites by "id" needs [claim] id, the column whose values the citations name; or use by = "row"',
                "missing-key",
            )
        if cites is not None and cites.column is None:
            self.problem(
                ("claim", "cites"),
                "[claim] cites must name a column; a fixed value cannot cite other rows",
            )

    def check_kept_names(self, specs, keep: dict[str, tuple[tuple[str, ...], int]]) -> None:
        """Kept columns become extra columns; refuse one that would clash with another column."""
        for section, (columns, _) in keep.items():  # a loop over four sections
            taken = set(TABLE_COLUMNS[OUTPUT_TABLE[section]])
            if section == "claim":
                taken |= set(INPUT_COLUMNS)
            for column in columns:
                name = kept_name(column)
                if name in taken:
                    self.problem(
                        (section, "keep"),
                        f'[{section}] keep: column "{column}" would be written as {name!r}, which {OUTPUT_TABLE[section]}.csv already has; map it to the field instead, or leave it out',
                        "duplicate-name",
                    )
                taken.add(name)


_NEEDS = {
    "source": 'it names who said it: name = "COLUMN" and kind',
    "document": "it names where the claim was read: title, publisher and published",
    "assertion": 'it names what the claim is about: statement = "COLUMN"',
    "claim": "it names the stance (and the stated date, quote, citations...)",
}
_REQUIRED_HINT = {
    "text": 'write key = "COLUMN", or key = { value = "..." } for the same value on every row',
    "enum": 'write key = "COLUMN", key = { column = "COLUMN", map = { ... } } or key = { value = "..." }',
    "day": 'write key = "COLUMN" (a date column), or key = { value = 2025-04-02 }',
}


def _iso(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    return value.isoformat()


def _toml(value: object) -> str:
    """A value as the analyst wrote it, roughly, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)
