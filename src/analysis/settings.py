"""Every setting of the product, declared once: environment variables, defaults, timeouts.

Entry points read the environment (the ``briefing`` command, a build's kernel at its
warm-up, a notebook's cell after its parameters) by calling
:meth:`Settings.from_environment`; the library takes what it needs as arguments (a
cache folder, a memory limit, the map's boundaries) and never reads ``os.environ``
itself. Every variable and limit is listed in docs/configuration.md (a test holds the
two together, and another that nothing outside the entry points reads the environment).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import BriefingError

# Defaults a user can change per command or per job.
REPORTS = Path("reports")  # the reports folder
JOBS_FILE = Path("briefings.toml")  # the desk's jobs file
CELL_TIMEOUT = 600.0  # seconds one cell may run
BUILD_TIMEOUT = 1800.0  # seconds one desk briefing's build may take
# Fixed limits (seconds), each in one place.
KERNEL_READY_TIMEOUT = 120.0  # a kernel's start and warm-up (the zygote's imports too)
EXPORT_TIMEOUT = 60.0  # the HTML exporter's start once the notebook has run
CHROMIUM_LAUNCH_TIMEOUT = 30.0  # Chromium's start; a hung browser fails within this
PRINT_TIMEOUT = 120.0  # Chromium's start (if still starting) and one page's print
SEND_TIMEOUT = 20.0  # one mail, connection to goodbye
MAIL_BUDGET = 60.0  # all of one run's mails together
SMTP_PORT = 587  # mail submission

YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, default as written in the docs, and meaning."""

    name: str
    default: str
    meaning: str


VARIABLES = (
    Variable("BRIEFING_CHROMIUM", "Debian's `chromium`", "the Chromium binary that prints PDFs"),
    Variable("BRIEFING_MAPDATA", "`<venv>/share/claim-briefings/mapdata`", "the map's boundaries"),
    Variable(
        "BRIEFING_CACHE",
        "`$XDG_CACHE_HOME/briefing/datasets`, else `~/.cache/briefing/datasets`",
        "where validated datasets are cached; `off` turns the cache off",
    ),
    Variable("BRIEFING_MEMORY_LIMIT", "what the machine has free", "memory a load may plan for"),
    Variable("BRIEFING_HUGE_PAGES", "off", "`on` keeps transparent huge pages"),
    Variable("BRIEFING_KEEP_FREED_MEMORY", "on", "`off` keeps glibc's defaults"),
    Variable("BRIEFING_ZYGOTE", "on", "`off` starts every desk kernel the plain way"),
    Variable("BRIEFING_SMTP_HOST", "(none: no mail)", "the mail server for job notices"),
    Variable("BRIEFING_SMTP_PORT", str(SMTP_PORT), "its port"),
    Variable("BRIEFING_SMTP_STARTTLS", "on at port 587", "upgrade before logging in"),
    Variable("BRIEFING_SMTP_USER", "(none)", "login"),
    Variable("BRIEFING_SMTP_PASSWORD", "(none)", "login"),
    Variable("BRIEFING_SMTP_FROM", "`briefings@<host name>`", "the sender"),
    Variable("BRIEFING_SMTP_BUDGET", f"{MAIL_BUDGET:.0f}", "seconds all of a run's mail may take"),
)
NAMES = frozenset(v.name for v in VARIABLES)


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes out. ``starttls`` upgrades the connection before logging in."""

    host: str
    port: int = SMTP_PORT
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    sender: str = "briefings@localhost"
    budget: float = MAIL_BUDGET  # seconds for all of a run's mails


@dataclass(frozen=True)
class Settings:
    """What the environment says, parsed and checked once. The defaults are the product's
    own: ``Settings()`` is what a process with none of the variables set gets, except that
    the cache folder, which depends on the home folder, is None (off) until read."""

    chromium: Path | None = None  # None: find Debian's chromium on PATH
    mapdata: Path = field(
        default_factory=lambda: Path(sys.prefix) / "share" / "claim-briefings" / "mapdata"
    )
    cache: Path | None = None  # None: no cache
    memory_limit: int | None = None  # bytes; None: only what the machine has
    huge_pages: bool = False
    keep_freed_memory: bool = True
    zygote: bool = True
    smtp: SmtpSettings | None = None  # None: no mail server, notices recorded as not sent

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Settings:
        """Every ``BRIEFING_*`` variable of ``environ``, each refused in one line when it
        cannot be read (naming the variable and what to write)."""
        text = {name: environ.get(name, "").strip() for name in NAMES}
        cache_text = environ.get("BRIEFING_CACHE")
        return cls(
            chromium=Path(text["BRIEFING_CHROMIUM"]) if text["BRIEFING_CHROMIUM"] else None,
            mapdata=Path(text["BRIEFING_MAPDATA"]) if text["BRIEFING_MAPDATA"] else cls().mapdata,
            cache=_cache_folder(cache_text, environ),
            memory_limit=parse_size("BRIEFING_MEMORY_LIMIT", text["BRIEFING_MEMORY_LIMIT"])
            if text["BRIEFING_MEMORY_LIMIT"]
            else None,
            huge_pages=yes_no("BRIEFING_HUGE_PAGES", text["BRIEFING_HUGE_PAGES"], False),
            keep_freed_memory=yes_no(
                "BRIEFING_KEEP_FREED_MEMORY", text["BRIEFING_KEEP_FREED_MEMORY"], True
            ),
            zygote=yes_no("BRIEFING_ZYGOTE", text["BRIEFING_ZYGOTE"], True),
            smtp=_smtp(text, environ.get("BRIEFING_SMTP_PASSWORD")),
        )


def yes_no(name: str, text: str, default: bool) -> bool:
    """The one reading of a yes/no variable: empty is the default."""
    value = text.strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise BriefingError(f"{name}={text[:40]!r}: write on or off (also yes/no, true/false, 1/0)")


def parse_size(name: str, text: str) -> int:
    """``8G``, ``512M``, ``2.5G`` or a number of bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    value = text.strip().upper().removesuffix("B")
    try:
        size = (
            int(float(value[:-1]) * units[value[-1]])
            if value and value[-1] in units
            else int(value)
        )
    except (ValueError, OverflowError):
        size = -1
    if size <= 0:
        raise BriefingError(f"{name}={text[:40]!r} is not a size; write it like 8G or 512M")
    return size


