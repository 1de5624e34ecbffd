"""VTIMEZONE components for the zones a calendar file names, for the days it needs."""

import icalendar


def add_timezones(calendar, *, first_date, last_date):
    """Add a VTIMEZONE for each TZID the calendar uses and does not define yet,
    ahead of the components that use it, in the order of their names (so the file
    is the same in every worker)."""
    defined = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        calendar.subcomponents.insert(defined, vtimezone(tzid, first_date, last_date))
        defined += 1


def vtimezone(tzid, first_date, last_date):
    """The VTIMEZONE of zone `tzid` from `first_date` to `last_date`."""
    return icalendar.Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date)
