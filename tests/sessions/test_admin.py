from datetime import time

import pytest
from django.urls import reverse

from sessions.models import AgendaSlot, Event, Session
from tests.factories import (
    AgendaSlotFactory,
    OrganisationFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import change_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return SessionFactory(start_time=time(11, 30), end_time=time(13, 0), title="Original title")


def test_visitor_without_staff_status_cannot_reach_the_admin(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_organiser_saves_an_agenda_with_slots_and_roles(organiser_client, session):
    speaker = SpeakerFactory(name="Ada Lovelace")
    data = change_form_data(
        session,
        slots=[
            {"start": "11:30", "title": "Start of the meeting"},
            {"start": "11:30", "end": "11:45", "title": "Welcome", "kind": "opening"},
            {"start": "11:45", "end": "12:20", "title": "Panel", "speakers": [speaker.pk]},
        ],
        roles=[{"speaker": speaker.pk, "contribution": "will open the panel."}],
    )

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302, response.context["errors"]
    assert list(session.slots.values_list("title", flat=True)) == [
        "Start of the meeting",
        "Welcome",
        "Panel",
    ]
    assert list(session.slots.get(title="Panel").speakers.all()) == [speaker]
    assert session.roles.get().contribution == "will open the panel."


def assert_nothing_saved(session):
    session.refresh_from_db()
    assert session.title == "Original title"
    assert not session.slots.exists()


def test_overlapping_slots_are_refused_naming_both_rows(organiser_client, session):
    data = change_form_data(
        session,
        slots=[
            {"start": "11:30", "end": "11:45", "title": "Welcome"},
            {"start": "11:45", "end": "12:20", "title": "Panel"},
            {"start": "12:10", "end": "12:50", "title": "Q&A"},
        ],
    )
    data["title"] = "Changed title"

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Rows 2 and 3: “Panel” (11:45–12:20) overlaps “Q&A” (12:10–12:50)."
    ]
    assert "Rows 2 and 3: “Panel” (11:45–12:20) overlaps “Q&amp;A” (12:10–12:50)." in (
        response.text
    )
    assert_nothing_saved(session)


def test_slot_outside_the_session_is_refused_naming_the_row(organiser_client, session):
    data = change_form_data(
        session,
        slots=[
            {"start": "11:30", "end": "11:45", "title": "Welcome"},
            {"start": "12:50", "end": "13:15", "title": "Closing remarks"},
        ],
    )

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Row 2: “Closing remarks” (12:50–13:15) lies outside the session, which runs 11:30–13:00."
    ]
    assert_nothing_saved(session)


def test_shrinking_the_session_window_is_checked_against_its_slots(organiser_client, session):
    AgendaSlotFactory(session=session, start=time(12, 30), end=time(13, 0), title="Late")
    data = change_form_data(session, slots=[{"start": "12:30", "end": "13:00", "title": "Late"}])
    data["end_time"] = "12:45"

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    assert "Row 1: “Late” (12:30–13:00) lies outside the session, which runs 11:30–12:45." in (
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    session.refresh_from_db()
    assert session.end_time == time(13, 0)


def test_slot_ending_before_it_starts_is_refused(organiser_client, session):
    data = change_form_data(session, slots=[{"start": "12:20", "end": "11:45", "title": "Panel"}])

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "A slot must end after it starts." in form.non_field_errors()
    assert_nothing_saved(session)


def test_ten_thousand_character_title_is_refused_with_the_limit(organiser_client, session):
    data = change_form_data(
        session, slots=[{"start": "11:30", "end": "11:45", "title": "x" * 10_000}]
    )

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["title"] == ["Ensure this value has at most 200 characters (it has 10000)."]
    assert_nothing_saved(session)


def test_titles_with_a_line_break_are_refused_naming_the_rule(organiser_client, session):
    data = change_form_data(
        session, slots=[{"start": "11:30", "end": "11:45", "title": "Welcome\nand coffee"}]
    )
    data["title"] = "Original\ntitle"

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 200
    rule = "A title is a single line of text: it may not contain a line break."
    assert rule in response.context["adminform"].form.errors["title"][0]
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert rule in form.errors["title"][0]
    assert_nothing_saved(session)


def test_event_title_with_a_line_break_is_refused_in_the_admin(organiser_client):
    response = organiser_client.post(
        reverse("admin:agenda_event_add"),
        {"title": "Civil society\r\nand cybercrime", "slug": "cybercrime", "description": ""},
    )

    assert response.status_code == 200
    assert "may not contain a line break" in response.context["adminform"].form.errors["title"][0]
    assert not Event.objects.exists()


def test_impossible_clock_time_is_refused(organiser_client, session):
    data = change_form_data(session, slots=[{"start": "11:60", "end": "24:00", "title": "Odd"}])

    response = organiser_client.post(change_url(session), data)

    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["start"] == ["Enter a valid time."]
    assert form.errors["end"] == ["Enter a valid time."]
    assert_nothing_saved(session)


def test_deleting_a_speaker_who_is_in_a_session_is_refused_in_the_admin(organiser_client):
    role = SessionRoleFactory(speaker__name="Ada Lovelace")
    url = reverse("admin:speakers_speaker_delete", args=[role.speaker.pk])

    page = organiser_client.get(url)
    organiser_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page.text
    assert role.speaker.__class__.objects.filter(pk=role.speaker.pk).exists()


def test_publish_and_unpublish_actions(organiser_client, session):
    changelist = reverse("admin:agenda_session_changelist")

    organiser_client.post(changelist, {"action": "publish", "_selected_action": [session.pk]})
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert session.published_at is not None

    organiser_client.post(changelist, {"action": "unpublish", "_selected_action": [session.pk]})
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


def test_session_admin_lists_searches_and_filters(organiser_client, session):
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(12, 0))
    changelist = reverse("admin:agenda_session_changelist")

    listing = organiser_client.get(changelist, {"q": "Original"})
    drafts = organiser_client.get(changelist, {"status__exact": "draft"})

    assert listing.context["cl"].result_count == 1
    assert drafts.context["cl"].result_count == 1
    assert listing.context["cl"].result_list[0].slot_count == 1


def test_change_page_shows_the_agenda_in_time_order(organiser_client, session):
    AgendaSlotFactory(session=session, start=time(12, 0), end=time(12, 30), title="Second")
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(12, 0), title="First")

    response = organiser_client.get(change_url(session))

    slot_forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [form.instance.title for form in slot_forms if form.instance.pk] == ["First", "Second"]
    assert AgendaSlot.objects.count() == 2


@pytest.mark.parametrize(
    ("model_name", "field_name", "make", "shown"),
    [
        ("session", "event", lambda: SessionFactory().event, "Event"),
        ("agendaslot", "speakers", lambda: SpeakerFactory(name="Ann Ortiz"), "Ann Ortiz"),
        ("sessionrole", "speaker", lambda: SpeakerFactory(name="Ann Ortiz"), "Ann Ortiz"),
        (
            "sessionrole",
            "shown_as",
            lambda: OrganisationFactory(name="Council of Europe"),
            "Council of Europe",
        ),
    ],
)
def test_session_form_autocompletes_answer_in_order(
    organiser_client, model_name, field_name, make, shown
):
    # The admins behind these boxes annotate counts (GROUP BY), which drops the
    # models' Meta.ordering; unordered pages warn, and tests make warnings errors.
    make()
    response = organiser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "agenda", "model_name": model_name, "field_name": field_name, "term": ""},
    )

    assert response.status_code == 200
    assert shown in response.json()["results"][0]["text"]
