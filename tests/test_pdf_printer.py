"""A kept Chromium (one per desk worker) survives its browser dying between briefings."""

from __future__ import annotations

import contextlib

import psutil
import pytest
from pypdf import PdfReader

from analysis.build.export import PdfPrinter, find_chromium


def chromium_processes() -> list[psutil.Process]:
    found = []
    for process in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):  # a helper that ended meanwhile
            if "chrom" in process.name().lower():
                found.append(process)
    return found


def is_renderer(process: psutil.Process) -> bool:
    try:
        return "--type=renderer" in process.cmdline()
    except psutil.Error:  # ended meanwhile
        return False


@pytest.mark.slow  # Chromium
def test_a_kept_printer_restarts_a_browser_that_died(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>First</h1><p>Some text.</p></body></html>")
    with PdfPrinter(find_chromium(), keep_open=True) as printer:
        first = printer.print(page, tmp_path / "first.pdf", "TEST")
        browsers = chromium_processes()
        assert browsers
        for process in browsers:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(browsers, timeout=10)
        page.write_text("<html><body><h1>Second</h1><p>After the crash.</p></body></html>")
        second = printer.print(page, tmp_path / "second.pdf", "TEST")
        printer.close()
    assert "First" in PdfReader(first).pages[0].extract_text()
    assert "After the crash" in PdfReader(second).pages[0].extract_text()


@pytest.mark.slow  # Chromium
def test_a_kept_printer_survives_its_renderer_crashing(tmp_path):
    """The browser stays connected while the page's renderer is gone: the next print
    must not fail on the dead page."""
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>First</h1></body></html>")
    with PdfPrinter(find_chromium(), keep_open=True) as printer:
        printer.print(page, tmp_path / "first.pdf", "TEST")
        renderers = [process for process in chromium_processes() if is_renderer(process)]
        assert renderers
        for process in renderers:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(renderers, timeout=10)
        page.write_text("<html><body><h1>Second</h1><p>After the renderer died.</p></body></html>")
        second = printer.print(page, tmp_path / "second.pdf", "TEST")
        printer.close()
    assert "After the renderer died" in PdfReader(second).pages[0].extract_text()
