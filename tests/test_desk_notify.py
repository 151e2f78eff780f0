"""Mail notices: recipients checked in the jobs file, mails received by a real SMTP server
(aiosmtpd), parsed and read as a mail client would; a dead server fails no briefing."""

from __future__ import annotations

import email
import io
import json
import re
import shutil
import socket
import time
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader, PdfWriter

from analysis.cli import main
from analysis.desk.history import History
from analysis.desk.jobs import JobsFileError, Notify, load_jobs
from analysis.desk.notify import Notifier
from analysis.errors import BriefingError
from analysis.settings import Settings

from .conftest import CONTRACT_EXAMPLE, DATA, SEED
from .peers import HostilePeer
from .test_desk_support import JOB, write_desk


def smtp_settings(environment):
    return Settings.from_environment(environment).smtp


class Tags(HTMLParser):
    """Every tag and attribute of a mail's HTML, as a mail client reads them."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def self_contained(markup: str) -> bool:
    """No script, no image, no style sheet or link to fetch: nothing loads from elsewhere."""
    found = Tags(markup)
    loads = {name for name, _ in found.attributes} & {"src", "href", "background", "srcset"}
    styles = " ".join(value for name, value in found.attributes if name == "style")
    fetching = {"script", "img", "link", "iframe", "object", "embed", "style"} & found.tags
    return not loads and not fetching and "url(" not in styles and "<script" not in markup


class Inbox:
    """aiosmtpd's handler: keeps every mail it is given, as parsed messages."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield (
        inbox,
        {
            "BRIEFING_SMTP_HOST": "127.0.0.1",
            "BRIEFING_SMTP_PORT": str(controller.port),
            "BRIEFING_SMTP_FROM": "desk@example.org",
        },
    )
    controller.stop()


def notify_job(notify: str) -> str:
    return JOB + "\n[job.notify]\n" + notify


def test_a_job_names_its_recipients(tmp_path):
    jobs_file = write_desk(
        tmp_path,
        notify_job('on_failure = ["desk@example.org", "ops@example.org"]\n'),
    )
    (job,) = load_jobs(jobs_file)
    assert job.notify == Notify((), ("desk@example.org", "ops@example.org"))


def test_recipient_mistakes_are_refused_with_their_lines(tmp_path):
    jobs_file = write_desk(
        tmp_path,
        notify_job(
            'on_failure = ["desk@example.org", "Desk <desk@example.org>"]\n'
            'on_sucess = ["a@example.org"]\n'
        )
        + '\n[[job]]\nname = "second"\nnotebook = "brief"\nnotify.on_success = "a@example.org"\n'
        'schedule = { cron = "0 6 * * *", timezone = "UTC" }\n',
    )
    with pytest.raises(JobsFileError) as refused:
        load_jobs(jobs_file)
    lines = str(refused.value).splitlines()[1:]
    assert lines == [
        f"{jobs_file}:13: notify.on_failure: 'Desk <desk@example.org>' is not an email address;"
        ' write it as "name@example.org"',
        f"{jobs_file}:14: unknown key 'on_sucess' in notify; did you mean 'on_success'? "
        "notify takes on_success, on_failure",
        f"{jobs_file}:19: notify.on_success 'a@example.org' is not a list of addresses;"
        ' write on_success = ["desk@example.org"]',
    ]


def test_smtp_settings_come_from_the_environment_only():
    assert smtp_settings({}) is None
    settings = smtp_settings({"BRIEFING_SMTP_HOST": "mail.example.org", "BRIEFING_SMTP_USER": "u"})
    assert (settings.port, settings.starttls, settings.user) == (587, True, "u")
    relay = smtp_settings({"BRIEFING_SMTP_HOST": "relay", "BRIEFING_SMTP_PORT": "25"})
    assert (relay.port, relay.starttls) == (25, False)
    with pytest.raises(BriefingError, match="PORT='smtp' is not a port number"):
        smtp_settings({"BRIEFING_SMTP_HOST": "relay", "BRIEFING_SMTP_PORT": "smtp"})


