"""An event's look on its pages, and only on its pages; its landing page; photos."""

import io
import re
from datetime import date, time

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command

from participants.models import RequestSettings
from sessions.models import AgendaChange, EventPartner
from tests.factories import (
    AgendaSlotFactory,
    EventFactory,
    EventStaffFactory,
    SessionRoleFactory,
    SpeakerFactory,
)
from tests.helpers import brand, dated_session, request_url, with_photo


@pytest.fixture
def branded(db):
    """A published session of an event in its own look, with a speaker and a request form."""
    session = dated_session(slug="panel", title="The panel")
    brand(session.event)
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")
    SessionRoleFactory(session=session, speaker=speaker, role="speaker")
    RequestSettings.objects.create(session=session, requests_open=True)
    return session


def stylesheet_links(page):
    return re.findall(r'href="(/events/[^"]+/style\.[0-9a-f]{12}\.css)"', page.text)


def test_every_page_of_the_event_wears_its_look(client, branded):
    event = branded.event
    staff = EventStaffFactory()
    pages = [
        event.get_absolute_url(),
        branded.get_absolute_url(),
        f"{event.get_absolute_url()}people/ada/",
        request_url(branded),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert len(stylesheet_links(page)) == 1, url
        assert '<body class="branded">' in page.text, url
        assert 'alt="Example Institute"' in page.text, url  # the logo, with its text
        assert 'class="site-header event-header"' in page.text, url

    client.force_login(staff)
    run_of_show = client.get(f"{branded.get_absolute_url()}run-of-show/")
    assert stylesheet_links(run_of_show)
    assert 'alt="Example Institute"' in run_of_show.text


def test_pages_outside_the_event_keep_the_sites_own_look(client, branded):
    other = dated_session(slug="other", title="Another meeting")
    SessionRoleFactory(session=other, speaker=SpeakerFactory(slug="grace"))
    for url in ["/", "/speakers/ada/", other.event.get_absolute_url(), other.get_absolute_url()]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert not stylesheet_links(page), url
        assert "branded" not in page.text, url
        assert "Example Institute" not in page.text, url
        assert '<a class="site-name" href="/">Events</a>' in page.text, url


def test_the_colours_come_from_a_stylesheet_with_a_hash_never_inline(client, branded):
    page = client.get(branded.get_absolute_url())
    (url,) = stylesheet_links(page)

    css = client.get(url)

    assert css.status_code == 200
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "--brand:#1f4e79;--brand-text:#ffffff" in css.text
    assert " style=" not in page.text
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert "style-src 'self'" in page["Content-Security-Policy"]


def test_a_new_colour_is_a_new_address_and_the_old_one_redirects(
    client, branded, django_capture_on_commit_callbacks
):
    (old,) = stylesheet_links(client.get(branded.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        brand(branded.event, colour="#2a9d8f", logo=False)

    (new,) = stylesheet_links(client.get(branded.get_absolute_url()))
    moved = client.get(old)

    assert new != old
    assert (moved.status_code, moved["Location"]) == (302, new)
    assert moved["Cache-Control"] == "no-cache"
    assert "--brand-text:#212529" in client.get(new).text  # dark text on the light colour
    assert client.get("/events/no-such-event/style.0123456789ab.css").status_code == 404


def test_the_landing_page_says_what_when_where_who_and_what_changed(client, branded):
    event = branded.event
    event.description = "A **series** of meetings."
    event.tagline = "Civil society at the table"
    event.organiser = "Example Institute"
    event.save()
    EventPartner.objects.create(
        event=event, role="organiser", name="Example Institute", link="https://example.org/"
    )
    EventPartner.objects.create(event=event, role="partner", name="Partner Network", order=1)
    dated_session(event=event, slug="second", title="Second meeting", date=date(2026, 6, 3))
    dated_session(
        event=event,
        slug="later",
        title="To be dated",
        date=None,
        start_time=None,
        end_time=None,
        venue="",
    )
    AgendaChange.objects.create(
        session=branded, kind=AgendaChange.Kind.WHEN, description="Moved to 11:30."
    )

    page = client.get(event.get_absolute_url())
    text = page.text

    assert "Civil society at the table" in text
    assert "<strong>series</strong>" in text
    assert "1–3 June 2026; more dates to be confirmed" in text
    assert "Vienna International Centre" in text
    assert '<a href="https://example.org/" rel="noopener">Example Institute</a>' in text
    assert "Partner Network" in text
    days = re.findall(r'<h3 class="day-heading">(.*?)</h3>', text)
    assert days == [
        '<time datetime="2026-06-01">Monday 1 June 2026</time>',
        '<time datetime="2026-06-03">Wednesday 3 June 2026</time>',
        "Date to be confirmed",
    ]
    assert text.index("The panel") < text.index("Second meeting") < text.index("To be dated")
    assert "11:30–13:00" in text
    assert "Ada Lovelace" in text
    assert f'href="/events/{event.slug}/people/ada/"' in text
    assert "webcal://" in text
    assert "Moved to 11:30." in text


def test_people_show_their_photo_in_sizes_or_their_initials(client, branded):
    ada = branded.roles.get().speaker
    with_photo(ada)
    SessionRoleFactory(session=branded, speaker=SpeakerFactory(name="Grace Brewster Hopper"))

    page = client.get(branded.get_absolute_url())

    picture = re.search(
        r'<picture>(?:(?!</picture>).)*class="portrait portrait-48"></picture>', page.text
    ).group(0)
    assert '<source type="image/webp" srcset="/media/variants/' in picture
    assert re.search(r'srcset="/media/\S+\.webp 1x, /media/\S+\.webp 2x"', picture)
    assert re.search(r'<img src="/media/\S+\.jpg" srcset="\S+\.jpg 1x, \S+\.jpg 2x"', picture)
    assert 'width="48" height="48" alt="" loading="lazy" decoding="async"' in picture
    assert '<span class="portrait initials portrait-48" aria-hidden="true">GH</span>' in page.text

    webp = re.search(r'srcset="(/media/\S+\.webp) 1x', picture).group(1)
    served = client.get(webp)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served["X-Content-Type-Options"] == "nosniff"
    served.close()


def test_the_media_folder_serves_uploaded_images_only(client, settings, media_folder):
    (media_folder / "photos").mkdir(exist_ok=True)
    (media_folder / "photos" / "notes.txt").write_text("secret")

    assert client.get("/media/photos/notes.txt").status_code == 404
    assert client.get("/media/../eventsite/settings.py").status_code == 404
    assert client.get("/media/photos/missing.jpg").status_code == 404


def test_a_person_seen_from_an_event_they_are_not_in_is_not_found(client, branded):
    other = EventFactory(slug="other")

    assert client.get("/events/other/people/ada/").status_code == 404
    assert client.get(f"/events/{branded.event.slug}/people/nobody/").status_code == 404
    page = client.get(f"/events/{branded.event.slug}/people/ada/")
    # Search engines keep one copy of the person's page: their own address.
    assert f'<link rel="canonical" href="{settings.SITE_URL}/speakers/ada/">' in page.text
    assert other.slug not in page.text


def test_a_draft_session_does_not_reveal_its_people_through_the_event(client, db):
    draft = dated_session(published=False, slug="draft")
    SessionRoleFactory(session=draft, speaker=SpeakerFactory(slug="secret"))

    assert client.get(f"/events/{draft.event.slug}/people/secret/").status_code == 404
    assert "secret" not in client.get(draft.event.get_absolute_url()).text


def test_agenda_names_link_to_the_people_as_seen_from_the_event(client, branded):
    AgendaSlotFactory(session=branded, start=time(11, 30), end=time(12, 0), title="Welcome")
    branded.slots.get().speakers.add(branded.roles.get().speaker)

    page = client.get(branded.get_absolute_url())

    assert f'href="/events/{branded.event.slug}/people/ada/"' in page.text
    assert 'href="/speakers/ada/"' not in page.text


def test_variants_survive_a_storage_that_forgets_nothing(branded):
    ada = with_photo(branded.roles.get().speaker)

    for key in ("webp", "fallback"):
        for _, _, name in ada.photo_variants[key]:
            assert default_storage.exists(name)


def test_the_sizes_can_be_made_again_from_the_images_kept(branded, media_folder):
    ada = with_photo(branded.roles.get().speaker)
    for path in (media_folder / "variants").rglob("*.*"):
        path.unlink()  # as after moving the images to a storage without their sizes
    out = io.StringIO()

    call_command("remake_image_sizes", stdout=out)

    assert out.getvalue() == "Made the sizes of 2 images again.\n"  # the photo and the logo
    ada.refresh_from_db()
    for _, _, name in ada.photo_variants["webp"]:
        assert default_storage.exists(name)
