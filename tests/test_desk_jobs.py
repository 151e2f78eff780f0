"""The jobs file: good files read, bad ones refused with each problem's line, grids
expanded into briefings with stable readable keys."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from analysis.build import TYPE_MEANINGS
from analysis.desk.jobs import (
    Desk,
    JobsFileError,
    briefing_key,
    load_desk,
    load_jobs,
    select_jobs,
)
from analysis.desk.schedule import Schedule
from analysis.errors import BriefingError
from analysis.tomlfile import scan

from .conftest import ROOT
from .test_desk_support import JOB, kyiv, write_desk

GRID_JOBS = """\
[[job]]
name = "morning"
notebook = "brief"
formats = ["html"]

[job.parameters]
dataset = "data/one"
as_of = "{scheduled_date}"

[job.grid]
topic = ["Drones", "Front line"]
max_rows = [10, 20]

[job.schedule]
cron = "0 6 * * *"
timezone = "Europe/Kyiv"
catch_up = "none"

[[job]]
name = "weekly"
notebook = "notebooks/brief.ipynb"
schedule = { cron = "0 7 * * mon", timezone = "UTC" }
"""


def test_a_good_file_reads_into_jobs(tmp_path):
    jobs = load_jobs(write_desk(tmp_path, GRID_JOBS))

    morning, weekly = jobs
    assert morning.name == "morning"
    assert morning.notebook == tmp_path / "notebooks" / "brief.ipynb"
    assert morning.formats == ("html",)
    assert morning.parameters == {"dataset": "data/one", "as_of": "{scheduled_date}"}
    assert morning.grid == {"topic": ("Drones", "Front line"), "max_rows": (10, 20)}
    assert morning.schedule == Schedule("0 6 * * *", "Europe/Kyiv", "none")
    assert morning.dataset_parameter == "dataset"
    assert morning.root == tmp_path
    assert morning.line == 1
    assert weekly.formats == ("html", "pdf")  # the default
    assert weekly.schedule == Schedule("0 7 * * mon", "UTC", "latest")
    assert weekly.line == 19


def test_a_grid_expands_in_the_written_order_with_readable_keys(tmp_path):
    morning, weekly = load_jobs(write_desk(tmp_path, GRID_JOBS))

    briefings = morning.briefings()
    assert [b.key for b in briefings] == [
        "drones-10",
        "drones-20",
        "front-line-10",
        "front-line-20",
    ]
    assert briefings[1].values == {"topic": "Drones", "max_rows": 20}
    assert [b.key for b in weekly.briefings()] == ["default"]


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({}, "default"),
        ({"topic": "drones"}, "drones"),
        ({"topic": "Air Defence / Kyiv"}, "air-defence-kyiv"),
        ({"topic": "v1.2_final"}, "v1.2_final"),
        ({"topic": "ukraine", "max_rows": 10, "hedged": True}, "ukraine-10-true"),
        ({"as_of": dt.date(2025, 4, 8)}, "2025-04-08"),
        ({"dataset": "data/belgorod-2025-04"}, "data-belgorod-2025-04"),
    ],
)
def test_briefing_keys(values, key):
    assert briefing_key(values) == key


def test_parameters_take_the_scheduled_date_as_text_and_an_absolute_dataset(tmp_path):
    morning = load_jobs(write_desk(tmp_path, GRID_JOBS))[0]
    briefing = morning.briefings()[2]  # Front line, 10
    # 23:30 UTC on 27 November is already the 28th in Kyiv.
    scheduled = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)

    assert briefing.given(scheduled) == [
        ("dataset", str(tmp_path / "data" / "one")),
        ("as_of", "2026-11-28"),
        ("topic", "Front line"),
        ("max_rows", "10"),
    ]
    assert briefing.parameters(scheduled) == {
        "dataset": str(tmp_path / "data" / "one"),
        "as_of": "2026-11-28",
        "topic": "Front line",
        "marking": "TEST",
        "max_rows": 10,
    }


def test_the_default_dataset_is_read_from_the_notebooks_folder(tmp_path):
    job = load_jobs(write_desk(tmp_path))[0]
    parameters = job.briefings()[0].parameters(kyiv(2026, 11, 27, 6))
    assert parameters["dataset"] == str(tmp_path / "data" / "one")  # "../data/one"


def test_a_placeholder_is_replaced_as_data_never_evaluated(tmp_path):
    jobs_file = write_desk(tmp_path, JOB.replace('"INTERNAL"', '"{scheduled_date} ({1+1})"'))
    briefing = load_jobs(jobs_file)[0].briefings()[0]
    assert ("marking", "2026-11-27 ({1+1})") in briefing.given(kyiv(2026, 11, 27, 6))


def test_the_repos_own_jobs_file_reads_and_does_not_bind_as_of():
    (job,) = load_jobs(ROOT / "briefings.toml")
    assert job.name == "belgorod"
    assert job.notebook == ROOT / "notebooks" / "briefing.ipynb"
    assert job.schedule == Schedule("0 6 * * *", "Europe/Kyiv", "latest")
    parameters = job.briefings()[0].parameters(kyiv(2026, 11, 27, 6))
    assert parameters["dataset"] == str(ROOT / "data" / "belgorod-2025-04")
    assert parameters["as_of"] is None  # the seed ends in April 2025: see the comment


def test_select_jobs_refuses_an_unknown_name(tmp_path):
    jobs = load_jobs(write_desk(tmp_path, GRID_JOBS))
    assert [j.name for j in select_jobs(jobs, ["weekly"])] == ["weekly"]
    assert [j.name for j in select_jobs(jobs, [])] == ["morning", "weekly"]
    with pytest.raises(BriefingError, match="no job 'daily'; jobs: morning, weekly"):
        select_jobs(jobs, ["daily"])


def test_a_missing_jobs_file_says_how_to_make_one(tmp_path):
    with pytest.raises(BriefingError, match="no jobs file .*docs/desk.md.*--jobs FILE"):
        load_jobs(tmp_path / "briefings.toml")


def _problems(tmp_path, text: str) -> list[str]:
    jobs_file = write_desk(tmp_path, textwrap.dedent(text))
    with pytest.raises(JobsFileError) as caught:
        load_jobs(jobs_file)
    prefix = f"{jobs_file}:"
    lines = caught.value.render().splitlines()
    assert lines[0] == f"{jobs_file}: {len(lines) - 1} problem(s) found, nothing was run"
    return [line.removeprefix(prefix) for line in lines[1:]]


def test_a_toml_syntax_error_names_its_line(tmp_path):
    assert _problems(tmp_path, JOB.replace('notebook = "brief"', "notebook = brief")) == [
        "3: not valid TOML: Invalid value (column 12); see docs/desk.md for the format"
    ]


def test_a_string_never_closed_points_at_the_last_line(tmp_path):
    assert _problems(tmp_path, JOB + 'notes = """never closed\n\n') == [
        "12: not valid TOML: Unterminated string; see docs/desk.md for the format"
    ]


