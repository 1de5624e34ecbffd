"""The VTIMEZONE in calendar files, read as RFC 5545 says, against the zoneinfo database.

The reading here is our own and shares no code with the library that writes the
files: each observance begins at its DTSTART (and each RDATE), a local time in
TZOFFSETFROM (RFC 5545 3.6.5, 3.8.3.3), and from then on TZOFFSETTO applies
until the next onset. Every hour of the window, and every minute of the hours
around each change, must give zoneinfo's offset.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from sessions.exports.vtimezone import utc_vtimezone, vtimezone

_OFFSET = re.compile(r"([+-])(\d\d)(\d\d)(\d\d)?")


def _offset(text):
    sign, hours, minutes, seconds = _OFFSET.fullmatch(text).groups()
    size = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    return size if sign == "+" else -size


def _local(text):
    assert not text.endswith("Z"), "an observance's onset is a local time"
    return datetime.strptime(text, "%Y%m%dT%H%M%S")


def _observances(text):
    """Each observance's properties, from the unfolded lines of one VTIMEZONE."""
    lines = text.replace("\r\n ", "").split("\r\n")
    observances, current = [], None
    for line in lines:
        if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT"):
            current = {"kind": line.removeprefix("BEGIN:"), "RDATE": []}
        elif line in ("END:STANDARD", "END:DAYLIGHT"):
            observances.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            name = name.split(";")[0]
            assert name != "RRULE", "this reading knows no RRULE; the files have none"
            if name == "RDATE":
                current["RDATE"].extend(value.split(","))
            else:
                current[name] = value
    return observances


def onsets(text):
    """(UTC instant, offset from then on, kind) of every onset, in order."""
    found = []
    for observance in _observances(text):
        before, after = _offset(observance["TZOFFSETFROM"]), _offset(observance["TZOFFSETTO"])
        for local in [observance["DTSTART"], *observance["RDATE"]]:
            found.append(((_local(local) - before).replace(tzinfo=UTC), after, observance["kind"]))
    return sorted(found)


def offset_at(table, instant):
    """The offset RFC 5545 gives at `instant`: that of the latest onset at or before it."""
    earlier = [entry for entry in table if entry[0] <= instant]
    assert earlier, f"{instant} is before the VTIMEZONE's first onset"
    return earlier[-1][1]


def transitions(zone, start, end):
    """zoneinfo's changes of offset between two UTC instants, to the minute (no zone
    changes twice within an hour)."""
    found, instant = [], start
    while instant < end:
        later = instant + timedelta(hours=1)
        if later.astimezone(zone).utcoffset() != instant.astimezone(zone).utcoffset():
            minute = instant
            while minute.astimezone(zone).utcoffset() == instant.astimezone(zone).utcoffset():
                minute += timedelta(minutes=1)
            found.append(minute)
        instant = later
    return found


