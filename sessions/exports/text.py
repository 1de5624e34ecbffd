"""What every export says alike: stable identifiers, the agenda as plain text, the place.

Every module of this package turns `Agenda` objects (core/agenda.py) into bytes;
none reads the database. `absolute` is a callable that turns a path into an
absolute URL (the view passes `common.site_url.absolute_url`: SITE_URL, never
the request's host).

Staff-only slot fields (cue, tech_notes, responsible) are never read here, and
the online meeting link is left out as on the public page: only "online" is said.
"""

import uuid
from datetime import UTC

from django.conf import settings

from common.formatting import span


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
    return [f"{span(item.start, item.end)} {item.slot.title}" for item in agenda.items]


def agenda_text(agenda, url=None):
    session = agenda.session
    parts = [f"{agenda.event.title}\n{session}"]
    if session.cancelled:
        parts.append("This meeting has been cancelled.")
    lines = agenda_lines(agenda)
    if lines:
        zone = session.time_zone or "the venue's local time"
        parts.append(f"Agenda (times in {zone}):\n" + "\n".join(lines))
    if url:
        parts.append(url)
    return "\n\n".join(parts)


def place(session):
    """Where the meeting is, as the page says it: the venue, "online", or nothing."""
    if session.venue and session.online_url:
        return f"{session.venue} and online"
    return session.venue or ("Online" if session.online_url else "")


def utc(instant):
    return instant.astimezone(UTC)
