"""What search engines and link previews read: descriptions and schema.org JSON-LD."""

from common.richtext import summary

SCHEDULED = "https://schema.org/EventScheduled"
RESCHEDULED = "https://schema.org/EventRescheduled"
POSTPONED = "https://schema.org/EventPostponed"
CANCELLED = "https://schema.org/EventCancelled"


def person_summary(speaker):
    """Dr Patryk Pawlak: Brussels Executive Officer, European Union for Security Studies."""
    roles = "; ".join(
        ", ".join(part for part in (a.position, a.organisation.name) if part)
        for a in speaker.affiliations.all()
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
    if session.venue:
        data["location"] = {"@type": "Place", "name": session.venue}
    elif session.online_url:
        # The meeting link itself is for participants only: search engines get the page.
        data["location"] = {"@type": "VirtualLocation", "url": url}
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
        for role in [*agenda.speakers, *agenda.leads]
    ]
    if performers:
        data["performer"] = performers
    return data
