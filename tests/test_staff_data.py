"""Staff-only data never reaches public pages, exports or the shared page cache."""

import pickle
import zlib
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from participants.models import RequestSettings
from tests.factories import ParticipantRequestFactory
from tests.helpers import load_demo

pytestmark = pytest.mark.django_db

SECRETS = {
    "cue": "CUE-lights-down-7731",
    "tech_notes": "TECH-radio-mic-4-7731",
    "responsible": "RESP-Mariam-7731",
}
PARTICIPANT = {"name": "Participant Zed-7731", "email": "zed-7731@example.org"}
MEETING_LINK = "https://meet.example.org/j/7731?pwd=SECRET7731"


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    yield tmp_path / "cache"
    cache.clear()


@pytest.fixture
def demo_with_staff_data(db):
    """The demo session, dated and online only, with every kind of staff-only data set."""
    session = load_demo(date=date(2026, 6, 1), time_zone="Europe/London")
    session.online_url = MEETING_LINK  # online only: no venue
    session.save()
    session.slots.update(**SECRETS)
    RequestSettings.objects.create(session=session, requests_open=True)
    ParticipantRequestFactory(session=session, status="selected", **PARTICIPANT)
    return session


def public_urls(session):
    event = session.event.get_absolute_url()
    page = session.get_absolute_url()
    return [
        "/",
        event,
        page,
        page.rstrip("/") + ".ics",
        f"{event}calendar.ics",
        f"{event}schedule.json",
        f"{event}schedule.xml",
        f"{event}changes.atom",
        "/speakers/joyce-hakmeh/",
        "/sitemap.xml",
        "/robots.txt",
        f"{page}request/",
        "/privacy/",
    ]


def cached_bytes(folder):
    """Everything the file cache holds, decompressed and unpickled back to text."""
    texts = []
    for path in folder.glob("*.djcache"):
        with path.open("rb") as file:
            pickle.load(file)  # noqa: S301 - the expiry time, in the cache this test wrote
            value = pickle.loads(zlib.decompress(file.read()))  # noqa: S301 - same
        texts.append(getattr(value, "content", value))
    return b"\n".join(t if isinstance(t, bytes) else str(t).encode() for t in texts)


def test_staff_data_is_in_no_public_page_export_or_cache(
    demo_with_staff_data, file_cache, organiser_client
):
    visitor = Client()
    # Organisers browse the same pages (their copies are never cached) ...
    for url in public_urls(demo_with_staff_data):
        organiser_client.get(url)
    # ... and so do visitors, whose copies are.
    responses = {url: visitor.get(url) for url in public_urls(demo_with_staff_data)}

    for url, response in responses.items():
        assert response.status_code == 200, url
        for secret in [*SECRETS.values(), *PARTICIPANT.values(), MEETING_LINK]:
            assert secret.encode() not in response.content, (url, secret)
    stored = cached_bytes(file_cache)
    assert b"International Cooperation against cybercrime" in stored  # the cache is in use
    for secret in [*SECRETS.values(), *PARTICIPANT.values(), MEETING_LINK]:
        assert secret.encode() not in stored, secret


def test_staff_see_their_notes_only_on_staff_pages(demo_with_staff_data, organiser_client):
    run_of_show = organiser_client.get(demo_with_staff_data.get_absolute_url() + "run-of-show/")

    for secret in SECRETS.values():
        assert secret in run_of_show.text
