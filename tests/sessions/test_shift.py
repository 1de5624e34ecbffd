import re
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.tools import shift
from tests.factories import AgendaSlotFactory, SessionFactory
from tests.helpers import previewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0))
    for start, end, title in [
        (time(11, 30), None, "Start of the meeting"),
        (time(11, 30), time(11, 45), "Welcome"),
        (time(11, 45), time(12, 20), "Panel"),
        (time(12, 20), time(12, 50), "Q&A"),
    ]:
        AgendaSlotFactory(session=session, start=start, end=end, title=title)
    return session


def agenda(session):
    return [(s.title, s.start, s.end) for s in session.slots.all()]  # running order


def shift_url(session):
    return reverse("admin:agenda_session_shift_agenda", args=[session.pk])


def preview(client, session, **data):
    return client.post(shift_url(session), {"_preview": "Preview", **data})


def confirm(client, session, **data):
    """Preview, then confirm what the preview offered, as an organiser does."""
    page = preview(client, session, **data)
    return client.post(
        shift_url(session), {"_confirm": "Apply", "previewed": previewed(page), **data}
    )


def test_change_page_links_to_shift_agenda(organiser_client, session):
    response = organiser_client.get(reverse("admin:agenda_session_change", args=[session.pk]))

    assert shift_url(session) in response.text


def test_shift_page_is_an_admin_page_with_breadcrumbs_and_the_form(organiser_client, session):
    response = organiser_client.get(shift_url(session))

    assert response.status_code == 200
    assert '<ol class="breadcrumbs">' in response.text
    assert 'aria-current="page">Shift agenda</li>' in response.text
    assert 'id="id_minutes"' in response.text
    assert 'name="_preview"' in response.text
    assert 'name="_confirm"' not in response.text


def test_shift_preview_shows_old_and_new_times_and_saves_nothing(organiser_client, session):
    before = agenda(session)

    response = preview(organiser_client, session, minutes=10)

    assert response.status_code == 200
    rows = re.findall(
        r"<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", response.text
    )
    assert rows == [
        ("Start of the meeting", "11:30", "11:40"),
        ("Welcome", "11:30–11:45", "11:40–11:55"),
        ("Panel", "11:45–12:20", "11:55–12:30"),
        ("Q&amp;A", "12:20–12:50", "12:30–13:00"),
    ]
    assert 'name="_confirm"' in response.text
    assert agenda(session) == before


def test_confirmed_shift_moves_the_times_and_returns_to_the_session(organiser_client, session):
    response = confirm(organiser_client, session, minutes=10)

    assert response.status_code == 302
    assert response.url == reverse("admin:agenda_session_change", args=[session.pk])
    assert agenda(session) == [
        ("Start of the meeting", time(11, 40), None),
        ("Welcome", time(11, 40), time(11, 55)),
        ("Panel", time(11, 55), time(12, 30)),
        ("Q&A", time(12, 30), time(13, 0)),
    ]


def test_confirmation_of_a_different_shift_than_previewed_shows_a_new_preview(
    organiser_client, session
):
    page = preview(organiser_client, session, minutes=10)
    before = agenda(session)

    response = organiser_client.post(
        shift_url(session), {"_confirm": "Apply", "previewed": previewed(page), "minutes": 5}
    )

    assert response.status_code == 200
    assert "changed since the preview" in response.text
    assert "11:35–11:50" in response.text
    assert agenda(session) == before


def test_shift_from_a_slot_moves_it_and_the_slots_after_it(organiser_client, session):
    panel = session.slots.get(title="Panel")

    confirm(organiser_client, session, minutes=5, from_slot=panel.pk)

    assert agenda(session) == [
        ("Start of the meeting", time(11, 30), None),
        ("Welcome", time(11, 30), time(11, 45)),
        ("Panel", time(11, 50), time(12, 25)),
        ("Q&A", time(12, 25), time(12, 55)),
    ]


def test_shift_that_leaves_the_session_window_is_refused_with_the_reason(organiser_client, session):
    before = agenda(session)

    response = organiser_client.post(
        shift_url(session), {"_confirm": "Apply", "previewed": "forged", "minutes": 20}
    )

    assert response.status_code == 200
    assert (
        "“Q&amp;A” (12:40–13:10) lies outside the session, which runs 11:30–13:00." in response.text
    )
    assert 'name="_confirm"' not in response.text
    assert agenda(session) == before


def test_shift_from_a_slot_that_would_overlap_is_refused_with_the_reason(organiser_client, session):
    panel = session.slots.get(title="Panel")
    before = agenda(session)

    response = preview(organiser_client, session, minutes=-10, from_slot=panel.pk)

    assert "“Welcome” (11:30–11:45) overlaps “Panel” (11:35–12:10)." in response.text
    assert 'name="_confirm"' not in response.text
    assert agenda(session) == before


def test_shift_across_midnight_is_refused_with_the_reason(organiser_client):
    session = SessionFactory(start_time=None, end_time=None)
    AgendaSlotFactory(session=session, start=time(23, 0), end=time(23, 50), title="Late show")

    response = preview(organiser_client, session, minutes=15)

    assert "“Late show” (23:00–23:50) would cross midnight when moved +15 minutes." in (
        response.text
    )
    assert "crosses midnight" in response.text
    assert agenda(session) == [("Late show", time(23, 0), time(23, 50))]


def test_shift_by_zero_minutes_is_refused_naming_the_field(organiser_client, session):
    response = preview(organiser_client, session, minutes=0)

    assert response.context["form"].errors["minutes"] == [
        "Move by: enter a number of minutes other than 0."
    ]


def test_shift_can_move_the_session_window_with_the_agenda(session):
    shift.agenda_shift(session=session, minutes=30, move_session=True)

    session.refresh_from_db()
    assert (session.start_time, session.end_time) == (time(12, 0), time(13, 30))
    assert agenda(session)[-1] == ("Q&A", time(12, 50), time(13, 20))


def test_shift_from_a_slot_moves_only_the_session_end(session):
    panel = session.slots.get(title="Panel")

    shift.agenda_shift(session=session, minutes=30, from_slot=panel, move_session=True)

    session.refresh_from_db()
    assert (session.start_time, session.end_time) == (time(11, 30), time(13, 30))
    assert agenda(session)[-1] == ("Q&A", time(12, 50), time(13, 20))


def test_refused_shift_changes_nothing(session):
    before = agenda(session)

    with pytest.raises(ValidationError) as refused:
        shift.agenda_shift(session=session, minutes=-15)

    assert refused.value.messages == [
        "“Start of the meeting” (11:15) lies outside the session, which runs 11:30–13:00.",
        "“Welcome” (11:15–11:30) lies outside the session, which runs 11:30–13:00.",
    ]
    assert agenda(session) == before


def test_staff_without_change_permission_get_403_for_shift(viewer_client, session):
    before = agenda(session)

    assert viewer_client.get(shift_url(session)).status_code == 403
    assert preview(viewer_client, session, minutes=10).status_code == 403
    assert agenda(session) == before
