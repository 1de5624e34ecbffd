"""Plain helpers that several test modules share.

Not a test module (pytest collects only test_*.py), so test modules import from
here and never from one another. Fixtures live in the conftest.py files.
"""

import html
import io
import json
import re
import struct
import zlib
from datetime import date, time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse
from django.utils.html import strip_tags
from icalendar import Calendar
from PIL import Image

from sessions.models import Session
from tests.factories import AgendaSlotFactory, SessionFactory

# The demo session's public page (manage.py load_demo).
DEMO_URL = "/events/engaging-civil-society-cybercrime/international-cooperation-against-cybercrime/"

# The frab/c3voc schemas live in the repository: tests/data/schemas/README.md.
SCHEMAS = Path(settings.BASE_DIR) / "tests" / "data" / "schemas"


def load_demo(**options):
    """Load the demo event (manage.py load_demo, with its --date and --time-zone
    as keywords) and return its one session."""
    call_command("load_demo", verbosity=0, **options)
    return Session.objects.get()


def dated_session(**fields):
    """A session with a date, times, zone and venue, published unless `published=False`."""
    defaults = {
        "published": True,
        "date": date(2026, 6, 1),
        "start_time": time(11, 30),
        "end_time": time(13, 0),
        "time_zone": "Europe/Vienna",
        "venue": "Vienna International Centre",
        "label": "Session Two",
        "title": "International Cooperation against cybercrime",
    }
    session = SessionFactory(**(defaults | fields))
    if session.is_published:
        session.publish()
        session.save()
    return session


def ics_url(session):
    """The session's own calendar file."""
    return f"/events/{session.event.slug}/{session.slug}.ics"


def event_url(event, name):
    """One of the event's exports: calendar.ics, schedule.json, schedule.xml, changes.atom."""
    return f"/events/{event.slug}/{name}"


def parse_ics(response):
    """A calendar file served with its content type, as icalendar reads it."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def change_url(session):
    return reverse("admin:agenda_session_change", args=[session.pk])


def change_form_data(session, slots=(), roles=()):
    """The POST body of the session's change form, with its two inline formsets,
    as a form opened now would send it."""
    session.refresh_from_db(fields=["updated_at"])
    data = {
        "opened_version": session.updated_at.isoformat(),
        "event": session.event_id,
        "order": session.order,
        "label": session.label,
        "title": session.title,
        "slug": session.slug,
        "date": session.date or "",
        "start_time": session.start_time or "",
        "end_time": session.end_time or "",
        "time_zone": session.time_zone,
        "venue": session.venue,
        "street_address": session.street_address,
        "postal_code": session.postal_code,
        "city": session.city,
        "country": session.country,
        "latitude": "" if session.latitude is None else session.latitude,
        "longitude": "" if session.longitude is None else session.longitude,
        "online_url": session.online_url,
        "outline": session.outline,
        "audience": session.audience,
        "capacity_min": session.capacity_min or "",
        "capacity_max": session.capacity_max or "",
        "fields_of_expertise": session.fields_of_expertise,
        "house_rule": session.house_rule,
        "allow_indexing": "on",
    }
    existing_slots = list(session.slots.all())
    data |= management_form("slots", total=len(slots), initial=len(existing_slots))
    for index, slot in enumerate(slots):
        row = {"title": "", "kind": "other", "end": "", **slot}
        if index < len(existing_slots):
            row["id"] = existing_slots[index].pk
        row["session"] = session.pk
        data |= {f"slots-{index}-{key}": value for key, value in row.items()}
    data |= management_form("roles", total=len(roles), initial=0)
    for index, role in enumerate(roles):
        row = {"role": "speaker", "order": 0, "contribution_order": 0, **role}
        data |= {f"roles-{index}-{key}": value for key, value in row.items()}
    return data


def management_form(prefix, total, initial):
    """The management form of an admin inline formset, as the page sends it."""
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def request_url(session):
    """The public form that asks for a place in the session."""
    return f"/events/{session.event.slug}/{session.slug}/request/"


def request_form_data(**overrides):
    """What a visitor types into the request form, with `overrides` changed."""
    return {
        "name": "Ada Example",
        "email": "ada@example.org",
        "organisation": "Digital Rights Watch",
        "expertise": "law",
        "motivation": "I follow the UN cybercrime process.",
        "consent": "on",
        "website": "",
        **overrides,
    }


def change_link_in(message):
    """The path of the signed change link in a participant's email."""
    return re.search(r"https?://[^/\s]+(/requests/[^/\s]+/)", message.body).group(1)


def json_ld(response):
    """The page's JSON-LD description (schema.org) as a dict."""
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(match.group(1))


def agenda_rows(session):
    """The slot rows of the change form as the admin shows them, unchanged."""
    return [
        {
            "start": f"{s.start:%H:%M}",
            "end": f"{s.end:%H:%M}" if s.end else "",
            "title": s.title,
            "kind": s.kind,
            "description": s.description,
            "moderators": [p.pk for p in s.moderators.all()],
            "speakers": [p.pk for p in s.speakers.all()],
        }
        for s in session.slots.all()
    ]


def previewed(page):
    """The fingerprint of what an organiser tool's preview offered, sent back with
    the confirmation."""
    return re.search(r'name="previewed"\s+value="([0-9a-f]+)"', page.text).group(1)


def confirm_tool(client, url, data):
    """Preview, then confirm what the preview offered, as an organiser does."""
    page = client.post(url, {"_preview": "Preview", **data})
    return client.post(url, {"_confirm": "Confirm", "previewed": previewed(page), **data})


def import_url():
    return reverse("admin:agenda_event_import")


