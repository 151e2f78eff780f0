"""Executed notebook -> self-contained HTML (our nbconvert template) -> A4 PDF (Chromium).

The HTML hides every input cell and prompt, inlines CSS and images and loads
nothing from the network. The PDF is that HTML printed by Debian's Chromium
through Playwright (``executable_path``, no browser download), with the
handling marking in every page's header and footer and page numbers.

nbformat, nbconvert and Playwright are imported inside the functions that use
them: together about a second, paid in background threads while the kernel
runs rather than before it starts.
"""

from __future__ import annotations

import contextlib
import functools
import html
import itertools
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import BriefingError, BuildFailed
from analysis.present.masthead import Masthead, drop_title_block
from analysis.runtime.sockets import socket_parent

if TYPE_CHECKING:
    import nbformat

TEMPLATES = Path(__file__).resolve().parent / "templates"
DROPPED_TAGS = {"parameters", "injected-parameters", "analyst-only"}
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
PRINT_TIMEOUT = 120.0  # seconds for Chromium to start (if still starting) and print one page
LAUNCH_TIMEOUT = 30.0  # seconds for Chromium to start; a hung browser fails within this
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_environment() -> dict[str, str] | None:
    """Chromium's environment: ours, but with /tmp as its temporary folder when ours
    is too deep for the socket it makes there (it aborts otherwise). None: ours."""
    parent = socket_parent(len("/org.chromium.Chromium.XXXXXX/SingletonSocket"))
    if parent == tempfile.gettempdir():
        return None
    return {**os.environ, "TMPDIR": parent}


def _reader_cells(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """A copy for readers: no parameter or analyst-only cells, no stderr noise, no title
    block output (the template prints the masthead), and the briefing's title as the
    document's title (the PDF's too)."""
    import nbformat

    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    drop_title_block(nb)
    kept = []
    for cell in nb.cells:  # a loop over a notebook's few dozen cells
        if DROPPED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]
        kept.append(cell)
    nb.cells = kept
    return nb


