"""Figures for briefings: one house style, readable in print and in greyscale.

Stance is told by marker shape as well as colour (triangle up = supports,
triangle down = refutes, circle = neutral), so greyscale prints keep it;
hedged claims are hollow. Every function returns a matplotlib Figure, built
without pyplot: no global figure state, no backend, nothing shown by surprise
in a notebook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from analysis.present import basemap
from analysis.present.propositions import propositions
from analysis.present.wording import (
    iso_day,
    most_of,
    ranked_assertions,
    says,
    shortened,
    sources_by_activity,
)

STANCE_STYLE = {
    "supports": {"marker": "^", "color": "#1b6ca8"},
    "refutes": {"marker": "v", "color": "#b2182b"},
    "neutral": {"marker": "o", "color": "#6b6b6b"},
}
STATUS_COLORS = {
    "contested": "#b2182b",
    "corroborated": "#1b6ca8",
    "single-source": "#7fa7c9",
    "denied": "#404040",
    "unaddressed": "#bdbdbd",
}
HOUSE_STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "figure.dpi": 110,
    "savefig.bbox": "tight",
    # Labels come from data: "$5 million and $3 million" is text, not mathtext to
    # typeset (or to fail on, as "$\\frac{" would).
    "text.parse_math": False,
}


# Past this many marks (claims) in one figure, the marks are drawn as one image
# inside the otherwise vector figure (matplotlib's ``rasterized``): axes and
# labels stay sharp text, and a figure of 100,000 claims stays small.
VECTOR_MARKS_LIMIT = 2000


def _house_style(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw the whole figure under the house rcParams, so titles and labels get them too."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Figure:
        with matplotlib.rc_context(HOUSE_STYLE):
            return draw(*args, **kwargs)

    return wrapper


# A figure prints at most this tall (inches, before it is scaled to the page's width):
# with its heading and a line of text it still fits one A4 page, so a heading never
# stays behind at the foot of a page while its figure moves on.
MAX_HEIGHT = 7.5


def _lanes(count: int, per_lane: float, margin: float) -> float:
    """The height of a figure of ``count`` lanes (at least two), lanes narrowing to fit
    MAX_HEIGHT."""
    return min(per_lane * max(count, 2) + margin, MAX_HEIGHT)


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, min(height, MAX_HEIGHT)), layout="constrained")
    ax = fig.subplots()
    ax.set_axisbelow(True)
    return fig, ax


def _names(dataset, source_ids) -> list[str]:
    names = dataset.sources.set_index("source_id")["name"]
    return [names.get(s, s) for s in source_ids]


@_house_style
def timeline_figure(result, max_sources: int = 20) -> Figure:
    """One lane per source (the most active ``max_sources``); a marker per claim where its
    stated interval ends, a bar where that interval is longer than a day."""
    active = sources_by_activity(result.timeline)
    sources = sorted(active[:max_sources])
    claims = result.timeline[result.timeline["source_id"].astype(str).isin(sources)]
    fig, ax = _figure(8, _lanes(len(sources), 0.32, 1.2))
    lane = {s: i for i, s in enumerate(sources)}
    y = claims["source_id"].astype(str).map(lane).to_numpy(dtype=float)
    start = claims["stated_start"]
    end = claims["stated_end"] + pd.Timedelta(days=1)
    imprecise = (claims["stated_end"] > claims["stated_start"]).to_numpy()
    rasterized = len(claims) > VECTOR_MARKS_LIMIT
    if imprecise.any():
        ax.hlines(
            y[imprecise],
            start[imprecise],
            end[imprecise],
            color="#9e9e9e",
            linewidth=5,
            alpha=0.5,
            label="stated within this span",
            rasterized=rasterized,
        )
    said_by = claims["stated_end"]  # a marker where the span ends: said by then
    for stance, style in STANCE_STYLE.items():  # a loop over three stances, not claims
        for hedged in (False, True):
            mask = ((claims["stance"] == stance) & (claims["hedged"] == hedged)).to_numpy()
            if not mask.any():
                continue
            ax.scatter(
                said_by[mask],
                y[mask],
                s=55,
                marker=style["marker"],
                zorder=3,
                facecolors="white" if hedged else style["color"],
                edgecolors=style["color"],
                linewidths=1.4,
                label=says(stance, hedged),
                rasterized=rasterized,
            )
    if result.as_of is not None:
        ax.axvline(
            result.as_of + pd.Timedelta(days=1),
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"as of {iso_day(result.as_of)}",
        )
    ax.set_yticks(range(len(sources)), _names(result.dataset, sources))
    ax.set_ylim(-0.7, len(sources) - 0.3)
    ax.invert_yaxis()
    cut = most_of(len(sources), len(active), "active")
    ax.set_title("Claims over time, by source" + (f" ({cut})" if cut else ""))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    fig.autofmt_xdate()
    return fig


@_house_style
def agreement_heatmap(result, max_sources: int = 15) -> Figure:
    """Pairwise agreement of the ``max_sources`` most active sources; each cell annotated
    with agreement and the number of assertions the pair shares."""
    paired = set(result.pairwise["source_a"].astype(str)) | set(
        result.pairwise["source_b"].astype(str)
    )
    active = [s for s in sources_by_activity(result.timeline) if s in paired]
    sources = sorted(active[:max_sources])
    source_a, source_b = (
        result.pairwise["source_a"].astype(str),
        result.pairwise["source_b"].astype(str),
    )
    keep = (source_a.isin(sources) & source_b.isin(sources)).to_numpy()
    pairs, source_a, source_b = result.pairwise[keep], source_a[keep], source_b[keep]
    n = len(sources)
    fig, ax = _figure(2.8 + 0.45 * max(n, 2), 1.8 + 0.42 * max(n, 2))
    ax.grid(False)
    if n == 0:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "no two sources hold positions on one assertion",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        return fig
    grid = np.full((n, n), np.nan)
    i = pd.Index(sources).get_indexer(source_a)
    j = pd.Index(sources).get_indexer(source_b)
    grid[i, j] = pairs["agreement"].to_numpy()
    grid[j, i] = pairs["agreement"].to_numpy()
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="#f3f3f3")  # bad: pairs sharing nothing
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1)
    for a, b, agreement, shared in zip(i, j, pairs["agreement"], pairs["shared"], strict=True):
        for r, c in ((a, b), (b, a)):
            ax.text(
                c,
                r,
                f"{agreement:.0%}\nn={shared}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if abs(agreement - 0.5) > 0.3 else "black",
            )
    labels = _names(result.dataset, sources)
    ax.set_xticks(range(n), labels, rotation=40, ha="right")
    ax.set_yticks(range(n), labels)
    cut = most_of(len(sources), len(active), "active")
    title = "Agreement between sources" + (f", {cut}" if cut else "")
    ax.set_title(title + "\n(n = assertions where both hold a position)")
    fig.colorbar(image, ax=ax, fraction=0.04, label="share of shared assertions agreed")
    return fig


@_house_style
def assertion_board(result, max_assertions: int = 24) -> Figure:
    """Supporting (right) and refuting (left) evidence lines per proposition, by status;
    the ``max_assertions`` most telling ones (contested first, then most support).
    Quantities are left out: a status is not the measure of a figure."""
    listed = propositions(result)
    addressed = ranked_assertions(listed[listed["status"] != "unaddressed"])
    table = addressed.head(max_assertions)
    lines = result.lines.merge(result.positions, on=["assertion_id", "source_id"])
    refuting = lines[lines["stance"] == "refutes"].groupby("assertion_id")["line"].nunique()
    table = table.assign(refuting_lines=table["assertion_id"].map(refuting).fillna(0).astype(int))
    table = table.iloc[::-1]  # the most telling at the top of the chart
    fig, ax = _figure(8, _lanes(len(table), 0.24, 1.0))
    y = np.arange(len(table))
    colors = table["status"].map(STATUS_COLORS).to_numpy()
    ax.barh(y, table["independent_support"], color=colors, edgecolor="black", linewidth=0.5)
    refuted = (table["refuting_lines"] > 0).to_numpy()
    ax.barh(
        y[refuted],
        -table["refuting_lines"][refuted],
        color=colors[refuted],
        edgecolor="black",
        linewidth=0.5,
        hatch="///",
        rasterized=True,  # Chromium prints each SVG hatch pattern as its own large image
    )
    ax.axvline(0, color="black", linewidth=0.8)
    for lane, (support, status) in enumerate(zip(table["independent_support"], table["status"],
                                                 strict=True)):  # fmt: skip
        ax.text(float(support) + 0.04, lane, str(status), va="center", fontsize=6.5,
                color="#444444", bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
                )  # the status in words too: never by colour alone; on white, not struck by the grid  # fmt: skip
    ax.margins(x=0.12)  # room for the words at the longest bar's end
    prefix, labels = shared_prefix(table["statement"].astype(str).tolist())
    ax.set_yticks(y, [_short(label, 60) for label in labels])
    ax.set_xlabel("evidence lines: refuting (hatched, left) | supporting (right)")
    cut = most_of(len(table), len(addressed), "telling")
    about = f"\n{prefix}\u2026" if prefix else ""
    ax.set_title("Assertions by status" + (f" ({cut})" if cut else "") + about)
    shown = [s for s in STATUS_COLORS if s in set(table["status"])]
    handles = [Patch(facecolor=STATUS_COLORS[s], edgecolor="black", label=s) for s in shown]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False,
               fontsize=8)  # fmt: skip
    return fig


@_house_style
def lag_chart(result, max_sources: int = 20) -> Figure:
    """Days from event to report, per source (the most active ``max_sources``), for claims
    with an event time."""
    with_lag = result.timeline.dropna(subset=["lag_days"])
    sources = sorted(sources_by_activity(with_lag)[:max_sources])
    with_lag = with_lag[with_lag["source_id"].astype(str).isin(sources)]
    fig, ax = _figure(7, _lanes(len(sources), 0.32, 1.2))
    lane = {s: i for i, s in enumerate(sources)}
    ax.scatter(
        with_lag["lag_days"].astype(float),
        with_lag["source_id"].astype(str).map(lane),
        marker="D",
        color="#404040",
        s=30,
        zorder=3,
        rasterized=len(with_lag) > VECTOR_MARKS_LIMIT,
    )
    ax.set_yticks(range(len(sources)), _names(result.dataset, sources))
    ax.set_xlabel("days from the event to the report")
    ax.set_title("Lag between event and report")
    if not sources:
        ax.text(
            0.5, 0.5, "no claim has an event time", ha="center", va="center", transform=ax.transAxes
        )
    return fig


@_house_style
def status_over_time_figure(result, max_assertions: int = 24, replayed=None) -> Figure:
    """Each shown assertion's status as the reporting stood day by day: one band per
    assertion, coloured by status, newest change at the top (which ones: see replay.py).
    ``replayed``: the :class:`~analysis.compute.replay.StatusHistory` when the caller has it."""
    from analysis.compute.replay import replay

    replayed = replayed or replay(result, max_assertions)
    history, order = replayed.history, replayed.shown
    fig, ax = _figure(8, _lanes(len(order), 0.24, 1.4))
    if not order:
        ax.text(0.5, 0.5, "no claim yet", ha="center", va="center", transform=ax.transAxes)
        return fig
    last_day = history["day"].max() + pd.Timedelta(days=1)
    end = max(result.as_of, last_day) if result.as_of is not None else last_day
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    for row, assertion in enumerate(order):  # a loop over at most max_assertions bands
        steps = history[history["assertion_id"] == assertion]
        starts = mdates.date2num(steps["day"].to_numpy())
        ends = np.append(starts[1:], mdates.date2num(end))
        said = (steps["status"] != "unaddressed").to_numpy()  # blank until first reported
        ax.broken_barh(
            list(zip(starts[said], (ends - starts)[said], strict=True)),
            (row - 0.4, 0.8),
            facecolors=steps["status"][said].map(STATUS_COLORS).to_list(),
            edgecolor="none",
        )
    prefix, labels = shared_prefix([str(statements.get(a, a)) for a in order])
    ax.set_yticks(range(len(order)), [_short(label, 48) for label in labels], fontsize=7)
    ax.set_ylim(len(order) - 0.5, -0.5)  # the newest change at the top
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="y", visible=False)
    handles: list = []
    if replayed.newest and replayed.newest_since is not None:
        handles.append(ax.axvline(mdates.date2num(replayed.newest_since), color="black",
                                  linestyle=":", linewidth=0.9, label="newest period starts"))  # fmt: skip
    cut = f", {len(order)} of {replayed.total}" if replayed.left_out else ""
    about = f"\n{prefix}\u2026" if prefix else ""
    ax.set_title(f"Status as the reporting stood each day{cut}{about}")
    shown = [s for s in STATUS_COLORS if s in set(history["status"]) and s != "unaddressed"]
    handles = [Patch(facecolor=STATUS_COLORS[s], label=s) for s in shown] + handles
    fig.legend(handles=handles, loc="outside lower center", ncol=max(len(handles), 1),
               frameon=False, fontsize=8)  # fmt: skip
    return fig


def shared_prefix(labels: list[str]) -> tuple[str, list[str]]:
    """The words every label starts with ("Russian forces control") and what is left of
    each: a figure says the shared words once, in its title, and keeps the labels short.
    No prefix when fewer than two labels share one of at least two words."""
    if len(labels) < 2:
        return "", labels
    words = [label.split(" ") for label in labels]
    shared = 0
    for column in zip(*words, strict=False):  # a loop over the first few words
        if len(set(column)) > 1:
            break
        shared += 1
    shared = min(shared, min(len(w) for w in words) - 1)  # every label keeps a word
    if shared < 2:
        return "", labels
    return " ".join(words[0][:shared]), [" ".join(w[shared:]) for w in words]


_short = shortened


STATUS_PRIORITY = ("contested", "denied", "corroborated", "single-source", "unaddressed")
NICE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
MAP_POINTS_ACROSS = 500  # line detail kept across the map: one per point at 7 in
MAX_REGION_LABELS = 25  # region names on one map, the largest regions first
MIN_LABELLED_AREA = 0.012  # a region is named when it covers this much of the view
# Status by shape as well as colour: a reader in greyscale or with colour blindness
# tells them apart too.
STATUS_MARKERS = {
    "contested": "D",
    "denied": "v",
    "corroborated": "o",
    "single-source": "s",
    "unaddressed": ".",
}


@_house_style
def mapped_places(result) -> pd.DataFrame:
    """Places with coordinates that assertions name: place_id, name, lat, lon, status (the
    most pressing of their propositions': a quantity's status says nothing), claims (in
    the briefing's timeline)."""
    data = result.dataset
    places = data.places.dropna(subset=["lat", "lon"]) if len(data.places) else data.places
    if places.empty or "place_id" not in data.assertions:
        return pd.DataFrame(columns=["place_id", "name", "lat", "lon", "status", "claims"])
    status = propositions(result)[["assertion_id", "status"]].merge(
        data.assertions[["assertion_id", "place_id"]], on="assertion_id"
    )
    status["rank"] = status["status"].map({s: i for i, s in enumerate(STATUS_PRIORITY)})
    by_place = status.sort_values("rank").drop_duplicates("place_id").set_index("place_id")
    claims = result.timeline.merge(data.assertions[["assertion_id", "place_id"]], on="assertion_id")
    counts = claims.groupby("place_id", observed=True).size()
    places = places[places["place_id"].isin(by_place.index)]
    return places.assign(
        lat=places["lat"].astype(float),
        lon=places["lon"].astype(float),
        status=places["place_id"].map(by_place["status"]).astype(str).to_numpy(),
        claims=places["place_id"].map(counts).fillna(0).astype(int).to_numpy(),
    )[["place_id", "name", "lat", "lon", "status", "claims"]]


def place_map(
    result, labels: int = 10, mapdata: Path | None = None, places: pd.DataFrame | None = None
) -> Figure | None:
    """The places with coordinates, coloured and shaped by the status of their assertions
    (the most pressing one when a place has several), the most reported ones named, over
    country borders, coasts and first-level regions with their names (``mapdata``: the
    folder where ``make mapdata`` installed them, ``Settings.mapdata``; without it, or
    when they are not there, the points stand on bare axes), an inset of
    the wider area, a scale and north. None when no place has coordinates. No tiles:
    nothing is fetched at build time. ``places``: :func:`mapped_places`, if already at hand."""
    places = mapped_places(result) if places is None else places
    if places.empty:
        return None
    lat, lon = places["lat"], places["lon"]
    mid = float(lat.mean())
    tall = float(lat.max() - lat.min()) / max(
        float(lon.max() - lon.min()) * np.cos(np.radians(mid)), 1e-6
    )
    fig, ax = _figure(7, float(np.clip(5.4 * tall + 1.0, 3.5, 4.6)))  # as tall as the area
    bounds = _view(lon, lat, mid)
    folder = basemap.installed(mapdata)
    named = _place_labels(places, labels, bounds)
    if folder is not None:
        step = (bounds[2] - bounds[0]) / MAP_POINTS_ACROSS
        _draw_boundaries(ax, basemap.basemap(bounds, folder, resolution=step), bounds, named)
    size = float(np.clip(30 * np.sqrt(200 / len(places)), 8, 30))  # smaller when crowded
    for status in reversed(STATUS_PRIORITY):  # a layer per status, the most pressing on top
        here = places[places["status"] == status]
        if len(here):
            ax.scatter(here["lon"], here["lat"], c=STATUS_COLORS[status], s=size,
                       marker=STATUS_MARKERS[status], edgecolor="black", linewidth=0.4,
                       zorder=5, label=status)  # fmt: skip
    # on a pale box, legible over the lines (a stroked halo would write each name's glyphs
    # into the SVG as outlines: a third of its bytes, and no longer text to search)
    box = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
    for row in named.itertuples(index=False):  # at most ``labels`` names
        ax.annotate(_short(str(row.name), 24), (float(row.lon), float(row.lat)), xytext=(4, 3),
                    textcoords="offset points", fontsize=7, zorder=6, bbox=box)  # fmt: skip
    ax.set_aspect(1 / max(np.cos(np.radians(mid)), 0.1))
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    _scale_and_north(ax, mid)
    if folder is not None:
        ax.set_xticks([])
        ax.set_yticks([])
        _inset(ax, bounds, folder, _emptiest_corner(lon, lat, bounds))
        ax.set_xlabel(basemap.CREDIT, fontsize=6, color="#555555", loc="left")
    else:
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
    ax.set_title(f"Places by the status of their assertions ({len(places)} places)")
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: STATUS_PRIORITY.index(names[i]))
    fig.legend([handles[i] for i in order], [names[i] for i in order],
               loc="outside lower center", ncols=5, fontsize=7, frameon=False,
               markerscale=float(np.sqrt(30 / size)))  # fmt: skip
    return fig


