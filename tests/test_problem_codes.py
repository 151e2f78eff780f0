"""Every problem in an input file is one ``analysis.errors.Problem`` with a declared reason
code: each code of the jobs file, the mapping and the sheet is driven here through the real
reader, and its problem's code, line (or row) and message asserted."""

from __future__ import annotations

import re

import pytest

from analysis.desk.jobs import JobsFileError, load_jobs
from analysis.errors import (
    CONFIG_CODES,
    IMPORTER_CODES,
    JOBS_CODES,
    PROBLEM_CODES,
    REASON_CODES,
    Problem,
    ProblemsError,
)
from analysis.importers.mapping import MappingError, load_mapping
from analysis.importers.table import SheetProblems

from .conftest import ROOT
from .test_desk_support import JOB, write_desk
from .test_import_table import HEADER, SMALL, run, write

NO_SCHEDULE = JOB.replace('[job.schedule]\ncron = "0 6 * * *"\ntimezone = "Europe/Kyiv"\n', "")
GRID = "[job.grid]\ntopic = {}\n"

# code: (jobs file, line of the problem, start of its message)
JOBS_CASES = {
    "toml-syntax": (
        JOB.replace('notebook = "brief"', "notebook = brief"),
        3,
        "not valid TOML: Invalid value (column 12)",
    ),
    "key-too-deep": (
        JOB + "a" + ".a" * 40 + " = 1\n",
        11,
        "a dotted key or table header of more than 32 parts",
    ),
    "nested-too-deep": (
        JOB + "deep = " + "[" * 3000 + "]" * 3000 + "\n",
        1,
        "arrays or tables nested too deeply to read",
    ),
    "number-too-long": (JOB + "big = 1" + "0" * 5000 + "\n", 1, "not valid TOML: "),
    "unknown-key": (
        JOB.replace('notebook = "brief"', 'notebook = "brief"\ncolour = "red"'),
        4,
        "unknown key 'colour' in a job",
    ),
    "missing-key": (NO_SCHEDULE, 1, "job has no schedule"),
    "not-a-table": (
        NO_SCHEDULE.replace('notebook = "brief"', 'notebook = "brief"\nschedule = 5'),
        4,
        "schedule is not a table",
    ),
    "bad-value": (
        JOB.replace('notebook = "brief"', 'notebook = "brief"\nformats = ["doc"]'),
        4,
        "formats ['doc'] are not a list of html and pdf",
    ),
    "duplicate-name": (JOB + JOB, 12, "job name 'morning' is already used on line 2"),
    "unknown-notebook": (JOB.replace('"brief"', '"nowhere"'), 3, "no notebook"),
    "unknown-parameter": (
        JOB.replace("marking =", "colour ="),
        6,
        "unknown parameter 'colour' (this notebook takes: dataset, as_of",
    ),
    "bad-parameter": (
        JOB.replace('"INTERNAL"', '"{date}"'),
        6,
        "parameter 'marking': unknown placeholder {date}",
    ),
    "bad-schedule": (JOB.replace('"0 6 * * *"', '"0 6 * *"'), 9, "cron '0 6 * *' has 4 field"),
    "bad-address": (
        JOB + '[job.notify]\non_failure = ["desk"]\n',
        12,
        "notify.on_failure: 'desk' is not an email address",
    ),
    "unknown-executor": (
        '[desk]\nexecutor = "slurm"\n\n' + JOB,
        2,
        "executor 'slurm' is not known",
    ),
    "too-many-briefings": (
        JOB + GRID.format([f"t{i}" for i in range(200)]) + f"max_rows = {list(range(1, 61))}\n",
        11,
        "the grid makes 12,000 briefings (200 x 60); a job may make at most 10,000",
    ),
    "bad-briefing-key": (
        JOB + GRID.format('["!!", "b"]'),
        12,
        "grid value '!!' has no letter or digit for the key",
    ),
    "duplicate-briefing-key": (
        JOB + GRID.format('["A b", "a-b"]'),
        12,
        "topic = 'A b' and topic = 'a-b' both make the key 'a-b'",
    ),
}


def test_every_jobs_file_code_has_a_case():
    assert set(JOBS_CASES) == set(CONFIG_CODES) | set(JOBS_CODES)


