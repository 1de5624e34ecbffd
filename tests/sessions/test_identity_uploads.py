"""Uploading photos and logos in the admin: what is refused, with which message,
and what is kept of what is accepted (common/images.py)."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from PIL import Image, ImageCms

from sessions.models import Event, EventPartner
from speakers.models import Speaker
from tests.factories import EventFactory, SpeakerFactory
from tests.helpers import (
    event_change_data,
    exif_with_location,
    image_bytes,
    management_form,
    png_bomb,
    upload,
)

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
# The first bytes of a Linux program (ELF), renamed photo.jpg.
EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 2000
SCRIPT = b"<html><script>alert(document.domain)</script></html>"


def polyglot():
    """A JPEG that is also a web page and a ZIP archive: bytes after the image's end
    and a comment, which a browser sniffing the type or an unzipper would read."""
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 40, 40)).save(out, "JPEG", comment=SCRIPT)
    zip_tail = b"PK\x03\x04" + b"\x00" * 26 + b"evil.html" + SCRIPT + b"PK\x05\x06" + b"\0" * 18
    return out.getvalue() + SCRIPT + zip_tail


def speaker_post(client, speaker, photo, **fields):
    data = {
        "honorific": "",
        "name": speaker.name,
        "post_nominals": "",
        "slug": speaker.slug,
        "bio": "",
        "photo": photo,
        **management_form("affiliations", 0, 0),
        **fields,
    }
    return client.post(reverse("admin:speakers_speaker_change", args=[speaker.pk]), data)


HOSTILE = {
    "svg-with-script": (
        "photo.svg",
        SVG_WITH_SCRIPT,
        "SVG and other text files are not accepted (they can carry scripts)",
    ),
    "svg-renamed-png": (
        "photo.png",
        SVG_WITH_SCRIPT,
        "SVG and other text files are not accepted",
    ),
    "renamed-executable": (
        "photo.jpg",
        EXECUTABLE,
        "This file is not an image that can be read: upload a PNG, JPEG or WebP image.",
    ),
    "20000x20000-pixels": (
        "photo.png",
        png_bomb(),
        "The image is 20,000 × 20,000 pixels (400 megapixels); images of at most "
        "50 megapixels and 12,000 pixels a side are accepted.",
    ),
    "gif": (
        "photo.gif",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00"
        b"\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        "GIF images are not accepted: upload a PNG, JPEG or WebP image.",
    ),
    "truncated-png": (
        "photo.png",
        image_bytes(800, 600)[:200],
        "upload a PNG, JPEG or WebP image",
    ),
}


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_photo_is_refused_with_the_rule_and_nothing_is_stored(
    organiser_client, media_folder, name, content, message
):
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")
    before = sorted(media_folder.rglob("*"))

    response = speaker_post(organiser_client, speaker, upload(content, name=name))

    assert response.status_code == 200  # the form again, with the error
    assert message in response.text
    speaker.refresh_from_db()
    assert not speaker.photo
    assert speaker.photo_variants == {}
    assert sorted(media_folder.rglob("*")) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(organiser_client, settings):
    speaker = SpeakerFactory()
    big = image_bytes(50, 50) + b"\0" * (10 * 1024 * 1024)

    response = speaker_post(organiser_client, speaker, upload(big))

    assert "The file is 10.0 MB; images of at most 10.0 MB are accepted." in response.text
    speaker.refresh_from_db()
    assert not speaker.photo


def test_a_polyglot_is_stored_as_its_pixels_alone(organiser_client):
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")

    response = speaker_post(organiser_client, speaker, upload(polyglot(), name="me.html"))

    assert response.status_code == 302
    speaker.refresh_from_db()
    with default_storage.open(speaker.photo.name) as stored:
        kept = stored.read()
    assert b"<script" not in kept
    assert b"PK\x03\x04" not in kept
    assert kept.endswith(b"\xff\xd9")  # the JPEG's own end: nothing after it
    assert speaker.photo.name.endswith(".jpg")  # named by what it is, not by "me.html"


def test_location_and_camera_are_removed_and_the_name_is_random(organiser_client):
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")
    photo = image_bytes(600, 800, kind="JPEG", exif=exif_with_location())
    assert Image.open(io.BytesIO(photo)).getexif()  # the upload has them

    speaker_post(organiser_client, speaker, upload(photo, name="ada-lovelace-home.jpg"))

    speaker.refresh_from_db()
    assert "ada" not in speaker.photo.name.split("/")[-1]
    assert speaker.photo.name.startswith("photos/")
    with default_storage.open(speaker.photo.name) as stored:
        kept = Image.open(stored)
        kept.load()
    assert not kept.getexif()
    assert "PhoneMaker" not in str(kept.info)
    assert kept.size == (600, 800)


def test_an_accepted_photo_has_square_webp_and_jpeg_sizes(organiser_client):
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")

    speaker_post(organiser_client, speaker, upload(image_bytes(600, 800, kind="JPEG")))

    speaker.refresh_from_db()
    variants = speaker.photo_variants
    assert variants["fallback_type"] == "image/jpeg"
    assert [(w, h) for w, h, _ in variants["webp"]] == [(48, 48), (96, 96), (192, 192)]
    assert [(w, h) for w, h, _ in variants["fallback"]] == [(48, 48), (96, 96), (192, 192)]
    for _, _, name in variants["webp"]:
        with default_storage.open(name) as stored:
            assert Image.open(stored).format == "WEBP"
    for _, _, name in variants["fallback"]:
        with default_storage.open(name) as stored:
            assert Image.open(stored).format == "JPEG"


def test_a_small_photo_is_not_enlarged(organiser_client):
    speaker = SpeakerFactory()

    speaker_post(organiser_client, speaker, upload(image_bytes(100, 80)))

    speaker.refresh_from_db()
    assert [(w, h) for w, h, _ in speaker.photo_variants["webp"]] == [(48, 48), (80, 80)]


def test_clearing_the_photo_shows_initials_again(organiser_client, client):
    speaker = SpeakerFactory()
    speaker_post(organiser_client, speaker, upload(image_bytes()))

    speaker_post(organiser_client, speaker, "", **{"photo-clear": "on"})

    speaker.refresh_from_db()
    assert not speaker.photo
    assert speaker.photo_variants == {}


def event_post(client, event, partners=(), **fields):
    url = reverse("admin:agenda_event_change", args=[event.pk])
    return client.post(url, event_change_data(event, partners, **fields))


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        (
            "#FFEB3B",
            "#FFEB3B on white has a contrast ratio of 1.2:1: too light to mark focus, buttons "
            "and edges on the event's white pages, for which WCAG 2.2 AA asks at least 3:1. "
            "A darker shade such as #A29400 passes.",
        ),
        (
            "#ff0000",
            "Text on #FF0000 has a contrast ratio of 3.9:1 in white and 3.8:1 in dark text; "
            "WCAG 2.2 AA asks at least 4.5:1. A darker shade such as #EA0000 passes with "
            "white text.",
        ),
        ("red", "Enter the colour as a hex code: # and six digits 0-9 or letters A-F"),
    ],
)
def test_a_colour_that_fails_contrast_is_refused_with_the_measured_ratio(
    organiser_client, colour, message
):
    event = EventFactory(title="Forum", slug="forum")

    response = event_post(organiser_client, event, colour=colour)

    assert response.status_code == 200
    assert message in response.text.replace("&#x27;", "'")
    event.refresh_from_db()
    assert event.colour == ""


@pytest.mark.parametrize(
    ("typed", "stored"), [("#1F4E79", "#1f4e79"), ("2a9d8f", "#2a9d8f"), ("#000", "#000000")]
)
def test_an_accessible_colour_is_kept_as_typed_in_one_spelling(organiser_client, typed, stored):
    event = EventFactory()

    response = event_post(organiser_client, event, colour=typed)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.colour == stored


def test_a_logo_needs_its_text_and_a_partner_keeps_its_logo(organiser_client):
    event = EventFactory()

    refused = event_post(organiser_client, event, logo=upload(image_bytes(300, 100)))
    assert "Say what the logo shows (usually the host&#x27;s name)" in refused.text

    response = event_post(
        organiser_client,
        event,
        logo=upload(image_bytes(300, 100, alpha=0)),
        logo_alt="Example Institute",
        partners=[
            {
                "role": "organiser",
                "order": 1,
                "name": "Example Institute",
                "link": "https://example.org/",
                "logo": upload(image_bytes(200, 200, kind="JPEG")),
            }
        ],
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.logo_variants["fallback_type"] == "image/png"  # transparency kept
    assert [h for _, h, _ in event.logo_variants["webp"]] == [40, 56, 80, 100]
    partner = EventPartner.objects.get()
    assert (partner.name, partner.link) == ("Example Institute", "https://example.org/")
    assert partner.logo_variants["webp"]


def test_a_hostile_partner_logo_is_refused_and_nothing_of_the_event_saved(organiser_client):
    event = EventFactory(title="Forum")

    response = event_post(
        organiser_client,
        event,
        title="Forum, renamed",
        partners=[{"role": "partner", "order": 0, "name": "X", "logo": upload(SVG_WITH_SCRIPT)}],
    )

    assert "SVG and other text files are not accepted" in response.text
    assert Event.objects.get().title == "Forum"
    assert not EventPartner.objects.exists()
    assert not Speaker.objects.exists()


def png_with_chunk(kind, data, width=120, height=120):
    """A valid PNG with one more chunk of `kind` holding `data`, before its end."""
    png = image_bytes(width, height)
    chunk = struct.pack(">I", len(data)) + kind + data
    chunk += struct.pack(">I", zlib.crc32(kind + data))
    return png[:-12] + chunk + png[-12:]


def test_a_damaged_exif_block_is_refused_as_a_damaged_image_not_a_crash(organiser_client):
    speaker = SpeakerFactory()

    response = speaker_post(organiser_client, speaker, upload(png_with_chunk(b"eXIf", b"JUNK")))

    assert response.status_code == 200
    assert "The image is damaged or incomplete: upload a PNG, JPEG or WebP image." in (
        response.text
    )


@pytest.mark.parametrize(("width", "height"), [(5, 2000), (3000, 100)])
def test_an_image_too_thin_to_show_is_refused(organiser_client, width, height):
    speaker = SpeakerFactory()

    response = speaker_post(organiser_client, speaker, upload(image_bytes(width, height)))

    assert (
        f"The image is {width:,} × {height:,} pixels: images at most 20 times as long as "
        "they are wide are accepted."
    ) in response.text


def test_a_colour_profile_is_applied_then_dropped(organiser_client):
    speaker = SpeakerFactory()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 120, 200)).save(out, "JPEG", icc_profile=profile)

    speaker_post(organiser_client, speaker, upload(out.getvalue(), name="p.jpg"))

    speaker.refresh_from_db()
    with default_storage.open(speaker.photo.name) as stored:
        assert "icc_profile" not in Image.open(stored).info


def test_a_large_photo_is_kept_at_800_pixels_its_sizes_made_from_it(organiser_client):
    speaker = SpeakerFactory()

    speaker_post(organiser_client, speaker, upload(image_bytes(4000, 3000, kind="JPEG")))

    speaker.refresh_from_db()
    with default_storage.open(speaker.photo.name) as stored:
        assert Image.open(stored).size == (800, 600)
    assert speaker.photo_variants["width"] == 800


def test_a_file_name_of_200_characters_is_taken(organiser_client):
    speaker = SpeakerFactory()

    response = speaker_post(
        organiser_client, speaker, upload(image_bytes(), name="p" * 200 + ".png")
    )

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert len(speaker.photo.name) < 60


def test_a_storage_that_fails_is_a_message_on_the_form_and_nothing_is_saved(
    organiser_client, monkeypatch
):
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")

    def full_disk(self, name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    response = speaker_post(
        organiser_client, speaker, upload(image_bytes()), name="Ada King, Countess of Lovelace"
    )

    assert response.status_code == 200
    assert (
        "The image could not be stored (OSError: [Errno 28] No space left on device). "
        "Nothing was saved: try again"
    ) in response.text
    speaker.refresh_from_db()
    assert (speaker.name, bool(speaker.photo)) == ("Ada Lovelace", False)
