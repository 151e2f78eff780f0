"""``briefing import table [INPUT] --template``: a commented mapping file to start from.

Without an input it is a generic example to edit. With one, it is fitted to that
sheet: every column is listed with a sample value, each field gets the column
whose name is most like the words analysts use for it, the stance (and source
kind) column's values are listed in a map with a guess for each, and a day-first
or month-first date format, an encoding and a delimiter are filled in when the
data tells. A value that cannot be guessed is left as a commented line, so an
import refuses the rows holding it rather than guessing silently.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pandas as pd

from analysis.errors import BriefingError
from analysis.importers.mapping import (
    HEDGE_WORDS,
    MAIN_SECTIONS,
    SECTIONS,
    Role,
    enum_form,
    fold,
)
from analysis.importers.spreadsheet import SPACES, TEXT, XLSX_SUFFIXES, read_sheet, utf8_or_guess

DISTINCT_SHOWN = 40  # values of the stance, kind and hedged columns put in a map
COMMENT_AT = 44  # the column comments start at
GUESS_SCORE = 0.8  # below it, short names match by accident (Art ~ party)
DATES_SHARE = 0.8  # a column this share of whose values are dates may be the published one

# Per field, the words analysts name its column with, the most telling first.
ROLE_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("claim", "id"): ("claim id", "claim no", "row id", "id", "ref", "no", "number"),
    ("source", "id"): ("source id", "source code"),
    ("document", "id"): ("document id", "doc id", "article id"),
    ("assertion", "id"): ("assertion id", "event id", "statement id", "proposition id"),
    ("source", "name"): (
        "source",
        "source name",
        "who",
        "speaker",
        "claimant",
        "said by",
        "author",
        "actor",
        "spokesperson",
        "by",
    ),
    ("source", "kind"): ("kind", "source kind", "source type", "type", "type of source"),
    ("source", "side"): ("side", "party", "affiliation", "aligned", "alignment", "belligerent"),
    ("source", "reliability"): ("reliability", "source reliability", "admiralty", "grade"),
    ("document", "title"): ("title", "headline", "document", "article", "document title", "post"),
    ("document", "publisher"): (
        "publisher",
        "outlet",
        "media",
        "publication",
        "channel",
        "site",
        "newspaper",
        "agency",
    ),
    ("document", "published"): (
        "published",
        "date",
        "publication date",
        "pub date",
        "date published",
        "posted",
        "published on",
        "article date",
    ),
    ("document", "url"): ("url", "link", "web", "href", "address"),
    ("assertion", "statement"): (
        "statement",
        "assertion",
        "claim",
        "proposition",
        "event",
        "claim text",
        "what",
        "summary",
    ),
    ("assertion", "topic"): ("topic", "theme", "subject", "tag"),
    ("assertion", "event_time"): ("event date", "event time", "when", "occurred", "happened"),
    ("assertion", "place"): ("place", "location", "village", "town", "city", "settlement", "where"),
    ("claim", "stance"): ("stance", "position", "verdict", "supports", "confirms", "says"),
    ("claim", "hedged"): ("hedged", "hedge", "hedging", "qualified", "tentative", "uncertain"),
    ("claim", "stated"): (
        "stated",
        "said",
        "said on",
        "stated on",
        "date stated",
        "date said",
        "claim date",
        "when said",
        "statement date",
    ),
    ("claim", "quote"): ("quote", "quotation", "words", "excerpt", "verbatim", "text"),
    ("claim", "notes"): ("notes", "note", "comment", "comments", "remarks"),
    ("claim", "cites"): ("cites", "relies on", "based on", "citing", "via", "per", "cited rows"),
    ("assertion", "unit"): ("unit", "units", "measure"),
    ("assertion", "cumulative"): ("cumulative", "running total", "cumulative total"),
    ("assertion", "question"): ("question", "question text"),
    ("claim", "value"): ("value", "figure", "toll", "death toll"),
    ("claim", "low"): ("low", "low estimate", "minimum", "at least"),
    ("claim", "high"): ("high", "high estimate", "maximum", "at most"),
}

# The generic template's example columns, one per field it shows active.
EXAMPLE_COLUMNS = {
    ("source", "name"): "Source",
    ("document", "title"): "Headline",
    ("document", "publisher"): "Outlet",
    ("document", "published"): "Date",
    ("document", "url"): "Link",
    ("assertion", "statement"): "Claim",
    ("claim", "stance"): "Position",
    ("claim", "stated"): "Said on",
    ("claim", "quote"): "Quote",
}

EXAMPLE_STANCE_MAP = (
    '"confirmed" = "supports"',
    '"denied" = "refutes"',
    '"no comment" = "neutral"',
)
STANCE_GUESSES = (  # (pattern on the folded value, stance), first match wins
    (
        r"no comment|neither|declin|could not|cannot|unverif|unclear|neutral|not confirm|unknown",
        "neutral",
    ),
    (r"^(?:den|refut|reject|dismiss|contradict|disput|false|no$|fake|debunk)", "refutes"),
    (
        r"^(?:confirm|support|yes$|true$|claim|assert|report|said|says|affirm|acknowledg|admit)",
        "supports",
    ),
)
KIND_GUESSES = (
    (r"think|institute|isw|analys", "think_tank"),
    (r"blog|telegram|war ?corr", "milblogger"),
    (r"osint|open source|geoloc", "osint"),
    (r"ngo|rights|charity|red cross|un\b|ocha", "ngo"),
    (
        r"army|armed|forces|military|general staff|command|brigade|defen[cs]e ministry|mod\b",
        "military",
    ),
    (r"ministry|government|official|governor|administration|spokes|kremlin|office", "official"),
    (r"politic|president|deputy|\bmp\b|senator|minister", "politician"),
    (r"news|media|agency|tv|newspaper|journal|press|radio|outlet", "media"),
)

HEADER = """\
# Mapping for: briefing import table SHEET --mapping THIS_FILE --out data/NAME
#
# A field is a column of the sheet:     name = "Source"
# or a table with these keys:           kind = { value = "media" }
#   column  = "..."   the column that gives the field
#   value   = ...     the same value on every row, instead of a column
#   default = ...     the value for the column's empty cells
#   map     = {...}   cell value = field value; every value in the column must be a key
#                     (compared without case or extra spaces)
#   format  = "..."   how a date column is written, e.g. "%d/%m/%Y" (default: ISO 2025-04-02)
# Keys marked (required) must stay; delete the others you do not need.
# The reference, with a worked example: docs/importers.md, "Any spreadsheet".
"""


def template(path: Path | None = None, sheet: str | None = None) -> str:
    """The starting mapping: generic without ``path``, fitted to its columns with one."""
    if path is None:
        return _Writer(None).text()
    if not Path(path).is_file():
        raise BriefingError(f"{path}: no such file")
    return _Writer(_SheetFacts.of(Path(path), sheet)).text()


class _SheetFacts:
    """What the template learns from a sheet: its columns, sample values and reading options."""

    def __init__(self, name: str, frame: pd.DataFrame, options: dict[str, object]):
        self.name = name
        self.frame = frame
        self.columns = list(frame.columns)
        self.options = options  # [sheet] keys to write, with a comment each

    @classmethod
    def of(cls, path: Path, worksheet: str | None) -> _SheetFacts:
        options: dict[str, object] = {}
        if path.suffix.lower() in XLSX_SUFFIXES:
            sheet = read_sheet(path, worksheet=worksheet)
            if worksheet or len(sheet.worksheets) > 1:
                others = ", ".join(json.dumps(s) for s in sheet.worksheets)
                options["worksheet"] = (sheet.worksheet, f"the workbook's worksheets: {others}")
        else:
            encoding = utf8_or_guess(path) if path.is_file() else "utf-8"
            sheet = read_sheet(path, encoding=encoding)
            if encoding != "utf-8":
                options["encoding"] = (
                    encoding,
                    "not UTF-8; a guess (Windows Western European): check accented letters",
                )
            if sheet.delimiter != ",":
                options["delimiter"] = ("tab" if sheet.delimiter == "\t" else sheet.delimiter, "")
        if sheet.header_row != 1:
            options["header_row"] = (sheet.header_row, "the row holding the column names")
        return cls(sheet.name, sheet.frame, options)

    def date_column(self, columns: list[str]) -> str | None:
        """The first of ``columns`` whose values are mostly dates (ISO or with / . -)."""
        for column in columns:  # a loop over the sheet's unguessed columns
            values = self.frame[column].dropna().astype(TEXT)
            dates = values.str.fullmatch(
                r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T.*)?|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}"
            )
            if len(values) and dates.mean() >= DATES_SHARE:
                return column
        return None

    def sample(self, column: str) -> str:
        values = self.frame[column].dropna()
        return "" if values.empty else str(values.iloc[0])

    def distinct(self, column: str) -> list[str]:
        values = self.frame[column].dropna().astype(TEXT)
        folded = values.str.replace(SPACES, " ", regex=True).str.strip().str.lower()
        return [str(v) for v in values[~folded.duplicated()].head(DISTINCT_SHOWN)]


class _Writer:
    """Writes the template's lines: fitted to ``facts`` when given."""

    def __init__(self, facts: _SheetFacts | None):
        self.facts = facts
        self.chosen = _guess(facts.columns) if facts else dict(EXAMPLE_COLUMNS)
        if facts and ("document", "published") not in self.chosen:
            dated = facts.date_column([c for c in facts.columns if c not in self.chosen.values()])
            if dated is not None:
                self.chosen["document", "published"] = dated
        self.lines: list[str] = []

    def text(self) -> str:
        self.lines = HEADER.splitlines()
        if self.facts:
            self.column_list()
        self.dataset()
        self.sheet()
        for section in MAIN_SECTIONS:  # a loop over the four sections
            self.section(section)
        return "\n".join(self.lines) + "\n"

    def add(self, code: str, comment: str = "", active: bool = True) -> None:
        line = code if active else f"# {code}"
        if comment:
            line = (
                f"{line:<{COMMENT_AT - 1}} # {comment}"
                if len(line) < COMMENT_AT
                else f"{line}  # {comment}"
            )
        self.lines.append(line)

    def column_list(self) -> None:
        facts = self.facts
        self.lines += ["", f"# Columns of {facts.name}, with a value from its first rows:"]
        width = min(30, max(len(c) for c in facts.columns) + 2)
        for column in facts.columns:  # a loop over the sheet's columns
            sample = facts.sample(column).replace("\n", " ")
            sample = sample if len(sample) <= 50 else sample[:49] + "…"
            used = [f"{s}.{k}" for (s, k), c in self.chosen.items() if c == column]
            mark = f"  -> {used[0]}" if used else ""
            self.lines.append(
                f"#   {json.dumps(column, ensure_ascii=False):<{width}} {sample}{mark}"
            )

    def dataset(self) -> None:
        self.lines += ["", "[dataset]"]
        self.add('title = "Claims about ..."', "default: the --out folder's name", active=False)
        self.add('description = "..."', active=False)
        self.add('license = "..."', "default: none (your own data)", active=False)
        self.add('attribution = "..."', "the credit line the licence asks for", active=False)

    def sheet(self) -> None:
        self.lines += ["", "[sheet]"]
        facts_options = self.facts.options if self.facts else {}
        generic = {
            "worksheet": ('"Claims"', ".xlsx: default the first; --sheet overrides"),
            "header_row": ("1", "default: the first row that is not empty"),
            "encoding": ('"cp1252"', ".csv: default UTF-8, with or without BOM"),
            "delimiter": ('";"', '.csv: , ; | or "tab"; default: guessed from the header'),
        }
        for key, (example, comment) in generic.items():  # a loop over four keys
            if key in facts_options:
                value, why = facts_options[key]
                self.add(f"{key} = {_toml(value)}", why or comment)
            else:
                self.add(f"{key} = {example}", comment, active=False)
        self.date_format()
        self.add('fill_down = ["Outlet", "Date"]', "empty cells repeat the value above", False)

    def date_format(self) -> None:
        roles = (("document", "published"), ("claim", "stated"), ("assertion", "event_time"))
        columns = [self.chosen[r] for r in roles if r in self.chosen] if self.facts else []
        found = (
            slash_date_formats(pd.concat([self.facts.frame[c] for c in columns])) if columns else []
        )
        if not found:
            self.add('date_format = "%d/%m/%Y"', "day-first dates; default: ISO 2025-04-02", False)
        elif len(found) == 1:
            self.add(f"date_format = {_toml(found[0])}", "guessed from the date columns' values")
        else:
            self.lines.append("# CHECK: the dates could be day-first or month-first; uncomment one")
            self.add(f"date_format = {_toml(found[0])}", "day-first", active=False)
            self.add(f"date_format = {_toml(found[1])}", "month-first", active=False)

    def section(self, section: str) -> None:
        self.lines += ["", f"[{section}]"]
        tables = []
        for key, role in SECTIONS[section].items():  # a loop over a section's fields
            if (section, key) == ("claim", "stance"):
                tables.append(self.enum_table("claim", "stance", role, STANCE_GUESSES))
            elif (section, key) == ("source", "kind"):
                if ("source", "kind") in self.chosen:
                    tables.append(self.enum_table("source", "kind", role, KIND_GUESSES))
                else:
                    why = "no column found: " if self.facts else ""
                    self.add(
                        'kind = { value = "other" }',
                        f"(required) {why}one for every source, or a column: {role.help}",
                    )
            elif (section, key) == ("claim", "hedged"):
                self.hedged(role)
            else:
                self.field(section, key, role)
        unused = (
            [c for c in self.facts.columns if c not in self.chosen.values()] if self.facts else []
        )
        example = _toml(unused) if section == "claim" and unused else '["..."]'
        self.add(f"keep = {example}", f"columns kept as extra columns of {section}s.csv", False)
        for table in tables:
            self.lines += table

    def field(self, section: str, key: str, role: Role) -> None:
        column = self.chosen.get((section, key))
        required, what = role.required, role.help
        label = "(required) " if required else ""
        if column is not None:
            what = (label + what).strip()
            code = f"{key} = {_toml(column)}"
            if key == "cites":
                code = f'{key} = {{ column = {_toml(column)}, by = "row" }}'
            self.add(code, what)
        elif required:
            self.add(
                f'{key} = "COLUMN"', f"(required) no column found: name it; {what}".strip("; ")
            )
        else:
            self.add(f'{key} = "..."', what, active=False)

    def hedged(self, role: Role) -> None:
        column = self.chosen.get(("claim", "hedged"))
        if column is None:
            self.add(
                'hedged = { column = "...", map = { "yes" = true, "no" = false } }',
                "or { value = true }",
                False,
            )
            return
        values = self.facts.distinct(column) if self.facts else []
        unknown = [v for v in values if fold(v) not in HEDGE_WORDS]
        if not unknown:
            self.add(f"hedged = {_toml(column)}", role.help)
            return
        pairs = [
            f"{_toml(v)} = {'true' if HEDGE_WORDS.get(fold(v)) else 'false'}"
            for v in values
            if fold(v) in HEDGE_WORDS
        ]
        self.add(f"hedged = {{ column = {_toml(column)}, map = {{ {', '.join(pairs)} }} }}", "")
        self.lines.append(
            f"# CHECK hedged: no guess for {', '.join(_toml(v) for v in unknown)}; add them to the map"
        )

    def enum_table(self, section: str, key: str, role: Role, guesses) -> list[str]:
        """``[section.key]`` with a map of the column's values (or an example map)."""
        column, allowed = self.chosen.get((section, key)), role.values
        lines = ["", f"[{section}.{key}]", f"# (required) {role.help}"]
        if column is None:
            lines.append('column = "COLUMN"                        # no column found: name it')
            if key == "stance":
                lines += [f"[{section}.{key}.map]", *EXAMPLE_STANCE_MAP]
            return lines
        lines.append(f"column = {_toml(column)}")
        if self.facts is None:
            lines += [f"[{section}.{key}.map]", *EXAMPLE_STANCE_MAP]
            return lines
        values = self.facts.distinct(column)
        if all(enum_form(allowed, v) in allowed for v in values):
            lines.append("# its values are already the contract's; no map needed")
            return lines
        lines.append(
            f"[{section}.{key}.map]                  # every value of {_toml(column)}: check each guess"
        )
        for value in values:  # a loop over at most DISTINCT_SHOWN distinct values
            guess = _guess_value(value, allowed, guesses)
            if guess is None:
                lines.append(f'# {_toml(value)} = ""  # no guess: one of {", ".join(allowed)}')
            else:
                lines.append(f"{_toml(value)} = {_toml(guess)}")
        return lines


