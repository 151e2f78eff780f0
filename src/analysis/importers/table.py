"""``briefing import table``: any spreadsheet of claims (CSV or XLSX), read by a mapping file.

Most analysts keep claims in their own sheet: one row per claim (a source said X
about event Y in document Z on date D), columns named as they like. The mapping
(:mod:`.mapping`) says which column gives which field; this module turns the rows
into the contract's tables:

- a source per distinct source id (the id column, else a slug of the name), a
  document per document id (the id column, else publisher, title, published and
  url), an assertion per assertion id (the id column, else the statement, compared
  without case or extra spaces), a place per place name, a claim per row;
- where the rows of one source, document, assertion or place disagree on a value
  (two kinds for one source), the first non-empty value in sheet order wins and
  the case is counted in the report with an example;
- every cell is checked here, before the dataset is written, so a problem names
  the sheet's own row (``claims.xlsx:14: Position: ...``) rather than a row of the
  written files; claims also keep ``input_row`` (and ``input_file`` when several
  sheets are imported at once) to trace any claim back to its row.

Identifiers come from content, never from row numbers, so re-importing an edited
sheet keeps the ids of the rows that did not change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.contract import schema
from analysis.contract.timeexpr import ISO_HINT, resolve_expressions
from analysis.errors import Problem, ProblemsError
from analysis.importers.mapping import (
    HEDGE_WORDS,
    OUTPUT_TABLE,
    SECTIONS,
    Mapping,
    Spec,
    kept_name,
    load_mapping,
)
from analysis.importers.mapping_template import template
from analysis.importers.messages import ImportRefused
from analysis.importers.neutralise import neutralised
from analysis.importers.report import InputFile
from analysis.importers.request import ImportRequest
from analysis.importers.spreadsheet import SPACES, TEXT, iso_datetimes, read_sheet
from analysis.importers.tables import MAX_SLUG, ContractTables, content_hash, figure_text, slug

TITLE = "Spreadsheet (CSV or XLSX) read by a mapping file"
LICENCE = ""  # the analyst's own data: none unless the mapping's [dataset] gives one
ATTRIBUTION = ""
FIGURE_KEYS = schema.FIGURE_COLUMNS  # value, low, high
UNIT = "rows"
PROBLEMS_SHOWN = 30
EXAMPLE_CHARS = 60
_ROW_REFERENCE = re.compile(r"^(?:row\s*|#)?(\d+)$", re.IGNORECASE)
_SLASH_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
# The reason code of a citation that names no claim of the sheet, or its own row.
CITATION_CODES = {
    "unreadable": "bad-identifier",
    "unknown": "dangling-citation",
    "itself": "citation-cycle",
}


def _day_month_swapped(fmt: str, value: str) -> str | None:
    """``fmt`` with its day and month exchanged, when ``value`` reads as a date so
    ("14/11/2025" under "%m/%d/%Y"): the sheet is likely written the other way round."""
    if "%d" not in fmt or "%m" not in fmt:
        return None
    swapped = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    try:
        dt.datetime.strptime(value.strip(), swapped)
    except ValueError:
        return None
    return swapped


class SheetProblems(ProblemsError, ImportRefused):
    """Cells of the sheet that cannot become a valid dataset, each a Problem at the sheet's
    own row (``path`` names the inputs); nothing is imported."""

    shown = PROBLEMS_SHOWN
    indent = "  "
    more = "... and {count} more"

    def heading(self) -> str:
        return f"{self.count} problem(s) in the sheet, nothing imported (rows as numbered there):"


@dataclass
class Rows:
    """The sheet rows being imported, numbered 0..n-1, with where each came from."""

    cells: pd.DataFrame  # text cells by sheet column name
    file: np.ndarray  # input name of each row
    row: np.ndarray  # sheet row number of each row

    def take(self, positions: np.ndarray) -> Rows:
        cells = self.cells.iloc[positions].reset_index(drop=True)
        return Rows(cells, self.file[positions], self.row[positions])

    def __len__(self) -> int:
        return len(self.cells)


class Problems:
    """Row problems found while converting, named by input file, sheet row and column:
    the first PROBLEMS_SHOWN rows of each check kept, the rest counted."""

    def __init__(self, rows: Rows):
        self.rows = rows
        self.found: list[Problem] = []
        self.more = 0

    def add(self, mask, column: str | None, message, code) -> None:
        """Record a problem at each row of ``mask``; ``message`` and ``code`` (a reason code
        of analysis.errors) are text or functions of the row's position (only called for
        the first rows shown)."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        shown = positions[:PROBLEMS_SHOWN]
        self.more += len(positions) - len(shown)
        for position in shown:  # a loop over at most PROBLEMS_SHOWN problem rows
            self.found.append(
                Problem(
                    str(self.rows.file[position]),
                    int(self.rows.row[position]),
                    column or None,
                    message(position) if callable(message) else message,
                    code(position) if callable(code) else code,
                )
            )

    def check(self) -> None:
        if self.found:
            files = ", ".join(dict.fromkeys(p.file for p in self.found))
            raise SheetProblems(files, self.found, uncounted=self.more)