@pytest.mark.parametrize("code", JOBS_CASES)
def test_a_jobs_file_problem_carries_its_code_and_line(tmp_path, code):
    text, line, message = JOBS_CASES[code]
    jobs_file = write_desk(tmp_path, text)
    with pytest.raises(JobsFileError) as caught:
        load_jobs(jobs_file)
    found = [p for p in caught.value.problems if p.code == code]
    assert found, [(p.code, p.message) for p in caught.value.problems]
    assert (found[0].file, found[0].row) == (str(jobs_file), line)
    assert found[0].message.startswith(message), found[0].message
    assert f"{jobs_file}:{line}: {found[0].message}" in str(caught.value)


# code: (mapping text, the text on the problem's line, start of its message)
MAPPING_CASES = {
    "toml-syntax": (SMALL + "oops\n", "oops", "not valid TOML: Expected '='"),
    "unknown-key": (
        SMALL.replace('published = "Date"', 'published = "Date"\nauthor = "Who"'),
        "author",
        'unknown key "author" in [document]; it takes title, publisher',
    ),
    "missing-key": (
        SMALL.replace('statement = "Claim"', ""),
        "[assertion]",
        '[assertion] needs statement: write key = "COLUMN"',
    ),
    "not-a-table": (
        "dataset = 5\n" + SMALL,
        "dataset = 5",
        "dataset must be a table: write [dataset] on a line of its own",
    ),
    "bad-value": (
        SMALL.replace('value = "media"', 'value = "press"'),
        "press",
        "[source] kind: 'press' is not one of official, military",
    ),
    "duplicate-name": (
        SMALL.replace('"denied" = "refutes"', '"Confirmed " = "refutes"'),
        "stance",
        '[claim] stance: map key "Confirmed " appears twice',
    ),
}


@pytest.mark.parametrize("code", MAPPING_CASES)
def test_a_mapping_problem_carries_its_code_and_line(tmp_path, code):
    text, on_line, message = MAPPING_CASES[code]
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    line = next(n for n, written in enumerate(text.splitlines(), 1) if on_line in written)
    found = [p for p in caught.value.problems if p.code == code]
    assert found, [(p.code, p.message) for p in caught.value.problems]
    assert (found[0].file, found[0].row) == (str(path), line)
    assert found[0].message.startswith(message), found[0].message


def test_a_mapping_naming_a_column_the_sheet_lacks_is_unknown_column(tmp_path):
    sheet, mapping = write(
        tmp_path, "AP,AP,T,2025-04-08,X,confirmed\n", header=HEADER.replace(",Said", "")
    )
    with pytest.raises(MappingError) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    (problem,) = caught.value.problems
    assert (problem.code, problem.row) == (
        "unknown-column",
        SMALL.splitlines().index('stated = "Said"') + 1,
    )
    assert problem.message.startswith(f'[claim] stated: no column "Said" in {sheet}.')


GOOD = "AP,AP,Strike,2025-04-08,X fell,confirmed,2025-04-07"
FIGURES = SMALL.replace('statement = "Claim"', 'statement = "Claim"\nunit = { value = "deaths" }')
CITES = SMALL + 'id = "Ref"\ncites = { column = "Per", by = "row" }\n'

# code: (mapping, extra header columns, the bad row's cells, column, start of its message)
SHEET_CASES = {
    "not-in-map": (
        SMALL,
        "",
        GOOD.replace("confirmed", "maybe"),
        "Position",
        "'maybe' is not in the map of [claim] stance",
    ),
    "not-in-enum": (
        re.sub(r"stance = \{.*\}", 'stance = "Position"', SMALL),
        "",
        GOOD.replace("confirmed", "maybe"),
        "Position",
        "'maybe' is not one of supports, refutes, neutral",
    ),
    "required-value": (
        SMALL,
        "",
        GOOD.replace("AP,AP", ",AP"),
        "Who",
        "empty, but a source needs its name",
    ),
    "bad-date": (SMALL, "", GOOD.replace("2025-04-07", "someday"), "Said", ""),
    "not-a-day": (
        SMALL,
        "",
        GOOD.replace("2025-04-08", "2025-04"),
        "Date",
        "published must be a full date",
    ),
    "future-date": (
        SMALL,
        "",
        GOOD.replace("2025-04-08", "2150-01-01"),
        "Date",
        "'2150-01-01' is in the future",
    ),
    "stated-after-document": (
        SMALL,
        "",
        GOOD.replace("2025-04-07", "2025-04-09"),
        "Said",
        "'2025-04-09' starts 2025-04-09, after the document",
    ),
    "bad-number": (
        FIGURES + 'value = "Count"\n',
        ",Count",
        GOOD + ",about 40",
        "Count",
        "'about 40' is not a number",
    ),
    "negative-count": (
        FIGURES + 'value = "Count"\n',
        ",Count",
        GOOD + ",-3",
        "Count",
        "'-3': a figure is 0 or more",
    ),
    "misplaced-figure": (
        FIGURES + 'value = "Count"\n',
        ",Count",
        GOOD.replace("confirmed", "denied") + ",3",
        "Count",
        "a figure only goes on a supporting claim",
    ),
    "missing-figure": (
        FIGURES + 'value = "Count"\n',
        ",Count",
        GOOD + ",",
        "Count",
        "a supporting claim on a quantity gives a figure",
    ),
    "figure-on-proposition": (
        SMALL + 'value = "Count"\n',
        ",Count",
        GOOD + ",3",
        "Count",
        "a figure on an assertion without a unit",
    ),
    "duplicate-id": (
        CITES,
        ",Ref,Per",
        GOOD + ",r1,",
        "Ref",
        "claim id 'r1' is already used on row 2",
    ),
    "bad-identifier": (CITES, ",Ref,Per", GOOD + ",r2,x", "Per", "'x' is not a row number"),
    "citation-cycle": (
        CITES,
        ",Ref,Per",
        GOOD + ",r2,3",
        "Per",
        "'3' is this claim's own row or id",
    ),
    "dangling-citation": (
        CITES,
        ",Ref,Per",
        GOOD + ",r2,9",
        "Per",
        "row 9 is not a claim row of this sheet",
    ),
}