def test_every_problem_is_listed_with_its_line_and_a_fix(tmp_path):
    problems = _problems(
        tmp_path,
        """\
        owner = "desk"
        [[job]]
        name = "morning"
        notebook = "brief"
        shedule = "daily"
        formats = ["html", "docx"]

        [job.parameters]
        colour = "red"
        max_rows = 0
        as_of = "{scheduled_day}"

        [[job]]
        name = "morning"
        notebook = "nosuch"

        [job.grid]
        topic = "drones"

        [job.schedule]
        cron = "0 6 * *"
        timezone = "Europe/Kiyv"
        catch_up = "all"
        """,
    )
    assert problems == [
        "1: unknown key 'owner'; each job is a [[job]] table",
        '2: job has no schedule; write [job.schedule] with cron = "0 6 * * *" and timezone = "Europe/Kyiv"',
        "5: unknown key 'shedule' in a job; did you mean 'schedule'? a job takes name, notebook, parameters, grid, formats, schedule, timeout, cell_timeout, notify",
        "6: formats ['html', 'docx'] are not a list of html and pdf; write e.g. formats = [\"html\", \"pdf\"]",
        "9: unknown parameter 'colour' (this notebook takes: dataset, as_of, topic, marking, max_rows); see: briefing notebooks (brief)",
        "10: parameter 'max_rows': '0' is not valid: expected a whole number of 1 or more; see: briefing notebooks (brief)",
        "11: parameter 'as_of': unknown placeholder {scheduled_day}; the only placeholder is {scheduled_date}",
        "14: job name 'morning' is already used on line 3; give each job its own name",
        "15: no notebook 'nosuch'; available: "
        + _available()
        + "; name one in notebooks/ (see: briefing notebooks) or give its path",
        '18: grid \'topic\' is not a list of values; write topic = ["a", "b"]',
        "21: cron '0 6 * *' has 4 field(s), not 5; write minute hour day month weekday, e.g. \"0 6 * * *\" for 06:00 daily",
        '22: unknown time zone \'Europe/Kiyv\'; use an IANA name such as "Europe/Kyiv" or "UTC"',
        '23: catch_up \'all\' is not known; write "latest" (build once for missed times) or "none"',
    ]


