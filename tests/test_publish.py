"""``briefing publish``: the site copied whole, internals left behind, swapped in at once."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from analysis.build import write_index
from analysis.build.export import CHROMIUM_FLAGS, find_chromium
from analysis.build.layout import FAILED, FAILED_MARK
from analysis.build.site import is_remote, publish_site, remote_commands
from analysis.cli import main
from analysis.desk.run import point_latest
from analysis.errors import BriefingError

KEYS = ("north", "south", "east")


def write_run(reports: Path, key: str, day: str, generation: int) -> Path:
    """A published desk briefing as a build leaves it: manifest and HTML, ``latest``."""
    folder = reports / "morning" / key / day
    folder.mkdir(parents=True, exist_ok=True)
    title = f"Briefing {key} generation {generation}"
    manifest = {"title": title, "notebook": "briefing", "started": f"{day}T06:00:00+00:00"}
    manifest |= {"parameters": {"as_of": day}, "files": ["briefing.html"]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    page = f"<!DOCTYPE html><html><body><h1 id='g' data-generation='{generation}'>{title}</h1>"
    (folder / "briefing.html").write_text(page + "<p>" + "claims " * 3000 + "</p></body></html>")
    point_latest(folder)
    return folder


def make_site(reports: Path, generation: int = 1, days: int = 1) -> Path:
    for key in KEYS:
        for day in range(1, days + 1):
            write_run(reports, key, f"2026-11-{day:02d}", generation)
    write_index(reports)
    return reports


def with_internals(reports: Path) -> None:
    (reports / ".desk" / "locks").mkdir(parents=True)
    (reports / ".desk" / "history.sqlite").write_bytes(b"SQLite format 3\x00")
    (reports / FAILED / "morning").mkdir(parents=True)
    (reports / FAILED / "morning" / "north.ipynb").write_text("{}")
    (reports / ".building-1-abc").mkdir()
    (reports / "morning" / "east" / FAILED_MARK).write_text('{"error": "KeyError"}')
    (reports / "desk.log").write_text("built morning/north\n")


def test_publish_copies_the_site_with_latest_as_real_folders_and_no_internals(tmp_path):
    reports = make_site(tmp_path / "reports", days=2)
    with_internals(reports)
    site = tmp_path / "www" / "site"
    done = publish_site(reports, str(site))
    assert (done.briefings, done.files) == (6, 2 + 2 + 6 * 2 + 3 * 2)  # index, json, two feeds
    assert sorted(p.name for p in site.iterdir()) == [
        ".claim-briefings-site",  # the mark that lets the next publish replace it
        "feed.atom",
        "index.html",
        "index.json",
        "morning",
    ]
    latest = site / "morning" / "north" / "latest"
    assert latest.is_dir() and not latest.is_symlink()
    original = site / "morning" / "north" / "2026-11-02" / "briefing.html"
    assert (latest / "briefing.html").read_text() == original.read_text()
    assert list(site.rglob(".*")) == [site / ".claim-briefings-site"]
    assert not list(site.rglob("_*"))
    assert json.loads((site / "index.json").read_text()) == json.loads(
        (reports / "index.json").read_text()
    )
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]  # no staging left


def test_publishing_again_replaces_the_site_whole(tmp_path):
    reports = make_site(tmp_path / "reports")
    site = tmp_path / "site"
    publish_site(reports, str(site))
    (site / "stray.txt").write_text("left by hand")
    write_run(reports, "west", "2026-11-01", 2)
    write_index(reports)
    assert publish_site(reports, str(site)).briefings == 4
    assert (site / "morning" / "west" / "latest" / "briefing.html").is_file()
    assert not (site / "stray.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports", "site"]


def test_publish_refuses_what_it_cannot_do_in_one_line(tmp_path, capsys):
    with pytest.raises(BriefingError, match="index.html is missing"):
        publish_site(tmp_path, str(tmp_path.parent / "site"))
    reports = make_site(tmp_path / "reports")
    with pytest.raises(BriefingError, match="outside"):
        publish_site(reports, str(reports / "www"))
    (tmp_path / "file").write_text("x")
    assert main(["publish", str(tmp_path / "file"), "--out", str(reports)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"briefing: error: {tmp_path / 'file'} is a file; give a folder to publish the site into"
    ]
    assert main(["publish", str(tmp_path / "site"), "--out", str(reports)]) == 0
    assert capsys.readouterr().out == (
        f"published 3 briefing(s), 16 file(s) to {tmp_path / 'site'}\n"
    )


def test_remote_targets_are_told_from_folders():
    assert is_remote("www@example.org:/srv/site") and is_remote("host:site")
    assert not is_remote("/srv/site") and not is_remote("./a:b") and not is_remote("site")


def test_remote_commands_copy_to_a_fresh_folder_then_switch_a_link(tmp_path):
    rsync, switch = remote_commands(tmp_path, "www@example.org:/srv/site", "rsync", "abc")
    assert rsync == [
        "rsync",
        "-a",
        "-H",
        "--delete",
        "--link-dest=../.site-current",
        f"{tmp_path}/",
        "www@example.org:/srv/.site-abc/",
    ]
    assert switch[:2] == ["ssh", "www@example.org"] and switch[2].startswith("cd /srv && ")
    scp, _ = remote_commands(tmp_path, "host:site", "scp", "abc")
    assert scp == ["scp", "-r", "-p", "-q", str(tmp_path), "host:./.site-abc"]
    with pytest.raises(BriefingError, match="name the folder"):
        remote_commands(tmp_path, "host:", "scp", "abc")


def test_the_remote_switch_flips_the_link_keeps_the_previous_copy_and_drops_older(tmp_path):
    """The script ssh runs, run here by sh: each publish points ``site`` at its copy;
    only copies publish made (its stamp) are ever removed, never a user's ``.site-*``."""
    (tmp_path / ".site-backup").mkdir()
    (tmp_path / ".site-backup" / "keep.txt").write_text("mine")
    one, two, three = ("a0b1c2d3e4f" + digit for digit in "123")
    for stamp in (one, two, three):
        (tmp_path / f".site-{stamp}").mkdir()
        (tmp_path / f".site-{stamp}" / "index.html").write_text(stamp)
        _, (_, _, script) = remote_commands(tmp_path, f"host:{tmp_path}/site", "scp", stamp)
        subprocess.run(["sh", "-c", script], check=True)
        assert (tmp_path / "site" / "index.html").read_text() == stamp
    assert os.readlink(tmp_path / "site") == f".site-{three}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".site-a0b1c2d3e4f2",
        ".site-a0b1c2d3e4f3",
        ".site-backup",
        ".site-current",
        "site",
    ]
    assert (tmp_path / ".site-backup" / "keep.txt").read_text() == "mine"
    (tmp_path / "www").mkdir()
    _, (_, _, script) = remote_commands(tmp_path, f"host:{tmp_path}/www", "scp", "x")
    refused = subprocess.run(["sh", "-c", script], capture_output=True, text=True)
    assert refused.returncode == 3 and "real folder" in refused.stderr


