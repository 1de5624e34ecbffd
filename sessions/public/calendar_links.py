""" "Add to calendar" for people who do not know what a calendar file is.

Beside the .ics file, the session page links to the web calendars that most
participants use, with the session filled in: Google Calendar, Outlook.com and
Outlook for work or school (Microsoft 365). Plain links, no script: each
calendar's own "new event" page takes the title, the instants (in UTC, so no
zone can be misread), the place and a short description from the address.

The description is the event, the session and the page's address, not the
agenda: an address has a length limit, the agenda does not, and the page stays
current when the agenda changes. The instants are the ones the .ics file holds.

The addresses and their parameters are the calendars' documented "compose"
links: Google's `render?action=TEMPLATE` and Outlook's `deeplink/compose`.
"""

from dataclasses import dataclass
from datetime import UTC
from urllib.parse import quote, urlencode

from ..core.text import multi_line, one_line, place

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/0/deeplink/compose"
OUTLOOK_WORK = "https://outlook.office.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class CalendarLink:
    name: str
    url: str


def _google_time(instant):
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _outlook_time(instant):
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def calendar_links(session, url):
    """Links that add `session` to web calendars; none unless its instants are known.

    `url` is the session page's absolute address.
    """
    if not session.has_calendar_times or session.cancelled:
        return []
    title = one_line(f"{session.event.title}: {session}")
    details = multi_line(f"{one_line(session)}\n\nAgenda and updates: {url}")
    where = place(session)
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_google_time(session.starts_at)}/{_google_time(session.ends_at)}",
        "details": details,
        "ctz": session.time_zone,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": _outlook_time(session.starts_at),
        "enddt": _outlook_time(session.ends_at),
        "body": details,
    }
    if where:
        google["location"] = where
        outlook["location"] = where
    outlook = _query(outlook)
    return [
        CalendarLink("Google Calendar", f"{GOOGLE}?{_query(google)}"),
        CalendarLink("Outlook.com", f"{OUTLOOK_PERSONAL}?{outlook}"),
        CalendarLink("Outlook for work or school", f"{OUTLOOK_WORK}?{outlook}"),
    ]


def _query(parameters):
    # Spaces as %20, not "+": Outlook's compose page shows a "+" as it is.
    return urlencode(parameters, quote_via=quote)
