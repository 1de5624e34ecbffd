"""A request changes only through the signed link sent to its address."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from participants import links
from participants.models import ParticipantRequest
from tests.factories import ParticipantRequestFactory
from tests.helpers import change_link_in, request_form_data, request_url

pytestmark = pytest.mark.django_db

Status = ParticipantRequest.Status


@pytest.fixture
def selected(open_session):
    return ParticipantRequestFactory(
        session=open_session,
        name="Ada Example",
        email="Ada@Example.org",
        organisation="Digital Rights Watch",
        status=Status.SELECTED,
    )


def test_a_stranger_cannot_overwrite_a_selected_participant(client, open_session, selected):
    response = client.post(
        request_url(open_session),
        request_form_data(email="ADA@EXAMPLE.ORG", name="Mallory", organisation="Evil Corp"),
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    selected.refresh_from_db()
    assert (selected.name, selected.email, selected.organisation, selected.status) == (
        "Ada Example",
        "Ada@Example.org",
        "Digital Rights Watch",
        Status.SELECTED,
    )
    assert ParticipantRequest.objects.count() == 1


def test_a_known_address_tells_its_owner_with_their_change_link(
    client, open_session, selected, send_queued_email
):
    client.post(
        request_url(open_session), request_form_data(email="ada@EXAMPLE.org", name="Mallory")
    )

    send_queued_email()
    [message] = mail.outbox
    assert message.to == ["Ada@Example.org"]
    assert "asked again" in message.subject
    assert "Dear Ada Example" in message.body
    assert "Mallory" not in message.body
    assert "If it was not you" in message.body
    page = client.get(change_link_in(message))
    assert 'value="Ada Example"' in page.text


def test_the_confirmation_email_carries_a_signed_change_link(
    client, open_session, send_queued_email
):
    client.post(request_url(open_session), request_form_data())

    send_queued_email()
    [message] = mail.outbox
    url = change_link_in(message)
    assert "@" not in url
    assert "example.org" not in url
    page = client.get(url)
    assert page.status_code == 200
    assert "Change or withdraw your request" in page.text
    assert 'value="Digital Rights Watch"' in page.text
    assert "ada@example.org" in page.text


def test_the_link_changes_name_and_organisation_only(client, open_session, selected):
    url = links.change_path(selected)

    response = client.post(url, {"name": "Ada Lovelace", "organisation": "Analytical Society"})

    assert response.status_code == 302
    selected.refresh_from_db()
    assert (selected.name, selected.organisation, selected.status, selected.email) == (
        "Ada Lovelace",
        "Analytical Society",
        Status.SELECTED,
        "Ada@Example.org",
    )
    assert "Your changes are saved" in client.get(response["Location"]).text


def test_the_link_withdraws_the_request(client, open_session, selected):
    url = links.change_path(selected)

    response = client.post(url, {"withdraw": "Withdraw my request"}, follow=True)

    assert not ParticipantRequest.objects.exists()
    assert "Your request has been withdrawn" in response.text
    assert "Ada Example" not in response.text


def test_the_change_page_sends_no_referrer_and_is_never_cached(client, selected):
    response = client.get(links.change_path(selected))

    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.text


def test_a_tampered_link_is_refused_with_a_clear_message(client, selected):
    url = links.change_path(selected)
    token = url.split("/")[2]
    other = ParticipantRequestFactory(session=selected.session)
    forged = token.replace(f"{selected.pk}.", f"{other.pk}.", 1)

    for bad in (forged, token[:-2] + "xx", "nonsense"):
        response = client.get(f"/requests/{bad}/")
        assert response.status_code == 400
        assert "This link is not valid" in response.text
        assert "Ada Example" not in response.text
    assert client.post(f"/requests/{forged}/", {"withdraw": "1"}).status_code == 400
    assert ParticipantRequest.objects.count() == 2


def test_an_expired_link_is_refused_and_says_how_to_get_a_new_one(client, selected):
    past = time.time() - links.MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=past):
        url = links.change_path(selected)

    response = client.post(url, {"name": "Changed", "organisation": "Changed"})

    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert "send the request form again with the same address" in response.text
    selected.refresh_from_db()
    assert selected.name == "Ada Example"


def test_a_link_expires_when_the_session_is_over(client, selected):
    url = links.change_path(selected)
    selected.session.date = timezone.localdate() - timedelta(days=2)
    selected.session.save()

    response = client.get(url)

    assert response.status_code == 410
    assert "This session is over" in response.text


def test_a_link_stops_working_when_the_address_changes(client, selected):
    url = links.change_path(selected)
    selected.email = "someone.else@example.org"
    selected.save()

    assert client.get(url).status_code == 400


def test_a_link_to_a_withdrawn_request_says_it_is_gone(client, selected):
    url = links.change_path(selected)
    selected.delete()

    response = client.get(url)

    assert response.status_code == 404
    assert "no longer exists" in response.text