def _place_labels(places: pd.DataFrame, labels: int, bounds: basemap.Bounds) -> pd.DataFrame:
    """The places to name: the most reported first, skipping one whose name would run
    into a busier neighbour's, at most ``labels``."""
    width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
    kept: list[int] = []
    spots: list[tuple[float, float]] = []
    candidates = places.nlargest(labels * 5, "claims")
    for index, lon, lat in zip(candidates.index, candidates["lon"], candidates["lat"], strict=True):
        if len(kept) == labels:  # at most labels * 5 candidates
            break
        if not _near(spots, float(lon), float(lat), width, height):
            kept.append(index)
            spots.append((float(lon), float(lat)))
    return places.loc[kept]


def _view(lon: pd.Series, lat: pd.Series, latitude: float) -> basemap.Bounds:
    """The map's extent: the places with a margin, widened to at least 4:3 on the ground
    (a column of places along one meridian still shows its neighbours)."""
    pad = max(float(lon.max() - lon.min()), float(lat.max() - lat.min()), 0.4) * 0.12
    west, east = float(lon.min()) - pad, float(lon.max()) + pad
    south, north = float(lat.min()) - pad, float(lat.max()) + pad
    squeeze = max(np.cos(np.radians(latitude)), 0.1)
    wanted = (north - south) * 4 / 3 / squeeze  # degrees of longitude for a 4:3 view
    if east - west < wanted:
        middle = (west + east) / 2
        west, east = middle - wanted / 2, middle + wanted / 2
    return west, south, east, north


