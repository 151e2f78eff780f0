"""axe-core, run in real Chromium on a built briefing: the WCAG 2.1 AA rules that fail."""

from __future__ import annotations

from pathlib import Path

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page_file: Path) -> list[str]:
    """Each violated rule as ``id: help (n elements, first: selector)``; empty when clean."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from analysis.build.export import CHROMIUM_FLAGS, find_chromium

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_context(offline=True).new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        found = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        browser.close()
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} elements, first: {v['nodes'][0]['target']})"
        for v in found.response["violations"]
    ]
