"""The staff's live control page (.../live/): who may see and mark, and the marks
made through it."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import LiveMark
from tests.factories import (
    AgendaSlotFactory,
    EventStaffFactory,
    OrganiserFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Vienna")


@pytest.fixture
def meeting():
    """A meeting on a day past (its planned times all gone), with a cue for staff."""
    session = SessionFactory(
        date=date(2026, 6, 1), time_zone="Europe/Vienna", start_time=time(10), end_time=time(11)
    )
    opening = AgendaSlotFactory(
        session=session, start=time(10), end=time(10, 30), title="Opening", cue="Lights up"
    )
    panel = AgendaSlotFactory(session=session, start=time(10, 30), end=time(11), title="Panel")
    return session, opening, panel


def url(session):
    return reverse("agenda:live_control", args=[session.event.slug, session.slug])


@pytest.fixture
def staff_client(client):
    client.force_login(EventStaffFactory())
    return client


def test_anonymous_visitors_are_sent_to_log_in_and_cannot_mark(client, meeting):
    session, opening, _ = meeting

    assert client.get(url(session)).status_code == 302
    client.post(url(session), {"slot": opening.pk, "kind": "started"})

    assert not LiveMark.objects.exists()


def test_people_without_the_run_of_show_permission_get_403_and_cannot_mark(client, meeting):
    session, opening, _ = meeting
    client.force_login(UserFactory())

    assert client.get(url(session)).status_code == 403
    assert client.post(url(session), {"slot": opening.pk, "kind": "started"}).status_code == 403
    assert not LiveMark.objects.exists()


def test_staff_see_the_next_item_with_its_cue_and_the_page_is_not_cached(staff_client, meeting):
    session, _, _ = meeting

    page = staff_client.get(url(session))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Nothing is running." in page.text
    assert "Start “Opening”" in page.text
    assert "Not started: times as planned." in page.text


def test_staff_start_an_item_and_it_is_shown_running_with_its_cue(staff_client, meeting):
    session, opening, _ = meeting

    response = staff_client.post(url(session), {"slot": opening.pk, "kind": "started"}, follow=True)

    live_mark = LiveMark.objects.get()
    assert (live_mark.slot, live_mark.kind) == (opening, LiveMark.Kind.STARTED)
    assert "Marked: Opening: started" in response.text
    assert "Lights up" in response.text
    assert "End “Opening”" in response.text
    assert "Start “Panel”" in response.text


def test_a_late_mark_takes_the_typed_time_on_the_session_day(staff_client, meeting):
    session, opening, _ = meeting

    staff_client.post(url(session), {"slot": opening.pk, "kind": "started", "at": "10:12"})

    assert LiveMark.objects.get().at == datetime.combine(session.date, time(10, 12), tzinfo=ZONE)


def test_an_odd_time_is_refused_with_the_reason(staff_client, meeting):
    session, opening, _ = meeting

    response = staff_client.post(
        url(session), {"slot": opening.pk, "kind": "started", "at": "ten past"}, follow=True
    )

    assert "is not a time such as 10:40" in response.text
    assert not LiveMark.objects.exists()


def test_a_time_in_the_future_is_refused(staff_client, meeting):
    session, opening, _ = meeting
    session.date = timezone.now().date() + timedelta(days=2)
    session.save()

    response = staff_client.post(
        url(session), {"slot": opening.pk, "kind": "started", "at": "10:00"}, follow=True
    )

    assert "A mark cannot be in the future." in response.text
    assert not LiveMark.objects.exists()


def test_a_contradicting_mark_is_refused_and_an_undo_takes_a_mark_back(staff_client, meeting):
    session, opening, _ = meeting
    staff_client.post(url(session), {"slot": opening.pk, "kind": "started"})

    refused = staff_client.post(url(session), {"slot": opening.pk, "kind": "skipped"}, follow=True)
    started = LiveMark.objects.get()
    undone = staff_client.post(url(session), {"undo": started.pk}, follow=True)

    assert "already started" in refused.text
    assert "Undone: Opening: started" in undone.text
    started.refresh_from_db()
    assert started.undone_at is not None
    assert "Nothing is running." in undone.text


def test_an_item_of_another_session_cannot_be_marked_here(staff_client, meeting):
    session, _, _ = meeting
    elsewhere = AgendaSlotFactory()

    response = staff_client.post(url(session), {"slot": elsewhere.pk, "kind": "started"})

    assert response.status_code == 404
    assert not LiveMark.objects.exists()


def test_the_meeting_running_late_is_said_with_the_expected_end(staff_client, meeting):
    session, opening, _ = meeting
    # Started ten minutes late and never ended: it runs over until now, months later.
    started = datetime.combine(session.date, time(10, 10), tzinfo=ZONE)
    LiveMark.objects.create(slot=opening, kind="started", at=started)

    page = staff_client.get(url(session))

    assert "late</strong>: expected to end at" in page.text
    assert "over</strong>" in page.text


def timer_url(session):
    return reverse("agenda:live_timer", args=[session.event.slug, session.slug])


@pytest.mark.parametrize(
    ("minutes_ago", "phase", "figures"),
    # Started so long ago, of 30 minutes planned (half a minute of slack for a slow machine).
    [(19.5, "ok", "10:2"), (28.5, "warning", "01:2"), (35.5, "over", "+05:3")],
    ids=["time left", "two minutes", "over"],
)
def test_the_timer_is_right_when_loaded(staff_client, meeting, minutes_ago, phase, figures):
    session, opening, _ = meeting
    started = timezone.now() - timedelta(minutes=minutes_ago)
    LiveMark.objects.create(slot=opening, kind="started", at=started)  # 30 minutes planned

    page = staff_client.get(timer_url(session))

    assert f'class="timer timer-{phase}"' in page.text
    assert f'role="timer" aria-describedby="timer-phase">{figures}' in page.text
    assert "Opening" in page.text


def test_the_timer_waits_when_nothing_runs_and_needs_the_permission(client, meeting):
    session, _, _ = meeting
    assert client.get(timer_url(session)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(timer_url(session)).status_code == 403
    client.force_login(EventStaffFactory())

    page = client.get(timer_url(session))

    assert 'class="timer timer-idle"' in page.text
    assert "Next: Opening" in page.text


def test_organisers_are_offered_the_shift_tool_when_the_meeting_runs_late(client, meeting):
    session, opening, _ = meeting
    LiveMark.objects.create(
        slot=opening, kind="started", at=datetime.combine(session.date, time(10, 10), tzinfo=ZONE)
    )
    shift = reverse("admin:agenda_session_shift_agenda", args=[session.pk])

    client.force_login(EventStaffFactory())
    assert shift not in client.get(url(session)).text  # staff may not edit the agenda
    client.force_login(OrganiserFactory())
    assert shift in client.get(url(session)).text


def test_a_session_without_a_date_says_what_the_live_run_needs(client):
    session = SessionFactory(date=None)
    AgendaSlotFactory(session=session)
    client.force_login(OrganiserFactory())

    text = client.get(url(session)).text

    assert "The live run needs the session's date, times and time zone" in text
    assert reverse("admin:agenda_session_change", args=[session.pk]) in text


def test_a_typed_time_before_the_start_is_after_midnight(staff_client, meeting):
    session, opening, _ = meeting

    staff_client.post(url(session), {"slot": opening.pk, "kind": "started", "at": "00:10"})

    expected = datetime.combine(session.date + timedelta(days=1), time(0, 10), tzinfo=ZONE)
    assert LiveMark.objects.get().at == expected


def test_a_time_the_clocks_skipped_is_refused(staff_client, meeting):
    session, opening, _ = meeting
    session.date, session.start_time = date(2026, 3, 29), time(1)  # Vienna: 02:00 to 03:00
    session.save()

    response = staff_client.post(
        url(session), {"slot": opening.pk, "kind": "started", "at": "02:30"}, follow=True
    )

    assert "did not happen that day" in response.text
    assert not LiveMark.objects.exists()
