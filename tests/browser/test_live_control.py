"""A meeting run from the control page on a phone-sized screen, as staff would:
a late start typed afterwards, an overrun, a skipped item, a mark undone."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from sessions.live.marks import mark
from sessions.models import LiveMark
from tests.helpers import past_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def meeting():
    return past_meeting()[0]


def test_staff_run_a_meeting_from_a_phone(page, log_in, staff_user, meeting):
    page.set_viewport_size(PHONE)
    log_in(page, staff_user)
    page.goto(reverse("agenda:live_control", args=[meeting.event.slug, meeting.slug]))

    # A late start, marked afterwards with the time it happened.
    page.get_by_label("At a time other than now (optional)").fill("10:12")
    page.get_by_role("button", name="Start “Opening”").click()
    expect(page.get_by_role("status")).to_contain_text("Marked: Opening: started at 10:12")
    expect(page.locator(".live-now")).to_contain_text("Opening")
    expect(page.locator(".live-marks")).to_contain_text("Opening: started at 10:12")

    # The opening overruns (it is far past 10:42 now) and ends; the panel is skipped.
    expect(page.locator(".live-now")).to_contain_text("over")
    page.get_by_role("button", name="End “Opening”").click()
    page.get_by_role("button", name="Skip it").click()
    expect(page.locator(".live-next")).to_contain_text("Closing")

    # The skip was a mistake: undone from the list of marks, by keyboard.
    undo = page.get_by_role("button", name="Undo “Panel: skipped")
    undo.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Undone: Panel: skipped")
    expect(page.locator(".live-next")).to_contain_text("Panel")

    kinds = sorted(
        (m.slot.title, m.kind, m.undone_at is not None)
        for m in LiveMark.objects.select_related("slot")
    )
    assert kinds == [
        ("Opening", "ended", False),
        ("Opening", "started", False),
        ("Panel", "skipped", True),
    ]
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def test_the_public_page_follows_the_meeting_before_during_and_after(
    page, log_in, staff_user, meeting, axe_violations
):
    slots = {slot.title: slot for slot in meeting.slots.all()}
    public = meeting.get_absolute_url()
    page.clock.install()

    page.goto(public)  # before: the plan alone
    expect(page.get_by_role("heading", name="Happening now")).to_have_count(0)

    mark(slots["Opening"], "started", by=staff_user)
    page.goto(public)  # during: right when loaded, without waiting for the script
    box = page.locator(".now-next")
    expect(box.locator('[data-live="now"]')).to_have_text("Opening")
    expect(box.locator('[data-live="next"]')).to_contain_text("Panel, expected at")
    assert axe_violations(page) == []

    mark(slots["Opening"], "ended", by=staff_user)
    mark(slots["Panel"], "started", by=staff_user)
    page.clock.run_for("00:31")  # the script asks live.json again
    expect(box.locator('[data-live="now"]')).to_have_text("Panel")
    expect(box.locator('[data-live="next"]')).to_contain_text("Closing, expected at")

    mark(slots["Panel"], "ended", by=staff_user)
    mark(slots["Closing"], "started", by=staff_user)
    mark(slots["Closing"], "ended", by=staff_user)
    page.goto(public)  # after: the box goes
    expect(page.get_by_role("heading", name="Happening now")).to_have_count(0)


def test_the_as_run_report_prints_on_a_landscape_page(page, log_in, staff_user, meeting):
    slots = {slot.title: slot for slot in meeting.slots.all()}
    vienna = meeting.zone
    for title, started, ended in [("Opening", 5, 40), ("Closing", 62, 95)]:
        LiveMark.objects.create(slot=slots[title], kind="started", at=_at(meeting, started, vienna))
        LiveMark.objects.create(slot=slots[title], kind="ended", at=_at(meeting, ended, vienna))
    LiveMark.objects.create(slot=slots["Panel"], kind="skipped", at=_at(meeting, 40, vienna))
    log_in(page, staff_user)
    page.goto(reverse("agenda:as_run", args=[meeting.event.slug, meeting.slug]))

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", landscape=True, prefer_css_page_size=True)))

    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "As-run report" in text
    assert "Opening" in text
    assert "5 min late" in text
    assert "Skipped" in text
    assert "Print" not in text


def _at(session, minutes_after_ten, zone):
    start = datetime.combine(session.date, time(10), tzinfo=zone)
    return start + timedelta(minutes=minutes_after_ten)
