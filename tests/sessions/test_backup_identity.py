"""The event backup carries the event's look and people's photos, and checks them
on import as an upload is checked."""

import base64
import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from sessions.backup.export import event_export
from sessions.backup.importing import event_import, event_import_detailed
from sessions.models import Event, EventPartner, Session, SessionRole
from speakers.models import Speaker
from tests.factories import SessionRoleFactory, SpeakerFactory
from tests.helpers import dated_session, dress, image_bytes, png_bomb, upload, with_photo


@pytest.fixture
def branded_event(db):
    session = dated_session(slug="panel")
    event = dress(session.event)
    ada = SpeakerFactory(name="Ada Lovelace", slug="ada")
    ada.photo = upload(image_bytes(300, 300), name="ada.png")
    ada.save()
    SessionRoleFactory(session=session, speaker=ada, role="speaker")
    return event


# What version 4 added to the event's row: a version 3 file has none of it.
VERSION_4_EVENT_KEYS = (
    "tagline",
    "colour",
    "logo",
    "logo_alt",
    "header_image",
    "header_image_alt",
    "partners",
)


def pixels(name):
    with default_storage.open(name) as stored:
        image = Image.open(stored)
        return image.size, image.convert("RGBA").tobytes()


def delete_everything():
    for model in (SessionRole, Session, EventPartner, Event, Speaker):
        model.objects.all().delete()


def test_the_look_and_the_photos_go_and_come_back(branded_event):
    exported = json.loads(json.dumps(event_export(event=branded_event)))
    logo_before = pixels(branded_event.logo.name)
    photo_before = pixels(Speaker.objects.get().photo.name)
    delete_everything()

    event_import(data=copy.deepcopy(exported), publish=True)

    event = Event.objects.get()
    assert (event.colour, event.tagline, event.logo_alt, event.header_image_alt) == (
        "#1f4e79",
        "Civil society at the table",
        "Example Institute",
        "The conference hall",
    )
    assert pixels(event.logo.name) == logo_before
    assert event.logo_variants["webp"]
    assert event.header_image_variants["webp"]
    partner = EventPartner.objects.get()
    assert (partner.name, partner.role, partner.order, partner.link) == (
        "Partner Network",
        "partner",
        1,
        "https://partners.example.org/",
    )
    assert partner.logo_variants["fallback_type"] == "image/png"
    ada = Speaker.objects.get()
    assert pixels(ada.photo.name) == photo_before
    assert [(w, h) for w, h, _ in ada.photo_variants["webp"]] == [(48, 48), (96, 96), (192, 192)]
    # Everything else as it was; images by their size and kind (stored under new
    # random names, a JPEG written again with its own compression).
    assert without_image_bytes(event_export(event=event)) == without_image_bytes(exported)


def without_image_bytes(exported):
    def seen(image):
        if image is None:
            return None
        opened = Image.open(io.BytesIO(base64.b64decode(image["base64"])))
        return (opened.format, opened.size)

    data = copy.deepcopy(exported)
    for row in [data["event"], *data["event"]["partners"], *data["speakers"]]:
        for key in ("logo", "header_image", "photo"):
            if key in row:
                row[key] = seen(row[key])
    return data


def test_importing_the_same_file_again_changes_and_stores_nothing(branded_event):
    exported = event_export(event=branded_event)
    names = (branded_event.logo.name, Speaker.objects.get().photo.name)

    result = event_import_detailed(data=exported, update_existing=True)

    assert "events: 1 unchanged" in result.summary()
    assert "organisers and partners: 1 unchanged" in result.summary()
    branded_event.refresh_from_db()
    assert (branded_event.logo.name, Speaker.objects.get().photo.name) == names


def test_a_photo_changed_in_the_file_replaces_the_one_on_the_site(branded_event):
    exported = event_export(event=branded_event)
    exported["speakers"][0]["photo"]["base64"] = base64.b64encode(
        image_bytes(500, 500, kind="JPEG", colour=(10, 200, 10))
    ).decode()
    old = Speaker.objects.get().photo.name

    event_import(data=exported, update_existing=True)

    ada = Speaker.objects.get()
    assert ada.photo.name != old
    assert ada.photo.name.endswith(".jpg")


def svg_base64():
    return base64.b64encode(b"<svg><script>alert(1)</script></svg>").decode()