def slash_date_formats(values: pd.Series) -> list[str]:
    """The strptime formats the slash (or dot, dash) dates in ``values`` may be written in:
    one when the values tell (a first number above 12: day-first; a second: month-first),
    both when they could be either, none when there are no such dates."""
    parts = (
        values.dropna()
        .astype(TEXT)
        .str.extract(
            r"^([0-9]{1,2})([./-])([0-9]{1,2})[./-]([0-9]{4}|[0-9]{2})(?:[ T]([0-9]{1,2}:[0-9]{2}))?$"
        )
        .dropna(subset=[0])
    )
    if parts.empty:
        return []
    sep = parts[1].mode().iloc[0]
    year = "%Y" if parts[3].str.len().max() == 4 else "%y"
    time = " %H:%M" if parts[4].notna().any() else ""
    day_first, month_first = (
        f"{a}{sep}{b}{sep}{year}{time}" for a, b in (("%d", "%m"), ("%m", "%d"))
    )
    first_big = bool((parts[0].astype(int) > 12).any())
    second_big = bool((parts[2].astype(int) > 12).any())
    if first_big != second_big:
        return [day_first] if first_big else [month_first]
    return [day_first, month_first]


def _guess(columns: list[str]) -> dict[tuple[str, str], str]:
    """Each field's most likely column by name (each column used once, best matches first)."""
    pairs = []
    for order, (role, words) in enumerate(ROLE_WORDS.items()):  # fields x columns: both few
        for position, column in enumerate(columns):
            score = _score(column, words)
            if score >= GUESS_SCORE:
                pairs.append((-score, order, position, role, column))
    chosen: dict[tuple[str, str], str] = {}
    for _, _, _, role, column in sorted(pairs):
        if role not in chosen and column not in chosen.values():
            chosen[role] = column
    return chosen


def _score(column: str, words: tuple[str, ...]) -> float:
    name = re.sub(r"[^a-z0-9]+", " ", column.casefold()).strip()
    best = 0.0
    for rank, word in enumerate(words):  # a loop over a field's few words
        if name == word:
            return 1.0 - rank * 0.001
        ratio = difflib.SequenceMatcher(None, name, word).ratio()
        if f" {word} " in f" {name} ":
            ratio = max(ratio, 0.8 - rank * 0.001)
        best = max(best, ratio)
    return best


def _guess_value(value: str, allowed: tuple[str, ...], guesses) -> str | None:
    form = enum_form(allowed, value)
    if form in allowed:
        return form
    folded = fold(value)
    for pattern, guess in guesses:  # a loop over a few patterns
        if re.search(pattern, folded):
            return guess
    return None


def _toml(value: object) -> str:
    """A TOML value: JSON's escaped strings and lists are valid TOML."""
    return json.dumps(value, ensure_ascii=False)
