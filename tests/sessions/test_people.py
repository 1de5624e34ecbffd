"""People as the pages name them: roles beyond speaker and co-chair, post-nominals,
honorifics mid-sentence, each name said once per agenda item."""

import html
import json
import re
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from sessions.backup.export import event_export
from sessions.backup.format import VERSION
from sessions.backup.importing import event_import
from sessions.models import Event, Session, SessionRole
from speakers.models import Affiliation, Speaker
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
)
from tests.helpers import DEMO_URL, json_ld, visible_text

pytestmark = pytest.mark.django_db

Role = SessionRole.Role


@pytest.fixture
def session(db):
    return SessionFactory(published=True, start_time=time(9, 0), end_time=time(12, 0))


@pytest.fixture
def minister(db):
    person = SpeakerFactory(
        honorific="The Rt Hon",
        name="Jane Doe",
        post_nominals="MP",
        slug="jane-doe",
    )
    AffiliationFactory(speaker=person, position="Minister")
    return person


def test_a_chair_and_a_host_are_roles_of_their_own_with_the_word_the_page_prints(
    client, session, minister
):
    host = SpeakerFactory(name="Sam Compère")
    SessionRoleFactory(session=session, speaker=minister, role=Role.CHAIR)
    SessionRoleFactory(session=session, speaker=host, role=Role.HOST)

    text = visible_text(client.get(session.get_absolute_url()))

    assert "Chair and host" in text
    assert "Chair: The Rt Hon Jane Doe MP, Minister" in text
    assert "Host: Sam Compère" in text
    assert "Co-chair" not in text


def test_post_nominals_follow_the_name_where_it_is_printed_in_full_but_not_in_the_url(
    client, session, minister, organiser_client
):
    SessionRoleFactory(session=session, speaker=minister)
    slot = AgendaSlotFactory(session=session, start=time(9, 0), end=time(10, 0), title="Keynote")
    slot.speakers.add(minister)

    assert minister.get_absolute_url() == "/speakers/jane-doe/"
    assert "The Rt Hon Jane Doe MP" in visible_text(client.get(minister.get_absolute_url()))
    assert "The Rt Hon Jane Doe MP, Minister" in visible_text(
        client.get(session.get_absolute_url())
    )
    run_of_show = f"{session.get_absolute_url()}run-of-show/"
    assert "The Rt Hon Jane Doe MP" in visible_text(organiser_client.get(run_of_show))
    assert "The Rt Hon Jane Doe MP" in visible_text(organiser_client.get(f"{run_of_show}cards/"))
    csv = organiser_client.get(session.get_absolute_url().rstrip("/") + "/run-of-show.csv")
    assert "The Rt Hon Jane Doe MP" in csv.content.decode()


def test_json_ld_names_a_person_without_honorific_and_post_nominals(client, session, minister):
    SessionRoleFactory(session=session, speaker=minister, role=Role.CHAIR)

    (performer,) = json_ld(client.get(session.get_absolute_url()))["performer"]

    assert performer["name"] == "Jane Doe"
    assert performer["honorificPrefix"] == "The Rt Hon"
    assert performer["honorificSuffix"] == "MP"


def test_a_leading_the_is_lower_case_mid_sentence(client, session, minister):
    slot = AgendaSlotFactory(session=session, start=time(9, 0), end=time(10, 0), title="Debate")
    slot.moderators.add(minister)

    text = visible_text(client.get(session.get_absolute_url()))

    assert "Debate, moderated by the Rt Hon Jane Doe MP" in text


def test_a_slot_led_by_the_chair_or_the_host_says_so(client, session, minister):
    host = SpeakerFactory(name="Sam Compère")
    SessionRoleFactory(session=session, speaker=minister, role=Role.CHAIR)
    SessionRoleFactory(session=session, speaker=host, role=Role.HOST)
    opening = AgendaSlotFactory(session=session, start=time(9, 0), end=time(9, 30), title="Opening")
    opening.moderators.add(minister)
    evening = AgendaSlotFactory(session=session, start=time(10, 0), end=time(11, 0), title="Gala")
    evening.moderators.add(host)

    text = visible_text(client.get(session.get_absolute_url()))

    assert "Opening, chaired by the Rt Hon Jane Doe MP" in text
    assert "Gala, hosted by Sam Compère" in text


def delete_people_and_events():
    for model in (SessionRole, Session, Event, Affiliation, Speaker):
        model.objects.all().delete()


