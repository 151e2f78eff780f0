"""Atom feeds (RFC 4287) of the published briefings: one for the site, one per job.

``reports/feed.atom`` lists the newest briefings of every group; each job (or
notebook) folder gets ``reports/<job>/feed.atom`` with its own. A feed reader
subscribed to either learns of each new briefing. Links are relative to the
feed's own place, so the feeds work from ``file://`` and behind any web server,
wherever the site is published. Entry ids are stable: the same briefing keeps
its id when the index is rewritten, and a rebuilt run gets a new one.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.atom"
SITE_ENTRIES = 50  # the site feed's newest briefings; a job's feed lists all its own
_ID_SPACE = uuid.UUID("9a3c1c0e-3c1b-5e0a-9f3d-2f6b6f0e7c11")  # our ids' namespace


def write_feeds(reports: Path, groups: list[dict], write) -> list[Path]:
    """The site feed and one feed per job or notebook folder, from the index's
    ``groups`` (newest runs first); ``write(path, text)`` writes a file whole."""
    runs = [(group, run) for group in groups for run in group["runs"]]
    runs.sort(key=lambda pair: pair[1]["started"], reverse=True)
    written = [write(reports / FEED_FILE, _feed("Briefings", "", runs[:SITE_ENTRIES]))]
    by_job: dict[str, list] = {}
    for group, run in runs:  # the site's runs, a few hundred at most
        by_job.setdefault(group["group"].split("/")[0], []).append((group, run))
    for job, job_runs in by_job.items():  # a loop over the site's few jobs
        if (reports / job).is_dir():
            written.append(
                write(reports / job / FEED_FILE, _feed(f"Briefings: {job}", job, job_runs))
            )
    return written


def _feed(title: str, folder: str, runs: list[tuple[dict, dict]]) -> str:
    """One feed document; ``folder`` is where it lives, relative to the site's root."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", _urn(f"feed/{folder}"))
    _text(feed, "title", title)
    _text(feed, "updated", _moment(runs[0][1]["started"]) if runs else _epoch())
    _link(feed, "self", FEED_FILE, "application/atom+xml")
    _link(feed, "alternate", _up(folder) + "index.html", "text/html")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "claim briefings")
    _text(feed, "generator", "claim-briefings")
    for group, run in runs:  # the feed's entries
        feed.append(_entry(folder, group, run))
    ElementTree.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, "unicode") + "\n"


def _entry(folder: str, group: dict, run: dict) -> ElementTree.Element:
    entry = ElementTree.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", _urn(f"run/{run['folder']}/{run['started']}"))
    _text(entry, "title", run["title"] or run["folder"])
    _text(entry, "updated", _moment(run["started"]))
    base = _up(folder) + run["folder"] + "/"
    pages = [f for f in run["files"] if f.endswith(".html")]
    _link(entry, "alternate", base + (pages[0] if pages else ""), "text/html")
    for name in run["files"]:  # a run's few files
        if name.endswith(".pdf"):
            _link(entry, "enclosure", base + name, "application/pdf")
    what = [f"{group['group']}", f"as of {run['as_of']}"]
    if run["dataset"]:
        what.append(f"dataset {run['dataset']}")
    _text(entry, "summary", ", ".join(what) + f"; built {run['built']} UTC.")
    return entry


def _text(parent: ElementTree.Element, name: str, value: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{name}").text = _NOT_XML.sub("", value)


# Characters XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/F):
# a title from data may carry them, and one would make the whole feed unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _moment(text: str) -> str:
    """An RFC 3339 time for Atom: the manifest's start, or the epoch if it has none."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return _epoch()
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def _link(parent: ElementTree.Element, rel: str, href: str, media: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=media)


def _up(folder: str) -> str:
    """From ``folder`` (relative to the site's root) back to the root."""
    return "../" * len([part for part in folder.split("/") if part])


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_ID_SPACE, name)}"


def _epoch() -> str:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC).isoformat()
