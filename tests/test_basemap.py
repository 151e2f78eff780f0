"""The map's boundaries: TopoJSON decoded right, only what is in view, drawn under the points.

The first tests use a topology written here whose points are worked out by hand;
the others use the Natural Earth boundaries ``make mapdata`` installs (skipped,
with the reason, where they are not installed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection

from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present import basemap, plots, views
from analysis.settings import Settings

from .conftest import SEED

INSTALLED = basemap.installed(Settings.from_environment(os.environ).mapdata)
needs_mapdata = pytest.mark.skipif(
    INSTALLED is None, reason="map boundaries not installed: run `make mapdata`"
)

# Quantized TopoJSON: points are deltas, scaled by (0.5, 1) and moved by (10, 20).
# arc 0: (10,20) (12,20) (12,23)   shared by A and B: a border
# arc 1: (12,23) (10,23) (10,20)   A's alone: a coast
# arc 2: (12,20) (14,20) (14,23) (12,23)   B's alone
COUNTRIES = {
    "type": "Topology",
    "transform": {"scale": [0.5, 1], "translate": [10, 20]},
    "arcs": [
        [[0, 0], [4, 0], [0, 3]],
        [[4, 3], [-4, 0], [0, -3]],
        [[4, 0], [4, 0], [0, 3], [-4, 0]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "A"},
                {"type": "Polygon", "arcs": [[2, -1]], "id": "B"},
            ],
        }
    },
}
REGIONS = {  # not quantized: plain coordinates
    "type": "Topology",
    "arcs": [[[10, 20], [12, 20], [12, 23], [10, 23], [10, 20]], [[30, 30], [31, 30], [31, 31]]],
    "objects": {
        "a": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0]], "properties": {"name": "West <Region>"}},
                {"type": "Polygon", "arcs": [[1]], "properties": {"name": "Far away"}},
            ],
        }
    },
}


@pytest.fixture
def mapdata(tmp_path) -> Path:
    (tmp_path / "regions").mkdir()
    (tmp_path / "countries-10m.json").write_text(json.dumps(COUNTRIES))
    (tmp_path / "regions" / "a.topo.json").write_text(json.dumps(REGIONS))
    basemap.write_index(tmp_path)
    return tmp_path


def test_quantized_arcs_are_decoded_to_degrees(mapdata):
    _, arcs, boxes = basemap._topology(mapdata / "countries-10m.json")
    np.testing.assert_allclose(arcs[0], [[10, 20], [12, 20], [12, 23]])
    np.testing.assert_allclose(arcs[1], [[12, 23], [10, 23], [10, 20]])
    np.testing.assert_allclose(arcs[2], [[12, 20], [14, 20], [14, 23], [12, 23]])
    np.testing.assert_allclose(boxes[2], [12, 20, 14, 23])


def test_shared_arcs_are_borders_and_single_ones_coasts(mapdata):
    shown = basemap.basemap((9, 19, 15, 24), mapdata)
    assert [a.tolist() for a in shown.borders] == [[[10, 20], [12, 20], [12, 23]]]
    assert len(shown.coasts) == 2
    assert basemap.basemap((13.5, 19, 15, 24), mapdata).borders == []  # arc 0 is out of view


def test_regions_in_view_are_drawn_and_named_at_their_centre(mapdata):
    assert json.loads((mapdata / basemap.INDEX).read_text()) == {"a.topo.json": [10, 20, 31, 31]}
    shown = basemap.basemap((9, 19, 15, 24), mapdata)
    assert len(shown.regions) == 1  # "Far away" lies outside
    ((name, lon, lat, area),) = shown.region_labels
    assert (name, lon, lat, area) == ("West <Region>", 11.0, 21.5, 6.0)


def test_a_border_between_two_regions_is_drawn_once(tmp_path):
    """Two regions side by side: their shared border is one line, not one per region
    (each would be written and printed again)."""
    (tmp_path / "regions").mkdir()
    (tmp_path / "countries-10m.json").write_text(json.dumps(COUNTRIES))
    shared = [[12, 20], [12, 23]]  # arc 0: between West (arcs 0, 1) and East (arcs 2, ~0)
    regions = {
        "type": "Topology",
        "arcs": [
            shared,
            [[12, 23], [10, 23], [10, 20], [12, 20]],
            [[12, 20], [14, 20], [14, 23], [12, 23]],
        ],
        "objects": {
            "b": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
                    {"type": "Polygon", "arcs": [[2, -1]], "properties": {"name": "East"}},
                ],
            }
        },
    }
    (tmp_path / "regions" / "b.topo.json").write_text(json.dumps(regions))
    basemap.write_index(tmp_path)
    shown = basemap.basemap((9, 19, 15, 24), tmp_path)
    drawn = sorted(line.tolist() for line in shown.regions)
    assert drawn == sorted(regions["arcs"])  # three lines: the border once, each outline once
    assert sorted(name for name, *_ in shown.region_labels) == ["East", "West"]


def test_a_reversed_arc_is_walked_backwards():
    arcs = (np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [0, 1], [1, 1], [1, 0]]))
    (ring,) = basemap._rings({"type": "Polygon", "arcs": [[0, ~1]]}, arcs)
    assert ring.tolist() == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # shared ends once


@pytest.mark.parametrize("folder", [None, "nowhere"])
def test_without_boundaries_the_map_keeps_its_axes(tmp_path, folder):
    mapdata = None if folder is None else tmp_path / folder
    assert basemap.installed(mapdata) is None
    fig = plots.place_map(analyze(load_dataset(SEED)), mapdata=mapdata)
    (ax,) = [a for a in fig.axes if a.get_xlabel()]
    assert ax.get_xlabel() == "longitude"
    assert not [c for c in ax.collections if isinstance(c, LineCollection)]


def test_the_boundaries_are_credited_where_they_are_drawn(tmp_path, mapdata):
    """The provenance names the boundaries' licence when the map has them, not otherwise."""
    result = analyze(load_dataset(SEED))
    assert basemap.installed(mapdata) == mapdata
    credited = views.provenance(result, {}, mapdata).markup
    assert "Map boundaries" in credited and "Natural Earth" in credited
    for missing in (None, tmp_path / "nowhere"):
        assert "Map boundaries" not in views.provenance(result, {}, missing).markup