def import_preview(client, content, **options):
    """Upload a JSON backup (bytes) to the import page: the preview, nothing written.

    `options`: update_existing, publish (ticked when true).
    """
    ticked = {name: "on" for name, value in options.items() if value}
    upload = SimpleUploadedFile("backup.json", content, "application/json")
    return client.post(import_url(), {"file": upload, "_preview": "Preview", **ticked})


def import_confirm(client, page, **options):
    """Confirm the preview on `page` (the response of import_preview), as an organiser does."""
    ticked = {name: "on" for name, value in options.items() if value}
    data = {"backup": page.context["backup"], "previewed": page.context["previewed"]}
    return client.post(import_url(), {"_confirm": "Import", **data, **ticked})


def import_through_admin(client, content, **options):
    """Upload, preview and confirm: the response to the confirmation (or to the
    upload, when the file was refused and there is nothing to confirm)."""
    page = import_preview(client, content, **options)
    if not page.context or not page.context.get("preview"):
        return page
    return import_confirm(client, page, **options)


class DatabaseSwitch:
    """Every query fails while `down`, as when PostgreSQL has stopped or SQLite's
    file is locked: Django raises OperationalError from the cursor."""

    def __init__(self, monkeypatch):
        self.down = False
        for name in ("execute", "executemany"):
            real = getattr(CursorWrapper, name)
            monkeypatch.setattr(CursorWrapper, name, self._guard(real))

    def _guard(self, real):
        def guarded(cursor, *args, **kwargs):
            if self.down:
                raise OperationalError("connection to server failed: Connection refused")
            return real(cursor, *args, **kwargs)

        return guarded


def visible_text(response):
    """A page's body as a reader sees it: no tags, entities decoded, spaces collapsed."""
    body = re.split(r"<body[^>]*>", response.text, maxsplit=1)[1]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(body)))


class FailingEmailBackend:
    """A mail server that refuses every message (MAILERS' BACKEND in tests); counts the tries."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).calls += 1
        raise ConnectionRefusedError(111, "Connection refused")

    def close(self):
        pass


def past_meeting():
    """A published meeting on a day past (its planned times all gone), for the live
    run: (session, {title: slot}) with Opening 10:00, Panel 10:30, Closing 11:00-11:30."""
    session = SessionFactory(
        date=date(2026, 6, 1),
        time_zone="Europe/Vienna",
        start_time=time(10),
        end_time=time(11, 30),
        status=Session.Status.PUBLISHED,
    )
    slots = {
        title: AgendaSlotFactory(session=session, start=start, end=end, title=title)
        for start, end, title in [
            (time(10), time(10, 30), "Opening"),
            (time(10, 30), time(11), "Panel"),
            (time(11), time(11, 30), "Closing"),
        ]
    }
    return session, slots


def image_bytes(width=400, height=300, kind="PNG", colour=(31, 78, 121), alpha=None, exif=None):
    """An image file's bytes: a plain colour, or with `alpha` a transparent corner;
    `exif` (a PIL.Image.Exif) written into it, as cameras and phones do."""
    mode = "RGBA" if alpha is not None else "RGB"
    image = Image.new(mode, (width, height), (*colour, 255) if alpha is not None else colour)
    if alpha is not None:
        image.paste((0, 0, 0, alpha), (0, 0, width // 4, height // 4))
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=kind, **options)
    return out.getvalue()


def upload(content, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type)


def exif_with_location():
    """EXIF as a phone writes it: its make and model, and where the photo was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    return exif


def png_bomb(width=20_000, height=20_000):
    """A real PNG of width x height black pixels (1 bit each) in about 50 KB: an image
    bomb, whose pixels take gigabytes once decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def brand(event, colour="#1f4e79", logo=True, header_image=False):
    """The event in its own look: a colour, a logo (transparent PNG) and, if asked, a
    header image; saved, with the images' sizes made."""
    event.colour = colour
    if logo:
        event.logo = upload(image_bytes(360, 120, alpha=0), name="logo.png")
        event.logo_alt = "Example Institute"
    if header_image:
        event.header_image = upload(image_bytes(2400, 800, kind="JPEG"), name="header.jpg")
        event.header_image_alt = "The conference hall"
    event.full_clean()
    event.save()
    return event


def dress(event, colour="#1f4e79"):
    """The event fully in its own look: a colour, a logo, a header image, a tagline and
    a partner with a logo and a link."""
    from sessions.models import EventPartner

    brand(event, colour=colour, header_image=True)
    event.tagline = "Civil society at the table"
    event.save()
    partner = EventPartner(event=event, role="partner", name="Partner Network", order=1)
    partner.logo = upload(image_bytes(240, 80, alpha=0), name="partner.png")
    partner.link = "https://partners.example.org/"
    partner.save()
    return event


def event_change_data(event, partners=(), **fields):
    """The event's admin change form as the page posts it, with `fields` changed and
    `partners` (dicts of a row's fields) in its organisers and partners inline."""
    data = {
        "title": event.title,
        "slug": event.slug,
        "description": "",
        "organiser": "",
        "tagline": "",
        "colour": "",
        "logo_alt": "",
        "header_image_alt": "",
        **management_form("partners", len(partners), 0),
        **fields,
    }
    for index, partner in enumerate(partners):
        data |= {f"partners-{index}-{key}": value for key, value in partner.items()}
    return data


def with_photo(person, width=400, height=400):
    """The person with a photo (a JPEG), saved, with its sizes made."""
    person.photo = upload(image_bytes(width, height, kind="JPEG", colour=(120, 90, 60)))
    person.save()
    return person
