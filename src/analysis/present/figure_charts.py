"""Charts of figures in dispute, in the house style of :mod:`analysis.present.plots`.

Two drawings of one idea, values by source with their ranges: a dot-and-range chart
of one-off counts (one row per quantity, the most disputed first, a mark per source's
current figure, its range as a line), and running totals over time (one panel per
quantity, a stepped line per source). A source's reliability is told by marker shape
as well as colour (circle A-C, square D or F, cross E), hedged figures are hollow,
so greyscale prints keep both. Both draw a bounded number of rows, panels and
sources; the view says what is left out.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysis.present.figure_words import figure_ends
from analysis.present.plots import (
    MAX_HEIGHT,
    VECTOR_MARKS_LIMIT,
    _figure,
    _house_style,
    _lanes,
    shared_prefix,
)
from analysis.present.wording import describe_number, most_of, shortened

GRADE_GROUPS = {  # reliability group -> its style; shape and colour both tell it
    "graded A to C": {"color": "#1b6ca8", "marker": "o"},
    "graded D or F": {"color": "#595959", "marker": "s"},
    "graded E (unreliable)": {"color": "#b2182b", "marker": "X"},
}
CONSERVATIVE_COLOR = "#000000"
RANGE_BAND = "#dfe9f3"  # the range graded sources give, behind a row
LOG_RATIO = 30  # figures spanning this factor or more are drawn on a log scale
SERIES_STYLES = (  # one per source in a running-totals panel: colour and dash
    ("#1b6ca8", "-"),
    ("#b2182b", "--"),
    ("#404040", ":"),
    ("#e08214", "-."),
    ("#5aae61", (0, (5, 1, 1, 1))),
)
NAMED_MARKS = 60  # up to this many marks, each is named beside it
MARKED_POINTS = 60  # a running total with at most this many days gets a mark per day
FIGURE_SOURCES = 8  # sources drawn per quantity in the dot-and-range chart, best graded first
SERIES_SOURCES = 5  # sources drawn per running total, best graded then busiest first


def grade_group(grades: np.ndarray) -> np.ndarray:
    """ "graded A to C", "graded D or F" or "graded E (unreliable)" per grade."""
    names = list(GRADE_GROUPS)
    return np.where(
        np.isin(grades, ["A", "B", "C"]), names[0], np.where(grades == "E", names[2], names[1])
    )


def _numbers(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda x, _: describe_number(round(x, 6))))


def shown_figures(result, quantities: pd.DataFrame, max_sources: int) -> pd.DataFrame:
    """The current figures of ``quantities``, at most ``max_sources`` per quantity (the
    best-graded first), with ``row`` (the quantity's place in ``quantities``) and
    ``slot`` (the source's place in its row)."""
    ends = figure_ends(result)
    rows = pd.Series(np.arange(len(quantities)), index=quantities["assertion_id"].to_numpy())
    ends = ends[ends["assertion_id"].isin(rows.index)]
    ends = ends.assign(row=ends["assertion_id"].map(rows).to_numpy())
    ends = ends.sort_values(["row", "rank", "source_id"], kind="stable")
    ends = ends.assign(slot=ends.groupby("row").cumcount().to_numpy())
    return ends[ends["slot"] < max_sources].reset_index(drop=True)


def _scale(ax, lows: np.ndarray, highs: np.ndarray) -> bool:
    """A log scale when the figures span LOG_RATIO or more (symlog when one is 0)."""
    values = np.concatenate([lows, highs])
    values = values[~np.isnan(values)]
    positive = values[values > 0]
    if len(positive) == 0 or positive.max() / positive.min() < LOG_RATIO:
        return False
    if (values <= 0).any():
        ax.set_xscale("symlog", linthresh=1)
    else:
        ax.set_xscale("log")
    return True


@_house_style
def disputed_figures(
    result,
    quantities: pd.DataFrame,
    max_quantities: int = 20,
    max_sources: int = FIGURE_SOURCES,
) -> Figure:
    """One row per quantity (the first ``max_quantities`` of ``quantities``, ranked as
    :func:`~analysis.present.figure_words.ranked_quantities` ranks them), a mark per source's
    current figure (at most ``max_sources``), its range as a line, a lower bound alone as
    an arrow; the most conservative figure as a black bar, the graded sources' range as a
    band behind the row."""
    shown = quantities.head(max_quantities).reset_index(drop=True)
    figures = shown_figures(result, shown, max_sources)
    per_row = figures.groupby("row").size().reindex(range(len(shown)), fill_value=0)
    most = int(per_row.max()) if len(per_row) else 1
    fig, ax = _figure(8, _lanes(len(shown), 0.26 + 0.05 * min(most, 8), 1.6))
    step = min(0.7 / max(most, 1), 0.2)
    y = (
        figures["row"].to_numpy()
        + (figures["slot"].to_numpy() - (per_row.to_numpy()[figures["row"]] - 1) / 2) * step
    )
    logged = _scale(ax, figures["lower"].to_numpy(), figures["upper"].to_numpy())
    banded = shown.dropna(subset=["range_low"])
    ax.barh(banded.index, banded["range_high"] - banded["range_low"], left=banded["range_low"],
            height=0.86, color=RANGE_BAND, zorder=0)  # fmt: skip
    groups = grade_group(figures["grade"].to_numpy())
    rasterized = len(figures) > VECTOR_MARKS_LIMIT
    ranged = (figures["upper"] > figures["lower"]).to_numpy()
    for group, style in GRADE_GROUPS.items():  # three groups, not figures
        mine = groups == group
        spans = mine & ranged
        ax.hlines(y[spans], figures["lower"][spans], figures["upper"][spans],
                  color=style["color"], linewidth=1.6, zorder=2, rasterized=rasterized)  # fmt: skip
        for hedged in (False, True):
            marks = mine & (figures["hedged"].to_numpy(dtype=bool) == hedged)
            valued = marks & figures["value"].notna().to_numpy()
            ax.scatter(figures["value"][valued], y[valued], marker=style["marker"], s=34,
                       facecolors="white" if hedged else style["color"],
                       edgecolors=style["color"], linewidths=1.2, zorder=4,
                       rasterized=rasterized)  # fmt: skip
            bounds = marks & figures["open"].to_numpy()  # "100+": a mark and an arrow on
            ax.scatter(figures["low"][bounds], y[bounds], marker=">", s=40,
                       facecolors="white" if hedged else style["color"],
                       edgecolors=style["color"], linewidths=1.2, zorder=4)  # fmt: skip
            only_range = marks & figures["value"].isna().to_numpy() & ~figures["open"].to_numpy()
            for end in ("lower", "upper"):  # "8-20": the ends marked, no point between
                ax.scatter(figures[end][only_range], y[only_range], marker="|", s=50,
                           color=style["color"], zorder=4)  # fmt: skip
    if len(figures) <= NAMED_MARKS:  # each mark named, right of its upper end
        names = result.dataset.sources.set_index("source_id")["name"]
        right = figures["upper"].fillna(figures["value"]).to_numpy()
        for x, lane, source, group in zip(right, y, figures["source_id"], groups, strict=True):
            ax.annotate(shortened(str(names.get(source, source)), 26), (x, lane),
                        xytext=(5, 0), textcoords="offset points", va="center", fontsize=6.5,
                        color=GRADE_GROUPS[group]["color"], zorder=5)  # fmt: skip
        ax.margins(x=0.18)  # room for the names at the right
    conservative = shown.dropna(subset=["conservative"])
    ax.scatter(conservative["conservative"], conservative.index, marker="|", s=520,
               linewidths=2.2, color=CONSERVATIVE_COLOR, zorder=3)  # fmt: skip
    units = shown["unit"].astype(str)
    prefix, labels = shared_prefix(shown["statement"].astype(str).tolist())
    if units.nunique() > 1:
        labels = [f"{label} ({unit})" for label, unit in zip(labels, units, strict=True)]
    ax.set_yticks(range(len(shown)), [shortened(label, 56) for label in labels], fontsize=7.5)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    _numbers(ax.xaxis)  # "1,000", never mathtext's 10^3 (labels are plain text here)
    if not logged:
        ax.set_xlim(left=min(0, float(np.nanmin(figures["lower"])) if len(figures) else 0))
    unit = units.iloc[0] if units.nunique() == 1 else "figure"
    ax.set_xlabel(unit + (" (log scale)" if logged else ""))
    adjective = "disputed" if quantities["disputed"].any() else "uncertain"  # ranges only
    cut = most_of(len(shown), len(quantities), adjective)
    about = f"\n{prefix}\u2026" if prefix else ""
    ax.set_title("Figures by source" + (f", {cut}" if cut else "") + about)
    fig.legend(handles=_legend(groups, figures, not banded.empty), loc="outside lower center",
               ncols=4, frameon=False, fontsize=7.5)  # fmt: skip
    return fig


def _legend(groups: np.ndarray, figures: pd.DataFrame, banded: bool) -> list:
    """Only what the chart draws: the reliability groups, hollow, the arrow, the bar, the band."""
    handles: list = [
        Line2D([], [], linestyle="none", marker=style["marker"], color=style["color"], label=group)
        for group, style in GRADE_GROUPS.items()
        if group in set(groups)
    ]
    if figures["hedged"].astype(bool).any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                              color="#595959", label="hedged (\u201cabout\u201d)"))  # fmt: skip
    if figures["open"].any():
        handles.append(Line2D([], [], linestyle="none", marker=">", color="#595959",
                              label="a lower bound only (\u201c100+\u201d)"))  # fmt: skip
    handles.append(Line2D([], [], linestyle="none", marker="|", markersize=12,
                          markeredgewidth=2.2, color=CONSERVATIVE_COLOR,
                          label="most conservative figure"))  # fmt: skip
    if banded:
        handles.append(Patch(facecolor=RANGE_BAND, label="range of graded sources"))
    return handles