INSET_CORNERS = {"lower right": (0.74, 0.02), "lower left": (0.01, 0.02)}  # scale, north above
INSET_SIZE = (0.25, 0.27)  # of the map's width and height


def _emptiest_corner(lon: pd.Series, lat: pd.Series, bounds: basemap.Bounds) -> str:
    """The corner where the inset hides the fewest places (lower right on a tie)."""
    west, south, east, north = bounds
    x = (lon.to_numpy() - west) / (east - west)
    y = (lat.to_numpy() - south) / (north - south)
    hidden = {
        corner: int(
            (
                (x >= left)
                & (x <= left + INSET_SIZE[0])
                & (y >= bottom)
                & (y <= bottom + INSET_SIZE[1])
            ).sum()
        )  # fmt: skip
        for corner, (left, bottom) in INSET_CORNERS.items()
    }
    return min(hidden, key=lambda corner: hidden[corner])


def _draw_boundaries(
    ax: Axes, shown: basemap.Basemap, bounds: basemap.Bounds, named: pd.DataFrame
) -> None:
    """Regions as thin pale outlines named in grey italics (not at the edges, nor where
    a place's name is written), borders dark, coasts blue. Solid, not dashed: Chromium
    prints every dash as a shape of its own (a third of the map's PDF bytes)."""
    ax.set_facecolor("#fbfbf8")
    ax.add_collection(LineCollection(shown.regions, colors="#b4b4b4", linewidths=0.4, zorder=1))
    ax.add_collection(LineCollection(shown.coasts, colors="#4a7fb0", linewidths=0.8, zorder=2))
    ax.add_collection(LineCollection(shown.borders, colors="#333333", linewidths=1.2, zorder=2))
    west, south, east, north = bounds
    width, height = east - west, north - south
    taken = [(float(x), float(y)) for x, y in zip(named["lon"], named["lat"], strict=True)]
    written = 0
    for name, lon, lat, area in shown.region_labels:  # largest first, a few dozen in view
        x, y = (lon - west) / width, (lat - south) / height
        if written == MAX_REGION_LABELS or area < width * height * MIN_LABELLED_AREA:
            break
        if not (0.08 < x < 0.92 and 0.05 < y < 0.95) or _near(taken, lon, lat, width, height):
            continue
        taken.append((lon, lat))
        written += 1
        ax.text(lon, lat, _short(name, 22), fontsize=6.5, color="#666666", style="italic",
                ha="center", va="center", zorder=3, clip_on=True)  # fmt: skip


