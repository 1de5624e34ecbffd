"""The agenda app does not depend on the participants app: the site runs without it.

The session page learns of "Request a place" only through the extension point
the agenda app owns (sessions/public/extensions.py), which the participants app
fills from its AppConfig.ready().
"""

import importlib
from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import eventsite.urls
from participants.models import RequestSettings
from tests.factories import EventStaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_requests(demo):
    RequestSettings.objects.create(session=demo, requests_open=True)
    return demo


def _reload_urls():
    importlib.reload(eventsite.urls)
    clear_url_caches()


@pytest.fixture
def without_participants():
    """The site as configured with `participants` left out of INSTALLED_APPS."""
    installed = [app for app in settings.INSTALLED_APPS if app != "participants"]
    with override_settings(INSTALLED_APPS=installed):
        _reload_urls()
        yield
    _reload_urls()


def public_urls(session):
    event = session.event.slug
    return [
        "/",
        f"/events/{event}/",
        session.get_absolute_url(),
        f"/events/{event}/{session.slug}.ics",
        f"/events/{event}/calendar.ics",
        f"/events/{event}/schedule.json",
        f"/events/{event}/schedule.xml",
        f"/events/{event}/changes.atom",
        "/speakers/john-brandolino/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_with_participants_the_session_page_offers_a_place(client, open_requests):
    response = client.get(open_requests.get_absolute_url())

    assert "Request a place" in response.text


def test_every_public_page_works_without_the_participants_app(
    client, open_requests, without_participants
):
    session = open_requests
    session.date, session.time_zone = date(2027, 5, 4), "Europe/Vienna"
    session.save()

    for url in public_urls(session):
        response = client.get(url)
        assert response.status_code == 200, url

    page = client.get(session.get_absolute_url()).text
    assert "Engaging civil society in the fight against cybercrime" in page
    assert "Request a place" not in page
    assert client.get(f"{session.get_absolute_url()}request/").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("participants:request", args=[session.event.slug, session.slug])


def test_run_of_show_works_without_the_participants_app(client, demo, without_participants):
    client.force_login(EventStaffFactory())

    response = client.get(reverse("agenda:run_of_show", args=[demo.event.slug, demo.slug]))

    assert response.status_code == 200
    assert "Welcome and opening remarks" in response.text