def convert(request: ImportRequest) -> ContractTables:
    """The contract tables for the sheets of ``request``, as its mapping describes them."""
    mapping = load_mapping(request.options.get("mapping"))
    # the mapping is an input too: IMPORT.md lists it with its SHA-256 beside the sheets
    request.report.inputs.append(InputFile.of(Path(mapping.path)))
    rows, left_out = _read_inputs(request, mapping)
    if not len(rows):
        read = request.report.read[UNIT]
        raise ImportRefused(
            "nothing to import: "
            + (
                f"{read:,} rows read, none left once empty rows and --where were applied"
                if read
                else "no rows below the header"
            )
        )
    request.progress.step("converting")
    tables = _Converter(request, mapping, rows, left_out).tables()
    return neutralised(tables, request.report)


def _read_inputs(request: ImportRequest, mapping: Mapping) -> tuple[Rows, pd.DataFrame]:
    """Every input's rows that are not empty and pass ``--where``; and, for citations, the
    (file, row, claim id cell) of the rows ``--where`` left out."""
    report, options = request.report, mapping.sheet
    parts, left = [], []
    for path in request.inputs:  # a loop over the input files
        sheet = read_sheet(
            Path(path),
            worksheet=request.options.get("sheet") or options.worksheet,
            header_row=options.header_row,
            encoding=options.encoding,
            delimiter=options.delimiter,
            progress=request.progress,
        )
        mapping.check_columns(list(sheet.frame.columns), sheet.name)
        empty = sheet.frame.isna().all(axis=1).to_numpy()
        last = len(empty) - int(np.argmax(~empty[::-1])) if (~empty).any() else 0
        frame, empty = sheet.frame.iloc[:last], empty[:last]  # empty rows at the end: formatting
        report.count_read(UNIT, len(frame))
        report.handle(
            "Excel error values (#N/A, #REF!, ...)", sheet.excel_errors, "read as empty cells"
        )
        report.handle(
            "Excel formula cells", sheet.formula_results, "read as the result the workbook saved"
        )
        report.skip(UNIT, "empty row", int(empty.sum()))
        frame = _fill_down(frame[~empty], mapping, report)
        kept = request.keep_where(frame, UNIT)
        parts.append((sheet, kept))
        id_spec = mapping.spec("claim", "id")
        gone = frame.index.difference(kept.index)
        left.append(
            pd.DataFrame(
                {
                    "file": sheet.name,
                    "row": gone.to_numpy(dtype=np.int64),
                    "raw_id": frame.loc[gone, id_spec.column]
                    if id_spec and id_spec.column
                    else pd.NA,
                }
            )
        )
    cells = pd.concat([frame for _, frame in parts], ignore_index=True)
    files = np.concatenate(
        [np.full(len(frame), sheet.name, dtype=object) for sheet, frame in parts]
    )
    numbers = np.concatenate([frame.index.to_numpy(dtype=np.int64) for _, frame in parts])
    return Rows(cells, files, numbers), pd.concat(left, ignore_index=True)


def _fill_down(frame: pd.DataFrame, mapping: Mapping, report) -> pd.DataFrame:
    """Empty cells of the ``fill_down`` columns take the value above (merged cells, ditto rows)."""
    for column in mapping.sheet.fill_down:  # a loop over a few columns
        filled = frame[column].ffill()
        report.handle(
            f'empty cells of "{column}" (fill_down)',
            int((frame[column].isna() & filled.notna()).sum()),
            "took the value of the row above",
        )
        frame = frame.assign(**{column: filled})
    return frame