def _near(
    taken: list[tuple[float, float]], lon: float, lat: float, width: float, height: float
) -> bool:
    """Would a name at (lon, lat) run into one already written?"""
    return any(abs(lon - x) < width * 0.14 and abs(lat - y) < height * 0.045 for x, y in taken)


def _inset(ax: Axes, bounds: basemap.Bounds, folder: Path, corner: str) -> None:
    """The wider area (countries at 1:50m) in a corner, the map's extent marked."""
    west, south, east, north = bounds
    half = max(north - south, 4.0) * 2.5  # degrees of latitude each way
    middle = ((west + east) / 2, (south + north) / 2)
    across = half / max(np.cos(np.radians(middle[1])), 0.1)  # as far each way on the ground
    wide = (
        middle[0] - across,
        max(middle[1] - half, -85.0),
        middle[0] + across,
        min(middle[1] + half, 85.0),
    )
    inset = ax.inset_axes([*INSET_CORNERS[corner], *INSET_SIZE])
    # a locator, 1.75 in wide: a point every two typographic points is all it shows
    around = basemap.basemap(wide, folder, detail="50m", resolution=(wide[2] - wide[0]) / 60)
    inset.add_collection(LineCollection(around.borders, colors="#666666", linewidths=0.4))
    inset.add_collection(LineCollection(around.coasts, colors="#4a7fb0", linewidths=0.4))
    inset.add_patch(Rectangle((west, south), east - west, north - south, fill=False,
                              edgecolor="#b2182b", linewidth=1.0))  # fmt: skip
    inset.set_xlim(wide[0], wide[2])
    inset.set_ylim(wide[1], wide[3])
    inset.set_aspect(1 / max(np.cos(np.radians(middle[1])), 0.1))
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("white")


def _scale_and_north(ax: Axes, latitude: float) -> None:
    """A scale bar of a round number of kilometres and a north arrow, in the upper left."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    km_per_degree = 111.32 * np.cos(np.radians(latitude))
    wanted = (east - west) * km_per_degree / 5
    km = max([k for k in NICE_KM if k <= wanted] or [NICE_KM[0]])
    x0, y0 = west + (east - west) * 0.05, north - (north - south) * 0.06
    ax.plot([x0, x0 + km / km_per_degree], [y0, y0], color="black", linewidth=2.5)
    ax.text(x0, y0 - (north - south) * 0.015, f"{km:g} km", fontsize=7, va="top")
    ax.annotate("N", xy=(0.96, 0.96), xytext=(0.96, 0.86), xycoords="axes fraction",
                ha="center", fontsize=8, arrowprops={"arrowstyle": "-|>", "color": "black"})  # fmt: skip