def built_folder(root: Path, title: str) -> Path:
    """A briefing folder as a build leaves it: manifest, executed notebook, a real PDF."""
    folder = root / "reports" / "morning" / "default" / "2025-04-08"
    folder.mkdir(parents=True)
    pdf = PdfWriter()
    pdf.add_blank_page(width=595, height=842)
    pdf.write(folder / "briefing.pdf")
    judgments = '<ol class="judgments"><li>Kyiv &amp; <b>Kharkiv</b> disagree</li><li>Two</li></ol>'
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "source": "",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {
                            "application/vnd.claim-briefings.masthead+json": {
                                "title": title,
                                "subtitle": "s",
                                "marking": "INTERNAL // DRAFT",
                            },
                            "text/html": "<header>t</header>",
                        },
                    },
                    {"output_type": "display_data", "data": {"text/html": judgments}},
                ],
            }
        ]
    }
    (folder / "briefing.ipynb").write_text(json.dumps(notebook))
    changes = {
        "first": False,
        "new_claims": 3,
        "new_sources": ["<img src=x>"],
        "status_moves": [{"assertion_id": "a1", "before": "contested", "after": "corroborated"}],
        "status_moves_total": 1,
        "new_conflicts": 2,
    }
    manifest = {
        "notebook": "briefing",
        "title": title,
        "parameters": {"as_of": "2025-04-08"},
        "started": "2025-04-08T06:00:00+00:00",
        "files": ["briefing.ipynb", "briefing.pdf", "manifest.json"],
        "changes": changes,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def parts(message) -> tuple[str, str, list]:
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    markup = message.get_body(("html",)).get_content()
    return text, markup, list(message.iter_attachments())


def test_the_success_mail_carries_judgments_changes_and_the_pdf_escaped(tmp_path, smtp_server):
    from analysis.present.masthead import MIMETYPE

    assert MIMETYPE == "application/vnd.claim-briefings.masthead+json"
    inbox, environment = smtp_server
    jobs_file = write_desk(
        tmp_path, notify_job('on_success = ["a@example.org", "b@example.org"]\n')
    )
    (job,) = load_jobs(jobs_file)
    title = "Belgorod <script>alert(1)</script>\nsecond line"
    folder = built_folder(tmp_path, title)
    history = History(tmp_path / "reports")
    notify = Notifier({"morning": job}, history, smtp_settings(environment))
    notify("morning", "default", "built", "new", folder=str(folder))
    ((recipients, message),) = inbox.mails
    assert recipients == ["a@example.org", "b@example.org"]
    assert message["To"] == "a@example.org, b@example.org"
    assert message["From"] == "desk@example.org"
    assert message["Subject"].strip() == (  # folded: a long header starts on its next line
        "Briefing: Belgorod <script>alert(1)</script> second line (morning/default)"
    )
    text, markup, attachments = parts(message)
    assert "1. Kyiv & Kharkiv disagree\n2. Two\n" in text
    assert "- a1: contested -> corroborated" in text and "- 2 new conflict(s)" in text
    assert "INTERNAL // DRAFT" in text
    assert self_contained(markup) and "&lt;img src=x&gt;" in markup
    assert "Belgorod &lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "Kyiv &amp; Kharkiv disagree" in markup and "<b>" not in markup
    ((pdf),) = attachments
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename() == "briefing.pdf"
    assert len(PdfReader(io.BytesIO(pdf.get_content())).pages) == 1
    ((notice),) = history.notices()
    assert (notice.kind, notice.sent, notice.recipients) == (
        "success",
        True,
        ("a@example.org", "b@example.org"),
    )


def test_the_failure_mail_names_the_cell_the_error_and_the_kept_notebook(tmp_path, smtp_server):
    inbox, environment = smtp_server
    jobs_file = write_desk(tmp_path, notify_job('on_failure = ["ops@example.org"]\n'))
    (job,) = load_jobs(jobs_file)
    notify = Notifier({"morning": job}, History(tmp_path / "reports"), smtp_settings(environment))
    notify("morning", "default", "built", "new", folder=str(tmp_path))  # nobody asked
    error = "brief.ipynb: cell 3 failed: KeyError: '<c9>'"
    kept = "/srv/desk/reports/_failed/brief-20251127T060000-abc123/brief.ipynb"
    notify("morning", "default", "failed", error, cell=3, kept=kept)
    ((recipients, message),) = inbox.mails
    assert recipients == ["ops@example.org"]
    assert message["Subject"] == "Briefing FAILED: morning/default"
    text, markup, attachments = parts(message)
    assert f"Failing cell: 3\nError: {error}\nKept notebook: {kept}\n" in text
    assert "KeyError: &#x27;&lt;c9&gt;&#x27;" in markup and kept in markup
    assert self_contained(markup) and attachments == []


def test_a_mail_that_cannot_be_sent_is_recorded_and_raises_nothing(tmp_path):
    jobs_file = write_desk(tmp_path, notify_job('on_failure = ["ops@example.org"]\n'))
    (job,) = load_jobs(jobs_file)
    history = History(tmp_path / "reports")
    dead = {"BRIEFING_SMTP_HOST": "127.0.0.1", "BRIEFING_SMTP_PORT": str(free_port())}
    Notifier({"morning": job}, history, smtp_settings(dead))("morning", "default", "failed", "x")
    Notifier({"morning": job}, history, None)("morning", "default", "failed", "x")
    refused, unset = history.notices()
    assert not refused.sent and "ConnectionRefusedError" in refused.error
    assert not unset.sent and "set BRIEFING_SMTP_HOST" in unset.error


TITLE = "Ukrainian operations in Russia's Belgorod region (April 2025)"  # the seed's title
DESK = """\
[[job]]
name = "seed"
notebook = "briefing"
formats = ["html", "pdf"]
notify.on_success = ["analysts@example.org"]
notify.on_failure = ["ops@example.org"]

[job.parameters]
dataset = "{seed}"
marking = "TEST // NOTICES"

[job.schedule]
cron = "0 6 * * *"
timezone = "UTC"

[[job]]
name = "topics"
notebook = "notebooks/topic.ipynb"
formats = ["html"]
notify.on_failure = ["ops@example.org"]

[job.parameters]
dataset = "data/one"
topic = "x"

[job.schedule]
cron = "0 6 * * *"
timezone = "UTC"
"""


def desk(root: Path) -> Path:
    (root / "notebooks").mkdir()
    shutil.copy(DATA / "desk" / "topic.ipynb", root / "notebooks")
    shutil.copytree(CONTRACT_EXAMPLE, root / "data" / "one")
    (root / "data" / "one" / "FAIL-x").write_text("")  # the topic notebook raises
    jobs_file = root / "briefings.toml"
    jobs_file.write_text(DESK.format(seed=SEED))
    return jobs_file


def run(jobs_file: Path) -> int:
    reports = jobs_file.parent / "reports"
    return main(
        ["run", "--jobs", str(jobs_file), "--out", str(reports), "--at", "2026-11-27T09:00Z"]
    )


@pytest.mark.slow  # kernels and Chromium
def test_a_desk_run_mails_its_built_and_failed_briefings(tmp_path, smtp_server, monkeypatch):
    inbox, environment = smtp_server
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BRIEFING_SMTP_STARTTLS", "no")
    jobs_file = desk(tmp_path)
    assert run(jobs_file) == 1  # the topic failed
    mails = {message["Subject"]: (to, message) for to, message in inbox.mails}
    assert sorted(mails) == ["Briefing FAILED: topics/default", f"Briefing: {TITLE} (seed/default)"]
    to, built = mails[f"Briefing: {TITLE} (seed/default)"]
    text, markup, (pdf,) = parts(built)
    assert to == ["analysts@example.org"] and "TEST // NOTICES" in text
    assert "Key judgments\n-------------\n1. " in text
    assert "First briefing of this series" in text
    assert PdfReader(io.BytesIO(pdf.get_content())).pages
    assert self_contained(markup)
    to, failed = mails["Briefing FAILED: topics/default"]
    text, _, _ = parts(failed)
    assert to == ["ops@example.org"] and "ValueError: cannot brief x" in text
    kept = re.search(r"Kept notebook: (.+)", text)[1]
    assert Path(kept).is_file() and "/_failed/" in kept


@pytest.mark.slow  # a kernel
def test_a_run_with_a_dead_mail_server_still_succeeds(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BRIEFING_SMTP_PORT", str(free_port()))
    jobs_file = desk(tmp_path)
    (tmp_path / "data" / "one" / "FAIL-x").unlink()
    topics = "[[job]]" + DESK.split("[[job]]")[2]  # the topic job alone, mailing its success
    jobs_file.write_text(topics.replace("notify.on_failure", "notify.on_success"))
    reports = tmp_path / "reports"
    assert main(["run", "--jobs", str(jobs_file), "--out", str(reports)]) == 0
    (notice,) = History(reports).notices()
    assert not notice.sent and "ConnectionRefusedError" in notice.error
    assert [r.result for r in History(reports).runs()] == ["built"]


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@pytest.mark.parametrize("kind", ["slow", "drip", "silent"])
def test_a_server_that_holds_the_mail_costs_the_run_its_budget_and_no_more(
    tmp_path, smtp_server, kind
):
    inbox, environment = smtp_server
    jobs_file = write_desk(tmp_path, notify_job('on_failure = ["ops@example.org"]\n'))
    (job,) = load_jobs(jobs_file)
    history = History(tmp_path / "reports")
    server = HostilePeer(kind)
    hostile = smtp_settings(
        {"BRIEFING_SMTP_HOST": "127.0.0.1", "BRIEFING_SMTP_PORT": str(server.port)}
        | {"BRIEFING_SMTP_STARTTLS": "no", "BRIEFING_SMTP_BUDGET": "0.5"}
    )
    notify = Notifier({"morning": job}, history, hostile)
    clock = time.monotonic()
    try:
        for key in ("a", "b", "c"):  # three failures of one run, mailed one after the other
            notify("morning", key, "failed", "x")
    finally:
        server.close()
    took = time.monotonic() - clock
    assert 0.45 < took < 2  # the budget, for all three together
    first, *rest = history.notices()
    assert not first.sent and "did not finish within 0.5 s" in first.error
    assert [n.sent for n in rest] == [False, False]
    assert all("not tried: the run's mails took their 0.5 s" in n.error for n in rest)

    good = smtp_settings(environment | {"BRIEFING_SMTP_STARTTLS": "no"})
    Notifier({"morning": job}, history, good)("morning", "d", "failed", "x")  # a fresh run
    assert history.notices()[-1].sent and len(inbox.mails) == 1


def test_the_mail_budget_comes_from_the_environment():
    relay = {"BRIEFING_SMTP_HOST": "relay"}
    assert smtp_settings(relay).budget == 60.0
    assert smtp_settings(relay | {"BRIEFING_SMTP_BUDGET": "2.5"}).budget == 2.5
    for wrong in ("0", "-1", "soon", "nan", "1e9"):
        with pytest.raises(BriefingError, match="BUDGET=.*give seconds above 0"):
            smtp_settings(relay | {"BRIEFING_SMTP_BUDGET": wrong})


def test_the_notice_says_which_figures_were_revised_and_which_questions_moved():
    from analysis.desk.notify import changed_lines

    facts = {
        "figures_revised": [
            {
                "assertion_id": "tanks",
                "source_id": "general_staff",
                "from": {"value": 3120.0, "low": None, "high": None},
                "to": {"value": 3098.0, "low": None, "high": None},
                "at": "2025-05-04",
                "day": "2025-05-03",
            },
            {
                "assertion_id": "deaths_strike",
                "source_id": "mod_a",
                "from": {"value": None, "low": 100.0, "high": None},
                "to": {"value": 12.0, "low": 8.0, "high": 20.0},
                "at": "2025-05-05",
                "day": None,
            },
        ],
        "figures_revised_total": 5,
        "figures_new": 2,
        "question_moves": [
            {"question_id": "q_town", "before": "open", "after": "corroborated", "answer": "a1"}
        ],
    }
    assert changed_lines(facts) == [
        "general_staff revised tanks from 3,120 to 3,098 on 2025-05-04 (for 2025-05-03)",
        "mod_a revised deaths_strike from 100+ to 12 (8-20) on 2025-05-05",
        "and 3 more revised figure(s)",
        "2 new figure(s)",
        "q_town: open -> corroborated (a1)",
    ]
