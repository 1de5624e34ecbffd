import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from participants.admin import places_summary
from participants.models import ParticipantRequest, RequestSettings
from tests.factories import ParticipantRequestFactory, RequestSettingsFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = ParticipantRequest.Status
CHANGELIST = "admin:participants_participantrequest_changelist"


def run_action(client, action, requests):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in requests]},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("action", "status", "subject"),
    [
        ("select", Status.SELECTED, "You have a place: International cooperation"),
        ("waitlist", Status.WAITLISTED, "You are on the waiting list: International cooperation"),
        ("decline", Status.DECLINED, "Your request for a place: International cooperation"),
    ],
)
def test_each_action_sets_the_status_and_sends_its_email(
    organiser_client, session, action, status, subject, send_queued_email
):
    ada = ParticipantRequestFactory(session=session, name="Ada", email="ada@example.org")
    bo = ParticipantRequestFactory(session=session, name="Bo", email="bo@example.org")

    response = run_action(organiser_client, action, [ada, bo])

    assert set(ParticipantRequest.objects.values_list("status", flat=True)) == {status}
    send_queued_email()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bo@example.org"]
    assert {m.subject for m in mail.outbox} == {subject}
    assert any("2 requests marked" in m for m in messages_of(response))
    assert any("2 emails queued; the worker sends them." in m for m in messages_of(response))
    ada.refresh_from_db()
    assert ada.status_changed_at is not None


def test_selected_email_gives_the_date_or_says_it_is_to_be_confirmed(
    organiser_client, session, send_queued_email
):
    request = ParticipantRequestFactory(session=session, name="Ada")

    run_action(organiser_client, "select", [request])

    send_queued_email()
    body = mail.outbox[0].body
    assert "Dear Ada," in body
    assert "The date is still to be confirmed" in body
    assert session.get_absolute_url() in body


def test_action_leaves_requests_already_in_that_status_without_a_second_email(
    organiser_client, session, send_queued_email
):
    already = ParticipantRequestFactory(session=session, status=Status.SELECTED)
    new = ParticipantRequestFactory(session=session)

    run_action(organiser_client, "select", [already, new])

    send_queued_email()
    assert [m.to[0] for m in mail.outbox] == [new.email]


def test_selecting_past_the_maximum_warns_with_the_count(organiser_client, session):
    ParticipantRequestFactory.create_batch(30, session=session, status=Status.SELECTED)
    extra = ParticipantRequestFactory(session=session)

    response = run_action(organiser_client, "select", [extra])

    assert "International cooperation: Selected 31 of 25-30: 1 over the maximum." in messages_of(
        response
    )


def test_selecting_within_capacity_gives_no_warning(organiser_client, session):
    ParticipantRequestFactory.create_batch(29, session=session, status=Status.SELECTED)
    extra = ParticipantRequestFactory(session=session)

    response = run_action(organiser_client, "select", [extra])

    assert not [m for m in messages_of(response) if "over the maximum" in m]


def test_changelist_shows_selected_against_capacity_per_row(organiser_client, session):
    ParticipantRequestFactory.create_batch(31, session=session, status=Status.SELECTED)

    response = organiser_client.get(reverse(CHANGELIST))

    assert "Selected 31 of 25-30: 1 over the maximum" in response.text
    assert response.context["cl"].result_list[0].session_selected == 31


def test_changelist_filters_and_searches(organiser_client, session):
    ParticipantRequestFactory(session=session, name="Ada", organisation="Rights Watch")
    ParticipantRequestFactory(session=session, name="Bo", status=Status.SELECTED, expertise="law")
    ParticipantRequestFactory(name="Cy")  # another session

    def names(**params):
        response = organiser_client.get(reverse(CHANGELIST), params)
        return sorted(r.name for r in response.context["cl"].result_list)

    assert names(session__id__exact=session.pk) == ["Ada", "Bo"]
    assert names(status__exact="selected") == ["Bo"]
    assert names(expertise="law", session__id__exact=session.pk) == ["Ada", "Bo"]
    assert names(q="rights watch") == ["Ada"]
    assert names(q="Cy") == ["Cy"]


def test_request_settings_changelist_shows_places(organiser_client, session):
    RequestSettings.objects.create(session=session, requests_open=True)
    ParticipantRequestFactory.create_batch(3, session=session, status=Status.SELECTED)

    response = organiser_client.get(reverse("admin:participants_requestsettings_changelist"))

    assert "Selected 3 of 25-30: 22 short of the minimum" in response.text


@pytest.mark.parametrize(
    ("selected", "low", "high", "summary"),
    [
        (31, 25, 30, "Selected 31 of 25-30: 1 over the maximum"),
        (27, 25, 30, "Selected 27 of 25-30"),
        (20, 25, 30, "Selected 20 of 25-30: 5 short of the minimum"),
        (30, 30, 30, "Selected 30 of 30"),
        (4, None, None, "Selected 4"),
    ],
)
def test_places_summary_says_where_the_selection_stands(selected, low, high, summary):
    assert places_summary(selected, low, high) == summary


def test_staff_without_participant_permissions_cannot_open_requests_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_session_autocomplete_for_request_settings_answers_in_order(admin_client):
    # SessionAdmin annotates a count (GROUP BY drops Meta.ordering); unordered
    # autocomplete pages warn, and the test settings make warnings errors.
    RequestSettingsFactory(session__title="Session on evidence")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "participants",
            "model_name": "requestsettings",
            "field_name": "session",
            "term": "evidence",
        },
    )

    assert response.status_code == 200
    assert "Session on evidence" in response.json()["results"][0]["text"]


def test_admin_refuses_a_second_request_of_one_address_in_another_spelling(
    organiser_client, session
):
    ParticipantRequestFactory(session=session, email="ada@bücher.example")

    response = organiser_client.post(
        reverse("admin:participants_participantrequest_add"),
        {
            "session": session.pk,
            "name": "Someone else",
            "email": "ADA@xn--bcher-kva.example",
            "organisation": "Elsewhere",
            "expertise": "law",
            "motivation": "Let me in.",
            "status": Status.REQUESTED,
        },
    )

    assert response.status_code == 200
    assert "has already asked for a place in this session" in response.text
    assert ParticipantRequest.objects.count() == 1