def window(zone, first_date, last_date):
    """The instants a VTIMEZONE for these days must get right: from local midnight
    at the start of the first day to the end of the last."""
    start = datetime.combine(first_date, time(), zone).astimezone(UTC)
    end = datetime.combine(last_date + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


def assert_follows_zoneinfo(tzid, first_date, last_date):
    zone = ZoneInfo(tzid)
    component = vtimezone(tzid, first_date, last_date)
    text = component.to_ical().decode()
    table = onsets(text)
    start, end = window(zone, first_date, last_date)

    instants = [
        start + timedelta(hours=hours) for hours in range((end - start) // timedelta(hours=1))
    ]
    changes = transitions(zone, start, end)
    for change in changes:
        instants += [change + timedelta(minutes=m) for m in range(-180, 181)]
    wrong = [
        (
            f"{instant:%Y-%m-%d %H:%M}Z",
            offset_at(table, instant),
            instant.astimezone(zone).utcoffset(),
        )
        for instant in sorted(set(instants))
        if start <= instant < end
        and offset_at(table, instant) != instant.astimezone(zone).utcoffset()
    ]

    assert not wrong, f"{tzid}: (instant, VTIMEZONE's offset, zoneinfo's) {wrong[:6]}\n{text}"
    return table, changes


# Zones in both hemispheres, with the change at 01:00 UTC (Europe), at 02:00 local
# (America/New_York), at 03:00 local (Australia/Sydney, Pacific/Auckland), at
# midnight (America/Santiago); zones without summer time; zones whose rules changed.
ZONES_AND_YEARS = [
    ("Europe/London", range(2024, 2031)),
    ("Europe/Dublin", range(2024, 2031)),
    ("Europe/Vienna", range(2024, 2031)),
    ("America/New_York", range(2024, 2031)),
    ("Australia/Sydney", range(2024, 2031)),
    ("Pacific/Auckland", range(2024, 2031)),
    ("America/Santiago", range(2024, 2031)),
    ("Asia/Tokyo", range(2024, 2031)),
    ("Africa/Nairobi", range(2024, 2031)),
    # Summer time all year from 2011, standard time from October 2014.
    ("Europe/Moscow", range(2010, 2016)),
    # No more summer time after October 2022.
    ("America/Mexico_City", range(2021, 2025)),
    ("Asia/Tehran", range(2021, 2025)),
]


@pytest.mark.parametrize(
    ("tzid", "year"), [(tzid, year) for tzid, years in ZONES_AND_YEARS for year in years]
)
def test_a_years_vtimezone_gives_zoneinfos_offset_at_every_instant(tzid, year):
    table, changes = assert_follows_zoneinfo(tzid, date(year, 1, 1), date(year, 12, 31))

    # One observance for the start of the window and one per change, nothing beyond.
    assert len(table) == 1 + len(changes)
    start, end = window(ZoneInfo(tzid), date(year, 1, 1), date(year, 12, 31))
    assert table[0][0] == start
    assert all(start < onset < end for onset, _, _ in table[1:])


@pytest.mark.parametrize(("tzid", "years"), ZONES_AND_YEARS)
def test_the_days_around_each_change_give_zoneinfos_offset(tzid, years):
    # A calendar file holds the days of its sessions and one either side.
    zone = ZoneInfo(tzid)
    for year in years:
        start, end = window(zone, date(year, 1, 1), date(year, 12, 31))
        for change in transitions(zone, start, end):
            day = change.astimezone(zone).date()
            assert_follows_zoneinfo(tzid, day - timedelta(days=1), day + timedelta(days=1))
            # A file of that day alone (in Santiago its midnight does not exist in spring).
            assert_follows_zoneinfo(tzid, day, day)


@pytest.mark.parametrize(
    ("tzid", "day", "kind", "dtstart", "offset_from", "offset_to"),
    [
        # RFC 5545's own example zone: the change at 02:00 local in both directions.
        ("America/New_York", date(2026, 3, 8), "DAYLIGHT", "20260308T020000", "-0500", "-0400"),
        ("America/New_York", date(2026, 11, 1), "STANDARD", "20261101T020000", "-0400", "-0500"),
        ("Europe/London", date(2026, 3, 29), "DAYLIGHT", "20260329T010000", "+0000", "+0100"),
        ("Europe/London", date(2026, 10, 25), "STANDARD", "20261025T020000", "+0100", "+0000"),
        ("Europe/Vienna", date(2026, 3, 29), "DAYLIGHT", "20260329T020000", "+0100", "+0200"),
        ("Europe/Vienna", date(2026, 10, 25), "STANDARD", "20261025T030000", "+0200", "+0100"),
        # Irish law makes summer time standard (tzdata: a negative DST in winter);
        # calendars still expect summer to be the DAYLIGHT observance.
        ("Europe/Dublin", date(2026, 3, 29), "DAYLIGHT", "20260329T010000", "+0000", "+0100"),
        ("Europe/Dublin", date(2026, 10, 25), "STANDARD", "20261025T020000", "+0100", "+0000"),
    ],
)
def test_an_observance_begins_at_the_local_time_before_the_change(
    tzid, day, kind, dtstart, offset_from, offset_to
):
    text = vtimezone(tzid, day - timedelta(days=1), day + timedelta(days=1)).to_ical().decode()

    changes = [o for o in _observances(text) if o["TZOFFSETFROM"] != o["TZOFFSETTO"]]

    assert [(o["kind"], o["DTSTART"], o["TZOFFSETFROM"], o["TZOFFSETTO"]) for o in changes] == [
        (kind, dtstart, offset_from, offset_to)
    ]


def test_the_vtimezone_parses_and_names_its_zone():
    calendar = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + vtimezone("Europe/London", date(2026, 3, 28), date(2026, 3, 30)).to_ical()
        + b"END:VCALENDAR\r\n"
    )

    (zone,) = calendar.timezones
    assert zone.tz_name == "Europe/London"
    assert {o.name for o in zone.walk() if o is not zone} == {"STANDARD", "DAYLIGHT"}


def test_the_utc_vtimezone_of_an_empty_feed_says_utc_from_1970_on():
    table = onsets(utc_vtimezone().to_ical().decode())

    assert table == [(datetime(1970, 1, 1, tzinfo=UTC), timedelta(), "STANDARD")]
