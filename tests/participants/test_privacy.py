import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template

from participants.models import ParticipantRequest
from sessions.models import Session
from tests.factories import ParticipantRequestFactory, RequestSettingsFactory, SessionFactory
from tests.helpers import request_url

pytestmark = pytest.mark.django_db

REQUESTER = {"name": "Quentin Requester", "email": "quentin.requester@example.org"}


@pytest.fixture
def requested(open_session):
    ParticipantRequestFactory(
        session=open_session, status=ParticipantRequest.Status.SELECTED, **REQUESTER
    )
    return open_session


def public_urls(session):
    return [
        "/",
        session.event.get_absolute_url(),
        session.get_absolute_url(),
        request_url(session),
        request_url(session) + "sent/",
        "/privacy/",
        "/sitemap.xml",
    ]


def test_no_requesters_name_or_email_on_any_public_page(client, requested):
    for url in public_urls(requested):
        response = client.get(url)
        assert response.status_code == 200, url
        assert REQUESTER["name"] not in response.text, url
        assert REQUESTER["email"] not in response.text, url


def test_organisers_see_no_requester_on_the_public_session_page_either(organiser_client, requested):
    response = organiser_client.get(requested.get_absolute_url())

    assert REQUESTER["name"] not in response.text
    assert REQUESTER["email"] not in response.text


def test_privacy_notice_says_what_is_stored_who_sees_it_and_for_how_long(client):
    response = client.get("/privacy/")

    text = response.text
    for heading in ("What we store", "Who sees it", "How long we keep it"):
        assert heading in text
    assert "We delete requests 90 days after the session has taken place" in text
    assert "While a session's date is still to be confirmed" in text


def render_request_link(session):
    template = Template('{% include "participants/request_link.html" %}')
    return template.render(Context({"session": session}))


def test_request_link_shows_when_requests_are_open(open_session, django_assert_num_queries):
    session = Session.objects.select_related("event").get(pk=open_session.pk)

    with django_assert_num_queries(1):  # the request settings
        html = render_request_link(session)

    assert f'href="{request_url(session)}"' in html
    assert "Request a place" in html


@pytest.mark.parametrize("state", ["open", "no settings"])
def test_request_link_reads_settings_the_session_page_joined_without_a_query(
    db, django_assert_num_queries, state
):
    session = SessionFactory(published=True)
    if state == "open":
        RequestSettingsFactory(session=session)
    joined = Session.objects.select_related("event", "request_settings").get(pk=session.pk)

    with django_assert_num_queries(0):
        html = render_request_link(joined)

    assert ("Request a place" in html) is (state == "open")


def test_request_link_gives_the_closing_day(open_session):
    open_session.request_settings.closes_on = open_session.created_at.date().replace(year=2099)
    open_session.request_settings.save()

    assert "Requests close on" in render_request_link(open_session)


@pytest.mark.parametrize("state", ["no settings", "switched off", "draft"])
def test_request_link_is_absent_when_requests_are_not_taken(db, state):
    session = SessionFactory(published=state != "draft")
    if state != "no settings":
        RequestSettingsFactory(session=session, requests_open=state != "switched off")

    assert render_request_link(session).strip() == ""


def test_request_link_costs_a_draft_no_query(db, django_assert_num_queries):
    draft = SessionFactory()

    with django_assert_num_queries(0):
        render_request_link(draft)


def test_data_migration_gives_the_list_permission_to_both_groups(db):
    for name in ("Organisers", "Participant managers"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"view_participant_list", "change_participantrequest"} <= codenames