GOOD_ROWS = {  # the row above the bad one, where the usual one would be bad too
    "not-in-enum": GOOD.replace("confirmed", "supports"),
    "figure-on-proposition": GOOD + ",",
}


@pytest.mark.parametrize("code", SHEET_CASES)
def test_a_sheet_cell_problem_carries_its_code_row_and_column(tmp_path, code):
    mapping, extra, bad, column, message = SHEET_CASES[code]
    good = GOOD_ROWS.get(code, GOOD + {"": "", ",Count": ",3", ",Ref,Per": ",r1,"}[extra])
    sheet, mapping_file = write(
        tmp_path, f"{good}\n{bad}\n", mapping, HEADER.strip() + extra + "\n"
    )
    with pytest.raises(SheetProblems) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping_file)
    found = [p for p in caught.value.problems if p.code == code]
    assert found, [(p.code, p.message) for p in caught.value.problems]
    assert (found[0].file, found[0].row, found[0].column) == (str(sheet), 3, column)
    assert found[0].message.startswith(message), found[0].message
    assert f"  {sheet}:3: {column}: {found[0].message}" in str(caught.value)


def test_every_importer_code_is_driven_and_the_sheet_shares_the_dataset_codes():
    # alias-cycle: test_hostile_importers; unknown-column: above
    assert set(IMPORTER_CODES) <= {*SHEET_CASES, "alias-cycle", "unknown-column"}
    assert set(SHEET_CASES) - set(IMPORTER_CODES) <= set(REASON_CODES)


def test_a_problem_needs_a_declared_code_and_its_fix_follows_the_message():
    problem = Problem(
        "briefings.toml", 9, None, "cron '0 6' has 2 fields", "bad-schedule", "write five"
    )
    assert str(problem) == "briefings.toml:9: cron '0 6' has 2 fields; write five"
    assert str(Problem("s.csv", 3, "Who", "empty", "required-value")) == "s.csv:3: Who: empty"
    with pytest.raises(ValueError, match="unknown reason code 'no-such-code'"):
        Problem("briefings.toml", 9, None, "?", "no-such-code")
    assert len(PROBLEM_CODES) == len(REASON_CODES + IMPORTER_CODES + CONFIG_CODES + JOBS_CODES)


def test_a_refusal_lists_the_first_problems_and_counts_the_rest():
    problems = [Problem("f.toml", n, None, f"problem {n}", "bad-value") for n in range(40, 0, -1)]
    error = ProblemsError("f.toml", problems + problems[:3], uncounted=5)  # repeats count once
    lines = str(error).splitlines()
    assert lines[0] == "f.toml: 45 problem(s) found"
    assert lines[1:3] == ["f.toml:1: problem 1", "f.toml:2: problem 2"]
    assert lines[30:] == ["f.toml:30: problem 30", "... and 15 more problem(s)"]
    assert error.exit_code == 2


def documented(page: str) -> set[str]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    table = text.split("\n## Problem codes\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.MULTILINE))


def test_the_docs_list_each_code_of_the_jobs_file_and_of_the_importers():
    assert documented("desk.md") == set(CONFIG_CODES) | set(JOBS_CODES)
    assert documented("importers.md") == set(CONFIG_CODES) | set(IMPORTER_CODES)
