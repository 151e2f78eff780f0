"""Atom feeds of the site: valid (read by feedparser), newest first, links that resolve."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import feedparser

from analysis.build.outputs import write_index

from .test_publish import KEYS, make_site


def read_feed(path: Path) -> feedparser.FeedParserDict:
    """The feed as a reader parses it: valid Atom 1.0, nothing feedparser had to mend."""
    parsed = feedparser.parse(
        path.read_bytes(), response_headers={"content-type": "application/atom+xml"}
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def resolved(feed: Path, href: str) -> Path:
    """A link of the feed at ``feed`` as a file: relative to where the feed lies."""
    url = urllib.parse.urljoin(feed.as_uri(), href)
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))


def test_the_site_and_each_job_have_a_feed_newest_first_with_working_links(tmp_path):
    reports = make_site(tmp_path / "reports", days=2)  # job "morning": 3 keys x 2 days
    site_file, job_file = reports / "feed.atom", reports / "morning" / "feed.atom"
    site, job = read_feed(site_file), read_feed(job_file)
    assert len(site.entries) == len(job.entries) == len(KEYS) * 2
    updated = [entry.updated_parsed for entry in site.entries]
    assert updated == sorted(updated, reverse=True)
    for feed_file, feed in ((site_file, site), (job_file, job)):
        for entry in feed.entries:
            assert entry.id.startswith("urn:uuid:") and entry.title.startswith("Briefing ")
            page = resolved(feed_file, entry.link)
            assert page.is_file() and page.name == "briefing.html", entry.link
        assert resolved(feed_file, feed.feed.links[0].href) == feed_file  # rel=self
    assert {e.id for e in site.entries} == {e.id for e in job.entries}


def test_entry_ids_stay_when_the_index_is_written_again(tmp_path):
    reports = make_site(tmp_path / "reports")
    first = [e.id for e in read_feed(reports / "feed.atom").entries]
    write_index(reports)
    assert [e.id for e in read_feed(reports / "feed.atom").entries] == first


def test_titles_from_data_stay_text_and_never_break_the_feed(tmp_path):
    reports = make_site(tmp_path / "reports")
    manifest_file = reports / "morning" / KEYS[0] / "2026-11-01" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["title"] = "Bridge <script>alert(1)</script> & \x00\x1b[31m red \ufffe"
    manifest_file.write_text(json.dumps(manifest))
    write_index(reports)
    parsed = read_feed(reports / "feed.atom")
    titles = [e.title for e in parsed.entries]
    assert "Bridge <script>alert(1)</script> & [31m red" in titles
    raw = (reports / "feed.atom").read_text()
    assert "<script>" not in raw and "\x1b" not in raw and "\x00" not in raw


def test_the_index_links_the_feeds_and_shows_each_briefings_age(tmp_path):
    reports = make_site(tmp_path / "reports")
    page = (reports / "index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="morning/feed.atom"' in page
    assert '<th scope="col">Age</th>' in page and " days</td>" in page
