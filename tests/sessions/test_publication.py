"""Publish, unpublish, cancel and reinstate from the session's own admin page: a
confirmation that says who will see what, then a save that names the organiser."""

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Session
from tests.factories import AgendaSlotFactory, SessionFactory
from tests.helpers import change_url


def publication_url(session, action):
    return reverse(f"admin:agenda_session_{action}", args=[session.pk])


@pytest.fixture
def session(db):
    session = SessionFactory(title="Session Two", start_time=time(11, 30), end_time=time(13, 0))
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Welcome")
    return session


def latest_user(session):
    return session.history.latest("history_date").history_user


@pytest.mark.django_db
def test_change_page_offers_publish_and_cancel_for_a_draft(organiser_client, session):
    page = organiser_client.get(change_url(session))

    assert f'href="{publication_url(session, "publish")}"' in page.text
    assert f'href="{publication_url(session, "cancel")}"' in page.text
    assert publication_url(session, "unpublish") not in page.text


@pytest.mark.django_db
def test_publish_confirmation_says_what_becomes_public_and_changes_nothing(
    organiser_client, session
):
    page = organiser_client.get(publication_url(session, "publish"))

    assert page.status_code == 200
    assert "becomes public" in page.text
    assert session.get_absolute_url() in page.text
    assert "1 agenda slot" in page.text
    assert 'type="submit"' in page.text
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


@pytest.mark.django_db
def test_publishing_from_the_page_publishes_and_names_the_organiser(
    organiser_client, organiser, session
):
    response = organiser_client.post(publication_url(session, "publish"))

    assert response.status_code == 302
    assert response.url == change_url(session)
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert session.published_at is not None
    assert latest_user(session) == organiser


@pytest.mark.django_db
def test_cancelling_a_published_session_warns_that_subscribers_will_see_it(
    organiser_client, organiser, session
):
    session.publish()
    session.save()

    page = organiser_client.get(publication_url(session, "cancel"))
    response = organiser_client.post(publication_url(session, "cancel"))

    assert "subscribed" in page.text
    assert "calendar" in page.text
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled
    assert session.status == Session.Status.PUBLISHED
    assert latest_user(session) == organiser


@pytest.mark.django_db
def test_unpublishing_and_reinstating_from_the_page(organiser_client, session):
    session.publish()
    session.cancelled = True
    session.save()

    page = organiser_client.get(change_url(session))
    organiser_client.post(publication_url(session, "reinstate"))
    organiser_client.post(publication_url(session, "unpublish"))

    assert f'href="{publication_url(session, "unpublish")}"' in page.text
    assert f'href="{publication_url(session, "reinstate")}"' in page.text
    session.refresh_from_db()
    assert not session.cancelled
    assert session.status == Session.Status.DRAFT


@pytest.mark.django_db
def test_a_step_that_does_not_apply_changes_nothing(organiser_client, session):
    response = organiser_client.post(publication_url(session, "unpublish"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT
    assert session.history.count() == 1  # only its creation


@pytest.mark.django_db
def test_staff_who_may_only_view_sessions_cannot_publish(viewer_client, session):
    page = viewer_client.get(publication_url(session, "publish"))
    response = viewer_client.post(publication_url(session, "publish"))

    assert page.status_code == 403
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


@pytest.mark.django_db
def test_publishing_needs_the_forms_csrf_token(organiser, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)

    response = client.post(publication_url(session, "publish"))

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_commits_on_its_own_and_records_the_organiser(organiser_client, organiser):
    # No test transaction around the request: the row lock needs the view's own.
    session = SessionFactory(title="Session Three")

    organiser_client.post(publication_url(session, "publish"))
    organiser_client.post(publication_url(session, "cancel"))

    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert session.cancelled
    records = list(session.history.order_by("history_date"))
    assert [r.history_user for r in records[-2:]] == [organiser, organiser]
    assert [(r.status, r.cancelled) for r in records[-2:]] == [
        ("published", False),
        ("published", True),
    ]
