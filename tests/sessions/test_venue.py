"""A venue that is a real place: its name, address and position wherever the session is told."""

from datetime import date, time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import EventFactory, EventStaffFactory
from tests.helpers import change_form_data, change_url, dated_session, json_ld, visible_text

pytestmark = pytest.mark.django_db

CHATHAM_HOUSE = {
    "venue": "Chatham House",
    "street_address": "10 St James's Square",
    "postal_code": "SW1Y 4LE",
    "city": "London",
    "country": "United Kingdom",
    "latitude": Decimal("51.507431"),
    "longitude": Decimal("-0.135120"),
}


def published(**fields):
    return dated_session(
        **(
            {
                "date": date(2027, 3, 9),
                "start_time": time(10, 0),
                "end_time": time(11, 30),
                "time_zone": "Europe/London",
                "venue": "",
                "label": "",
            }
            | fields
        )
    )


def test_the_page_and_the_run_of_show_print_the_name_and_the_address(client):
    session = published(**CHATHAM_HOUSE)

    page = visible_text(client.get(session.get_absolute_url()))
    client.force_login(EventStaffFactory())
    run_of_show = visible_text(
        client.get(f"/events/{session.event.slug}/{session.slug}/run-of-show/")
    )

    for text in (page, run_of_show):
        assert "Chatham House" in text
        assert "10 St James's Square, London SW1Y 4LE, United Kingdom" in text


def test_a_venue_to_be_confirmed_still_says_so(client):
    session = published()

    assert "Venue To be confirmed" in visible_text(client.get(session.get_absolute_url()))


def test_json_ld_location_is_a_place_with_a_postal_address_and_position(client):
    session = published(**CHATHAM_HOUSE)

    data = json_ld(client.get(session.get_absolute_url()))

    assert data["location"] == {
        "@type": "Place",
        "name": "Chatham House",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "10 St James's Square",
            "addressLocality": "London",
            "postalCode": "SW1Y 4LE",
            "addressCountry": "United Kingdom",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 51.507431, "longitude": -0.13512},
    }


def test_json_ld_of_a_hybrid_meeting_names_the_place_and_the_page(client, settings):
    session = published(online_url="https://meet.example.org/x", **CHATHAM_HOUSE)

    data = json_ld(client.get(session.get_absolute_url()))

    place, online = data["location"]
    assert place["name"] == "Chatham House"
    assert online == {
        "@type": "VirtualLocation",
        "url": f"{settings.SITE_URL}{session.get_absolute_url()}",
    }
    assert "meet.example.org" not in str(data)
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"


def test_json_ld_names_the_site_as_organizer_when_the_event_names_none(client, settings):
    settings.SITE_NAME = "Events Office"
    session = published(event=EventFactory(organiser=""))

    data = json_ld(client.get(session.get_absolute_url()))

    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Events Office",
        "url": f"{settings.SITE_URL}/",
    }


def test_a_position_needs_both_coordinates_in_range():
    session = published()
    session.latitude = Decimal("91")
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "latitude" in error.value.message_dict
    session.latitude, session.longitude = Decimal("51.5"), None
    with pytest.raises(ValidationError, match="Give both a latitude and a longitude"):
        session.full_clean()
    with pytest.raises(IntegrityError):
        session.save()


def test_the_admin_saves_the_address(organiser_client):
    session = published()
    data = change_form_data(session) | {key: str(value) for key, value in CHATHAM_HOUSE.items()}

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302, response.content
    session.refresh_from_db()
    assert session.postal_address == "10 St James's Square, London SW1Y 4LE, United Kingdom"
    assert session.position == (51.507431, -0.13512)


def test_the_session_page_adds_the_session_to_web_calendars_without_script(client, settings):
    session = published(title="Cyber; norms, and law", **CHATHAM_HOUSE)

    page = client.get(session.get_absolute_url())

    links = {link.name: link.url for link in page.context["calendar_links"]}
    assert set(links) == {"Google Calendar", "Outlook.com", "Outlook for work or school"}
    google = parse_qs(urlsplit(links["Google Calendar"]).query)
    assert google["dates"] == ["20270309T100000Z/20270309T113000Z"]
    assert google["text"] == [f"{session.event.title}: Cyber; norms, and law"]
    assert google["location"] == [
        "Chatham House, 10 St James's Square, London SW1Y 4LE, United Kingdom"
    ]
    assert google["ctz"] == ["Europe/London"]
    outlook = parse_qs(urlsplit(links["Outlook.com"]).query)
    assert outlook["startdt"] == ["2027-03-09T10:00:00Z"]
    assert outlook["enddt"] == ["2027-03-09T11:30:00Z"]
    assert session.get_absolute_url() in outlook["body"][0]
    # Spaces as %20: Outlook's compose page would show a "+" as it is.
    assert "+" not in links["Outlook.com"].split("?", 1)[1]
    for url in links.values():
        assert f'href="{url.replace("&", "&amp;")}"' in page.text
    subscribe = (
        f"webcal://{settings.SITE_URL.split('://')[1]}/events/{session.event.slug}/calendar.ics"
    )
    assert f'<a href="{subscribe}">subscribe in your calendar</a>' in page.text


def test_no_web_calendar_links_before_the_instants_are_known_or_after_a_cancellation(client):
    undated = published(date=None)
    cancelled = published(cancelled=True)

    for session in (undated, cancelled):
        assert client.get(session.get_absolute_url()).context["calendar_links"] == []


def test_the_calendar_file_has_the_address_in_location_and_the_position_in_geo(client):
    session = published(**CHATHAM_HOUSE)

    calendar = icalendar.Calendar.from_ical(
        client.get(f"/events/{session.event.slug}/{session.slug}.ics").content
    )

    (event,) = calendar.events
    assert str(event["LOCATION"]) == (
        "Chatham House, 10 St James's Square, London SW1Y 4LE, United Kingdom"
    )
    assert (event["GEO"].latitude, event["GEO"].longitude) == (51.507431, -0.13512)


def test_a_calendar_file_without_a_position_has_no_geo(client):
    session = published(venue="Chatham House")

    calendar = icalendar.Calendar.from_ical(
        client.get(f"/events/{session.event.slug}/{session.slug}.ics").content
    )

    (event,) = calendar.events
    assert str(event["LOCATION"]) == "Chatham House"
    assert "GEO" not in event
