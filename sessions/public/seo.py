"""What search engines and link previews read: descriptions and schema.org JSON-LD."""

from django.conf import settings

from common.richtext import summary
from common.site_url import absolute_url

SCHEDULED = "https://schema.org/EventScheduled"
RESCHEDULED = "https://schema.org/EventRescheduled"
POSTPONED = "https://schema.org/EventPostponed"
CANCELLED = "https://schema.org/EventCancelled"


def person_summary(speaker):
    """Dr Patryk Pawlak: Brussels Executive Officer, European Union for Security Studies."""
    roles = "; ".join(
        ", ".join(part for part in (a.position, a.organisation.name) if part)
        for a in speaker.listed_affiliations
    )
    return f"{speaker}: {roles}" if roles else str(speaker)


def _person(speaker, affiliations):
    """schema.org Person: the name alone, the honorific and post-nominals beside it."""
    person = {"@type": "Person", "name": speaker.name}
    if speaker.honorific:
        person["honorificPrefix"] = speaker.honorific
    if speaker.post_nominals:
        person["honorificSuffix"] = speaker.post_nominals
    if affiliations:
        person["affiliation"] = [
            {"@type": "Organization", "name": a.organisation.name} for a in affiliations
        ]
    return person


def place(session):
    """schema.org Place: the venue's name, its PostalAddress and position, as far as known."""
    data = {"@type": "Place"}
    if session.venue:
        data["name"] = session.venue
    parts = {
        "streetAddress": session.street_address,
        "addressLocality": session.city,
        "postalCode": session.postal_code,
        "addressCountry": session.country,
    }
    if any(parts.values()):
        data["address"] = {"@type": "PostalAddress", **{k: v for k, v in parts.items() if v}}
    if session.position:
        latitude, longitude = session.position
        data["geo"] = {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}
    return data


def organizer(event):
    """The event's organiser; while none is named, the site that publishes it."""
    if event.organiser:
        return {"@type": "Organization", "name": event.organiser}
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute_url("/")}


def event_status(session, changes):
    """schema.org eventStatus and the earlier starts, from the recorded changes.

    Rescheduled once a known start has moved after publication; postponed if
    the date went back to "to be confirmed"; cancelled wins over both.
    """
    moves = [change for change in changes if change.previous_start is not None]
    previous = [change.previous_start for change in sorted(moves, key=lambda c: c.changed_at)]
    if session.cancelled:
        return CANCELLED, previous
    if moves:
        return (RESCHEDULED if session.starts_at else POSTPONED), previous
    return SCHEDULED, previous


def session_json_ld(agenda, url, changes=()):
    """schema.org Event for a session. Start and end carry their UTC offset when known.

    `changes` are the session's AgendaChange rows, for its status and previous starts.
    """
    session = agenda.session
    status, previous_starts = event_status(session, changes)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{session.event.title}: {session}",
        "url": url,
        "description": summary(session.outline, 300),
        "eventStatus": status,
        "superEvent": {"@type": "EventSeries", "name": session.event.title},
    }
    if session.starts_at:
        data["startDate"] = session.starts_at.isoformat()
    if session.ends_at:
        data["endDate"] = session.ends_at.isoformat()
    if previous_starts:
        # Shown in the session's zone where it is known, as startDate is.
        zone = session.zone
        data["previousStartDate"] = [
            (start.astimezone(zone) if zone else start).isoformat() for start in previous_starts
        ]
    in_person = bool(session.place_name)
    # The meeting link itself is for participants only: search engines get the page.
    online = {"@type": "VirtualLocation", "url": url}
    if in_person and session.online_url:
        data["location"] = [place(session), online]
    elif in_person:
        data["location"] = place(session)
    elif session.online_url:
        data["location"] = online
    if in_person and session.online_url:
        data["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
    elif session.online_url:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
    elif in_person:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
    data["organizer"] = organizer(session.event)
    performers = [
        _person(role.speaker, role.speaker.listed_affiliations)
        for role in [*agenda.speakers, *agenda.leads]
    ]
    if performers:
        data["performer"] = performers
    return data