@_house_style
def running_totals(
    result,
    quantities: pd.DataFrame,
    max_series: int = 3,
    max_sources: int = SERIES_SOURCES,
) -> Figure:
    """One panel per running total (the first ``max_series`` of ``quantities``): each
    source's total day by day as a stepped line (at most ``max_sources`` sources, the
    best-graded and then the busiest first), ranges shaded, corrections marked x and a
    total below the day before marked v; each panel's legend to its right, off the data."""
    shown = quantities.head(max_series).reset_index(drop=True)
    panels = max(len(shown), 1)
    fig = Figure(figsize=(8, min(0.6 + 2.35 * panels, MAX_HEIGHT)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(panels, 1, squeeze=False).ravel())
    series = result.series.assign(
        assertion_id=result.series["assertion_id"].astype(str),
        source_id=result.series["source_id"].astype(str),
    )
    names = result.dataset.sources.set_index("source_id")["name"]
    grades = result.dataset.sources.set_index("source_id")["reliability"]
    revisions = result.revisions
    for ax, row in zip(axes, shown.itertuples(index=False), strict=False):  # a few panels
        on_it = series[series["assertion_id"] == row.assertion_id]
        sources = _busiest(on_it, grades)[:max_sources]
        for (color, dash), source in zip(SERIES_STYLES, sources, strict=False):
            own = on_it[on_it["source_id"] == source]
            _draw_series(ax, own, color, dash, f"{shortened(str(names.get(source, source)), 30)} "
                         f"({grades.get(source, 'F')})")  # fmt: skip
        corrected = revisions[
            (revisions["assertion_id"].astype(str) == row.assertion_id)
            & revisions["day"].notna().to_numpy()
            & revisions["source_id"].astype(str).isin(sources).to_numpy()
        ]
        if len(corrected):
            point = corrected["to_value"].fillna(corrected["to_low"]).fillna(corrected["to_high"])
            ax.scatter(corrected["day"], point, marker="x", s=36, color="black", zorder=5,
                       label="corrected")  # fmt: skip
        falls = on_it[on_it["falls"].to_numpy(dtype=bool) & on_it["source_id"].isin(sources)]
        if len(falls):
            ax.scatter(falls["day"], _point(falls), marker="v", s=36, facecolors="white",
                       edgecolors="black", zorder=5, label="below the day before")  # fmt: skip
        cut = f"; {len(sources)} of {on_it['source_id'].nunique()} sources" if len(
            sources
        ) < on_it["source_id"].nunique() else ""  # fmt: skip
        ax.set_title(f"{shortened(str(row.statement), 72)} ({row.unit}{cut})", fontsize=9)
        _numbers(ax.yaxis)
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        # right of the panel, never over its lines (a legend inside hides a day's total)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                  frameon=False, fontsize=7)  # fmt: skip
    adjective = "disputed" if quantities["disputed"].any() else "uncertain"  # ranges only
    cut = most_of(len(shown), len(quantities), adjective)
    fig.suptitle("Running totals by source" + (f", {cut}" if cut else ""), fontsize=10,
                 fontweight="bold")  # fmt: skip
    return fig


def _busiest(series: pd.DataFrame, grades: pd.Series) -> list[str]:
    """Sources of one running total: the best-graded first, then the most days, then id."""
    days = series.groupby("source_id").size()
    rank = days.index.map(lambda s: "ABCDFE".find(str(grades.get(s, "F"))))  # a few sources
    order = np.lexsort((days.index.to_numpy(dtype=str), -days.to_numpy(), np.asarray(rank)))
    return days.index[order].tolist()


def _point(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].fillna(frame["low"]).fillna(frame["high"])


def _draw_series(ax, own: pd.DataFrame, color: str, dash, label: str) -> None:
    """One source's running total: stepped from day to day, its ranges shaded."""
    days = own["day"].to_numpy()
    marked = len(own) <= MARKED_POINTS
    ax.plot(days, _point(own), drawstyle="steps-post", color=color, linestyle=dash,
            linewidth=1.5, marker="o" if marked else None, markersize=3.5, label=label)  # fmt: skip
    if own["low"].notna().any() and own["high"].notna().any():
        ax.fill_between(days, own["low"].fillna(_point(own)), own["high"].fillna(_point(own)),
                        step="post", color=color, alpha=0.15, linewidth=0)  # fmt: skip
