"""The slot's moderators and speakers in the session's change form: the session's
people offered first, anyone else allowed and then added to the session's people."""

from datetime import time

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sessions.models import SessionRole
from tests.factories import (
    AgendaSlotFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
    UserFactory,
    fill_agenda,
)
from tests.helpers import agenda_rows, change_form_data, change_url

pytestmark = pytest.mark.django_db

Role = SessionRole.Role


@pytest.fixture
def session(db):
    session = SessionFactory(start_time=time(9, 0), end_time=time(17, 0))
    chair = SpeakerFactory(name="Joyce Hakmeh", slug="joyce")
    SessionRoleFactory(session=session, speaker=chair, role=Role.CHAIR)
    panellist = SpeakerFactory(name="Zoe Panellist", slug="zoe")
    SessionRoleFactory(session=session, speaker=panellist)
    SpeakerFactory(name="Ada Outsider", slug="ada")
    AgendaSlotFactory(session=session, start=time(9, 0), end=time(10, 0), title="Panel")
    return session


def people_url(session):
    return reverse("admin:agenda_session_people", args=[session.pk])


def groups(response):
    return [
        (group["text"], [child["text"] for child in group["children"]])
        for group in response.json()["results"]
    ]


def test_the_session_people_are_offered_first_then_everyone_else(organiser_client, session):
    response = organiser_client.get(people_url(session), {"term": ""})

    assert response.status_code == 200
    assert groups(response) == [
        ("In this session", ["Joyce Hakmeh (Chair)", "Zoe Panellist (Speaker)"]),
        ("Everyone else", ["Ada Outsider"]),
    ]
    assert response.json()["pagination"] == {"more": False}


def test_the_people_search_narrows_both_groups(organiser_client, session):
    response = organiser_client.get(people_url(session), {"term": "ada"})

    assert groups(response) == [("Everyone else", ["Ada Outsider"])]


def test_everyone_else_is_paged(organiser_client, session):
    SpeakerFactory.create_batch(25, name="Bulk Person")

    first = organiser_client.get(people_url(session), {"term": "bulk"}).json()
    second = organiser_client.get(people_url(session), {"term": "bulk", "page": 2}).json()

    assert len(first["results"][0]["children"]) == 20
    assert first["pagination"] == {"more": True}
    assert len(second["results"][0]["children"]) == 5
    assert second["pagination"] == {"more": False}


def test_a_new_session_offers_everyone_as_everyone_else(organiser_client, session):
    response = organiser_client.get(reverse("admin:agenda_session_people", args=[0]))

    assert [name for name, _ in groups(response)] == ["Everyone else"]


def test_people_list_needs_permission_to_edit_sessions(client, session):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="agenda", codename="view_session")
    )
    client.force_login(viewer)

    assert client.get(people_url(session)).status_code == 403


def test_the_slot_boxes_ask_the_session_people_list_and_say_what_happens(organiser_client, session):
    page = organiser_client.get(change_url(session)).text

    assert f'data-ajax--url="{people_url(session)}"' in page
    assert "is added to the session&#x27;s people, as a speaker, when you save" in page


def test_someone_chosen_from_outside_is_labelled_so_when_the_form_comes_back(
    organiser_client, session
):
    outsider = SpeakerFactory(name="Grace Hopper")
    rows = agenda_rows(session)
    rows[0]["speakers"] = [outsider.pk]
    rows[0]["end"] = "08:00"  # an error, so the form comes back

    page = organiser_client.post(change_url(session), change_form_data(session, slots=rows)).text

    assert "Grace Hopper (not in this session yet)" in page


@pytest.mark.parametrize("value", ["noon", "9" * 30, "99999"])
def test_a_person_who_is_not_offered_is_refused(organiser_client, session, value):
    rows = agenda_rows(session)
    rows[0]["speakers"] = [value]

    response = organiser_client.post(change_url(session), change_form_data(session, slots=rows))

    assert response.status_code == 200
    assert "Select a valid choice" in response.text or "is not a valid value" in response.text


# The session's change page, whatever its number of slots and their people: the
# login session and user, the session, the user's and groups' permissions, the
# site's most used time zones (the zone box), the edit-conflict version, the slots, their moderators and their speakers (one
# prefetch each), the session's people and every person's name for the slot
# boxes (once each), the roles, the content type and the event for the page's
# links, and the role rows' person boxes (two per role: three roles here).
CHANGE_PAGE_QUERIES = 20


@pytest.mark.parametrize("slot_count", [3, 30])
def test_change_page_queries_do_not_grow_with_the_slots_and_their_people(
    organiser_client, django_assert_num_queries, slot_count
):
    session = SessionFactory(start_time=time(0, 0), end_time=time(23, 59))
    people = SpeakerFactory.create_batch(3)
    for person in people:
        SessionRoleFactory(session=session, speaker=person)
    fill_agenda(session, slot_count, people=people)

    with django_assert_num_queries(CHANGE_PAGE_QUERIES):
        response = organiser_client.get(change_url(session))

    assert response.text.count('name="slots-') > slot_count


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_someone_from_outside_the_session_is_added_to_its_people_on_save(
    organiser_client, organiser, session
):
    outsider = SpeakerFactory(name="Grace Hopper", honorific="Dr")
    host = SpeakerFactory(name="Sam Compère")
    chair = session.roles.get(role=Role.CHAIR).speaker
    rows = agenda_rows(session)
    rows[0] |= {"moderators": [chair.pk, host.pk], "speakers": [outsider.pk, chair.pk]}

    response = organiser_client.post(
        change_url(session), change_form_data(session, slots=rows), follow=True
    )

    assert response.status_code == 200
    added = session.roles.filter(speaker__in=[outsider, host])
    assert sorted(added.values_list("speaker__name", "role", "order")) == [
        ("Grace Hopper", "speaker", 1),
        ("Sam Compère", "speaker", 2),
    ]
    assert session.roles.filter(speaker=chair).count() == 1  # already in the session
    assert added.first().history.latest().history_user == organiser
    messages = [str(m) for m in response.context["messages"]]
    assert (
        "Dr Grace Hopper and Sam Compère were added to the session's people, as speakers, "
        "because a slot names them." in messages
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saving_with_only_the_session_people_adds_no_one(organiser_client, session):
    chair = session.roles.get(role=Role.CHAIR).speaker
    rows = agenda_rows(session)
    rows[0]["moderators"] = [chair.pk]

    response = organiser_client.post(
        change_url(session), change_form_data(session, slots=rows), follow=True
    )

    assert session.roles.count() == 2
    assert not any("added to the session" in str(m) for m in response.context["messages"])
