"""The session's change page as an agenda editor: compact rows, long agendas,
HH:MM times, durations and gaps."""

import re
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import AgendaSlot
from tests.factories import AgendaSlotFactory, SessionFactory, SpeakerFactory, fill_agenda
from tests.helpers import agenda_rows, change_form_data, change_url

pytestmark = pytest.mark.django_db


def long_session(count, people=()):
    session = SessionFactory(start_time=time(0, 0), end_time=time(23, 59))
    fill_agenda(session, count, people=people)
    return session


def page_queries(client, session):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(session))
    assert response.status_code == 200
    return len(queries)


def test_change_page_queries_do_not_grow_with_the_slots(
    organiser_client, django_assert_num_queries
):
    people = SpeakerFactory.create_batch(3)
    small = long_session(20, people)
    large = long_session(100, people)
    page_queries(organiser_client, small)  # the first request reads content types once
    expected = page_queries(organiser_client, small)

    with django_assert_num_queries(expected):
        response = organiser_client.get(change_url(large))

    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.initial_forms) == 100


def test_three_hundred_slot_session_saves_every_row(organiser_client):
    people = SpeakerFactory.create_batch(2)
    session = long_session(300, people)
    rows = agenda_rows(session)
    rows[-1]["title"] = "Closing remarks"
    data = change_form_data(session, slots=rows)

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert session.slots.count() == 300
    assert session.slots.for_agenda().last().title == "Closing remarks"
    assert AgendaSlot.speakers.through.objects.filter(agendaslot__session=session).count() == 600


def test_slot_times_are_shown_and_typed_as_hours_and_minutes(organiser_client):
    session = SessionFactory(start_time=time(8, 0), end_time=time(12, 0))
    AgendaSlotFactory(session=session, start=time(8, 0), end=time(8, 45), title="Welcome")

    page = organiser_client.get(change_url(session))
    data = change_form_data(
        session, slots=[{"start": "8:00", "end": "0930", "title": "Welcome, longer"}]
    )
    saved = organiser_client.post(change_url(session), data)

    assert 'name="slots-0-start" value="08:00"' in page.text
    assert 'name="slots-0-end" value="08:45"' in page.text
    assert "08:00:00" not in page.text
    assert saved.status_code == 302
    assert session.slots.get().end == time(9, 30)


def slot_rows(response):
    """Each slot's row of the editor, as HTML, keyed by its form prefix."""
    return dict(
        re.findall(
            r'<tr class="[^"]*form-row[^"]*"\s+id="(slots-\d+)">(.*?)</tr>', response.text, re.S
        )
    )


def test_each_slot_is_one_row_with_its_notes_one_click_away(organiser_client):
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0))
    AgendaSlotFactory(
        session=session,
        start=time(11, 30),
        end=time(11, 45),
        title="Welcome",
        description="Opening words.",
        cue="Lights down",
        tech_notes="Two microphones",
        responsible="Sam",
    )

    response = organiser_client.get(change_url(session))

    row = slot_rows(response)["slots-0"]
    for field in ("start", "end", "title", "kind", "moderators", "speakers"):
        assert f'name="slots-0-{field}"' in row
    more = re.search(r"<details class=\"slot-more\">(.*?)</details>", row, re.S).group(1)
    for field in ("description", "cue", "tech_notes", "responsible"):
        assert f'name="slots-0-{field}"' in more
    assert "Opening words." in more
    assert re.search(r"<summary[^>]*>.*Notes.*</summary>", more, re.S)


def test_rows_show_each_slots_length_and_the_gap_before_it(organiser_client):
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0))
    AgendaSlotFactory(session=session, start=time(11, 30), end=None, title="Start")
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Welcome")
    AgendaSlotFactory(session=session, start=time(11, 50), end=time(12, 50), title="Panel")

    response = organiser_client.get(change_url(session))

    rows = slot_rows(response)
    timing = {
        prefix: " ".join(
            re.sub(
                r"<[^>]+>",
                " ",
                re.search(r'<td class="slot-timing">(.*?)</td>', html, re.S).group(1),
            ).split()
        )
        for prefix, html in rows.items()
    }
    assert timing["slots-0"] == "moment"
    assert timing["slots-1"] == "15 min"
    assert timing["slots-2"] == "1 h gap 5 min"
    assert 'data-after="11:45"' in rows["slots-1"]
    assert "Add a slot after" in rows["slots-1"]


def test_the_editor_script_is_a_static_file_under_the_strict_policy(organiser_client):
    session = SessionFactory()

    response = organiser_client.get(change_url(session))

    assert re.search(r'<script src="/static/js/slot-editor\.js"', response.text)
    assert 'href="/static/css/slot-editor.css"' in response.text
    assert " style=" not in re.search(r'id="slots-group".*?</fieldset>', response.text, re.S).group(
        0
    )


def save_queries(client, session):
    data = change_form_data(session, slots=agenda_rows(session))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(session), data)
    assert response.status_code == 302
    return len(queries)


def test_saving_checks_each_rows_id_and_people_without_a_query_a_row(organiser_client):
    people = SpeakerFactory.create_batch(2)
    small, large = long_session(20, people), long_session(100, people)

    extra = save_queries(organiser_client, large) - save_queries(organiser_client, small)

    # Six queries a row before (the id and both people boxes each looked up). What is
    # left is Django's check of the "ends after it starts" constraint: a query in a
    # savepoint (three statements) a row.
    assert extra <= 3 * 80 + 2
