"""Date expressions (contract §2) -> closed day intervals with a precision.

Each distinct phrase is parsed once into a :class:`Rule` ("the most recent
Monday", "the previous month", "3 days back"); the rules are then applied to
every anchor at once with vectorized date arithmetic. ISO / EDTF values take a
regex fast path and need no anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

PRECISIONS = ("day", "week", "month", "year", "interval")
# Years a date may have. Analysts write 1900-2100; the margin keeps every relative
# phrase (at most a year back from its anchor) and interval end inside the days
# pandas can hold (1677-09-21 .. 2262-04-11), so nothing ever wraps or clips.
SUPPORTED_YEARS = (1700, 2199)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = "|".join(_WEEKDAYS)

_ISO_POINT = (
    r"(?P<{p}y>\d{{4}})(?:-(?P<{p}m>\d{{2}})(?:-(?P<{p}d>\d{{2}})"
    r"(?:[T ](?P<{p}t>\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)"
    r"(?P<{p}z>Z|[+-]\d{{2}}(?::?\d{{2}})?)?)?)?)?"
)
_ISO = re.compile(
    rf"^{_ISO_POINT.format(p='a')}(?P<slash>/{_ISO_POINT.format(p='b')})?$", re.IGNORECASE
)

ISO_HINT = "write an ISO date such as 2025-03-18, 2025-03, 2025 or 2025-03-18/2025-03-21"


@dataclass(frozen=True)
class Rule:
    """How a relative phrase maps an anchor day to an interval.

    ``kind`` names the rule; ``a`` and ``b`` are its integer parameters
    (a weekday 0=Monday, a number of days, a month and a day of month).
    """

    kind: str
    a: int = 0
    b: int = 0


# Phrases whose meaning the contract fixes and dateparser reads differently
# ("last month" there is a date one month back, not the whole previous month).
_FIXED_PHRASES: dict[str, Rule] = {
    "this week": Rule("this_week"),
    "last week": Rule("last_week"),
    "this month": Rule("this_month"),
    "last month": Rule("last_month"),
    "this year": Rule("this_year"),
    "last year": Rule("last_year"),
    "in recent days": Rule("recent_days"),
}
_ON_WEEKDAY = re.compile(rf"^(?:(?:late |early )?on )?({_WEEKDAY})$")
_LAST_WEEKDAY = re.compile(rf"^last ({_WEEKDAY})$")
_DAYS_BACK = re.compile(r"^(?:today|yesterday|(?:\d+|[a-z]+(?:[- ][a-z]+)?) days? ago)$")
_MONTH_DAY = re.compile(
    r"^(?:[a-z]+\.? \d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)? (?:of )?[a-z]+\.?)$"
)
_IN_MONTH = re.compile(r"^in ([a-z]+\.?)$")

# dateparser reads calendar words ("Mar. 18", "three days ago") against this
# fixed reference; only the month, day or distance it finds is kept.
_REFERENCE = pd.Timestamp("2001-12-31")


def normalize(text: pd.Series) -> pd.Series:
    """Lower-case, trim and collapse spaces, so each phrase is parsed once."""
    return text.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)


@lru_cache(maxsize=4096)
def _parser():
    from dateparser.date import DateDataParser

    settings = {
        "RETURN_TIME_AS_PERIOD": True,
        "RELATIVE_BASE": _REFERENCE.to_pydatetime(),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser(phrase: str) -> tuple[pd.Timestamp, str] | None:
    data = _parser().get_date_data(phrase)
    if data.date_obj is None:
        return None
    return pd.Timestamp(data.date_obj).normalize(), data.period


@lru_cache(maxsize=65536)
def parse_rule(phrase: str) -> Rule | None:
    """The rule for one normalized relative phrase, or None if the contract lacks it."""
    if phrase in _FIXED_PHRASES:
        return _FIXED_PHRASES[phrase]
    if m := _ON_WEEKDAY.match(phrase):
        return Rule("weekday_on_or_before", _WEEKDAYS.index(m.group(1)))
    if m := _LAST_WEEKDAY.match(phrase):
        return Rule("weekday_before", _WEEKDAYS.index(m.group(1)))
    if _DAYS_BACK.match(phrase):
        parsed = _dateparser(phrase)
        if parsed and parsed[1] == "day":
            return Rule("days_back", (_REFERENCE - parsed[0]).days)
        return None
    if _MONTH_DAY.match(phrase):
        parsed = _dateparser(phrase)
        if parsed and parsed[1] == "day":
            return Rule("month_day", parsed[0].month, parsed[0].day)
        return None
    if m := _IN_MONTH.match(phrase):
        parsed = _dateparser(m.group(1))
        if parsed and parsed[1] == "month":
            return Rule("in_month", parsed[0].month)
    return None


def parse_phrases(text: pd.Series) -> None:
    """Parse every distinct relative phrase of ``text`` now (:func:`parse_rule` keeps the
    rules), so that :func:`resolve_expressions` finds them parsed: a loader can run this
    pure-Python parsing while Arrow checks its tables."""
    norm = normalize(pd.Series(pd.unique(text.dropna()), dtype="string"))
    for phrase in norm[~norm.str.match(_ISO).astype(bool) & (norm != "")]:
        parse_rule(phrase)


def _days(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[D]").astype(np.int64)


def _from_days(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]")


def _weekday(days: np.ndarray) -> np.ndarray:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0


def _month_start(days: np.ndarray, back: int = 0) -> np.ndarray:
    months = _from_days(days).astype("datetime64[M]") - back
    return _days(months.astype("datetime64[D]"))


def _year_start(days: np.ndarray, back: int = 0) -> np.ndarray:
    years = _from_days(days).astype("datetime64[Y]") - back
    return _days(years.astype("datetime64[D]"))


def _latest_month_day(anchor: np.ndarray, month: int, day: int) -> np.ndarray:
    """The latest month/day on or before each anchor (29 February looks back to a leap year)."""
    years = _from_days(anchor).astype("datetime64[Y]").astype(np.int64)  # since 1970
    result = np.full(anchor.shape, np.iinfo(np.int64).min)
    for back in range(8, -1, -1):  # at most 8 years back to the previous 29 February
        months = ((years - back) * 12 + (month - 1)).astype("datetime64[M]")
        candidate = months.astype("datetime64[D]") + (day - 1)
        exists = candidate.astype("datetime64[M]") == months  # no 30 February
        cand_days = _days(candidate)
        result = np.where(exists & (cand_days <= anchor), cand_days, result)
    return result


def apply_rule(rule: Rule, anchor: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """Interval (start and end, in days since 1970) and precision for anchors in days."""
    kind = rule.kind
    if kind == "weekday_on_or_before":
        start = anchor - (_weekday(anchor) - rule.a) % 7
        return start, start, "day"
    if kind == "weekday_before":
        start = anchor - ((_weekday(anchor) - rule.a - 1) % 7 + 1)
        return start, start, "day"
    if kind == "days_back":
        start = anchor - rule.a
        return start, start, "day"
    if kind == "month_day":
        start = _latest_month_day(anchor, rule.a, rule.b)
        return start, start, "day"
    if kind == "this_week":
        return anchor - _weekday(anchor), anchor, "week"
    if kind == "last_week":
        start = anchor - _weekday(anchor) - 7
        return start, start + 6, "week"
    if kind == "this_month":
        return _month_start(anchor), anchor, "month"
    if kind == "last_month":
        return _month_start(anchor, 1), _month_start(anchor) - 1, "month"
    if kind == "this_year":
        return _year_start(anchor), anchor, "year"
    if kind == "last_year":
        return _year_start(anchor, 1), _year_start(anchor) - 1, "year"
    if kind == "in_month":
        years = _from_days(anchor).astype("datetime64[Y]")
        months = _from_days(anchor).astype("datetime64[M]")
        this_year = years.astype("datetime64[M]") + (rule.a - 1)
        start_month = np.where(this_year <= months, this_year, this_year - 12)
        start = _days(start_month.astype("datetime64[D]"))
        end = np.minimum(_days((start_month + 1).astype("datetime64[D]")) - 1, anchor)
        return start, end, "month"
    if kind == "recent_days":
        return anchor - 6, anchor, "interval"
    raise ValueError(f"unknown rule kind {kind!r}")


def _iso_point_bounds(
    parts: pd.DataFrame, prefix: str, timezone: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Start and end day of the ISO point captured under ``prefix`` (NaT when invalid),
    and where its year is outside the supported range (those are NaT too).

    A plain date is a calendar day and is never converted; a date-time with
    ``Z`` or an offset is converted to ``timezone`` and its day taken there; a
    date-time without one is local. An impossible time (``T24:00``, ``T25:61``)
    or offset (``+25:00``) makes the point invalid.
    """
    y, m, d = parts[f"{prefix}y"], parts[f"{prefix}m"], parts[f"{prefix}d"]
    if not y.notna().any():  # no point under this prefix (no interval has a second end)
        none = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
        return none, none.copy(), pd.Series(False, index=parts.index)
    year = pd.to_numeric(y, errors="coerce")
    out_of_range = year.notna() & ~year.between(*SUPPORTED_YEARS)
    text = (y + "-" + m.fillna("01") + "-" + d.fillna("01")).where(~out_of_range)
    start = _as_days(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))
    time = parts[f"{prefix}t"]
    if not time.notna().any():  # plain dates: no time of day, so no offset (the ISO pattern)
        return start, _end_of_period(start, m, d), out_of_range
    zone = parts[f"{prefix}z"].str.upper()  # text arrives lower-cased
    offset_parts = zone.str.extract(r"^[+-](?P<h>\d{2}):?(?P<m>\d{2})?$").astype(float)
    too_far = (offset_parts["h"] * 60 + offset_parts["m"].fillna(0)).gt(14 * 60) | offset_parts[
        "m"
    ].gt(59)
    start[too_far] = pd.NaT  # offsets run from -14:00 to +14:00
    timed = time.notna() & text.notna() & ~too_far
    if timed.any():
        moment = text[timed] + "T" + time[timed] + zone[timed].fillna("")
        offset = zone[timed].notna()
        days = pd.Series(pd.NaT, index=moment.index, dtype="datetime64[ns]")
        if (~offset).any():
            local = pd.to_datetime(moment[~offset], format="ISO8601", errors="coerce")
            days[local.index] = _as_days(local)
        if offset.any():
            zoned = pd.to_datetime(moment[offset], format="ISO8601", utc=True, errors="coerce")
            days[zoned.index] = _as_days(zoned.dt.tz_convert(timezone).dt.tz_localize(None))
        start[days.index] = days
    return start, _end_of_period(start, m, d), out_of_range


