"""The as-run report (.../live/report/ and its CSV): planned beside what happened."""

import csv
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from sessions.models import LiveMark
from tests.factories import (
    AgendaSlotFactory,
    EventStaffFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Vienna")
DAY = date(2026, 6, 1)


def at(hour, minute=0):
    return datetime.combine(DAY, time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def ran():
    """Opening started 10:05 and ran to 10:40 (planned 10:00-10:30), the panel was
    skipped, the discussion started 11:00 with no end marked."""
    session = SessionFactory(
        date=DAY, time_zone="Europe/Vienna", start_time=time(10), end_time=time(12)
    )
    opening = AgendaSlotFactory(session=session, start=time(10), end=time(10, 30), title="Opening")
    opening.speakers.add(SpeakerFactory(name="Ada Lovelace"))
    panel = AgendaSlotFactory(session=session, start=time(10, 30), end=time(11), title="Panel")
    talk = AgendaSlotFactory(session=session, start=time(11), end=time(12), title="Discussion")
    LiveMark.objects.create(slot=opening, kind="started", at=at(10, 5))
    LiveMark.objects.create(slot=opening, kind="ended", at=at(10, 40))
    LiveMark.objects.create(slot=panel, kind="skipped", at=at(10, 40))
    LiveMark.objects.create(slot=talk, kind="started", at=at(11))
    return session


def urls(session):
    args = [session.event.slug, session.slug]
    return reverse("agenda:as_run", args=args), reverse("agenda:as_run_csv", args=args)


def test_the_csv_has_planned_and_actual_times_differences_and_totals(client, ran):
    client.force_login(EventStaffFactory())

    response = client.get(urls(ran)[1])

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:9] == [
        "Item",
        "Planned start",
        "Planned end",
        "Planned length",
        "Actual start",
        "Actual end",
        "Actual length",
        "Start difference",
        "Length difference",
    ]
    by_item = {row[0]: row for row in rows[1:]}
    assert by_item["Opening"] == [
        "Opening",
        "10:00",
        "10:30",
        "30 min",
        "10:05",
        "10:40",
        "35 min",
        "5 min late",
        "5 min longer",
        "Ada Lovelace",
        "",
    ]
    assert by_item["Panel"][-1] == "Skipped"
    assert by_item["Discussion"][4:6] == ["11:00", ""]
    assert by_item["Discussion"][-1] == "No end marked"
    assert by_item["Whole meeting"][1:5] == ["10:00", "12:00", "2 h", "10:05"]
    assert by_item["Whole meeting"][7] == "5 min late"


def test_the_printable_report_shows_the_same_and_links_from_the_run_of_show(client, ran):
    client.force_login(EventStaffFactory())
    page_url, csv_url = urls(ran)

    page = client.get(page_url)
    run_of_show = client.get(reverse("agenda:run_of_show", args=[ran.event.slug, ran.slug]))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "5 min late" in page.text
    assert "5 min longer" in page.text
    assert "Skipped" in page.text
    assert csv_url in page.text
    assert page_url in run_of_show.text


@pytest.mark.parametrize("which", [0, 1], ids=["page", "csv"])
def test_only_staff_with_the_run_of_show_permission_read_the_report(client, ran, which):
    address = urls(ran)[which]

    assert client.get(address).status_code == 302  # to log in
    client.force_login(UserFactory())
    assert client.get(address).status_code == 403