def _points(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))


@needs_mapdata
def test_the_seed_map_has_borders_regions_an_inset_and_a_point_per_place():
    result = analyze(load_dataset(SEED))
    fig = plots.place_map(result, mapdata=INSTALLED)
    ax = fig.axes[0]
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    vertices = sum(len(line) for c in lines for line in c.get_segments())
    assert vertices > 1000  # regions, borders and coasts at 1:10m
    assert _points(ax) == len(plots.mapped_places(result)) == 4
    names = {t.get_text() for t in ax.texts}
    assert {"Kharkiv", "Voronezh"} <= names  # regions named in grey
    assert len(ax.child_axes) == 1  # the inset
    assert ax.get_xlabel().startswith("Boundaries: Natural Earth")


@needs_mapdata
def test_the_boundaries_around_belgorod_name_its_neighbours():
    shown = basemap.basemap((34.0, 49.0, 40.0, 52.0), INSTALLED)
    names = {name for name, *_ in shown.region_labels}
    assert {"Belgorod", "Kursk", "Kharkiv", "Sumy"} <= names
    assert shown.borders and shown.regions


@needs_mapdata
def test_two_thousand_places_stay_readable():
    """Generated places over eastern Europe: every point drawn, at most ten place names
    and 25 region names, none of them at the edge."""
    result = analyze(load_dataset(SEED))
    rng = np.random.default_rng(7)
    many = pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(2000)],
            "name": [f"Place number {i}" for i in range(2000)],
            "lat": rng.uniform(44, 53, 2000),
            "lon": rng.uniform(24, 41, 2000),
            "status": rng.choice(["contested", "corroborated", "single-source"], 2000),
            "claims": rng.integers(0, 50, 2000),
        }
    )
    original = plots.mapped_places
    plots.mapped_places = lambda _: many
    try:
        fig = plots.place_map(result, mapdata=INSTALLED)
    finally:
        plots.mapped_places = original
    ax = fig.axes[0]
    assert _points(ax) == 2000
    place_names = [t for t in ax.texts if t.get_text().startswith("Place number")]
    assert len(place_names) <= 10 and len(ax.texts) - len(place_names) <= 25 + 2  # + km, N


def test_the_decoded_copy_holds_the_same_arcs_and_shapes(mapdata):
    for path in (mapdata / "countries-10m.json", mapdata / "regions" / "a.topo.json"):
        assert basemap._decoded_path(path).is_file()
        topology, arcs, boxes = basemap._topology(path)  # from the .npz
        fresh_topology, fresh_arcs, fresh_boxes = basemap._decode(path)
        assert [a.tolist() for a in arcs] == [a.tolist() for a in fresh_arcs]
        np.testing.assert_array_equal(boxes, fresh_boxes)
        if "uses" in topology:  # countries: only how often each arc is used is kept
            geometries = fresh_topology["objects"]["countries"]["geometries"]
            assert (
                topology["uses"].tolist() == [2, 1, 1] == basemap._arc_uses(geometries, 3).tolist()
            )
        else:
            assert topology["objects"] == fresh_topology["objects"]
