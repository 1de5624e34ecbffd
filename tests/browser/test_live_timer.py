"""The stage timer in a browser, on a fake clock: amber at two minutes, red at zero,
the overrun counted up, and counting on while the network is down."""

import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import LiveMark, Session
from tests.factories import AgendaSlotFactory, SessionFactory, SpeakerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running():
    """A published meeting whose 30-minute opening started 27 minutes ago: three
    minutes left."""
    session = SessionFactory(
        date=date(2026, 6, 1),
        time_zone="Europe/Vienna",
        start_time=time(10),
        end_time=time(11),
        status=Session.Status.PUBLISHED,
    )
    opening = AgendaSlotFactory(session=session, start=time(10), end=time(10, 30), title="Opening")
    opening.speakers.add(SpeakerFactory(name="Ada Lovelace"))
    LiveMark.objects.create(slot=opening, kind="started", at=timezone.now() - timedelta(minutes=27))
    return session


def test_the_timer_turns_amber_at_two_minutes_red_at_zero_and_counts_the_overrun(
    page, log_in, staff_user, running
):
    log_in(page, staff_user)
    page.clock.install()
    page.goto(reverse("agenda:live_timer", args=[running.event.slug, running.slug]))
    figures = page.locator("#timer-figures")
    body = page.locator("body")

    expect(body).to_have_class(re.compile(r"\btimer-ok\b"))
    expect(figures).to_have_text(re.compile(r"^0[23]:\d\d$"))
    expect(page.locator("#timer-title")).to_have_text("Opening")

    page.clock.run_for("01:05")  # under two minutes left
    expect(body).to_have_class(re.compile(r"\btimer-warning\b"))
    expect(page.locator("#timer-phase")).to_have_text("Two minutes or less")

    page.clock.run_for("02:30")  # past zero
    expect(body).to_have_class(re.compile(r"\btimer-over\b"))
    expect(figures).to_have_text(re.compile(r"^\+00:[0-5]\d$"))
    expect(page.locator("#timer-phase")).to_have_text("Over time")


def test_the_timer_counts_on_when_the_network_drops_and_says_so(page, log_in, staff_user, running):
    log_in(page, staff_user)
    page.clock.install()
    page.goto(reverse("agenda:live_timer", args=[running.event.slug, running.slug]))
    figures = page.locator("#timer-figures")
    before = figures.text_content()

    page.context.set_offline(True)
    page.clock.run_for("00:30")

    expect(page.locator("#timer-offline")).to_be_visible()
    assert figures.text_content() != before  # still counting, on this device
    page.context.set_offline(False)
    page.clock.run_for("00:06")
    expect(page.locator("#timer-offline")).to_be_hidden()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_live_pages_have_no_wcag_violations(
    page, log_in, staff_user, running, axe_violations, phone
):
    if phone:
        page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, staff_user)
    args = [running.event.slug, running.slug]
    for name in ("live_control", "live_timer", "as_run"):
        page.goto(reverse(f"agenda:{name}", args=args))
        assert axe_violations(page) == [], name
    # The timer in each of its colours.
    page.clock.install()
    page.goto(reverse("agenda:live_timer", args=args))
    for wait in ("01:05", "02:30"):
        page.clock.run_for(wait)
        assert axe_violations(page) == [], wait