@pytest.mark.parametrize(
    ("place", "change", "message"),
    [
        (
            "event.logo",
            lambda d: d["event"]["logo"].update(base64=svg_base64()),
            "event.logo: SVG and other text files are not accepted",
        ),
        (
            "speakers[0].photo",
            lambda d: d["speakers"][0]["photo"].update(
                base64=base64.b64encode(png_bomb()).decode()
            ),
            "speakers[0].photo: The image is 20,000 × 20,000 pixels",
        ),
        (
            "event.partners[0].logo",
            lambda d: d["event"]["partners"][0]["logo"].update(base64="not base64!"),
            "event.partners[0].logo: the image's base64 is damaged",
        ),
        (
            "event.header_image",
            lambda d: d["event"].update(header_image="https://elsewhere.example/x.jpg"),
            "event.header_image: 'https://elsewhere.example/x.jpg' is not an image",
        ),
        (
            "event.colour",
            lambda d: d["event"].update(colour="#ffff00"),
            "event.colour: #FFFF00 on white has a contrast ratio of 1.0:1",
        ),
    ],
)
def test_a_hostile_image_in_the_file_is_refused_by_its_place_and_nothing_saved(
    branded_event, place, change, message
):
    exported = event_export(event=branded_event)
    change(exported)
    delete_everything()

    with pytest.raises(ValidationError) as refused:
        event_import(data=exported)

    assert any(message in line for line in refused.value.messages), refused.value.messages
    assert not Event.objects.exists()
    assert not Speaker.objects.exists()


def test_a_file_written_before_the_look_existed_still_reads(db):
    session = dated_session(slug="panel")
    exported = event_export(event=session.event)
    exported["version"] = 3
    for key in VERSION_4_EVENT_KEYS:
        del exported["event"][key]
    delete_everything()

    event = event_import(data=exported)

    assert (event.colour, event.logo_variants, event.partners.count()) == ("", {}, 0)


def test_a_photo_is_exported_as_stored_without_metadata(branded_event):
    ada = with_photo(Speaker.objects.get())

    exported = event_export(event=branded_event)

    content = base64.b64decode(exported["speakers"][0]["photo"]["base64"])
    assert Image.open(io.BytesIO(content)).format == "JPEG"
    assert exported["speakers"][0]["photo"]["name"] == ada.photo.name.rsplit("/", 1)[-1]
    assert "photo_variants" not in exported["speakers"][0]


def stored_files(media_folder):
    return sorted(path for path in media_folder.rglob("*") if path.is_file())


def test_a_dry_run_leaves_no_image_behind(branded_event, media_folder):
    exported = event_export(event=branded_event)
    delete_everything()
    before = stored_files(media_folder)

    result = event_import_detailed(data=exported, dry_run=True)

    assert result.dry_run
    assert stored_files(media_folder) == before
    assert not Event.objects.exists()


def test_an_import_refused_after_its_images_were_stored_leaves_none_behind(
    branded_event, media_folder
):
    exported = event_export(event=branded_event)
    exported["event"]["logo_alt"] = ""  # the event (written after the people) is refused
    delete_everything()
    before = stored_files(media_folder)

    with pytest.raises(ValidationError, match="Say what the logo shows"):
        event_import(data=exported)

    assert stored_files(media_folder) == before
    assert not Speaker.objects.exists()


def test_an_older_file_leaves_the_look_photos_and_partners_the_site_has(branded_event):
    exported = event_export(event=branded_event)
    exported["version"] = 3
    for key in VERSION_4_EVENT_KEYS:
        del exported["event"][key]
    for person in exported["speakers"]:
        del person["photo"]
    photo = Speaker.objects.get().photo.name

    event_import(data=exported, update_existing=True)

    event = Event.objects.get()
    assert (event.colour, event.logo_alt, event.partners.count()) == (
        "#1f4e79",
        "Example Institute",
        1,
    )
    assert Speaker.objects.get().photo.name == photo


def test_a_partner_named_twice_in_one_role_is_refused(branded_event):
    exported = event_export(event=branded_event)
    exported["event"]["partners"].append(dict(exported["event"]["partners"][0], order=5))

    with pytest.raises(ValidationError) as refused:
        event_import(data=exported, update_existing=True)

    assert "event.partners[1]: ('partner', 'Partner Network') appears more than once" in (
        refused.value.messages
    )
