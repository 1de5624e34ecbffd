"""WCAG 2.2 A/AA with axe-core, reflow and the keyboard, in Debian's chromium.

The pages carry the demo event with a date, a time zone and requests open
(the demo_session fixture), so every part a participant can meet is on them.
"""

import itertools
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import ParticipantRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def session_url(session, name):
    return reverse(name, args=[session.event.slug, session.slug])


def page_scrolls_sideways(page):
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_and_forms_have_no_wcag_violations(
    page, viewport, demo_session, axe_violations, log_in, staff_user
):
    ParticipantRequestFactory(session=demo_session, status="selected")
    staff_user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="participants", codename="view_participant_list"
        )
    )
    page.set_viewport_size(viewport)
    found = {}

    def check(label):
        violations = axe_violations(page)
        if violations:
            found[label] = violations
        # WCAG 1.4.10: at 320 CSS px and up nothing but a data table scrolls sideways.
        if page_scrolls_sideways(page):
            found[label] = [*found.get(label, []), "the page scrolls sideways"]

    public = {
        "home": reverse("agenda:home"),
        "event": demo_session.event.get_absolute_url(),
        "session": demo_session.get_absolute_url(),
        "speaker": reverse("speaker", args=["nnenna-ifeanyi-ajufo"]),
        "privacy": reverse("privacy"),
        "request form": session_url(demo_session, "participants:request"),
    }
    for label, url in public.items():
        page.goto(url)
        check(label)

    # The form as it comes back with every error shown: the browser's own checks
    # are switched off so that the server's messages are what is judged.
    page.eval_on_selector("#request-form", "form => { form.noValidate = true; }")
    page.get_by_role("button", name="Request a place").click()
    page.wait_for_selector(".invalid-feedback")
    check("request form with errors")

    log_in(page, staff_user)
    staff = {
        "session as staff": demo_session.get_absolute_url(),
        "run-of-show": session_url(demo_session, "agenda:run_of_show"),
        "run-of-show, stage copy": session_url(demo_session, "agenda:run_of_show_compact"),
        "cue cards": session_url(demo_session, "agenda:run_of_show_cards"),
        "sign-in sheet": session_url(demo_session, "participants:sign_in"),
    }
    for label, url in staff.items():
        page.goto(url)
        check(label)

    assert found == {}


FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]'
)].filter(element =>
    element.tabIndex >= 0 && !element.disabled && !element.closest("[hidden]")
    && element.getClientRects().length > 0
    && getComputedStyle(element).visibility !== "hidden"
)"""

FOCUSED = f"""() => {{
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {{
        position: ({FOCUSABLE})().indexOf(element),
        name: (element.textContent || element.getAttribute("aria-label") || "").trim(),
        indicator: (style.outlineStyle !== "none" && style.outlineWidth !== "0px")
            || style.boxShadow !== "none",
    }};
}}"""


def tab_through(page):
    """Tab from the top of the page until focus leaves it; what was focused, in order."""
    focusable = page.evaluate(f"() => ({FOCUSABLE})().length")
    visited = []
    for _ in range(focusable + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["position"] == -1:
            break  # past the last control: focus left the page
        visited.append(focused)
    return focusable, visited


def test_keyboard_reaches_skip_link_then_every_control_in_order(page, demo_session):
    page.goto(demo_session.get_absolute_url())

    page.keyboard.press("Tab")

    assert page.evaluate("() => document.activeElement.textContent.trim()") == (
        "Skip to main content"
    )
    box = page.get_by_role("link", name="Skip to main content").bounding_box()
    # Visible once focused: on screen and bigger than Bootstrap's 1 px hiding box.
    assert box["width"] > 10
    assert box["height"] > 10
    assert box["x"] >= 0
    assert box["y"] >= 0

    page.keyboard.press("Enter")

    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")

    for url in [
        demo_session.get_absolute_url(),
        session_url(demo_session, "participants:request"),
    ]:
        page.goto(url)
        focusable, visited = tab_through(page)
        # Every control once, in the order of the page, each with a focus indicator.
        assert [item["position"] for item in visited] == list(range(focusable)), url
        assert [item["name"] for item in visited if not item["indicator"]] == [], url
        if url == demo_session.get_absolute_url():
            names = [item["name"] for item in visited]
            assert names[0] == "Skip to main content"
            assert names.index("Request a place") < names.index("Add to calendar")
            assert names.index("Add to calendar") < names.index("John Brandolino")


def test_session_page_structure_speaks_to_screen_readers(page, demo_session):
    page.goto(demo_session.get_absolute_url())

    assert page.evaluate("() => document.documentElement.lang") == "en-GB"
    levels = page.evaluate(
        "() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
        ".map(heading => Number(heading.tagName[1]))"
    )
    assert levels[0] == 1
    assert levels.count(1) == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == [], f"heading levels skip: {levels}"

    agenda = page.get_by_role("region", name="Format and proceedings").get_by_role("list").first
    items = agenda.locator(":scope > li")
    assert items.count() == demo_session.slots.count() == 5
    datetimes = agenda.locator(".agenda-time time").evaluate_all(
        "times => times.map(time => time.getAttribute('datetime'))"
    )
    # The first slot starts with the meeting, so six times for five slots with ends.
    assert len(datetimes) >= items.count()
    day = demo_session.date.isoformat()
    for value in datetimes:
        assert re.fullmatch(rf"{day}T\d\d:\d\d\+0[12]:00", value), value
    session_times = page.locator(".session-facts time").evaluate_all(
        "times => times.map(time => time.getAttribute('datetime'))"
    )
    assert session_times[0] == day