def _available() -> str:
    """What find_notebook lists: the notebooks of the project (tests run from its root)."""
    return ", ".join(sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")))


@pytest.mark.parametrize(
    ("schedule", "line", "message"),
    [
        ('schedule = { cron = "61 6 * * *", timezone = "UTC" }', 4, "is not a valid cron"),
        ('schedule.cron = "0 0 30 2 *"\nschedule.timezone = "UTC"', 4, "never happens"),
        ('schedule = { timezone = "UTC" }', 4, "schedule has no cron"),
        ('[job.schedule]\ncron = "0 6 * * *"', 4, "schedule has no timezone"),
        ('[job.schedule]\ntimezone = "UTC"\ncron = "0 6 * * * *"', 6, "has 6 field(s), not 5"),
        ('schedule = "daily"', 4, "schedule is not a table"),
    ],
)
def test_schedule_problems_name_the_line_of_their_key(tmp_path, schedule, line, message):
    text = f'[[job]]\nname = "a"\nnotebook = "brief"\n{schedule}\n'
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith(f"{line}: ")
    assert message in problem


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        (
            'topic = ["Drones", "drones"]',
            "topic = 'Drones' and topic = 'drones' both make the key 'drones'",
        ),
        ('topic = ["a", "!!"]', "grid value '!!' has no letter or digit for the key"),
        ("topic = []", "grid 'topic' is not a list of values"),
        ('marking = ["A", "B"]', "'marking' is both a parameter and a grid name"),
        ('max_rows = [10, "many"]', "parameter 'max_rows': 'many' is not valid"),
        ("topic = [[1, 2]]", "parameter 'topic': [1, 2] is not a single value"),
    ],
)
def test_grid_problems_name_the_line_of_their_name(tmp_path, grid, message):
    text = JOB.replace("[job.schedule]", f"[job.grid]\n{grid}\n\n[job.schedule]")
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("9: ")
    assert message in problem


def test_a_collision_across_two_grid_names_points_at_the_grid(tmp_path):
    grid = '[job.grid]\ntopic = ["a-b", "a"]\nmarking = ["c", "b-c"]'
    text = JOB.replace('marking = "INTERNAL"', "").replace(
        "[job.schedule]", f"{grid}\n\n[job.schedule]"
    )
    (problem,) = _problems(tmp_path, text)
    assert problem == (
        "8: topic = 'a-b', marking = 'c' and topic = 'a', marking = 'b-c' both make the key "
        "'a-b-c'; make the values differ in letters or digits"
    )


def test_a_job_without_name_or_notebook_points_at_its_header(tmp_path):
    problems = _problems(tmp_path, JOB + '\n[[job]]\nformats = ["pdf"]\n')
    assert problems[:2] == [
        '12: job has no name; add name = "morning" under [[job]]',
        '12: job has no notebook; add notebook = "briefing"',
    ]


def test_a_bad_job_name_is_refused(tmp_path):
    (problem,) = _problems(tmp_path, JOB.replace('"morning"', '"morning run"'))
    assert problem == (
        "2: job name 'morning run' is not a name; start with a letter; use letters, digits, - and _"
    )


def test_a_toml_date_value_is_a_date_parameter(tmp_path):
    jobs_file = write_desk(tmp_path, JOB.replace('marking = "INTERNAL"', "as_of = 2025-04-08"))
    briefing = load_jobs(jobs_file)[0].briefings()[0]
    assert ("as_of", "2025-04-08") in briefing.given(kyiv(2026, 11, 27, 6))


def test_positions_skip_multiline_values_comments_and_strings():
    text = textwrap.dedent(
        '''\
        # name = "not a key"
        [[job]]  # first
        name = "a"
        grid.topic = [
          "x = 1",
          "[job.schedule]",
        ]
        notes = """
        cron = "in a string"
        """
        [job.schedule]
        cron = "0 6 * * *"
        "quoted key" = 1

        [[job]]
        schedule = { cron = "x", timezone = "UTC" }
        '''
    )
    positions = scan(text)
    assert positions.jobs[0] == {
        (): 2,
        ("name",): 3,
        ("grid",): 4,
        ("grid", "topic"): 4,
        ("notes",): 8,
        ("schedule",): 11,
        ("schedule", "cron"): 12,
        ("schedule", "quoted key"): 13,
    }
    assert positions.line(1, "schedule", "cron") == 16  # inside an inline table
    assert positions.line(1, "name") == 15  # not written: the job's header
    assert positions.line(None, "owner") == 1


