"""Mail notices of the desk: a short summary when a briefing is built, the error when one fails.

The mails are written from what the build left in the briefing's folder
(``manifest.json`` for the title and what changed, the executed notebook for the
key judgments and the masthead's marking), so nothing is computed twice. Both
have a plain text part and an HTML part that mail clients show as written:
inline styles only, no scripts, no images, no links out; every text that comes
from data is escaped. Sending is best effort: a mail that cannot be sent is
recorded in the run history and never fails the briefing.

SMTP settings are given by the caller (the CLI reads them from the environment into
:class:`analysis.settings.Settings`); the jobs file only names recipients.

A mail server never holds a run: all of a run's mails share one budget of time
(``BRIEFING_SMTP_BUDGET``, MAIL_BUDGET seconds by default), each send gets at most
the smaller of SEND_TIMEOUT and what is left, enforced by a deadline on the whole
conversation (a server dripping a byte a second never trips a per-read timeout),
and once the budget is spent the remaining notices are recorded as not sent
without trying.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

from analysis.desk.history import History, Notice
from analysis.desk.jobs import Job
from analysis.errors import BriefingError
from analysis.present.masthead import MIMETYPE as MASTHEAD
from analysis.present.masthead import displayed
from analysis.settings import SEND_TIMEOUT, SmtpSettings

_JUDGMENTS = '<ol class="judgments">'


@dataclass
class Notifier:
    """Sends each job's notices as the run's briefings end, and records each in the
    history. ``smtp`` None (no server configured) records the notices as not sent."""

    jobs: dict[str, Job]
    history: History
    smtp: SmtpSettings | None
    spent: float = 0.0  # seconds the run's mails have taken so far
    refused: str | None = None  # why no more mail is tried, once it is so

    def give_up(self, why: str) -> None:
        """Try no more mail in this run (it was stopped): notices are recorded as not sent."""
        self.refused = self.refused or why

    def __call__(self, job: str, key: str, result: str, detail: str, **facts) -> None:
        """Notify about one briefing's outcome, if its job asks to; never raises."""
        kind = {"built": "success", "failed": "failure"}.get(result)
        found = self.jobs.get(job)
        if kind is None or found is None:
            return
        recipients = getattr(found.notify, f"on_{kind}")
        if not recipients:
            return
        error = None
        try:
            within = self._time_left()
            sender = self.smtp.sender
            if kind == "success":
                message = success_mail(job, key, Path(facts["folder"]), recipients, sender)
            else:
                message = failure_mail(job, key, detail, recipients, sender, **facts)
            clock = time.monotonic()
            try:
                send(message, self.smtp, within)
            finally:
                self.spent += time.monotonic() - clock
        except Exception as exc:  # the briefing is built and recorded: a mail never fails it
            error = f"{type(exc).__name__}: {exc}"
        now = dt.datetime.now(dt.UTC)
        with contextlib.suppress(BriefingError, OSError):  # a history that fails fails no run
            self.history.record_notice(
                Notice(job, key, now, kind, recipients, error is None, error)
            )

    def _time_left(self) -> float:
        """Seconds the next mail may take; raises (the notice not sent) when it may not."""
        if self.smtp is None:
            raise OSError("no mail server: set BRIEFING_SMTP_HOST (see docs/desk.md)")
        if self.refused:
            raise TimeoutError(f"not tried: {self.refused}")
        left = self.smtp.budget - self.spent
        if left <= 0:
            raise TimeoutError(
                f"not tried: the run's mails took their {self.smtp.budget:g} s "
                "(BRIEFING_SMTP_BUDGET) already"
            )
        return min(SEND_TIMEOUT, left)


def send(message: EmailMessage, smtp: SmtpSettings, within: float = SEND_TIMEOUT) -> None:
    """One mail through the server in at most ``within`` seconds, whatever the server does;
    raises OSError (TimeoutError past the deadline) or SMTPException when it cannot.

    smtplib's timeout bounds each read, not the conversation: the talk runs in a thread
    this one waits for until the deadline, then hangs up on (its socket shut, so the
    thread ends too)."""
    server = smtplib.SMTP(timeout=within + 1.0)  # the deadline below speaks first
    failures: list[BaseException] = []

    def talk() -> None:
        try:
            server.connect(smtp.host, smtp.port)
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
            server.quit()
        except BaseException as exc:  # handed to the caller's thread
            failures.append(exc)
        finally:
            server.close()

    thread = threading.Thread(target=talk, name="smtp-send", daemon=True)
    thread.start()
    thread.join(within)
    if thread.is_alive():
        _hang_up(server)
        raise TimeoutError(
            f"the mail server {smtp.host}:{smtp.port} did not finish within {within:g} s"
        )
    if failures:
        raise failures[0]