@pytest.mark.slow  # Chromium
def test_a_browser_reading_the_site_never_sees_a_mix_while_it_is_published(tmp_path):
    """Each publish rebuilds every briefing as a new generation and adds a day; a reader
    loads the index again and again and follows every link: each index is one
    generation, never older than the last one seen, and every page it lists exists and
    is of that generation or newer (a swap may come between index and page)."""
    from playwright.sync_api import Error, sync_playwright

    reports = make_site(tmp_path / "reports", days=9)
    site = tmp_path / "site"
    publish_site(reports, str(site))
    generations = range(2, 14)
    done = threading.Event()
    errors: list[BaseException] = []

    def publisher() -> None:
        try:
            for generation in generations:
                make_site(reports, generation, days=generation + 8)
                publish_site(reports, str(site))
                time.sleep(0.1)  # let the reader take in this generation too
        except BaseException as exc:  # surfaced by the reader's thread
            errors.append(exc)
        finally:
            done.set()

    seen: list[int] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_context(offline=True).new_page()
        thread = threading.Thread(target=publisher)
        thread.start()
        while not done.is_set() or len(seen) < 3:
            try:
                page.goto((site / "index.html").as_uri())
                titles = page.eval_on_selector_all(
                    "tbody tr td:first-child", "e => e.map(x => x.textContent)"
                )
                links = page.eval_on_selector_all("tbody a", "e => e.map(a => a.href)")
                newest = page.eval_on_selector_all(
                    "h2 a[href$='/'], tbody tr:first-child a", "e => e.map(a => a.href)"
                )
                index_generations = {int(t.rsplit(" ", 1)[1]) for t in titles}
                if len(index_generations) != 1 or len(links) != len(titles):
                    problems.append(
                        f"index mixes generations {index_generations}: {len(titles)} rows, "
                        f"{len(links)} links"
                    )
                    continue
                (generation,) = index_generations
                if seen and generation < seen[-1]:
                    problems.append(f"index went back from {seen[-1]} to {generation}")
                seen.append(generation)
                for link in newest:  # each group's latest and newest: enough, and quick
                    page.goto(link + ("briefing.html" if link.endswith("/") else ""))
                    found = int(page.get_attribute("#g", "data-generation"))
                    if found < generation:
                        problems.append(f"{link} is generation {found} under index {generation}")
            except Error as exc:  # a file missing while the index lists it
                problems.append(str(exc).splitlines()[0])
        thread.join()
        page.goto((site / "index.html").as_uri())
        final = page.eval_on_selector_all(
            "tbody tr td:first-child", "e => e.map(x => x.textContent)"
        )
        browser.close()
    assert not errors and problems == []
    # the reader saw the site change under it (how often depends on the machine's load),
    # and the last publish is what stays
    assert len(set(seen)) >= 2
    assert {int(t.rsplit(" ", 1)[1]) for t in final} == {generations[-1]}