def _end_of_period(start: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """The last day of each point's period: its day, the end of its month or of its year."""
    end = start.copy()
    by_month = day.isna() & month.notna()
    by_year = month.isna()
    if by_month.any():
        end[by_month] = start[by_month] + pd.offsets.MonthEnd(0)
    if by_year.any():
        end[by_year] = start[by_year] + pd.offsets.YearEnd(0)
    return end


def _as_days(moments: pd.Series) -> pd.Series:
    """Midnight of each moment, in the nanosecond unit every date column uses."""
    return moments.dt.normalize().astype("datetime64[ns]")


def resolve_expressions(
    text: pd.Series,
    anchor: pd.Series | None = None,
    *,
    allow_relative: bool = True,
    timezone: str = "UTC",
) -> pd.DataFrame:
    """Resolve date expressions to intervals, date-times with an offset in ``timezone``.

    ``text`` holds the raw expressions (missing values stay missing); ``anchor``
    the day each relative phrase is resolved against. Returns a frame on
    ``text``'s index with ``start``, ``end``, ``precision``, ``problem`` (a message
    where the value is not a date expression, else missing) and ``code`` (the
    problem's reason code: ``bad-date``, ``relative-not-allowed`` or ``no-anchor``).

    Text work (normalizing, the ISO regex, rule parsing) runs once per distinct
    value; only the date arithmetic of relative phrases runs per row.
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    phrases = _distinct_phrases(
        pd.Series(np.asarray(uniques, dtype=object), dtype="string"), timezone
    )
    rows = np.where(codes >= 0, codes, len(phrases) - 1)  # the last slot means "missing"
    anchor_days = _anchor_days(anchor, len(text))
    relative = phrases["rule"].to_numpy()[rows] >= 0
    # A value resolves the same way for every row with the same anchor day (and an
    # absolute one for every row): resolve each distinct pair once, then spread.
    day_codes = pd.factorize(np.where(relative, anchor_days, 0))[0].astype(np.int64)
    pair_of_row, pairs = pd.factorize(
        rows.astype(np.int64) * (day_codes.max(initial=0) + 1) + day_codes
    )
    # codes are numbered in order of first appearance: a pair is new where the running
    # maximum of the codes grows
    seen = np.maximum.accumulate(pair_of_row)
    first = np.flatnonzero(np.r_[True, seen[1:] > seen[:-1]][: len(rows)])
    start, end, precision, problem, reason = _resolve_rows(
        phrases, rows[first], anchor_days[first], allow_relative
    )
    return pd.DataFrame(
        {
            "start": start[pair_of_row],
            "end": end[pair_of_row],
            "precision": pd.Categorical.from_codes(
                pd.Categorical(precision, categories=PRECISIONS).codes[pair_of_row],
                categories=PRECISIONS,
            ),
            "problem": pd.Series(problem[pair_of_row], index=text.index, dtype=object),
            "code": pd.Series(reason[pair_of_row], index=text.index, dtype=object),
        },
        index=text.index,
    )


def _resolve_rows(
    phrases: pd.DataFrame, rows: np.ndarray, anchor_days: np.ndarray, allow_relative: bool
) -> tuple[np.ndarray, ...]:
    """Start, end, precision, problem and reason code of each (distinct value, anchor
    day) pair: ``rows`` index ``phrases``, ``anchor_days`` are days or ``_NO_DAY``."""
    start = phrases["start"].to_numpy()[rows]
    end = phrases["end"].to_numpy()[rows]
    precision = phrases["precision"].to_numpy()[rows]
    problem = phrases["problem"].to_numpy()[rows]
    reason = phrases["code"].to_numpy()[rows]
    rule_of_row = phrases["rule"].to_numpy()[rows]

    relative = rule_of_row >= 0
    if relative.any() and not allow_relative:
        problem[relative] = f"relative dates are not allowed here; {ISO_HINT}"
        reason[relative] = "relative-not-allowed"
    elif relative.any():
        no_anchor = relative & (anchor_days == _NO_DAY)
        problem[no_anchor] = (
            "relative date with no anchor: its document has no valid published date"
        )
        reason[no_anchor] = "no-anchor"
        for code, rule in enumerate(phrases.attrs["rules"]):
            sel = (rule_of_row == code) & ~no_anchor
            if sel.any():
                s, e, prec = apply_rule(rule, anchor_days[sel])
                beyond = (s < _FIRST_DAY) | (e > _LAST_DAY)  # "300000 days ago"
                s, e = np.where(beyond, _FIRST_DAY, s), np.where(beyond, _FIRST_DAY, e)
                start[sel] = _from_days(s).astype("datetime64[ns]")
                end[sel] = _from_days(e).astype("datetime64[ns]")
                precision[sel] = prec
                at = np.flatnonzero(sel)[beyond]
                problem[at] = (
                    f"reaches out of the supported range (years {SUPPORTED_YEARS[0]} "
                    f"to {SUPPORTED_YEARS[1]})"
                )
                reason[at] = "bad-date"

    unresolved = np.asarray(pd.isna(problem)) == False  # noqa: E712 (element-wise)
    start[unresolved] = np.datetime64("NaT")
    end[unresolved] = np.datetime64("NaT")
    precision[unresolved] = None
    return start, end, precision, problem, reason


_NO_DAY = np.iinfo(np.int64).min
_FIRST_DAY = int(np.datetime64(f"{SUPPORTED_YEARS[0]}-01-01", "D").astype(np.int64))
_LAST_DAY = int(np.datetime64(f"{SUPPORTED_YEARS[1]}-12-31", "D").astype(np.int64))


def _anchor_days(anchor: pd.Series | None, length: int) -> np.ndarray:
    if anchor is None:
        return np.full(length, _NO_DAY)
    values = pd.to_datetime(anchor).to_numpy(dtype="datetime64[ns]")
    return np.where(np.isnat(values), _NO_DAY, _days(values))


def _distinct_phrases(uniques: pd.Series, timezone: str = "UTC") -> pd.DataFrame:
    """Per distinct raw value: its ISO interval, or the index of its relative rule.

    One extra last row stands for missing values. Column ``rule`` is -1 where
    the value is not relative; ``attrs["rules"]`` lists the rules in order.
    """
    size = len(uniques) + 1
    start = np.full(size, np.datetime64("NaT"), dtype="datetime64[ns]")
    end = start.copy()
    precision = np.full(size, None, dtype=object)
    problem = np.full(size, None, dtype=object)
    code = np.full(size, None, dtype=object)
    rule_index = np.full(size, -1, dtype=np.int64)

    norm = normalize(uniques)
    blank = np.append((norm == "").fillna(True).to_numpy(dtype=bool), True)
    parts = norm.str.extract(_ISO)
    is_iso = np.append(parts["ay"].notna().to_numpy(), False) & ~blank
    if is_iso.any():
        iso = parts[is_iso[:-1]]
        a_start, a_end, a_range = _iso_point_bounds(iso, "a", timezone)
        b_start, b_end, b_range = _iso_point_bounds(iso, "b", timezone)
        interval = iso["slash"].notna()
        e = a_end.where(~interval, b_end)
        bad = a_start.isna() | e.isna() | (interval & b_start.isna())
        reversed_ = interval & ~bad & (b_start < a_start)
        idx = np.flatnonzero(is_iso)
        start[idx] = a_start.to_numpy()
        end[idx] = e.to_numpy()
        precision[idx] = np.select(
            [interval, iso["ad"].notna(), iso["am"].notna()], ["interval", "day", "month"], "year"
        )
        problem[idx[bad.to_numpy()]] = f"not a valid calendar date or time; {ISO_HINT}"
        problem[idx[reversed_.to_numpy()]] = "interval ends before it starts"
        beyond = (a_range | b_range).to_numpy()
        problem[idx[beyond]] = (
            f"out of the supported range: write a year from {SUPPORTED_YEARS[0]} "
            f"to {SUPPORTED_YEARS[1]}"
        )
        code[idx[(bad | reversed_).to_numpy() | beyond]] = "bad-date"

    rules: dict[Rule, int] = {}
    for i in np.flatnonzero(~is_iso & ~blank):  # a loop over distinct phrases, not rows
        rule = parse_rule(norm.iloc[i])
        if rule is None:
            problem[i] = f"not a date expression the contract knows; {ISO_HINT}"
            code[i] = "bad-date"
        else:
            rule_index[i] = rules.setdefault(rule, len(rules))
    out = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "precision": precision,
            "problem": problem,
            "code": code,
            "rule": rule_index,
        }
    )
    out.attrs["rules"] = list(rules)
    return out
