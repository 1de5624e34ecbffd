"""The database unreachable: cached pages are still served, other pages answer 503
with the site's own page and Retry-After, nothing is half-saved, and the site
answers again as soon as the database does."""

import re

import pytest
from django.db import OperationalError
from django.test import Client

from sessions.models import AgendaSlot, Session
from tests.helpers import DEMO_URL, change_form_data, change_url

pytestmark = pytest.mark.django_db


def assert_the_sites_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in page
    assert 'href="/static/css/site.css"' in page  # the site's own look
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"<script|<style|\sstyle=", page)  # the CSP allows no inline code


def test_a_page_that_needs_the_database_answers_503_with_retry_after(database, demo):
    database.down = True

    response = Client().get(DEMO_URL)

    assert_the_sites_unavailable_page(response)


def test_a_cached_public_page_is_still_served_while_the_database_is_down(
    database, demo_after_commit
):
    cached = Client().get(DEMO_URL)
    database.down = True

    again = Client().get(DEMO_URL)

    assert again.status_code == 200
    assert again.content == cached.content


def test_an_organiser_gets_503_while_the_database_is_down(database, organiser_client, demo):
    database.down = True

    response = organiser_client.get("/admin/agenda/session/")

    assert_the_sites_unavailable_page(response)


def test_a_login_answers_503_while_the_database_is_down(database):
    database.down = True

    response = Client().post("/admin/login/", {"username": "ada", "password": "anything"})

    assert_the_sites_unavailable_page(response)


class FailInMiddleware:
    """A database error outside any view, where Django turns it into a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("server closed the connection unexpectedly")


def test_a_database_error_outside_a_view_is_503_too(settings, db):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailInMiddleware"]

    response = Client(raise_request_exception=False).get("/privacy/")

    assert_the_sites_unavailable_page(response)


def test_other_errors_stay_500(settings, db):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailWithABug"]

    response = Client(raise_request_exception=False).get("/privacy/")

    assert response.status_code == 500


class FailWithABug(FailInMiddleware):
    def __call__(self, request):
        raise ZeroDivisionError


def test_the_site_answers_again_as_soon_as_the_database_does(database, demo):
    database.down = True
    during = Client().get(DEMO_URL)
    database.down = False

    after = Client().get(DEMO_URL)

    assert during.status_code == 503
    assert after.status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_cut_off_by_the_database_is_rolled_back_whole(
    database, organiser_client, monkeypatch
):
    from tests.helpers import load_demo

    session = load_demo()
    slots = [
        {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}" if s.end else "", "title": s.title}
        for s in session.slots.all()
    ]
    slots[0]["title"] = "Opening, renamed"
    data = change_form_data(session, slots=slots)
    data["status"] = session.status
    data["title"] = "A new title"
    real_save = AgendaSlot.save

    def database_goes_away(slot, *args, **kwargs):
        # The session's row is written by now; the database goes away before the slots.
        database.down = True
        return real_save(slot, *args, **kwargs)

    monkeypatch.setattr(AgendaSlot, "save", database_goes_away)

    response = organiser_client.post(change_url(session), data)
    database.down = False

    assert_the_sites_unavailable_page(response)
    assert Session.objects.get().title == session.title
    assert not AgendaSlot.objects.filter(title="Opening, renamed").exists()


def test_an_outage_is_logged_once_a_minute_not_per_request(database, demo, caplog, monkeypatch):
    from common import unavailable

    monkeypatch.setattr(unavailable, "_logged", {})
    database.down = True

    for _ in range(5):
        assert Client().get(DEMO_URL).status_code == 503

    assert [r.name for r in caplog.records if r.levelno >= 30] == ["common.unavailable"]
    assert "OperationalError" in caplog.records[-1].getMessage()
