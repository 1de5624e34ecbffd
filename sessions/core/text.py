"""A session in plain text, as every export and the page's calendar links say it alike:
stable identifiers, the agenda as plain text, the place.

Every export (sessions/exports/) turns `Agenda` objects (core/agenda.py) into
bytes; none reads the database. `absolute` is a callable that turns a path into
an absolute URL (the view passes `common.site_url.absolute_url`: SITE_URL, never
the request's host). The session page's "add to Google Calendar / Outlook" links
(public/calendar_links.py) are made from the same text.

Staff-only slot fields (cue, tech_notes, responsible) are never read here, and
the online meeting link is left out as on the public page: only "online" is said.

Stored text may hold what no export format can carry (a title with a line break
from an older import, a control character pasted from elsewhere): `one_line()`
and `multi_line()` make any text safe for a single-line or a multi-line property,
so an export never answers 500 on what is stored.
"""

import re
import uuid
from datetime import UTC

from django.conf import settings

from common.formatting import span

# Line breaks in any convention (CR LF, CR, LF, VT, FF, the file, group and record
# separators, NEL, Unicode's line and paragraph separators), and tabs, with the
# spaces around them.
_BREAKS = re.compile(r"[ \t]*(?:\r\n|[\n\r\t\v\f\x1c-\x1e\x85\u2028\u2029])[ \t]*")
# What neither XML 1.0 nor iCalendar text may hold: control characters (C0 but
# tab, line feed and carriage return; DEL and C1), lone surrogates, U+FFFE, U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def one_line(text):
    """`text` for a property of one line (a title, a name, a place): each line
    break or tab becomes a space, other control characters are dropped."""
    return _UNWRITABLE.sub("", _BREAKS.sub(" ", str(text))).strip()


def multi_line(text):
    """`text` for a property that may span lines (a description): line breaks
    become line feeds, other control characters are dropped."""
    text = re.sub(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]", "\n", str(text))
    return _UNWRITABLE.sub("", text)


def uid_domain():
    """A stable name for this site in identifiers: not the request's host, which varies."""
    return settings.CALENDAR_UID_DOMAIN


def session_uid(session):
    """The calendar UID of a session: from its primary key, never its slug."""
    return f"session-{session.pk}@{uid_domain()}"


def guid(kind, pk):
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{uid_domain()}:{kind}-{pk}")


def session_guid(session):
    """The frab schedule's guid of a session, stable like its calendar UID."""
    return guid("session", session.pk)


def agenda_lines(agenda):
    """One line per item: time or span, then the title, as on the page."""
    return [f"{span(item.start, item.end)} {one_line(item.slot.title)}" for item in agenda.items]


def agenda_text(agenda, url=None):
    session = agenda.session
    parts = [f"{one_line(agenda.event.title)}\n{one_line(session)}"]
    if session.cancelled:
        parts.append("This meeting has been cancelled.")
    lines = agenda_lines(agenda)
    if lines:
        zone = session.time_zone or "the venue's local time"
        parts.append(f"Agenda (times in {zone}):\n" + "\n".join(lines))
    if url:
        parts.append(url)
    return multi_line("\n\n".join(parts))


def place(session):
    """Where the meeting is, as the page says it: the venue's name and address,
    "online", both, or nothing while it is to be confirmed."""
    venue = one_line(session.place_name)
    if venue and session.online_url:
        return f"{venue}, and online"
    return venue or ("Online" if session.online_url else "")


def utc(instant):
    return instant.astimezone(UTC)