def _hang_up(server: smtplib.SMTP) -> None:
    """End a conversation from another thread: a shut socket wakes its blocked read."""
    sock = server.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def success_mail(
    job: str, key: str, folder: Path, recipients: tuple[str, ...], sender: str
) -> EmailMessage:
    """The built briefing in short: marking, title, key judgments, what changed, the PDF."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    notebook = _executed(folder / f"{manifest.get('notebook', '')}.ipynb")
    marking = str((displayed(notebook, MASTHEAD) or {}).get("marking", "")) if notebook else ""
    title = " ".join(str(manifest.get("title") or job).split())  # one line, in any part
    judgments = key_judgments(notebook) if notebook else []
    changes = changed_lines(manifest.get("changes"))
    pdfs = [folder / name for name in manifest.get("files", []) if name.endswith(".pdf")]
    facts = [
        ("Briefing", f"{job}/{key}"),
        ("As of", str(manifest.get("parameters", {}).get("as_of") or "all claims")),
        ("Built", str(manifest.get("started", ""))),
        ("Folder", str(folder)),
    ]
    sections = [("Key judgments", judgments, "ol"), ("What changed", changes, "ul")]
    subject = f"Briefing: {title} ({job}/{key})"
    message = _message(subject, recipients, sender)
    message.set_content(_text(marking, title, facts, sections))
    message.add_alternative(_html(marking, title, facts, sections), subtype="html")
    for pdf in pdfs:  # one, when the job prints PDFs
        if pdf.is_file():
            message.add_attachment(
                pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name
            )
    return message


def failure_mail(
    job: str,
    key: str,
    error: str,
    recipients: tuple[str, ...],
    sender: str,
    *,
    cell: int | None = None,
    kept: str | None = None,
    **_,
) -> EmailMessage:
    """What failed and where to look: job, key, the failing cell, the error, the kept
    notebook. The last good briefing stays published; the mail says so."""
    facts = [
        ("Briefing", f"{job}/{key}"),
        ("Failing cell", str(cell) if cell is not None else "none (the build failed)"),
        ("Error", error),
        ("Kept notebook", kept or "none"),
    ]
    note = ["Nothing was published; the last good briefing stays where it was."]
    sections = [("What happens now", note, "ul")]
    subject = f"Briefing FAILED: {job}/{key}"
    message = _message(subject, recipients, sender)
    message.set_content(_text("", f"Briefing {job}/{key} failed", facts, sections))
    message.add_alternative(_html("", f"Briefing {job}/{key} failed", facts, sections), "html")
    return message


def key_judgments(notebook) -> list[str]:
    """The key judgments the notebook displayed (the ``views.judgments`` list), as text."""
    for cell in notebook.get("cells", []):  # a loop over a notebook's few dozen cells
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else markup
            start = markup.find(_JUDGMENTS)
            if start >= 0:
                reader = _Items()
                reader.feed(markup[start : markup.find("</ol>", start)])
                return reader.items
    return []


def changed_lines(facts: dict | None) -> list[str]:
    """The manifest's ``changes`` as sentences, the most telling first."""
    if not facts:
        return []
    if facts.get("first"):
        return ["First briefing of this series: nothing earlier to compare with."]
    if "unreadable" in facts:
        return ["The previous briefing kept no analysis to compare with."]
    lines = []
    if facts.get("new_claims"):
        lines.append(f"{facts['new_claims']} new claim(s)")
    if facts.get("new_sources"):
        lines.append("new source(s): " + ", ".join(map(str, facts["new_sources"])))
    moves = facts.get("status_moves") or []
    lines += [f"{m['assertion_id']}: {m['before']} -> {m['after']}" for m in moves]
    hidden = int(facts.get("status_moves_total") or 0) - len(moves)
    if hidden > 0:
        lines.append(f"and {hidden} more status move(s)")
    for name, said in (
        ("positions_withdrawn", "position(s) withdrawn"),
        ("positions_revised", "position(s) revised"),
        ("new_shifts", "new shift(s)"),
        ("new_conflicts", "new conflict(s)"),
    ):
        if facts.get(name):
            lines.append(f"{facts[name]} {said}")
    return lines + _figure_lines(facts) or ["Nothing changed since the last briefing."]