def _cache_folder(chosen: str | None, environ: Mapping[str, str]) -> Path | None:
    """``BRIEFING_CACHE`` (off: None), else the user's cache folder as the XDG base
    directory specification places it (``$XDG_CACHE_HOME``, else ``$HOME/.cache``)."""
    if chosen is not None:
        return None if chosen.strip().lower() in NO else Path(chosen)
    if xdg_cache_home := environ.get("XDG_CACHE_HOME"):
        base = Path(xdg_cache_home)
    else:
        base = (Path(environ["HOME"]) if environ.get("HOME") else Path.home()) / ".cache"
    return base / "briefing" / "datasets"


def _smtp(text: Mapping[str, str], password: str | None) -> SmtpSettings | None:
    """STARTTLS is on by default at port 587 (submission) and off at others (a relay)."""
    if not text["BRIEFING_SMTP_HOST"]:
        return None
    port_text = text["BRIEFING_SMTP_PORT"] or str(SMTP_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise BriefingError(f"BRIEFING_SMTP_PORT={port_text[:40]!r} is not a port number")
    port = int(port_text)
    budget_text = text["BRIEFING_SMTP_BUDGET"]
    return SmtpSettings(
        host=text["BRIEFING_SMTP_HOST"],
        port=port,
        starttls=yes_no("BRIEFING_SMTP_STARTTLS", text["BRIEFING_SMTP_STARTTLS"], port == 587),
        user=text["BRIEFING_SMTP_USER"] or None,
        password=password or None,
        sender=text["BRIEFING_SMTP_FROM"] or f"briefings@{socket.getfqdn()}",
        budget=_budget(budget_text) if budget_text else MAIL_BUDGET,
    )


def _budget(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 86_400:
        raise BriefingError(f"BRIEFING_SMTP_BUDGET={text[:40]!r}: give seconds above 0, e.g. 60")
    return seconds
