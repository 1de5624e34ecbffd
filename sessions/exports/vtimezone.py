"""VTIMEZONE components for the zones a calendar file names, for the days it needs.

Built here from the zoneinfo database rather than by icalendar's
`Timezone.from_tzid()` / `Calendar.add_missing_timezones()`: icalendar 7.3.2 (the
newest release; its main branch has the same `from_tzinfo()`) writes the DTSTART
of an observance as the wall-clock time *after* the change. RFC 5545 3.6.5 reads
DTSTART as a local time in TZOFFSETFROM, the time *before* it: London's spring
change is 01:00 GMT, written `DTSTART:20260329T010000` with `TZOFFSETFROM:+0000`,
not 02:00 (which puts it at 02:00 UTC, an hour late); Vienna's is 02:00, not
03:00. icalendar's own reader (`Timezone.to_tz()`) follows the RFC, as do
vobject and ical.js, so they used the old offset for that hour. We found no
report of it upstream (https://github.com/collective/icalendar/issues, searched
December 2026); the same mistake, fixed elsewhere:
https://github.com/spatie/icalendar-generator/pull/168,
https://github.com/icalendar/icalendar/issues/252 (Ruby's icalendar).

The component covers `first_date` to `last_date` only (the days of the file and
one either side), as icalendar's did: one observance for the offset in force at
the start, then one per change of offset or name, each with its exact onset. No
RRULE: a rule would claim to know the zone's future, which the next tzdata
release may change, and clients use their own zone data for a TZID they know.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

# Steps in which the window is searched for changes. No zone has changed its
# offset twice within an hour; a change found is then narrowed to the second.
_SEARCH_STEP = timedelta(hours=1)
_SECOND = timedelta(seconds=1)


def add_timezones(calendar, *, first_date, last_date):
    """Add a VTIMEZONE for each TZID the calendar uses and does not define yet,
    ahead of the components that use it, in the order of their names (so the file
    is the same in every worker). A TZID the zone database does not know is left
    out, as icalendar did."""
    defined = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        try:
            component = vtimezone(tzid, first_date, last_date)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        calendar.subcomponents.insert(defined, component)
        defined += 1


def vtimezone(tzid, first_date, last_date):
    """The VTIMEZONE of zone `tzid` from local midnight on `first_date` to the end
    of `last_date`."""
    zone = ZoneInfo(tzid)
    start = datetime.combine(first_date, time(), zone).astimezone(UTC)
    end = datetime.combine(last_date + timedelta(days=1), time(), zone).astimezone(UTC)
    component = icalendar.Timezone()
    component.add("TZID", tzid)
    component.add("COMMENT", f"Only for the days from {first_date} to {last_date}.")
    state = _state(zone, start)
    inverted = _summer_is_standard(zone, start)
    # The offset in force when the window opens: an onset with no change.
    component.add_component(_observance(start, state, state, inverted))
    for onset, before, after in _changes(zone, start, end):
        component.add_component(_observance(onset, before, after, inverted))
    return component


def _summer_is_standard(zone, instant):
    """Whether the zone counts winter as a negative daylight saving around `instant`.

    Irish law makes summer time (IST) the standard time: tzdata gives Europe/Dublin
    a DST of -1 h in winter and none in summer. Calendar programs expect the summer
    observance to be DAYLIGHT, as everywhere else, so for such a zone the labels
    are swapped (the offsets, which set the instants, are the same either way).
    """
    return any(
        (instant + timedelta(days=30 * month)).astimezone(zone).dst() < timedelta(0)
        for month in range(-12, 13)
    )


def utc_vtimezone():
    """A VTIMEZONE for UTC, always the same: the component of a calendar that has
    nothing dated in it yet (see ical.event_ics)."""
    component = icalendar.Timezone()
    component.add("TZID", "UTC")
    observance = icalendar.TimezoneStandard()
    observance.add("DTSTART", datetime(1970, 1, 1))  # a local time, as RFC 5545 asks
    observance.add("TZOFFSETFROM", timedelta())
    observance.add("TZOFFSETTO", timedelta())
    observance.add("TZNAME", "UTC")
    component.add_component(observance)
    return component


def _state(zone, instant):
    local = instant.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname()


def _changes(zone, start, end):
    """(UTC instant, state before, state after) of each change in [start, end)."""
    instant, state = start, _state(zone, start)
    while instant < end:
        later = min(instant + _SEARCH_STEP, end)
        if _state(zone, later) != state:
            onset = _first_after(zone, instant, later, state)
            after = _state(zone, onset)
            yield onset, state, after
            state = after
        instant = later


def _first_after(zone, before, after, state):
    """The first second in (before, after] whose state is not `state`."""
    while after - before > _SECOND:
        middle = before + (after - before) // 2 // _SECOND * _SECOND
        if _state(zone, middle) == state:
            before = middle
        else:
            after = middle
    return after


def _observance(onset, before, after, inverted=False):
    offset_from, _, _ = before
    offset_to, daylight, name = after
    daylight = daylight != inverted
    observance = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
    # RFC 5545 3.6.5: the onset as a local time in the offset in force before it.
    observance.add("DTSTART", (onset + offset_from).replace(tzinfo=None))
    observance.add("TZOFFSETFROM", offset_from)
    observance.add("TZOFFSETTO", offset_to)
    if name:
        observance.add("TZNAME", name)
    return observance
