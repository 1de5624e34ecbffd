"""What search engines and link previews read: descriptions and schema.org JSON-LD."""

import re

from django.utils.html import strip_tags
from django.utils.text import Truncator

from .templatetags.agenda import markdown

STATUS = "https://schema.org/EventScheduled"


def plain_summary(text, length=160):
    """A one-paragraph summary of Markdown text for meta descriptions."""
    plain = re.sub(r"\s+", " ", strip_tags(markdown(text))).strip()
    return Truncator(plain).chars(length)


def person_summary(speaker):
    """Dr Patryk Pawlak: Brussels Executive Officer, European Union for Security Studies."""
    roles = "; ".join(
        ", ".join(part for part in (a.position, a.organisation.name) if part)
        for a in speaker.affiliations.all()
    )
    return f"{speaker}: {roles}" if roles else str(speaker)


def _person(role_or_speaker, affiliations):
    person = {"@type": "Person", "name": str(role_or_speaker)}
    if affiliations:
        person["affiliation"] = [
            {"@type": "Organization", "name": a.organisation.name} for a in affiliations
        ]
    return person


def session_json_ld(agenda, url):
    """schema.org Event for a session. Start and end carry their UTC offset when known."""
    session = agenda.session
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{session.event.title}: {session}",
        "url": url,
        "description": plain_summary(session.outline, 300),
        "eventStatus": STATUS,
        "superEvent": {"@type": "EventSeries", "name": session.event.title},
    }
    if session.starts_at:
        data["startDate"] = session.starts_at.isoformat()
    if session.ends_at:
        data["endDate"] = session.ends_at.isoformat()
    if session.venue:
        data["location"] = {"@type": "Place", "name": session.venue}
    elif session.online_url:
        data["location"] = {"@type": "VirtualLocation", "url": session.online_url}
    if session.venue and session.online_url:
        data["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
    elif session.online_url:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
    elif session.venue:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
    if session.event.organiser:
        data["organizer"] = {"@type": "Organization", "name": session.event.organiser}
    performers = [
        _person(role.speaker, role.speaker.affiliations.all())
        for role in [*agenda.speakers, *agenda.co_chairs, *agenda.moderators]
    ]
    if performers:
        data["performer"] = performers
    return data
