"""Contract §2 in every time zone: plain dates are never shifted, offsets are converted.

The rule: a plain date is a calendar day in the dataset's zone and is kept as
written; a date-time with ``Z`` or an offset is converted to the dataset's zone
and its day taken there; a date-time without an offset is already local.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.contract.timeexpr import resolve_expressions

from .conftest import SEED

ZONES = [  # UTC-12 .. UTC+14, with and without daylight saving time
    "Etc/GMT+12", "America/New_York", "UTC", "Europe/Kyiv", "Asia/Kolkata", "Pacific/Kiritimati",
]  # fmt: skip

# value -> expected day per zone (same order as ZONES)
DAYS = {
    "2025-04-08": ["2025-04-08"] * 6,
    "2025-04-08T23:30": ["2025-04-08"] * 6,  # no offset: local, never converted
    "2025-04-08T02:00Z": ["2025-04-07", "2025-04-07", "2025-04-08", "2025-04-08", "2025-04-08", "2025-04-08"],
    "2025-04-08T23:30+00:00": ["2025-04-08", "2025-04-08", "2025-04-08", "2025-04-09", "2025-04-09", "2025-04-09"],
    "2025-04-08T10:00-08": ["2025-04-08", "2025-04-08", "2025-04-08", "2025-04-08", "2025-04-08", "2025-04-09"],
    "2025-04-08T12:00+0530": ["2025-04-07", "2025-04-08", "2025-04-08", "2025-04-08", "2025-04-08", "2025-04-08"],
    # New York's clocks: spring forward at 07:00Z on 9 March, fall back at 06:00Z on 2 November
    "2025-03-09T04:30Z": ["2025-03-08", "2025-03-08", "2025-03-09", "2025-03-09", "2025-03-09", "2025-03-09"],
    "2025-03-09T06:30Z": ["2025-03-08", "2025-03-09", "2025-03-09", "2025-03-09", "2025-03-09", "2025-03-09"],
    "2025-11-02T03:59Z": ["2025-11-01", "2025-11-01", "2025-11-02", "2025-11-02", "2025-11-02", "2025-11-02"],
    "2025-11-02T04:30Z": ["2025-11-01", "2025-11-02", "2025-11-02", "2025-11-02", "2025-11-02", "2025-11-02"],
}  # fmt: skip


@pytest.mark.parametrize("zone_index", range(len(ZONES)), ids=ZONES)
def test_each_value_gets_its_day_in_each_zone(zone_index):
    zone = ZONES[zone_index]
    values = pd.Series(list(DAYS))
    resolved = resolve_expressions(values, allow_relative=False, timezone=zone)
    got = dict(zip(values, resolved["start"].dt.strftime("%Y-%m-%d"), strict=True))
    assert got == {value: days[zone_index] for value, days in DAYS.items()}
    assert resolved["problem"].isna().all()


@pytest.mark.parametrize(
    "value",
    ["2025-03-18T24:00", "2025-03-18T25:61", "2025-03-18T10:00+25:00", "2025-03-18T10:00+99"],
)
def test_impossible_times_and_offsets_are_refused(value):
    resolved = resolve_expressions(pd.Series([value]), allow_relative=False)
    assert resolved.loc[0, "code"] == "bad-date"


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_seed_gives_the_same_days_in_any_zone_as_in_utc(tmp_path, zone):
    """The seed's dates are plain: moving its zone must not move a single day."""
    shifted = tmp_path / "seed"
    shutil.copytree(SEED, shifted)
    manifest = shifted / "dataset.toml"
    lines = [line for line in manifest.read_text().splitlines() if not line.startswith("timezone")]
    manifest.write_text("\n".join([*lines, f'timezone = "{zone}"']) + "\n")
    original, moved = load_dataset(SEED), load_dataset(shifted)
    assert moved.timezone == zone
    pd.testing.assert_series_equal(
        original.documents["published_day"], moved.documents["published_day"]
    )
    for column in ("stated_start", "stated_end", "event_start", "event_end"):
        pd.testing.assert_series_equal(original.claims[column], moved.claims[column])


@pytest.mark.parametrize(
    "value",
    [
        "0000-01-01", "1677-09-21", "1678", "1699-12-31", "2262-04-12", "9999-12-31",
        "2000-01-01/9999-12-31", "0001-01-01T10:00Z", "2025-03-18T10:00+14:01",
        "2025-03-18T10:00+05:75",
    ],
)  # fmt: skip
def test_dates_outside_the_supported_range_or_offsets_beyond_14_hours_are_refused(value):
    resolved = resolve_expressions(pd.Series([value]), allow_relative=False)
    assert resolved.loc[0, "code"] == "bad-date"
    assert pd.isna(resolved.loc[0, "start"]) and pd.isna(resolved.loc[0, "end"])


@pytest.mark.parametrize("value, day", [("1700-01-01", "1700-01-01"), ("2199", "2199-01-01")])
def test_the_edges_of_the_supported_range_are_kept_exactly(value, day):
    resolved = resolve_expressions(pd.Series([value]), allow_relative=False)
    assert resolved.loc[0, "start"] == pd.Timestamp(day)


def test_a_relative_phrase_reaching_out_of_range_is_refused_not_wrapped():
    anchors = pd.Series(pd.to_datetime(["2025-03-18", "1700-02-01"]))
    resolved = resolve_expressions(pd.Series(["300000 days ago", "last year"]), anchors)
    assert list(resolved["code"]) == ["bad-date", "bad-date"]
    assert resolved["start"].isna().all()