def test_the_backup_keeps_post_nominals_and_the_new_roles(minister):
    event = EventFactory(slug="summit")
    session = SessionFactory(event=event, slug="day-one")
    host = SpeakerFactory(name="Sam Compère", slug="sam", post_nominals="OBE")
    SessionRoleFactory(session=session, speaker=minister, role=Role.CHAIR)
    SessionRoleFactory(session=session, speaker=host, role=Role.HOST)
    exported = event_export(event=event)
    delete_people_and_events()

    event_import(data=json.loads(json.dumps(exported)), publish=True)

    assert exported["version"] == VERSION == 4
    assert event_export(event=Event.objects.get()) == exported
    assert Speaker.objects.get(slug="jane-doe").post_nominals == "MP"
    assert set(SessionRole.objects.values_list("speaker__slug", "role")) == {
        ("jane-doe", "chair"),
        ("sam", "host"),
    }


def test_a_version_1_backup_without_post_nominals_still_reads(minister):
    event = EventFactory(slug="summit")
    SessionRoleFactory(session=SessionFactory(event=event), speaker=minister)
    exported = event_export(event=event)
    exported["version"] = 1
    for person in exported["speakers"]:
        del person["post_nominals"]
    delete_people_and_events()

    event_import(data=exported)

    assert Speaker.objects.get(slug="jane-doe").post_nominals == ""


def agenda_text(response):
    """The text of the page's timed agenda alone."""
    section = response.text.split('id="proceedings-heading"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(section)))


@pytest.fixture
def panel(session):
    return AgendaSlotFactory(session=session, start=time(9, 0), end=time(10, 0), title="Panel")


def test_the_public_agenda_says_who_speaks_in_each_slot(client, session, panel):
    panel.speakers.add(SpeakerFactory(name="Ada Lovelace"), SpeakerFactory(name="Grace Hopper"))
    solo = AgendaSlotFactory(session=session, start=time(10, 0), end=time(11, 0), title="Talk")
    solo.speakers.add(SpeakerFactory(name="Alan Turing", honorific="Dr", post_nominals="OBE"))

    text = agenda_text(client.get(session.get_absolute_url()))

    assert "Panel Speakers: Ada Lovelace and Grace Hopper" in text
    assert "Talk Speaker: Dr Alan Turing OBE" in text


def test_moderators_the_title_already_names_are_not_named_again(client, session, panel, minister):
    panel.title = "Panel, moderated by the Rt Hon JANE DOE"
    panel.save()
    panel.moderators.add(minister)

    text = agenda_text(client.get(session.get_absolute_url()))

    assert text.count("Jane Doe") + text.count("JANE DOE") == 1
    assert "moderated by the Rt Hon JANE DOE" in text


def test_moderators_are_named_in_full_when_the_title_names_only_some(client, session, panel):
    panel.title = "Panel, moderated by Joyce Hakmeh"
    panel.save()
    panel.moderators.add(SpeakerFactory(name="Joyce Hakmeh"), SpeakerFactory(name="Patryk Pawlak"))

    text = agenda_text(client.get(session.get_absolute_url()))

    assert "moderated by Joyce Hakmeh and Patryk Pawlak" in text


def test_speakers_named_in_the_description_or_announced_are_not_listed_again(
    client, session, panel
):
    ada = SpeakerFactory(name="Ada Lovelace")
    grace = SpeakerFactory(name="Grace Hopper")
    panel.description = "A conversation with **Ada Lovelace**."
    panel.save()
    panel.speakers.add(ada)
    talk = AgendaSlotFactory(session=session, start=time(10, 0), end=time(11, 0), title="Talk")
    talk.speakers.add(grace)
    SessionRoleFactory(session=session, speaker=grace, contribution="will talk about ships.")

    text = agenda_text(client.get(session.get_absolute_url()))

    assert text.count("Ada Lovelace") == 1
    assert text.count("Grace Hopper") == 1
    assert "Speaker:" not in text


def test_a_moderator_who_also_speaks_is_named_once(client, session, panel):
    ada = SpeakerFactory(name="Ada Lovelace")
    panel.moderators.add(ada)
    panel.speakers.add(ada, SpeakerFactory(name="Grace Hopper"))

    text = agenda_text(client.get(session.get_absolute_url()))

    assert "Panel, moderated by Ada Lovelace Speaker: Grace Hopper" in text


def test_the_demo_agenda_names_each_panellist_once_as_the_seed_page_does(client, demo):
    text = agenda_text(client.get(DEMO_URL))

    for name in ("John Brandolino", "Nnenna Ifeanyi-Ajufo", "Alexander Seger", "Ian Tennant"):
        assert text.count(name) == 1, name
    assert "Speaker" not in text.replace("between speakers", "")


def test_the_schedule_export_names_people_in_full(client, session, minister):
    session.date = date(2026, 6, 1)
    session.save()
    SessionRoleFactory(session=session, speaker=minister, role=Role.HOST)

    schedule = client.get(reverse("agenda:schedule_json", args=[session.event.slug])).json()

    (day,) = schedule["schedule"]["conference"]["days"]
    (talks,) = day["rooms"].values()
    assert talks[0]["persons"][0]["name"] == "The Rt Hon Jane Doe MP"
