"""The participants' write flows as users run them: no test transaction around them.

Each test commits for real (`transaction=True`), so a write that needs a
transaction it does not open, or a row lock that only a test transaction made
harmless, fails here on PostgreSQL as it would on the site. The groups come from
data migrations, hence `serialized_rollback`.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from participants.models import ParticipantRequest
from tests.factories import ParticipantRequestFactory
from tests.helpers import change_link_in, request_form_data, request_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = ParticipantRequest.Status


def request_data(**overrides):
    # The demo session offers no "law": its visitor picks Other.
    return request_form_data(**{"email": "ada@bücher.example", "expertise": "Other", **overrides})


def test_request_confirm_change_through_the_link_then_withdraw(
    client, demo_session, send_queued_email
):
    sent = client.post(request_url(demo_session), request_data())

    assert sent.status_code == 302
    send_queued_email()
    [confirmation] = mail.outbox
    assert confirmation.to == ["ada@bücher.example"]
    link = change_link_in(confirmation)
    assert 'value="Ada Example"' in client.get(link).text

    changed = client.post(link, {"name": "Ada Lovelace", "organisation": "Analytical Society"})

    assert changed.status_code == 302
    saved = ParticipantRequest.objects.get()
    assert (saved.name, saved.organisation, saved.status) == (
        "Ada Lovelace",
        "Analytical Society",
        Status.REQUESTED,
    )

    withdrawn = client.post(link, {"withdraw": "1"}, follow=True)

    assert "Your request has been withdrawn" in withdrawn.text
    assert not ParticipantRequest.objects.exists()
    assert client.get(link).status_code == 404


def test_a_known_address_leaves_the_request_alone_and_emails_its_owner(
    client, demo_session, send_queued_email
):
    owner = ParticipantRequestFactory(
        session=demo_session,
        name="Ada Example",
        email="ada@bücher.example",
        organisation="Digital Rights Watch",
        status=Status.SELECTED,
    )

    client.post(
        request_url(demo_session),
        request_data(email="ADA@xn--bcher-kva.example", name="Mallory", organisation="Evil"),
        REMOTE_ADDR="203.0.113.9",
    )

    owner.refresh_from_db()
    assert (owner.name, owner.organisation, owner.status) == (
        "Ada Example",
        "Digital Rights Watch",
        Status.SELECTED,
    )
    send_queued_email()
    [warning] = mail.outbox
    assert warning.to == ["ada@bücher.example"]
    assert "asked again" in warning.subject
    assert client.get(change_link_in(warning)).status_code == 200


def test_two_first_requests_of_one_address_at_once_make_one_request(
    demo_session, send_queued_email
):
    spellings = ["ada@bücher.example", "ADA@XN--BCHER-KVA.EXAMPLE"]
    start = threading.Barrier(len(spellings))

    def post(spelling):
        try:
            client = Client(REMOTE_ADDR=f"192.0.2.{len(spelling)}")
            start.wait()
            return client.post(request_url(demo_session), request_data(email=spelling))
        finally:
            connection.close()

    with ThreadPoolExecutor(len(spellings)) as pool:
        statuses = [response.status_code for response in pool.map(post, spellings)]

    assert statuses == [302, 302]
    assert ParticipantRequest.objects.count() == 1
    send_queued_email()
    subjects = sorted(message.subject.split(":")[0] for message in mail.outbox)
    assert subjects == [
        "Someone asked again for a place with your address",
        "We have received your request for a place",
    ]


@pytest.mark.parametrize(
    ("action", "status"),
    [("select", Status.SELECTED), ("waitlist", Status.WAITLISTED), ("decline", Status.DECLINED)],
)
def test_admin_actions_change_the_status_and_email_each_requester(
    organiser_client, demo_session, action, status, send_queued_email
):
    requests = [
        ParticipantRequestFactory(session=demo_session, email=f"p{n}@example.org") for n in range(3)
    ]

    response = organiser_client.post(
        reverse("admin:participants_participantrequest_changelist"),
        {"action": action, "_selected_action": [r.pk for r in requests]},
    )

    assert response.status_code == 302
    assert set(ParticipantRequest.objects.values_list("status", flat=True)) == {status}
    assert all(r.status_changed_at for r in ParticipantRequest.objects.all())
    send_queued_email()
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@example.org" for n in range(3)]
    assert all("/requests/" in m.body for m in mail.outbox if status != Status.DECLINED)