class _Converter:
    """One conversion: reads fields from the rows, builds the tables, collects problems."""

    def __init__(self, request: ImportRequest, mapping: Mapping, rows: Rows, left: pd.DataFrame):
        self.request = request
        self.report = request.report
        self.mapping = mapping
        self.rows = rows
        self.left = left
        self.problems = Problems(rows)
        self.today = pd.Timestamp(dt.date.today())

    # ---- reading one field of every row ------------------------------------------------

    def spec(self, section: str, key: str) -> Spec | None:
        return self.mapping.spec(section, key)

    def where(self, spec: Spec) -> str:
        return f"{spec.label}, {self.mapping.path}:{spec.map_line}"

    def raw(self, spec: Spec | None) -> pd.Series:
        """The cells a field reads (its fixed value on every row), as text; missing where empty."""
        index = self.rows.cells.index
        if spec is None:
            return pd.Series(pd.NA, index=index, dtype=TEXT)
        if spec.value is not None:
            return pd.Series(spec.value, index=index, dtype=TEXT)
        return self.rows.cells[spec.column].astype(TEXT)

    def mapped(self, spec: Spec, raw: pd.Series) -> pd.Series:
        """``raw`` through the field's map; a non-empty cell the map lacks is a problem."""
        out = _folded(raw).map(spec.map)
        unknown = raw.notna() & out.isna()
        keys = ", ".join(f'"{k}"' for k in spec.map_keys)
        self.problems.add(
            unknown,
            spec.column,
            lambda i: (
                f"{raw.iloc[i]!r} is not in the map of {self.where(spec)}: {keys}; "
                "add it to the map or correct the cell"
            ),
            "not-in-map",
        )
        return out

    def text(self, section: str, key: str) -> pd.Series:
        spec = self.spec(section, key)
        values = self.raw(spec)
        if spec is not None and spec.map is not None and spec.value is None:
            values = self.mapped(spec, values).astype(TEXT)
        if spec is not None and spec.default is not None:
            values = values.fillna(spec.default)
        return values

    def enum(self, section: str, key: str) -> pd.Series:
        """A field with fixed values (stance, kind, reliability), in the contract's form."""
        spec = self.spec(section, key)
        role = SECTIONS[section][key]
        raw = self.raw(spec)
        if spec is None or spec.value is not None:
            return raw
        if spec.map is not None:
            values = self.mapped(spec, raw).astype(TEXT)
        else:
            values = _enum_form(role.values, raw)
            if role.values == schema.RELIABILITY:
                graded = values.str.fullmatch(r"[A-F][1-6]", na=False)
                self.report.handle(
                    f'Admiralty codes such as "B2" in {spec.column}',
                    int(graded.sum()),
                    "kept the letter (source reliability); the digit rates the information",
                )
                values = values.where(~graded, values.str[0])
            bad = raw.notna() & ~values.isin(role.values)
            allowed = ", ".join(role.values)
            hint = f'; or translate the sheet\'s words with {{ column = "{spec.column}", map = {{ ... }} }} at {self.mapping.path}:{spec.line}'
            self.problems.add(
                bad,
                spec.column,
                lambda i: f"{raw.iloc[i]!r} is not one of {allowed}{hint}",
                "not-in-enum",
            )
            values = values.where(~bad)
        if spec.default is not None:
            values = values.fillna(spec.default)
        return values

    def flag(self, section: str, key: str) -> pd.Series:
        """A yes/no field (hedged): missing cells are false."""
        spec = self.spec(section, key)
        index = self.rows.cells.index
        if spec is None:
            return pd.Series(False, index=index, dtype=bool)
        if spec.value is not None:
            return pd.Series(bool(spec.value), index=index, dtype=bool)
        raw = self.raw(spec)
        if spec.map is not None:
            values = self.mapped(spec, raw)
        else:
            values = _folded(raw).map(HEDGE_WORDS)
            bad = raw.notna() & values.isna()
            self.problems.add(
                bad,
                spec.column,
                lambda i: (
                    f"{raw.iloc[i]!r} is not yes or no; write yes/no, true/false, y/n, 1/0 "
                    f"or x, or give a map at {self.mapping.path}:{spec.line}"
                ),
                "not-in-enum",
            )
        default = bool(spec.default) if spec.default is not None else False
        return values.fillna(default).astype(bool)

    def dates(self, section: str, key: str) -> tuple[pd.Series, str | None]:
        """A date field's cells in contract form (those in the sheet's date format made ISO;
        ISO and date expressions unchanged), and the format used."""
        spec = self.spec(section, key)
        raw = self.raw(spec)
        fmt = None if spec is None or spec.value is not None else spec.format
        fmt = fmt or (self.mapping.sheet.date_format if spec and spec.value is None else None)
        if fmt is not None:
            # only cells that start with a digit: pandas reads "today" and "now" in any format
            digits = raw.where(raw.str.match("[0-9]", na=False))
            parsed = pd.to_datetime(digits, format=fmt, errors="coerce")
            if re.search(r"%[HIMS]", fmt):
                iso = iso_datetimes(parsed)
            else:
                iso = pd.Series(parsed.dt.strftime("%Y-%m-%d"), index=raw.index, dtype=TEXT)
            raw = iso.where(parsed.notna(), raw)
        if spec is not None and spec.default is not None:
            raw = raw.fillna(spec.default)
        return raw, fmt

    def date_problems(self, spec: Spec, text: pd.Series, resolved: pd.DataFrame, fmt) -> None:
        bad = resolved["problem"].notna().to_numpy()
        if spec.value is not None:
            return  # a fixed value was checked with the mapping

        def message(i: int) -> str:
            value = text.iloc[i]
            if fmt and resolved["code"].iloc[i] == "bad-date":
                swapped = _day_month_swapped(fmt, str(value))
                hint = (
                    f"; it reads as a date written {swapped}: write "
                    f'date_format = "{swapped}" if the whole sheet is written so'
                    if swapped
                    else f"; {ISO_HINT}"
                )
                return (
                    f"{value!r} is neither a date written {fmt} (the date format of "
                    f"{self.mapping.path}) nor a date expression{hint}"
                )
            hint = ""
            if _SLASH_DATE.match(str(value)) and not fmt:
                hint = (
                    f'; if the sheet writes dates day-first, add date_format = "%d/%m/%Y" '
                    f"under [sheet] in {self.mapping.path}"
                )
            return f"{resolved['problem'].iloc[i]}: {value!r}{hint}"

        self.problems.add(bad, spec.column, message, lambda i: resolved["code"].iloc[i])

    def number(self, section: str, key: str) -> pd.Series:
        spec = self.spec(section, key)
        values = self.text(section, key)
        if spec is None or spec.value is not None:
            return values
        low, high = (float(v) for v in SECTIONS[section][key].values)
        numbers = pd.to_numeric(values, errors="coerce")
        inside = numbers.between(low, high).fillna(False).astype(bool)  # NaN is not inside
        bad = values.notna() & ~inside
        self.problems.add(
            bad,
            spec.column,
            lambda i: f"{values.iloc[i]!r} is not a number between {low:g} and {high:g}",
            "bad-number",
        )
        return values.where(~bad)

    def ids(self, section: str) -> pd.Series:
        """The section's id column as identifiers (missing where empty or unmapped)."""
        spec = self.spec(section, "id")
        raw = self.raw(spec)
        out = pd.Series(pd.NA, index=raw.index, dtype=object)
        given = raw.notna()
        if given.any():
            out[given] = slug(raw[given], unknown=section[0])
        return out

    def required(self, values: pd.Series, section: str, key: str, what: str) -> None:
        spec = self.spec(section, key)
        if spec is not None and spec.value is None:
            missing = values.isna() & self.raw(spec).isna()  # a cell the map lacks is told apart
            fix = "fill it in" + (f", or set a default at {self.mapping.path}:{spec.line}")
            self.problems.add(
                missing, spec.column, f"empty, but {what} needs its {key}; {fix}", "required-value"
            )

    def keep(self, section: str) -> dict[str, pd.Series]:
        columns, _ = self.mapping.keep.get(section, ((), 0))
        return {kept_name(c): self.rows.cells[c].astype(TEXT) for c in columns}

    # ---- the tables --------------------------------------------------------------------

    def tables(self) -> ContractTables:
        published, published_day = self.published()
        kept = self.within(published_day)
        documents, document_id = self.documents(published.iloc[kept].reset_index(drop=True))
        sources, source_id = self.sources()
        places, place_id = self.places()
        questions, question_id = self.questions()
        assertions, assertion_id = self.assertions(place_id, question_id)
        # each published text's day, to anchor the claims of the document that kept it
        day_of = pd.Series(published_day.to_numpy(), index=published.to_numpy())
        day_of = day_of[day_of.index.notna() & ~day_of.index.duplicated()]
        units = assertions.set_index("assertion_id")["unit"] if "unit" in assertions else None
        claims = self.claims(source_id, assertion_id, document_id, documents, day_of, units)
        self.problems.check()
        return ContractTables(
            sources=sources,
            documents=documents,
            assertions=assertions,
            claims=claims,
            places=places,
            questions=questions,
            manifest=self.manifest(),
        )

    def manifest(self) -> dict[str, str]:
        inputs = ", ".join(Path(p).name for p in self.request.inputs)
        described = f"Imported from {inputs} with the mapping {Path(self.mapping.path).name}."
        return {"description": described, **self.mapping.dataset}

    def published(self) -> tuple[pd.Series, pd.Series]:
        """Each row's document date (rows sharing a document id share it), and its day."""
        spec = self.spec("document", "published")
        text, fmt = self.dates("document", "published")
        ids = self.ids("document")
        if ids.notna().any():
            known = text.notna() & ids.notna()
            first = text[known].groupby(ids[known], sort=False).first()
            text = text.fillna(ids.map(first).astype(TEXT))
        resolved = resolve_expressions(text, allow_relative=False)
        not_day = resolved["problem"].isna() & text.notna() & resolved["precision"].ne("day")
        resolved.loc[not_day, "problem"] = "published must be a full date such as 2025-04-08"
        resolved.loc[not_day, "code"] = "not-a-day"
        self.date_problems(spec, text, resolved, fmt)
        future = (resolved["start"] > self.today).to_numpy()
        self.problems.add(
            future,
            spec.column,
            lambda i: f"{text.iloc[i]!r} is in the future; check the year",
            "future-date",
        )
        self.required(text, "document", "published", "a document")
        day = resolved["start"].where(resolved["problem"].isna() & ~future)
        return text, day

    def within(self, day: pd.Series) -> np.ndarray:
        """``--since``/``--until`` by the document's date; rows with a bad date stay, to be
        reported. The positions of the rows kept."""
        if self.request.since is None and self.request.until is None:
            return np.arange(len(self.rows))
        valid = day.notna()
        frame = pd.DataFrame(index=day.index[valid])
        kept = self.request.keep_within(frame, day[valid], day[valid], UNIT)
        positions = np.sort(np.concatenate([kept.index.to_numpy(), day.index[~valid].to_numpy()]))
        dropped = np.setdiff1d(np.arange(len(self.rows)), positions)
        id_spec = self.spec("claim", "id")
        gone = pd.DataFrame(
            {
                "file": self.rows.file[dropped],
                "row": self.rows.row[dropped],
                "raw_id": self.raw(id_spec).iloc[dropped].to_numpy(),
            }
        )
        self.left = pd.concat([self.left, gone], ignore_index=True)
        self.rows = self.rows.take(positions)
        self.problems.rows = self.rows
        return positions

    def documents(self, published: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
        attrs = pd.DataFrame(
            {
                "title": self.text("document", "title"),
                "publisher": self.text("document", "publisher"),
                "published": published,
                "url": self.text("document", "url"),
                "notes": self.text("document", "notes"),
                **self.keep("document"),
            }
        )
        given = self.ids("document")
        self.filled_from_group(attrs, given, ("title", "publisher"))
        self.required(attrs["title"], "document", "title", "a document")
        self.required(attrs["publisher"], "document", "publisher", "a document")
        parts = attrs[["publisher", "title", "published", "url"]]
        made = _per_distinct_row(parts, _document_id, ["publisher", "title", "published"])
        ids = self.with_made_ids(given, made, "document")
        return self.entities(ids, attrs, "document", "document_id", ("title",)), ids

    def sources(self) -> tuple[pd.DataFrame, pd.Series]:
        attrs = pd.DataFrame(
            {
                "name": self.text("source", "name"),
                "kind": self.enum("source", "kind"),
                "side": self.text("source", "side"),
                "reliability": self.enum("source", "reliability"),
                "url": self.text("source", "url"),
                "notes": self.text("source", "notes"),
                **self.keep("source"),
            }
        )
        given = self.ids("source")
        self.filled_from_group(attrs, given, ("name",))
        self.required(attrs["name"], "source", "name", "a source")
        made = pd.Series(pd.NA, index=attrs.index, dtype=object)
        named = attrs["name"].notna()
        made[named] = slug(attrs.loc[named, "name"], unknown="source")
        ids = self.with_made_ids(given, made, "source")
        sources = self.entities(ids, attrs, "source", "source_id", ("name",))
        self.entity_required(sources, ids, "source", "kind", "name")
        return sources, ids

    def places(self) -> tuple[pd.DataFrame | None, pd.Series]:
        names = self.text("assertion", "place")
        if self.spec("assertion", "place") is None:
            return None, pd.Series(pd.NA, index=names.index, dtype=object)
        attrs = pd.DataFrame(
            {
                "name": names,
                "admin1": self.text("place", "admin1"),
                "country": self.text("place", "country"),
                "lat": self.number("place", "lat"),
                "lon": self.number("place", "lon"),
            }
        )
        given = self.ids("place")
        made = pd.Series(pd.NA, index=names.index, dtype=object)
        made[names.notna()] = slug(names[names.notna()], unknown="place")
        ids = given.fillna(made)
        places = self.entities(ids, attrs, "place", "place_id", ("name",))
        return places, ids

    def questions(self) -> tuple[pd.DataFrame | None, pd.Series]:
        """A question per distinct question text (or [question] id): the alternatives'."""
        texts = self.text("assertion", "question")
        if self.spec("assertion", "question") is None:
            return None, pd.Series(pd.NA, index=texts.index, dtype=object)
        texts = texts.str.strip()
        attrs = pd.DataFrame({"text": texts, "topic": self.text("question", "topic")})
        given = self.ids("question")
        key = pd.DataFrame({"key": _folded(texts)})
        made = pd.Series(pd.NA, index=texts.index, dtype=object)
        asked = texts.notna()
        made[asked] = "q-" + _per_distinct_row(
            key[asked].assign(statement=texts[asked]), _assertion_id, ["key"]
        )
        ids = given.fillna(made)
        questions = self.entities(ids, attrs, "question", "question_id", ("text",))
        return questions, ids

    def assertions(
        self, place_id: pd.Series, question_id: pd.Series
    ) -> tuple[pd.DataFrame, pd.Series]:
        event, fmt = self.dates("assertion", "event_time")
        spec = self.spec("assertion", "event_time")
        if spec is not None:
            resolved = resolve_expressions(event, allow_relative=False)
            resolved.loc[resolved["code"].eq("relative-not-allowed"), "problem"] = (
                "an assertion's event time cannot be relative; write it ISO, or map the column "
                "as [claim] event_time, which may be relative to the document's date"
            )
            self.date_problems(spec, event, resolved, fmt)
            future = (resolved["start"] > self.today).to_numpy()
            self.problems.add(future, spec.column, "in the future; check the year", "future-date")
        attrs = pd.DataFrame(
            {
                "statement": self.text("assertion", "statement").str.strip(),
                "topic": self.text("assertion", "topic"),
                "place_id": place_id,
                "event_time": event,
                **self.quantity(),
                **({"question_id": question_id} if question_id.notna().any() else {}),
                **self.keep("assertion"),
            }
        )
        given = self.ids("assertion")
        self.filled_from_group(attrs, given, ("statement",))
        self.required(attrs["statement"], "assertion", "statement", "an assertion")
        # the same statement in other case or spacing is the same assertion: its first spelling
        # names it, its folded form is hashed
        key = pd.DataFrame({"key": _folded(attrs["statement"])})
        key["statement"] = attrs["statement"].groupby(key["key"], sort=False).transform("first")
        made = _per_distinct_row(key, _assertion_id, ["key"])
        ids = self.with_made_ids(given, made, "assertion")
        return self.entities(ids, attrs, "assertion", "assertion_id", ("statement",)), ids

    def quantity(self) -> dict[str, pd.Series]:
        """``unit`` and ``cumulative`` of the assertions, when the mapping gives them."""
        columns = {}
        if self.spec("assertion", "unit") is not None:
            columns["unit"] = self.text("assertion", "unit").str.strip()
        if self.spec("assertion", "cumulative") is not None:
            flags = self.flag("assertion", "cumulative")
            columns["cumulative"] = pd.Series(np.where(flags, "true", "false"), dtype=TEXT)
        return columns

    def figure(self, key: str) -> pd.Series:
        """A claim's figure column as numbers (NaN where empty); a cell that is not a number
        of 0 or more is a problem at its row."""
        spec = self.spec("claim", key)
        values = self.text("claim", key)
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        if spec is None or spec.value is not None:
            return numbers
        bad = values.notna() & ~np.isfinite(numbers)
        self.problems.add(
            bad,
            spec.column,
            lambda i: (
                f"{values.iloc[i]!r} is not a number: write the figure with digits (12, 4.5); "
                '"about 40" is 40 with the claim hedged, "more than 100" a low of 100'
            ),
            "bad-number",
        )
        negative = ~bad & (numbers < 0)
        self.problems.add(
            negative,
            spec.column,
            lambda i: f"{values.iloc[i]!r}: a figure is 0 or more",
            "negative-count",
        )
        return numbers.where(~(bad | negative))

    def figures(self, stance: pd.Series, unit: pd.Series) -> dict[str, pd.Series]:
        """``value``, ``low``, ``high`` of the claims the mapping gives figures for, checked
        against the contract's rules (§1) at the sheet's rows."""
        mapped = [k for k in FIGURE_KEYS if self.spec("claim", k) is not None]
        if not mapped:
            return {}
        numbers = {key: self.figure(key) for key in FIGURE_KEYS}
        value, low, high = (numbers[k] for k in FIGURE_KEYS)
        column = self.spec("claim", mapped[0]).column
        given = value.notna() | low.notna() | high.notna()
        quantity = unit.notna().to_numpy()
        checks = (
            (low > high, "the range's low is above its high; swap them", "low-above-high"),
            (
                (value < low) | (value > high),
                "the value lies outside its own range",
                "value-outside-range",
            ),
            (
                given & ~quantity,
                "a figure on an assertion without a unit: map [assertion] unit",
                "figure-on-proposition",
            ),
            (
                given & quantity & stance.ne("supports"),
                "a figure only goes on a supporting claim (a refutation gives none)",
                "misplaced-figure",
            ),
            (
                ~given & quantity & stance.eq("supports"),
                "a supporting claim on a quantity gives a figure: value, or low and/or high",
                "missing-figure",
            ),
        )
        for mask, message, code in checks:  # five rules
            self.problems.add(mask.fillna(False).to_numpy(dtype=bool), column, message, code)
        return {key: figure_text(numbers[key]) for key in FIGURE_KEYS}

    def claims(
        self, source_id, assertion_id, document_id, documents, day_of, units
    ) -> pd.DataFrame:
        anchor_text = document_id.map(documents.set_index("document_id")["published"])
        # reindex, not map: map casts an all-missing result to float, which no date is
        anchor = pd.Series(
            day_of.reindex(anchor_text.to_numpy()).to_numpy(), index=anchor_text.index
        )
        anchor = pd.to_datetime(anchor)
        stance = self.enum("claim", "stance")
        self.required(stance, "claim", "stance", "a claim")
        stated = self.stated(anchor_text, anchor)
        event = self.claim_event(anchor)
        claims = pd.DataFrame(
            {
                "source_id": source_id,
                "assertion_id": assertion_id,
                "document_id": document_id,
                "stance": stance,
                "hedged": self.flag("claim", "hedged"),
                "stated": stated,
                "event_time": event,
                "quote": self.text("claim", "quote"),
                "notes": self.text("claim", "notes"),
            }
        )
        unit = (
            assertion_id.map(units) if units is not None else pd.Series(pd.NA, index=stance.index)
        )
        claims = claims.assign(**self.figures(stance, unit))
        content = [
            "source_id",
            "assertion_id",
            "document_id",
            "stance",
            "hedged",
            "stated",
            "event_time",
            "quote",
        ]
        # figures tell two claims apart only when mapped: other sheets keep their claim ids
        made = "c-" + content_hash(claims[[*content, *claims.columns.intersection(FIGURE_KEYS)]])
        given = self.ids("claim")
        ids = self.with_made_ids(given, made, "claim")
        self.unique_claims(given, ids)
        claims.insert(0, "claim_id", ids)
        claims["cites"] = self.cites(ids)
        claims["input_row"] = self.rows.row
        if len(self.request.inputs) > 1:
            claims["input_file"] = pd.Series(self.rows.file, dtype=TEXT)
        claims = claims.assign(**self.keep("claim"))
        repeated = claims["claim_id"].duplicated()
        self.report.skip(
            UNIT,
            "same claim as an earlier row (same source, assertion, document, stance, "
            "hedging, dates and quote)",
            int(repeated.sum()),
        )
        return claims[~repeated].reset_index(drop=True)

    def stated(self, anchor_text: pd.Series, anchor: pd.Series) -> pd.Series:
        spec = self.spec("claim", "stated")
        text, fmt = self.dates("claim", "stated")
        empty = text.isna()
        if spec is None:
            how = "no stated column in the mapping: each claim is stated on its document's date"
            self.report.handle("claims without a stated date", int(empty.sum()), how)
        else:
            how = f'empty "{spec.column}" cells: stated on the document\'s published date'
            self.report.handle("claims without a stated date", int(empty.sum()), how)
        text = text.fillna(anchor_text.astype(TEXT).str[:10])
        if spec is None:
            return text
        resolved = resolve_expressions(text, anchor)
        self.date_problems(spec, text, resolved, fmt)
        late = (resolved["start"] > anchor).to_numpy()
        self.problems.add(
            late,
            spec.column,
            lambda i: (
                f"{text.iloc[i]!r} starts {resolved['start'].iloc[i]:%Y-%m-%d}, after the "
                f"document was published ({anchor.iloc[i]:%Y-%m-%d}); a claim cannot be stated "
                "after it was reported"
            ),
            "stated-after-document",
        )
        return text

    def claim_event(self, anchor: pd.Series) -> pd.Series:
        spec = self.spec("claim", "event_time")
        text, fmt = self.dates("claim", "event_time")
        if spec is not None:
            resolved = resolve_expressions(text, anchor)
            self.date_problems(spec, text, resolved, fmt)
            future = (resolved["start"] > self.today).to_numpy()
            self.problems.add(future, spec.column, "in the future; check the year", "future-date")
        return text

    def unique_claims(self, given: pd.Series, ids: pd.Series) -> None:
        """Two rows giving one claim id in the id column are refused, naming the first."""
        spec = self.spec("claim", "id")
        if spec is None:
            return
        clash = given.notna() & ids.duplicated(keep=False)
        if not clash.any():
            return
        first = pd.Series(np.arange(len(ids)), index=ids.index).groupby(ids).transform("min")
        again = clash & first.ne(np.arange(len(ids)))
        self.problems.add(
            again,
            spec.column,
            lambda i: (
                f"claim id {self.raw(spec).iloc[i]!r} is already used on row "
                f"{self.rows.row[first.iloc[i]]}; each row needs its own"
            ),
            "duplicate-id",
        )

    def cites(self, ids: pd.Series) -> pd.Series:
        """``[claim] cites``: each cell names other rows (``by = "row"``: their row numbers;
        ``"id"``: their [claim] id values), separated by ``;`` or ``,``."""
        spec = self.spec("claim", "cites")
        out = pd.Series(pd.NA, index=ids.index, dtype=TEXT)
        if spec is None:
            return out
        refs = self.raw(spec).str.split(r"[;,]", regex=True).explode()
        refs = refs.astype(TEXT).str.strip()
        refs = refs[refs.notna() & refs.ne("")]
        if refs.empty:
            return out
        if spec.by == "row":
            number = refs.str.extract(_ROW_REFERENCE, expand=False)
            files = pd.Series(self.rows.file[refs.index], index=refs.index, dtype=TEXT)
            keys = files + ":" + number
            mine = _row_keys(self.rows.file, self.rows.row)
            gone = _row_keys(self.left["file"].to_numpy(), self.left["row"].to_numpy())
            unreadable = number.isna()
        else:
            keys = slug(refs, unknown="c").astype(TEXT)
            mine = self.ids("claim")
            gone = self.left["raw_id"].dropna().astype(TEXT)
            gone = slug(gone, unknown="c") if len(gone) else gone
            unreadable = pd.Series(False, index=refs.index)
        lookup = pd.Series(ids.to_numpy(), index=mine.to_numpy())
        lookup = lookup[lookup.index.notna() & ~lookup.index.duplicated()]
        target = keys.map(lookup)
        left_out = target.isna() & keys.isin(gone) & ~unreadable
        reason = pd.Series(
            np.select(
                [
                    unreadable.to_numpy(dtype=bool),
                    (target.isna() & ~left_out).to_numpy(dtype=bool),
                    target.eq(ids[refs.index].to_numpy()).fillna(False).to_numpy(dtype=bool),
                ],
                ["unreadable", "unknown", "itself"],
                "",
            ),
            index=refs.index,
        )
        self.cite_problems(spec, refs, reason)
        self.report.handle(
            "citations of rows left out by --where, --since or --until",
            int(left_out.sum()),
            "the citation was dropped (the cited claim is not in the dataset)",
        )
        good = target[target.notna() & reason.eq("")].astype(str)
        if good.empty:
            return out
        pairs = pd.DataFrame({"claim": good.index, "cited": good.to_numpy()})
        pairs = pairs.drop_duplicates().sort_values(["claim", "cited"])
        joined = (pairs["cited"] + ";").groupby(pairs["claim"]).sum().str[:-1]
        out[joined.index] = joined.astype(TEXT)
        return out

    def cite_problems(self, spec: Spec, refs: pd.Series, reason: pd.Series) -> None:
        """Each citing row's first citation that names no claim, or names its own row."""
        bad = reason.ne("").to_numpy()
        texts, kinds = refs[bad], reason[bad]
        first = ~texts.index.duplicated()
        texts, kinds = texts[first], kinds[first]
        mask = np.zeros(len(self.rows), dtype=bool)
        mask[texts.index.to_numpy()] = True
        messages = {
            "unreadable": '{!r} is not a row number; write rows such as "12; 15" (by = "row")',
            "itself": "{!r} is this claim's own row or id; a claim cannot cite itself",
            "unknown": "row {} is not a claim row of this sheet (empty, the header or past the end)"
            if spec.by == "row"
            else "no row has the claim id {!r} ([claim] id)",
        }
        self.problems.add(
            mask,
            spec.column,
            lambda i: messages[kinds[i]].format(texts[i]),
            lambda i: CITATION_CODES[kinds[i]],
        )

    # ---- one row per source, document, assertion, place --------------------------------

    def filled_from_group(self, attrs: pd.DataFrame, given: pd.Series, columns) -> None:
        """Rows that share an id column value share its first non-empty value of ``columns``
        (a document's title written on its first row only)."""
        known = given.notna()
        if not known.any():
            return
        for column in columns:  # a loop over one or two columns
            have = known & attrs[column].notna()
            first = attrs.loc[have, column].groupby(given[have], sort=False).first()
            attrs[column] = attrs[column].fillna(given.map(first).astype(attrs[column].dtype))

    def with_made_ids(self, given: pd.Series, made: pd.Series, section: str) -> pd.Series:
        """The id column's values, and a made identifier where that column is empty."""
        spec = self.spec(section, "id")
        if spec is None:
            return made.astype(object)
        if spec.value is not None:
            return pd.Series(spec.value, index=given.index, dtype=object)
        empty = given.isna() & made.notna()
        self.report.handle(
            f'empty "{spec.column}" cells ([{section}] id)',
            int(empty.sum()),
            "the id was made from the row's content",
        )
        return given.fillna(made).astype(object)

    def entities(
        self, ids: pd.Series, attrs: pd.DataFrame, section: str, id_column: str, label: tuple
    ) -> pd.DataFrame:
        """One row per id: each attribute's first non-empty value in sheet order. Rows that
        disagree with it are counted in the report, with the first example. Works on integer
        codes of the values, so a million rows compare as fast as numbers."""
        known = ids.notna().to_numpy()
        ids, attrs = ids[known], attrs[known]
        entity, uniques = pd.factorize(ids, sort=False)
        out = {id_column: np.asarray(uniques, dtype=object)}
        what = OUTPUT_TABLE[section][:-1]
        for column in attrs.columns:  # a loop over a table's few columns
            codes, values = pd.factorize(attrs[column].astype(TEXT))
            given = pd.Series(np.where(codes >= 0, codes, np.nan))
            first = given.groupby(entity, sort=False).first().reindex(range(len(uniques)))
            first = first.fillna(-1).to_numpy(dtype=np.int64)  # per entity: its value's code
            out[column] = pd.array(values, dtype=TEXT).take(first, allow_fill=True)
            kept = first[entity]
            differs = (codes >= 0) & (kept >= 0) & (codes != kept)
            if differs.any():
                k = int(np.flatnonzero(differs)[0])
                position = ids.index[k]
                name = out[label[0]][entity[k]] if label[0] in out else uniques[entity[k]]
                where = f"{self.rows.file[position]}:{self.rows.row[position]}"
                self.report.handle(
                    f"{what}s whose rows differ in {column}",
                    int(differs.sum()),
                    f"kept the first row's value, e.g. {_short(name)}: "
                    f"{_short(values[kept[k]])}, not {_short(values[codes[k]])} ({where})",
                )
        return pd.DataFrame(out)

    def entity_required(self, table, ids, section: str, key: str, label: str) -> None:
        """A required value that no row of an entity gives, reported at its first row."""
        spec = self.spec(section, key)
        if spec is None or spec.value is not None:
            return
        lacking = set(table.loc[table[key].isna(), f"{section}_id"])
        if not lacking:
            return
        first_rows = ids.isin(lacking) & ~ids.duplicated()
        names = dict(zip(table[f"{section}_id"], table[label], strict=True))
        self.problems.add(
            first_rows.to_numpy(),
            spec.column,
            lambda i: (
                f"{section} {names[ids.iloc[i]]!r} has no {key} in any row; fill it in, "
                f"or give {spec.label} a default at {self.mapping.path}:{spec.line}"
            ),
            "required-value",
        )


def _per_distinct_row(frame: pd.DataFrame, make, required: list[str]) -> pd.Series:
    """``make`` of each distinct row of ``frame`` (missing where a ``required`` value is),
    spread over its rows: text work once per document or statement, not once per claim."""
    codes = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    distinct = frame.iloc[first].reset_index(drop=True)
    made = make(distinct).astype(object).where(distinct[required].notna().all(axis=1))
    return pd.Series(made.to_numpy(dtype=object)[codes], index=frame.index, dtype=object)


def _document_id(documents: pd.DataFrame) -> pd.Series:
    """``<publisher>-<published day>-<hash of publisher, title, published, url>``."""
    return (
        _cut(slug(documents["publisher"], unknown="doc"), 30)
        + "-"
        + documents["published"].astype(TEXT).str[:10]
        + "-"
        + content_hash(documents).str[:8]
    )


def _assertion_id(statements: pd.DataFrame) -> pd.Series:
    """``<first words of the statement>-<hash of its folded form>``."""
    return (
        _cut(slug(statements["statement"], unknown="a"), 36)
        + "-"
        + content_hash(statements[["key"]]).str[:8]
    )


def _cut(slugs: pd.Series, length: int) -> pd.Series:
    """Slugs of at most ``length`` characters, cut after a whole word where they are longer
    (before the hash ``slug`` puts on the end of a very long one)."""
    length = min(length, MAX_SLUG - 10)
    slugs = slugs.astype(TEXT)
    long = slugs.str.len() > length
    cut = slugs.str[: length + 1].str.replace(r"-[^-]*$", "", regex=True).str[:length]
    return slugs.where(~long, cut.str.rstrip("-"))


def _row_keys(files: np.ndarray, rows: np.ndarray) -> pd.Series:
    """``file:row`` texts that name rows of the inputs."""
    return pd.Series(files, dtype=TEXT) + ":" + pd.Series(rows, dtype=TEXT)


def _folded(values: pd.Series) -> pd.Series:
    """Cells as a map key is compared: spaces collapsed, case folded (missing stays missing);
    the text work runs once per distinct value."""
    codes, distinct = pd.factorize(values.astype(TEXT))
    folded = pd.Series(distinct, dtype=TEXT).str.replace(SPACES, " ", regex=True)
    folded = folded.str.strip().str.lower()
    return pd.Series(folded.array.take(codes, allow_fill=True), index=values.index)


def _enum_form(allowed: tuple[str, ...], values: pd.Series) -> pd.Series:
    folded = _folded(values)
    if allowed == schema.RELIABILITY:
        return folded.str.upper()
    return folded.str.replace(r"[ -]", "_", regex=True)


def _short(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")


__all__ = ["ATTRIBUTION", "LICENCE", "TITLE", "convert", "template"]
