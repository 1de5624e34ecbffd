"""The session's time zone in the admin: typed with suggestions, the zones the
site's sessions use most offered first, and "To be confirmed" chosen on purpose."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.factories import EventFactory, SessionFactory
from tests.helpers import change_form_data, change_url

pytestmark = pytest.mark.django_db


def suggestions(response):
    datalist = re.search(r'<datalist id="id_time_zone_list">(.*?)</datalist>', response.text, re.S)
    return re.findall(r'<option value="([^"]*)"', datalist.group(1))


def test_zone_box_suggests_the_sites_most_used_zones_first(organiser_client):
    for zone, count in [("Asia/Tokyo", 1), ("Europe/London", 3), ("America/New_York", 2)]:
        SessionFactory.create_batch(count, time_zone=zone)
    session = SessionFactory(time_zone="Asia/Tokyo")

    response = organiser_client.get(change_url(session))

    box = re.search(r"<input[^>]*name=\"time_zone\"[^>]*>", response.text).group(0)
    assert 'list="id_time_zone_list"' in box
    assert 'value="Asia/Tokyo"' in box
    offered = suggestions(response)
    assert offered[:4] == ["Europe/London", "America/New_York", "Asia/Tokyo", "To be confirmed"]
    assert "Pacific/Auckland" in offered
    assert len(offered) == len(set(offered))


def test_a_new_session_must_choose_a_zone_or_to_be_confirmed(organiser_client):
    event = EventFactory()
    data = {
        "event": event.pk,
        "order": 1,
        "title": "Session One",
        "slug": "session-one",
        "time_zone": "",
        "house_rule": "none",
        "allow_indexing": "on",
        "slots-TOTAL_FORMS": 0,
        "slots-INITIAL_FORMS": 0,
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
    }
    add = reverse("admin:agenda_session_add")

    page = organiser_client.get(add)
    refused = organiser_client.post(add, data)
    saved = organiser_client.post(add, data | {"time_zone": "To be confirmed"})

    assert 'value="To be confirmed"' not in re.search(
        r"<input[^>]*name=\"time_zone\"[^>]*>", page.text
    ).group(0)
    assert refused.status_code == 200
    assert "Choose the time zone, or “To be confirmed”" in refused.text
    assert saved.status_code == 302
    assert event.sessions.get().time_zone == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("europe/vienna", "Europe/Vienna"), (" Asia/Kolkata ", "Asia/Kolkata"), ("utc", "UTC")],
)
def test_a_zone_typed_in_any_case_is_stored_by_its_iana_name(organiser_client, typed, stored):
    session = SessionFactory(time_zone="Europe/London")
    data = change_form_data(session) | {"time_zone": typed}

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.time_zone == stored


def test_an_unknown_zone_is_refused_with_an_example(organiser_client):
    session = SessionFactory(time_zone="Europe/London")
    data = change_form_data(session) | {"time_zone": "Mars/Olympus_Mons"}

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    assert (
        "is not an IANA time zone name" in response.context["adminform"].form.errors["time_zone"][0]
    )


def test_a_session_still_to_be_confirmed_shows_so_and_saves_unchanged(organiser_client):
    session = SessionFactory(time_zone="")

    page = organiser_client.get(change_url(session))
    response = organiser_client.post(change_url(session), change_form_data(session))

    assert 'value="To be confirmed"' in re.search(
        r"<input[^>]*name=\"time_zone\"[^>]*>", page.text
    ).group(0)
    assert response.status_code == 302


def test_saving_a_to_be_confirmed_zone_as_shown_records_no_change_of_zone(organiser_client):
    # The box shows "To be confirmed" for a stored "": sent back as it is, that is
    # no change, and the admin's history must not say "Changed time_zone".
    session = SessionFactory(time_zone="")
    data = change_form_data(session)
    data["time_zone"] = "To be confirmed"

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302
    assert "time" not in LogEntry.objects.latest("action_time").get_change_message().casefold()