def test_a_job_may_set_its_time_limits(tmp_path):
    text = JOB.replace(
        'notebook = "brief"\n', 'notebook = "brief"\ntimeout = 900\ncell_timeout = 60\n'
    )
    (job,) = load_jobs(write_desk(tmp_path, text))
    assert (job.timeout, job.cell_timeout) == (900.0, 60.0)
    (default,) = load_jobs(write_desk(tmp_path / "other", JOB))
    assert (default.timeout, default.cell_timeout) == (1800.0, 600.0)


def test_a_time_limit_that_is_not_seconds_names_its_line(tmp_path):
    text = JOB.replace('notebook = "brief"\n', 'notebook = "brief"\ntimeout = "soon"\n')
    (problem,) = _problems(tmp_path, text)
    assert problem == (
        "4: timeout 'soon' is not a number of seconds above 0 and at most 604,800 (a week); "
        "write a number of seconds above 0, e.g. timeout = 900"
    )


def test_the_desk_table_names_the_executor_and_scheduler(tmp_path):
    text = '[desk]\nexecutor = "dask"\nscheduler = "tcp://10.0.0.5:8786"\n\n' + JOB
    assert load_desk(write_desk(tmp_path / "a", text)) == Desk("dask", "tcp://10.0.0.5:8786")
    assert load_desk(write_desk(tmp_path / "b", JOB)) == Desk(None, None)  # the flags decide
    dotted = 'desk.scheduler = "tls://[::1]:8786"\n' + JOB  # a dotted key, before the jobs
    assert load_desk(write_desk(tmp_path / "c", dotted)) == Desk(None, "tls://[::1]:8786")
    assert [job.name for job in load_jobs(tmp_path / "a" / "briefings.toml")] == ["morning"]


def test_desk_table_problems_name_their_line_and_refuse_the_file(tmp_path):
    text = (
        JOB
        + '\n[desk]\nexecutor = "daks"\nsheduler = "tcp://10.0.0.5:8786"\nscheduler = "10.0.0.5"\n'
    )
    expected = [
        "13: executor 'daks' is not known; did you mean 'dask'? write \"local\" (processes on this machine) or \"dask\" (a cluster)",
        "14: unknown key 'sheduler' in [desk]; did you mean 'scheduler'? [desk] takes executor, scheduler",
        "15: scheduler '10.0.0.5' is not a scheduler address; write a running scheduler's address, e.g. \"tcp://10.0.0.5:8786\"",
    ]
    assert _problems(tmp_path / "a", text) == expected
    with pytest.raises(JobsFileError):  # a run reading its settings refuses the file too
        load_desk(tmp_path / "a" / "briefings.toml")
    assert _problems(tmp_path / "b", 'desk = "dask"\n' + JOB) == [
        '1: desk is not a table; write [desk] with executor = "dask" and scheduler = "tcp://10.0.0.5:8786"'
    ]
    assert _problems(tmp_path / "c", '[dsk]\nexecutor = "dask"\n' + JOB) == [
        "1: unknown key 'dsk'; did you mean 'desk'? the run's settings are a [desk] table"
    ]


def test_the_executors_are_the_modules_of_their_folder():
    """Adding an executor is adding a module: the run, the CLI and the jobs file's check
    all take the names from desk/executors/."""
    from analysis.desk import executors

    folder = Path(executors.__file__).parent
    modules = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    assert executors.names()[0] == "local" and set(executors.names()) == modules
    assert modules == {"local", "dask"}
    assert [executors.named(name).name for name in executors.names()] == ["local", "dask"]
    with pytest.raises(ValueError, match="no executor 'daks'; choose from local, dask"):
        executors.named("daks")


def test_a_value_of_another_toml_kind_than_its_parameter_is_refused(tmp_path):
    """`title = true` or `marking = 5` would reach the notebook as the text "true" or
    "5": refused with the quoted spelling as the fix; a quoted number for a whole-number
    parameter still reads as on the command line."""
    text = JOB.replace('marking = "INTERNAL"', 'marking = 5\nmax_rows = "25"\nas_of = true')
    assert _problems(tmp_path, text) == [
        "6: parameter 'marking': 5 is a number, but it takes any text; write it in quotes (\"5\") if you mean that text",
        "8: parameter 'as_of': true is a true/false value, but it takes "
        + TYPE_MEANINGS["date"]
        + '; write it in quotes ("true") if you mean that text',
    ]


def test_a_key_set_twice_names_both_lines(tmp_path):
    """tomllib says "Cannot overwrite a value"; the reader says which key and where it
    was first set."""
    text = JOB.replace('marking = "INTERNAL"', 'marking = "INTERNAL"\ntopic = "x"\nmarking = "B"')
    assert _problems(tmp_path, text) == [
        "8: not valid TOML: marking is set twice in one table (first on line 6); keep one; "
        "see docs/desk.md for the format"
    ]