@functools.lru_cache(maxsize=8)
def html_exporter(warm_up: Path | None = None):
    """Our nbconvert HTML exporter with its template compiled, ready to convert.

    Built while the kernel runs, so the export after it is only the conversion.
    Converting ``warm_up`` (the unexecuted notebook) once also loads what the
    first conversion would (Markdown renderer, HTML parser), a third of its time.
    Kept for the process: a desk worker's later briefings of a notebook reuse it.
    """
    exporter = _exporter_class()(
        template_name="briefing",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.template  # noqa: B018 (loads and compiles the Jinja template now)
    if warm_up is not None:
        import nbformat

        to_html(nbformat.read(warm_up, as_version=4), Masthead("", "", "", ""), exporter)
    return exporter


@functools.cache
def _exporter_class() -> type:
    """nbconvert's HTML exporter without its last pass when the page has no image.

    That pass parses the whole page again with BeautifulSoup and writes it out anew,
    to give an image without alt text a placeholder and to make the cells of a
    ``.jp-Notebook`` focusable. Our template has no ``.jp-Notebook``, so without an
    ``<img>`` it changes nothing a reader sees, and it cost a fifth of the seed's
    conversion (its map is thousands of SVG path points). A page with an image still
    gets it.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class BriefingExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter(  # the two filters HTMLExporter registers, as it does
                "highlight_code",
                self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                ),
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            if "<img" in page:
                return super().from_notebook_node(nb, resources, **kw)
            return page, resources

    return BriefingExporter


def to_html(nb: nbformat.NotebookNode, masthead: Masthead, exporter=None) -> str:
    """The reader's HTML of an executed notebook: no code, no prompts, nothing remote."""
    exporter = exporter or html_exporter()
    resources = {
        "briefing": {
            "title": masthead.title,
            "subtitle": masthead.subtitle,
            "marking": masthead.marking,
            "footer": masthead.footer,
            "css": (TEMPLATES / "briefing" / "briefing.css").read_text(encoding="utf-8"),
        }
    }
    body, _ = exporter.from_notebook_node(_reader_cells(nb, masthead.title), resources=resources)
    return body


def find_chromium(explicit: str | Path | None = None) -> str:
    """The Chromium binary to print with: ``explicit`` (refused if unusable, never silently
    replaced by another), else Debian's."""
    if explicit:
        if not (Path(explicit).is_file() and os.access(explicit, os.X_OK)):
            raise BriefingError(
                f"Chromium {str(explicit)!r} (BRIEFING_CHROMIUM) is not an executable file; "
                "fix the path, unset BRIEFING_CHROMIUM to use Debian's chromium, or build with --to html"
            )
        return str(explicit)
    for candidate in ([explicit] if explicit else []) + [
        *CHROMIUM_CANDIDATES,
        shutil.which("chromium"),
    ]:
        if candidate and Path(candidate).is_file():
            return candidate
    raise BriefingError(
        "Chromium not found, so no PDF can be printed: install Debian's chromium "
        "(apt-get install -y chromium, which make does for you) or name the binary "
        "with BRIEFING_CHROMIUM, or build with --to html"
    )


def _page_band(text: str, with_numbers: bool) -> str:
    numbers = (
        '<span style="float:right"><span class="pageNumber"></span> / '
        '<span class="totalPages"></span></span>'
        if with_numbers
        else ""
    )
    return (
        '<div style="font-family: DejaVu Sans, Arial, sans-serif; font-size: 8px; width: 100%; '
        f'margin: 0 16mm; text-align: center; font-weight: bold; letter-spacing: 0.06em;">'
        f"{html.escape(text.upper())}{numbers}</div>"
    )


def _one_line(failure: Exception) -> str:
    """The first line of a browser failure; Playwright's full log (kilobytes) goes to a file."""
    text = str(failure).strip()
    first = text.splitlines()[0] if text else type(failure).__name__
    if len(first) > 200:
        first = first[:200] + "..."
    if "\n" not in text and len(text) <= 200:
        return first
    with tempfile.NamedTemporaryFile(
        "w", prefix="briefing-chromium-", suffix=".log", delete=False
    ) as log:
        log.write(text + "\n")
    return f"{first} (the browser's log: {log.name})"


class PdfPrinter:
    """Chromium started in a background thread, so it boots while the kernel runs.

    Playwright's sync API belongs to the thread that started it; jobs go to that
    thread through a queue. Use as a context manager. ``keep_open``: one Chromium
    prints many briefings (a desk worker's), and only ``close`` ends it.

    One page prints every job, each loaded afresh from its file: a new context per
    job started a renderer process each time, 1.5-1.6 CPU-s and 0.8 s per print of
    the seed briefing against 0.4-0.5 CPU-s and 0.3 s reused (the PDFs render
    identically). The page is offline and refuses web requests. A print that fails
    is tried once more on a fresh page, in a fresh browser when the old one cannot
    open one: a kept browser or its renderer may have died since the last job.
    """

    def __init__(self, chromium: str, keep_open: bool = False):
        self._chromium = chromium
        self.keep_open = keep_open
        self._jobs: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._next_job = itertools.count()
        self.version: str | None = None
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="pdf-printer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:

                def launch():
                    return playwright.chromium.launch(
                        executable_path=self._chromium,
                        args=CHROMIUM_FLAGS,
                        timeout=LAUNCH_TIMEOUT * 1000,
                        env=_chromium_environment(),
                    )

                browser = launch()
                self.version = browser.version
                page = self._blank_page(browser)  # ready before the first job arrives

                def fresh_page():
                    """A new page; on a new browser when the old one cannot give one
                    (crashed, killed: ``is_connected`` may not know yet)."""
                    nonlocal browser
                    try:
                        return self._blank_page(browser)
                    except Exception:
                        with contextlib.suppress(Exception):
                            browser.close()
                        browser = launch()
                        return self._blank_page(browser)

                while (job := self._jobs.get()) is not None:
                    number, *work = job
                    try:
                        try:
                            page = page or fresh_page()
                            result = self._print(page, *work)
                        except Exception:  # the page, renderer or browser died since the
                            self._discard(page)  # last job: once more on a fresh one
                            page = None
                            page = fresh_page()
                            result = self._print(page, *work)
                        self._results.put((number, result))
                    except Exception as exc:  # handed to the caller's thread
                        self._results.put((number, exc))
                        self._discard(page)
                        page = None
                with contextlib.suppress(Exception):  # already dead: nothing to close
                    browser.close()
        except Exception as exc:
            self._drain_with(exc)

    @staticmethod
    def _discard(page) -> None:
        if page is not None:
            with contextlib.suppress(Exception):  # a dead browser's
                page.context.close()

    def _drain_with(self, exc: Exception) -> None:
        """Chromium failed to start: answer every job with that failure until closed."""
        while (job := self._jobs.get()) is not None:
            self._results.put((job[0], exc))

    @staticmethod
    def _blank_page(browser):
        """A page in its own offline context that refuses every web request."""
        context = browser.new_context(offline=True)
        try:
            context.route("http*://**/*", lambda route: route.abort())
            return context.new_page()
        except Exception:
            with contextlib.suppress(Exception):
                context.close()
            raise

    @staticmethod
    def _print(page, html_file: Path, pdf_file: Path, marking: str) -> Path:
        page.goto(html_file.resolve().as_uri(), wait_until="load")
        page.pdf(
            path=str(pdf_file),
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template=_page_band(marking, with_numbers=False),
            footer_template=_page_band(marking, with_numbers=True),
            margin={"top": "20mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
            tagged=True,  # a tagged PDF: headings, tables and figures for screen readers
            outline=True,  # bookmarks from the headings
        )
        return pdf_file

    def print(
        self, html_file: Path, pdf_file: Path, marking: str, timeout: float = PRINT_TIMEOUT
    ) -> Path:
        """Print ``html_file`` to ``pdf_file``; a browser that does not answer within
        ``timeout`` seconds (its start-up included) is a failure, not a hang."""
        number = next(self._next_job)
        self._jobs.put((number, html_file, pdf_file, marking))
        deadline = time.monotonic() + timeout
        answered = None
        while answered != number:  # a late answer to an earlier, timed-out job is dropped
            try:
                answered, result = self._results.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise BuildFailed(
                    f"Chromium did not print the PDF within {timeout:.0f} s"
                ) from None
        if isinstance(result, Exception):
            raise BuildFailed(f"printing the PDF in Chromium failed: {_one_line(result)}") from None
        return result

    def finish(self) -> None:
        """No more jobs: Chromium closes in the background (a printer kept open for
        more briefings stays up until ``close``)."""
        if not self._finished and not self.keep_open:
            self._finished = True
            self._jobs.put(None)

    def close(self) -> None:
        self.keep_open = False
        self.finish()
        self._thread.join(timeout=30)

    @classmethod
    @contextlib.contextmanager
    def maybe(
        cls, chromium: str | None, shared: PdfPrinter | None = None
    ) -> Iterator[PdfPrinter | None]:
        """A printer on ``chromium``, closed on exit; None when no PDF is wanted; the
        ``shared`` one, left open, when the caller keeps one for many briefings."""
        if chromium is None:
            yield None
            return
        if shared is not None:
            yield shared
            return
        with cls(chromium) as printer:
            yield printer

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
