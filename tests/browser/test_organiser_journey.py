"""An organiser builds a session in the admin, as a person would, and publishes it.

Everything goes through the admin's pages in the browser: the login form, the
session's add form with its "Add another" inline rows, the autocomplete (select2)
boxes driven by clicking and typing as a user does, and the changelist's
publish action. Then the public page, the run-of-show and the calendar file.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from sessions.models import Session
from tests.factories import EventFactory, SpeakerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
SLOTS = [
    ("10:00", "10:15", "Welcome and introduction"),
    ("10:15", "11:00", "Panel on evidence across borders"),
    ("11:00", "11:30", "Questions from the floor"),
]


@pytest.fixture
def organiser():
    """Staff with the Organisers group's permissions, given directly.

    The group itself comes from a data migration, which the flush after each
    transactional test empties (see staff_user in conftest.py).
    """
    user = UserFactory(username="amara", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["agenda", "speakers"])
    )
    return user


def pick(page, select, text):
    """Choose in a select2 autocomplete box: open it, type, click the answer."""
    select.locator("xpath=following-sibling::span[contains(@class, 'select2')][1]").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text[:5])
    # The answers to what was typed, not those of an earlier search still on screen
    # while the new one loads (a loaded machine makes that window long).
    expect(page.locator(".select2-container--open .loading-results")).to_have_count(0)
    # An option, not the group around it: the slot boxes group their answers
    # ("In this session", "Everyone else"), and a group's text holds its options'.
    page.locator(
        ".select2-container--open .select2-results__option[aria-selected]", has_text=text
    ).click()
    expect(select.locator("option:checked", has_text=text)).to_have_count(1)


def test_organiser_creates_and_publishes_a_session_that_participants_can_add_to_calendar(
    page, organiser
):
    event = EventFactory(title="Digital evidence forum", slug="digital-evidence")
    SpeakerFactory(name="Amina Diallo", slug="amina-diallo")
    SpeakerFactory(name="Jonas Berg", slug="jonas-berg")
    day = timezone.localdate() + timedelta(days=21)

    page.set_default_timeout(10_000)  # fail fast; the admin answers in well under a second

    # The real login form.
    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Events, sessions and people")).to_be_visible()

    # The session's add form, filled in field by field.
    page.goto(reverse("admin:agenda_session_add"))
    pick(page, page.locator("#id_event"), event.title)
    page.locator("#id_title").press_sequentially("Cross-border evidence")  # key by key
    expect(page.locator("#id_slug")).to_have_value("cross-border-evidence")  # prepopulated
    page.locator("#id_label").fill("Session One")
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_end_time").fill("11:30")
    page.locator("#id_time_zone").fill("Europe/Vienna")  # a text box with suggestions
    page.locator("#id_venue").fill("Room 4, Palais des Nations")

    # One empty slot row is there; "Add another" makes the other two.
    add_slot = page.get_by_role("button", name=re.compile("Add another Agenda slot", re.I))
    add_slot.click()
    add_slot.click()
    for row, (start, end, title) in enumerate(SLOTS):
        page.locator(f"#id_slots-{row}-start").fill(start)
        page.locator(f"#id_slots-{row}-end").fill(end)
        page.locator(f"#id_slots-{row}-title").fill(title)
    pick(page, page.locator("#id_slots-1-speakers"), "Amina Diallo")
    pick(page, page.locator("#id_slots-1-speakers"), "Jonas Berg")

    add_person = page.get_by_role("button", name=re.compile("Add another Session role", re.I))
    add_person.click()
    for row, name in enumerate(["Amina Diallo", "Jonas Berg"]):
        pick(page, page.locator(f"#id_roles-{row}-speaker"), name)
        page.locator(f"#id_roles-{row}-role").select_option("speaker")
        page.locator(f"#id_roles-{row}-order").fill(str(row + 1))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Publish from the changelist with the action.
    page.get_by_role("checkbox", name=re.compile("Cross-border evidence")).check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 session published.")
    session = Session.objects.get(slug="cross-border-evidence")
    assert session.is_published
    assert list(session.slots.values_list("title", flat=True).order_by("start")) == [
        title for _, _, title in SLOTS
    ]

    # Participants see it.
    page.goto(session.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cross-border evidence")
    agenda = page.get_by_role("region", name="Format and proceedings")
    for _, _, title in SLOTS:
        expect(agenda).to_contain_text(title)
    expect(page.get_by_role("region", name="Speakers")).to_contain_text("Amina Diallo")

    # Staff print it.
    page.goto(reverse("agenda:run_of_show", args=[event.slug, session.slug]))
    rows = page.locator(".ros-table tbody th[scope=row]")
    expect(rows).to_have_text([title for _, _, title in SLOTS])
    expect(page.locator(".ros-table tbody")).to_contain_text("Amina Diallo and Jonas Berg")

    # And anyone can take it into a calendar.
    page.goto(session.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert "Cross-border evidence" in str(vevent["SUMMARY"])
    start = vevent.decoded("DTSTART")
    assert start.date() == day
    assert (start.hour, start.minute) == (10, 0)
    assert str(start.tzinfo) == "Europe/Vienna"
    assert vevent.decoded("DTEND") - start == timedelta(minutes=90)
