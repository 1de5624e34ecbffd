"""An event in its own look, as a browser shows it: axe-core finds nothing with a
dark and with a light colour, on a phone and a desktop; images keep their place;
printouts stay black on white."""

import pytest
from django.urls import reverse

from speakers.models import Speaker
from tests.helpers import dress, with_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def dress_demo(session, colour):
    """The demo event fully in `colour`'s look (with its organiser, Chatham House,
    named without a logo), and photos for all but one of its people."""
    event = dress(session.event, colour)
    for person in Speaker.objects.order_by("slug")[1:]:
        with_photo(person)
    return event


def computed(page, selector, prop):
    return page.eval_on_selector(selector, f"el => getComputedStyle(el).{prop}")


@pytest.mark.parametrize("colour", ["#1f4e79", "#2a9d8f"], ids=["dark", "light"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_branded_event_has_no_wcag_violations(
    page, demo_session, axe_violations, colour, viewport
):
    event = dress_demo(demo_session, colour)
    page.set_viewport_size(viewport)
    pages = {
        "event": event.get_absolute_url(),
        "session": demo_session.get_absolute_url(),
        "person": f"{event.get_absolute_url()}people/nnenna-ifeanyi-ajufo/",
        "request form": reverse("participants:request", args=[event.slug, demo_session.slug]),
    }
    found = {}
    for label, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if violations := axe_violations(page):
            found[label] = violations
        assert computed(page, ".event-header", "backgroundColor") != "rgba(0, 0, 0, 0)"
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert found == {}


def test_photos_and_logos_load_with_their_size_set_and_below_the_fold_lazily(page, demo_session):
    dress_demo(demo_session, "#1f4e79")
    page.set_viewport_size(PHONE)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))

    page.goto(demo_session.get_absolute_url())
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")

    images = page.eval_on_selector_all(
        "img",
        """imgs => imgs.map(img => ({src: img.currentSrc, complete: img.complete,
            natural: img.naturalWidth, width: img.getAttribute('width'),
            height: img.getAttribute('height'), shown: img.getBoundingClientRect().width}))""",
    )
    assert failed == []
    assert images
    for image in images:
        assert image["width"], image
        assert image["height"], image
        assert image["complete"], image
        assert image["natural"] > 0, image
    portraits = [i for i in images if "/variants/" in i["src"] and i["shown"] == 48]
    assert len(portraits) == 5  # one person of six shows initials
    assert all(i["src"].endswith(".webp") for i in portraits)  # Chromium takes WebP
    assert page.locator(".portrait.initials").count() == 1


def test_the_printed_run_of_show_stays_black_on_white(page, demo_session, log_in, staff_user):
    dress_demo(demo_session, "#2a9d8f")
    log_in(page, staff_user)
    page.goto(reverse("agenda:run_of_show", args=[demo_session.event.slug, demo_session.slug]))
    colours_used = """() => [...document.querySelectorAll('body, body *')]
        .filter(el => el.getClientRects().length)
        .flatMap(el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor])"""
    teal, link = "rgb(42, 157, 143)", "rgb(0, 132, 119)"  # the colour, its link shade

    on_screen = set(page.evaluate(colours_used))
    page.emulate_media(media="print")
    printed = set(page.evaluate(colours_used))

    assert {teal, link} <= on_screen
    assert not {teal, link} & printed
    assert not page.locator(".event-header").is_visible()