def _figure_lines(facts: dict) -> list[str]:
    """Revised figures ("mod_b revised deaths_strike from 5 to 7 on 2025-05-04"), counts
    of new and withdrawn figures and moved running totals, and question status moves."""
    revised = facts.get("figures_revised") or []
    lines = [
        f"{r['source_id']} revised {r['assertion_id']} from {_shown_figure(r['from'])} to "
        f"{_shown_figure(r['to'])} on {r['at']}" + (f" (for {r['day']})" if r.get("day") else "")
        for r in revised
    ]
    hidden = int(facts.get("figures_revised_total") or 0) - len(revised)
    if hidden > 0:
        lines.append(f"and {hidden} more revised figure(s)")
    for name, said in (
        ("figures_new", "new figure(s)"),
        ("figures_withdrawn", "figure(s) withdrawn"),
        ("totals_updated", "running total(s) moved to a later day"),
    ):
        if facts.get(name):
            lines.append(f"{facts[name]} {said}")
    for move in facts.get("question_moves") or []:
        answer = f" ({move['answer']})" if move.get("answer") else ""
        lines.append(f"{move['question_id']}: {move['before']} -> {move['after']}{answer}")
    return lines


def _shown_figure(figure: dict | None) -> str:
    """A figure of the manifest as a reader writes it: 12, 100+, 8-20, or 12 (8-20)."""
    if not figure:
        return "none"
    value, low, high = (figure.get(k) for k in ("value", "low", "high"))
    number = lambda x: f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"  # noqa: E731
    span = (
        f"{number(low)}-{number(high)}"
        if low is not None and high is not None
        else (
            f"{number(low)}+"
            if low is not None
            else (f"up to {number(high)}" if high is not None else "")
        )
    )
    if value is None:
        return span or "none"
    return f"{number(value)} ({span})" if span else number(value)


def _executed(path: Path):
    """The executed notebook the build kept, or None when it cannot be read."""
    import nbformat

    try:
        return nbformat.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


class _Items(HTMLParser):
    """The text of each ``<li>`` (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "li":
            self.items.append("")
            self._inside = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.items[-1] += data


def _message(subject: str, recipients: tuple[str, ...], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())[:200]  # one line, whatever the title
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    return message


def _text(marking: str, title: str, facts: list, sections: list) -> str:
    lines = [marking] if marking else []
    lines += [title, "=" * min(len(title), 72), ""]
    lines += [f"{name}: {value}" for name, value in facts]
    for heading, items, kind in sections:  # two sections
        lines += ["", heading, "-" * len(heading)]
        numbered = [f"{n}. " if kind == "ol" else "- " for n in range(1, len(items) + 1)]
        lines += [f"{mark}{item}" for mark, item in zip(numbered, items, strict=True)] or ["none"]
    return "\n".join(lines) + "\n"


_FONT = "font-family:Arial,Helvetica,sans-serif;"


def _html(marking: str, title: str, facts: list, sections: list) -> str:
    e = html.escape
    head = (
        f'<p style="{_FONT}font-size:12px;font-weight:bold;color:#b2182b;margin:0 0 8px">'
        f"{e(marking)}</p>"
        if marking
        else ""
    )
    rows = "".join(
        f'<tr><td style="{_FONT}font-size:13px;color:#555;padding:2px 12px 2px 0;'
        f'vertical-align:top">{e(name)}</td><td style="{_FONT}font-size:13px;padding:2px 0;'
        f'word-break:break-all">{e(value)}</td></tr>'
        for name, value in facts
    )
    body = [
        head,
        f'<h1 style="{_FONT}font-size:20px;color:#1b3a5c;margin:0 0 8px">{e(title)}</h1>',
        f'<table style="border-collapse:collapse;margin:0 0 12px">{rows}</table>',
    ]
    for heading, items, kind in sections:  # two sections
        body.append(f'<h2 style="{_FONT}font-size:16px;color:#1b3a5c;margin:16px 0 4px">')
        body.append(f"{e(heading)}</h2>")
        listed = "".join(
            f'<li style="{_FONT}font-size:14px;margin:0 0 4px">{e(item)}</li>' for item in items
        )
        body.append(f"<{kind}>{listed}</{kind}>" if items else f'<p style="{_FONT}">none</p>')
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin:0;padding:16px;color:#1a1a1a;max-width:640px">{"".join(body)}'
        "</body></html>\n"
    )
