"""Hostile input through every form that organisers and the public fill in.

Each submission must end in a clear refusal (status 200 with an error on the
form, or a 4xx) and leave every table as it was, or be accepted with the value
stored exactly and shown escaped where it is shown. Never a 500.

Forms: the admin change forms of Event, Session (with its slot and role
inlines), Speaker (with its affiliations) and Organisation; the add forms of
Event, Speaker and Organisation; the organiser tools (shift and paste agenda);
the public request form; the participants' admin (requests and request
settings); the JSON import of an event; the admin's search boxes.

Payloads, chosen per kind of field rather than crossed with every field, to
keep the run short (a cross product of ~45 fields and ~15 payloads would be
~700 submissions, most of them proving the same thing twice):
- Text fields shown on public pages, and one main text field per form, get
  every text payload (TEXT): 10,001 characters, right-to-left Arabic, Zalgo
  combining marks, emoji with a skin tone and zero-width joiner, a NUL byte, a
  script tag and an attribute-breaking img tag.
- Other text fields get the three that find different bugs (CORE): the long
  text (length limits), NUL (PostgreSQL refuses it in text: "A string literal
  cannot contain NUL (0x00) characters") and the img tag (escaping).
- Times get TIMES (24:00, 11:60, 25:00, -1:00, noon, NUL); dates, numbers and
  menus get their own short sets; reversed ranges (end before start for the
  session and a slot, capacity minimum above maximum, a pasted span backwards)
  are cases of their own.
Whether a text value must be accepted is computed from the model field (slug,
URL and email fields refuse all of them; a value longer than max_length or with
NUL is refused), so the expectation is stated once, not per case.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, time
from html import escape
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from participants.models import ParticipantRequest, RequestSettings
from sessions.backup.export import event_export
from sessions.models import AgendaSlot, Event, Session, SessionRole
from speakers.models import Affiliation, Organisation, Speaker
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventFactory,
    OrganisationFactory,
    ParticipantRequestFactory,
    RequestSettingsFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
)
from tests.helpers import change_form_data, import_through_admin, management_form

pytestmark = pytest.mark.django_db

LONG = ("Lorem ipsum " * 834).strip()  # 10,007 characters; forms strip the ends
TEXT = {
    "long": LONG,
    "rtl": "مرحبا بالعالم",
    "combining": "Z̵̡̢a̸l̷g̶o",
    "emoji": "🎤👩🏽‍💻",
    "nul": "a\x00b",
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
}
CORE = {name: TEXT[name] for name in ("long", "nul", "img")}
TIMES = {
    "24h00": "24:00",
    "11h60": "11:60",
    "25h00": "25:00",
    "minus-1h00": "-1:00",
    "noon": "noon",
    "nul": "11:\x0030",
}
DATES = {"feb-30": "2026-02-30", "noon": "noon", "nul": "2026-\x0003-01", "long": "2" * 10_001}
NUMBERS = {
    "negative": "-1",
    "fraction": "1.5",
    "huge": "9" * 30,
    "word": "noon",
    "nul": "1\x002",
    "script": TEXT["script"],
}
MENU = {name: TEXT[name] for name in ("script", "nul", "long")}
KEYS = {name: NUMBERS[name] for name in ("word", "huge", "nul")}  # ids of related rows
SOME_TIMES = {name: TIMES[name] for name in ("24h00", "11h60")}

LIVE_MARKUP = re.compile(r"<script>alert|<img[^>]*onerror", re.IGNORECASE)


# Bookkeeping, not content: the request form's rate-limit counters count every
# attempt, refused or not (participants/ratelimit.py).
NOT_CONTENT = {"participants.RateLimitCounter"}


def row_counts():
    """Rows of every model of the three apps, history included."""
    return {
        model._meta.label: model._base_manager.count()
        for label in ("agenda", "speakers", "participants")
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in NOT_CONTENT
    }


@pytest.fixture
def world(organiser_client):
    organisation = OrganisationFactory(name="Organisation", short_name="ORG")
    speaker = SpeakerFactory(name="Ada Lovelace", slug="ada")
    affiliation = AffiliationFactory(
        speaker=speaker, organisation=organisation, position="Chief", unit="Unit", order=1
    )
    event = EventFactory(slug="event", title="The event")
    session = SessionFactory(
        event=event,
        slug="session",
        title="The session",
        published=True,
        date=date(2030, 5, 6),
        start_time=time(9, 0),
        end_time=time(17, 0),
        capacity_min=25,
        capacity_max=30,
        fields_of_expertise="law, policy",
    )
    session.publish()
    session.save()
    slot = AgendaSlotFactory(session=session, start=time(9, 0), end=time(10, 0), title="Slot")
    slot.speakers.set([speaker])
    role = SessionRoleFactory(
        session=session, speaker=speaker, shown_as=organisation, contribution="will speak."
    )
    settings = RequestSettingsFactory(session=session)
    request = ParticipantRequestFactory(session=session, expertise="law")
    return SimpleNamespace(
        client=organiser_client,
        organisation=organisation,
        speaker=speaker,
        affiliation=affiliation,
        event=event,
        session=session,
        slot=slot,
        role=role,
        settings=settings,
        request=request,
    )


# How to submit each form, where its errors are, where a value is stored.


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def session_data(w):
    data = change_form_data(
        w.session,
        slots=[{"start": "09:00", "end": "10:00", "title": "Slot", "speakers": [w.speaker.pk]}],
        roles=[
            {
                "speaker": w.speaker.pk,
                "shown_as": w.organisation.pk,
                "contribution": "will speak.",
            }
        ],
    )
    # The role is the stored one, not a new row.
    return data | {
        "roles-INITIAL_FORMS": 1,
        "roles-0-id": w.role.pk,
        "roles-0-session": w.session.pk,
    }


def speaker_data(w, speaker=None):
    data = {"honorific": "", "name": "Grace Hopper", "slug": "grace", "bio": ""}
    data |= management_form("affiliations", 1, 0 if speaker is None else 1)
    data |= {
        "affiliations-0-order": 1,
        "affiliations-0-position": "Chief",
        "affiliations-0-unit": "Unit",
        "affiliations-0-organisation": w.organisation.pk,
    }
    if speaker is not None:
        data |= {
            "name": speaker.name,
            "slug": speaker.slug,
            "affiliations-0-id": w.affiliation.pk,
            "affiliations-0-speaker": speaker.pk,
        }
    return data


def request_admin_data(w):
    r = w.request
    return {
        "session": r.session_id,
        "name": r.name,
        "email": r.email,
        "organisation": r.organisation,
        "expertise": r.expertise,
        "motivation": r.motivation,
        "status": r.status,
    }


def public_request_data(w):
    return {
        "name": "Grace Example",
        "email": "grace@example.org",
        "organisation": "Example",
        "expertise": "law",
        "motivation": "I work on this.",
        "consent": "on",
        "website": "",
    }


def admin_errors(response, inline=None):
    if inline is None:
        form = response.context["adminform"].form
    else:
        form = response.context["inline_admin_formsets"][inline].formset.forms[0]
    return form


def latest(model):
    return model.objects.order_by("-pk").first()


@dataclass(frozen=True)
class Form:
    """A form under test: how to fill it validly, and where to look afterwards."""

    url: Any  # (w) -> str
    data: Any  # (w) -> dict of a valid submission
    form: Any  # (response, inline index) -> the bound form with the field
    stored: Any  # (w, inline prefix) -> the row that holds the values
    accepted: int = 302


FORMS = {
    "event-change": Form(
        url=lambda w: admin_url(Event, "change", w.event.pk),
        data=lambda w: {
            "title": "The event",
            "slug": "event",
            "description": "",
            "organiser": "",
            **management_form("partners", 0, 0),
        },
        form=admin_errors,
        stored=lambda w, _: Event.objects.get(pk=w.event.pk),
    ),
    "event-add": Form(
        url=lambda w: admin_url(Event, "add"),
        data=lambda w: {
            "title": "New",
            "slug": "new",
            "description": "",
            "organiser": "",
            **management_form("partners", 0, 0),
        },
        form=admin_errors,
        stored=lambda w, _: latest(Event),
    ),
    "session-change": Form(
        url=lambda w: admin_url(Session, "change", w.session.pk),
        data=session_data,
        form=admin_errors,
        stored=lambda w, prefix: {
            None: lambda: Session.objects.get(pk=w.session.pk),
            "slots": lambda: AgendaSlot.objects.get(session=w.session),
            "roles": lambda: SessionRole.objects.get(session=w.session),
        }[prefix](),
    ),
    "speaker-change": Form(
        url=lambda w: admin_url(Speaker, "change", w.speaker.pk),
        data=lambda w: speaker_data(w, w.speaker),
        form=admin_errors,
        stored=lambda w, prefix: (
            Speaker.objects.get(pk=w.speaker.pk)
            if prefix is None
            else Affiliation.objects.get(speaker=w.speaker)
        ),
    ),
    "speaker-add": Form(
        url=lambda w: admin_url(Speaker, "add"),
        data=speaker_data,
        form=admin_errors,
        stored=lambda w, prefix: latest(Speaker if prefix is None else Affiliation),
    ),
    "organisation-change": Form(
        url=lambda w: admin_url(Organisation, "change", w.organisation.pk),
        data=lambda w: {"name": "Organisation", "short_name": "ORG", "parent": ""},
        form=admin_errors,
        stored=lambda w, _: Organisation.objects.get(pk=w.organisation.pk),
    ),
    "organisation-add": Form(
        url=lambda w: admin_url(Organisation, "add"),
        data=lambda w: {"name": "New body", "short_name": "", "parent": ""},
        form=admin_errors,
        stored=lambda w, _: latest(Organisation),
    ),
    "request-admin": Form(
        url=lambda w: admin_url(ParticipantRequest, "change", w.request.pk),
        data=request_admin_data,
        form=admin_errors,
        stored=lambda w, _: ParticipantRequest.objects.get(pk=w.request.pk),
    ),
    "request-settings-admin": Form(
        url=lambda w: admin_url(RequestSettings, "change", w.settings.pk),
        data=lambda w: {"session": w.session.pk, "requests_open": "on", "closes_on": ""},
        form=admin_errors,
        stored=lambda w, _: RequestSettings.objects.get(pk=w.settings.pk),
    ),
    "public-request": Form(
        url=lambda w: f"/events/{w.event.slug}/{w.session.slug}/request/",
        data=public_request_data,
        form=lambda response, _: response.context["form"],
        stored=lambda w, _: latest(ParticipantRequest),
    ),
}

# Inline formsets: the POST prefix and their index on the admin page.
INLINES = {"slots": 0, "roles": 1, "affiliations": 0}
MODELS = {
    "event": Event,
    "session": Session,
    "slots": AgendaSlot,
    "roles": SessionRole,
    "speaker": Speaker,
    "affiliations": Affiliation,
    "organisation": Organisation,
    "request": ParticipantRequest,
    "request-settings": RequestSettings,
    "public-request": ParticipantRequest,
}

# (form, field as "prefix-name" for inlines, payloads, shown on the session page)
TEXT_FIELDS = [
    ("event-change", "title", TEXT, "text"),
    ("event-change", "slug", CORE, None),
    ("event-change", "description", CORE, "markdown"),
    ("event-change", "organiser", CORE, None),
    ("event-change", "tagline", CORE, None),
    ("event-change", "logo_alt", CORE, None),
    ("event-add", "title", CORE, None),
    ("session-change", "label", CORE, "text"),
    ("session-change", "title", TEXT, "text"),
    ("session-change", "slug", CORE, None),
    ("session-change", "venue", CORE, "text"),
    ("session-change", "online_url", CORE, None),
    ("session-change", "outline", CORE, "markdown"),
    ("session-change", "audience", CORE, "markdown"),
    ("session-change", "fields_of_expertise", CORE, None),
    ("session-change", "slots-title", TEXT, "text"),
    ("session-change", "slots-description", CORE, "markdown"),
    ("session-change", "slots-cue", CORE, "staff"),
    ("session-change", "slots-tech_notes", CORE, "staff"),
    ("session-change", "slots-responsible", CORE, "staff"),
    ("session-change", "roles-contribution", TEXT, "text"),
    ("speaker-change", "honorific", CORE, "text"),
    ("speaker-change", "name", TEXT, "text"),
    ("speaker-change", "slug", CORE, None),
    ("speaker-change", "bio", CORE, None),
    ("speaker-change", "affiliations-position", CORE, "text"),
    ("speaker-change", "affiliations-unit", CORE, "text"),
    ("speaker-add", "name", CORE, None),
    ("speaker-add", "affiliations-position", CORE, None),
    ("organisation-change", "name", CORE, None),
    ("organisation-change", "short_name", TEXT, "text"),
    ("organisation-add", "name", CORE, None),
    ("request-admin", "name", CORE, None),
    ("request-admin", "email", CORE, None),
    ("request-admin", "organisation", CORE, None),
    ("request-admin", "expertise", CORE, None),
    ("request-admin", "motivation", CORE, None),
    ("public-request", "name", TEXT, None),
    ("public-request", "email", CORE, None),
    ("public-request", "organisation", CORE, None),
    ("public-request", "motivation", TEXT, None),
]

# (form, field, payloads): values that must all be refused.
REFUSED_FIELDS = [
    ("session-change", "start_time", TIMES),
    ("session-change", "end_time", SOME_TIMES),
    ("session-change", "slots-start", TIMES),
    ("session-change", "slots-end", SOME_TIMES),
    ("session-change", "date", DATES),
    ("session-change", "time_zone", MENU),
    ("session-change", "house_rule", MENU),
    ("session-change", "capacity_min", NUMBERS),
    ("session-change", "order", KEYS),
    ("session-change", "event", KEYS),
    ("session-change", "slots-kind", MENU),
    ("session-change", "slots-speakers", KEYS),
    ("session-change", "roles-role", MENU),
    ("session-change", "roles-order", KEYS),
    ("session-change", "roles-speaker", KEYS),
    ("organisation-change", "parent", KEYS),
    ("speaker-change", "affiliations-organisation", KEYS),
    ("request-admin", "status", MENU),
    ("request-settings-admin", "closes_on", DATES),
    ("public-request", "expertise", MENU),
]


def split(field):
    prefix, _, name = field.rpartition("-")
    return prefix or None, name


def model_field(form_name, field):
    prefix, name = split(field)
    owner = prefix or form_name.removesuffix("-change").removesuffix("-add")
    owner = owner.removesuffix("-admin")
    return MODELS[owner]._meta.get_field(name)


def must_accept(form_name, field, value):
    """Whether a text value is one that the form must store as it is."""
    target = model_field(form_name, field)
    if "\x00" in value or isinstance(target, models.SlugField | models.URLField):
        return False
    if isinstance(target, models.EmailField):
        return False
    if form_name == "public-request" and target.name == "motivation":
        return len(value) <= 1000  # the form's limit; the column has none
    return target.max_length is None or len(value) <= target.max_length


def post_key(field):
    prefix, name = split(field)
    return name if prefix is None else f"{prefix}-0-{name}"


def submit(w, form_name, field, value):
    form = FORMS[form_name]
    data = form.data(w)
    data[post_key(field)] = value
    return (
        w.client.post(form.url(w), data)
        if form_name != "public-request"
        else (Client().post(form.url(w), data))
    )


def field_errors(form_name, field, response):
    prefix, name = split(field)
    form = FORMS[form_name].form(response, INLINES.get(prefix))
    return form.errors.get(name, []) + list(form.non_field_errors())


def assert_refused(response, form_name, field, before, message=None):
    assert response.status_code == 200, "the form should come back with an error"
    errors = field_errors(form_name, field, response)
    assert errors, "no error names the field"
    if message is not None:
        assert message in errors
    for error in errors:
        assert escape(error) in response.text or error in response.text
    assert row_counts() == before


def assert_shown_safely(w, value, shown):
    session_page = Client().get(w.session.get_absolute_url())
    assert session_page.status_code == 200
    assert not LIVE_MARKUP.search(session_page.text)
    if shown == "text":
        assert escape(value) in session_page.text
    if shown == "staff":
        run_of_show = w.client.get(
            reverse("agenda:run_of_show", args=[w.event.slug, w.session.slug])
        )
        assert run_of_show.status_code == 200
        assert escape(value) in run_of_show.text
        assert not LIVE_MARKUP.search(run_of_show.text)


@pytest.mark.parametrize(
    ("form_name", "field", "value", "shown"),
    [
        pytest.param(form_name, field, value, shown, id=f"{form_name}-{field}-{name}")
        for form_name, field, payloads, shown in TEXT_FIELDS
        for name, value in payloads.items()
    ],
)
def test_text_is_stored_exactly_and_shown_escaped_or_refused_with_a_reason(
    world, form_name, field, value, shown
):
    before = row_counts()

    response = submit(world, form_name, field, value)

    if not must_accept(form_name, field, value):
        message = "Null characters are not allowed." if "\x00" in value else None
        assert_refused(response, form_name, field, before, message)
        return
    assert response.status_code == FORMS[form_name].accepted, field_errors(
        form_name, field, response
    )
    prefix, name = split(field)
    assert getattr(FORMS[form_name].stored(world, prefix), name) == value
    assert_shown_safely(world, value, shown)


@pytest.mark.parametrize(
    ("form_name", "field", "value"),
    [
        pytest.param(form_name, field, value, id=f"{form_name}-{field}-{name}")
        for form_name, field, payloads in REFUSED_FIELDS
        for name, value in payloads.items()
    ],
)
def test_odd_times_dates_numbers_and_choices_are_refused(world, form_name, field, value):
    before = row_counts()

    response = submit(world, form_name, field, value)

    assert_refused(response, form_name, field, before)


def test_public_request_honeypot_filled_with_anything_saves_nothing(world):
    before = row_counts()

    response = submit(world, "public-request", "website", TEXT["script"])

    assert response.status_code == 302
    assert row_counts() == before


def test_accepted_public_request_is_shown_escaped_to_organisers(world):
    submit(world, "public-request", "name", TEXT["img"])

    listing = world.client.get(admin_url(ParticipantRequest, "changelist"))

    assert escape(TEXT["img"]) in listing.text
    assert not LIVE_MARKUP.search(listing.text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"start_time": "12:00", "end_time": "11:00"},
            "The session must end after it starts.",
            id="session-end-before-start",
        ),
        pytest.param(
            {"capacity_min": "31", "capacity_max": "30"},
            "The minimum number of participants is above the maximum.",
            id="capacity-min-above-max",
        ),
        pytest.param(
            {"start_time": "12:00", "end_time": ""},
            "Give both a start and an end time, or neither.",
            id="session-start-without-end",
        ),
    ],
)
def test_reversed_session_ranges_are_refused(world, changes, message):
    before = row_counts()
    data = session_data(world) | changes

    response = world.client.post(admin_url(Session, "change", world.session.pk), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert message in errors
    assert row_counts() == before


def test_slot_ending_before_it_starts_is_refused(world):
    before = row_counts()
    data = session_data(world) | {"slots-0-start": "10:00", "slots-0-end": "09:30"}

    response = world.client.post(admin_url(Session, "change", world.session.pk), data)

    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "A slot must end after it starts." in form.non_field_errors()
    assert row_counts() == before


# The organiser tools


def tool_url(w, tool):
    return admin_url(Session, tool, w.session.pk)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(v, None, id=name)
        for name, v in (NUMBERS | {"long": "1" * 10_001, "over-12-hours": "900"}).items()
    ]
    + [
        pytest.param(
            "480",
            "“Slot” (17:00–18:00) lies outside the session, which runs 09:00–17:00.",
            id="out-of-the-session",
        ),
        pytest.param("0", "Move by: enter a number of minutes other than 0.", id="zero"),
    ],
)
def test_shift_agenda_refuses_odd_minutes(world, value, message):
    before = row_counts()

    response = world.client.post(
        tool_url(world, "shift_agenda"), {"minutes": value, "from_slot": "", "_preview": "1"}
    )

    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get("minutes", []) + list(form.non_field_errors())
    assert errors
    if message is not None:
        assert message in errors
    assert row_counts() == before


@pytest.mark.parametrize("value", list(MENU.values()), ids=list(MENU))
def test_shift_agenda_refuses_an_odd_slot(world, value):
    before = row_counts()

    response = world.client.post(
        tool_url(world, "shift_agenda"), {"minutes": "15", "from_slot": value, "_preview": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["from_slot"]
    assert row_counts() == before


def paste(w, text, confirm=False):
    url = tool_url(w, "paste_agenda")
    response = w.client.post(url, {"text": text, "mode": "add", "_preview": "1"})
    if not confirm or response.status_code != 200:
        return response
    match = re.search(r'name="previewed"\s+value="([^"]+)"', response.text)
    if match is None:
        return response
    return w.client.post(url, {"text": text, "mode": "add", "previewed": match[1], "_confirm": "1"})


@pytest.mark.parametrize(("name", "value"), list(TEXT.items()), ids=list(TEXT))
def test_pasted_title_is_stored_exactly_and_shown_escaped_or_refused(world, name, value):
    before = row_counts()

    response = paste(world, f"10:00-10:30 {value}", confirm=True)

    if "\x00" in value or len(value) > AgendaSlot._meta.get_field("title").max_length:
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors
        if "\x00" in value:
            assert form.errors["text"] == ["Null characters are not allowed."]
        assert row_counts() == before
        return
    assert response.status_code == 302
    assert world.session.slots.get(start=time(10, 0)).title == value
    assert_shown_safely(world, value, "text")


@pytest.mark.parametrize(
    "line",
    [
        "24:00-25:00 Late",
        "11:60 Odd",
        "-1:00 Before midnight",
        "noon Lunch",
        "12:00-11:00 Backwards",
        "11:00-11:00 Empty",
        TEXT["script"],
        LONG,
        "9:00-10:00 " + "x" * 201,
    ],
    ids=[
        "24h00",
        "11h60",
        "minus-1h00",
        "noon",
        "reversed",
        "empty-span",
        "script-only",
        "long-line",
        "long-title",
    ],
)
def test_paste_agenda_refuses_odd_lines_with_the_reason(world, line):
    before = row_counts()

    response = paste(world, line)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not LIVE_MARKUP.search(response.text)
    assert row_counts() == before


# The JSON import of an event


def import_file(w, change):
    data = event_export(event=w.event)
    change(data)
    content = json.dumps(data).encode()
    # Upload, preview, confirm: the file updates the world's own event.
    return import_through_admin(w.client, content, update_existing=True)


JSON_ALL_PAYLOADS = {"event.title", "sessions[0].slots[0].title"}
JSON_TEXT_FIELDS = {
    "event.title": (Event, lambda d: d["event"], lambda w: Event.objects.get()),
    "sessions[0].title": (Session, lambda d: d["sessions"][0], lambda w: Session.objects.get()),
    "sessions[0].slots[0].title": (
        AgendaSlot,
        lambda d: d["sessions"][0]["slots"][0],
        lambda w: AgendaSlot.objects.get(),
    ),
    "sessions[0].slots[0].cue": (
        AgendaSlot,
        lambda d: d["sessions"][0]["slots"][0],
        lambda w: AgendaSlot.objects.get(),
    ),
    "sessions[0].roles[0].contribution": (
        SessionRole,
        lambda d: d["sessions"][0]["roles"][0],
        lambda w: SessionRole.objects.get(),
    ),
    "speakers[0].name": (Speaker, lambda d: d["speakers"][0], lambda w: Speaker.objects.get()),
    "organisations[0].short_name": (
        Organisation,
        lambda d: d["organisations"][0],
        lambda w: Organisation.objects.get(),
    ),
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(path, value, id=f"{path}-{name}")
        for path in JSON_TEXT_FIELDS
        for name, value in (TEXT if path in JSON_ALL_PAYLOADS else CORE).items()
    ],
)
def test_json_import_stores_text_exactly_or_refuses_it_naming_the_place(world, path, value):
    model, row, stored = JSON_TEXT_FIELDS[path]
    name = path.rpartition(".")[2]
    limit = model._meta.get_field(name).max_length
    before = row_counts()

    response = import_file(world, lambda data: row(data).update({name: value}))

    if "\x00" in value or (limit is not None and len(value) > limit):
        assert response.status_code == 200
        (error,) = response.context["form"].errors["file"]
        assert error.startswith(f"{path}: ")
        assert escape(error) in response.text
        assert row_counts() == before
        return
    assert response.status_code == 302
    assert getattr(stored(world), name) == value
    assert_shown_safely(world, value, "staff" if name == "cue" else "text")


JSON_REFUSED = {
    "sessions[0].start_time": lambda d: d["sessions"][0],
    "sessions[0].end_time": lambda d: d["sessions"][0],
    "sessions[0].slots[0].start": lambda d: d["sessions"][0]["slots"][0],
    "sessions[0].slots[0].end": lambda d: d["sessions"][0]["slots"][0],
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(path, value, id=f"{path}-{name}")
        for path in JSON_REFUSED
        for name, value in (TIMES if path.endswith(".start") else SOME_TIMES).items()
    ]
    + [
        pytest.param("sessions[0].date", value, id=f"sessions[0].date-{name}")
        for name, value in DATES.items()
    ]
    + [
        pytest.param("sessions[0].capacity_min", value, id=f"sessions[0].capacity_min-{name}")
        for name, value in NUMBERS.items()
    ],
)
def test_json_import_refuses_odd_times_dates_and_numbers_naming_the_place(world, path, value):
    name = path.rpartition(".")[2]
    before = row_counts()

    response = import_file(
        world,
        lambda data: JSON_REFUSED.get(path, lambda d: d["sessions"][0])(data).update({name: value}),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith(f"{path}: ") for error in errors), errors
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"start_time": "12:00", "end_time": "11:00"},
            "sessions[0]: The session must end after it starts.",
            id="session-end-before-start",
        ),
        pytest.param(
            {"capacity_min": 31, "capacity_max": 30},
            "sessions[0]: The minimum number of participants is above the maximum.",
            id="capacity-min-above-max",
        ),
    ],
)
def test_json_import_refuses_reversed_session_ranges(world, changes, message):
    before = row_counts()

    response = import_file(world, lambda data: data["sessions"][0].update(changes))

    assert message in response.context["form"].errors["file"]
    assert row_counts() == before


def test_json_import_refuses_a_slot_ending_before_it_starts(world):
    before = row_counts()

    response = import_file(
        world, lambda data: data["sessions"][0]["slots"][0].update(end="08:30:00")
    )

    assert response.context["form"].errors["file"] == [
        "sessions[0].slots[0]: A slot must end after it starts."
    ]
    assert row_counts() == before


# Formulas typed into a slot, read back from the run-of-show CSV

CSV_FORMULAS = {
    "semicolon": "Org;=cmd|' /C calc'!A0",
    "comma": "Panel, =HYPERLINK(0)",
    "tab": "Lights\t@SUM(A1)",
    "line-break": "Mic check\n+1+cmd|' /C calc'!A0",
    "first": "-2+3",
}


@pytest.mark.parametrize("field", ["slots-title", "slots-cue"])
@pytest.mark.parametrize(("name", "value"), list(CSV_FORMULAS.items()), ids=list(CSV_FORMULAS))
def test_formulas_typed_into_a_slot_come_out_defused_in_the_run_of_show_csv(
    world, field, name, value
):
    saved = submit(world, "session-change", field, value)
    csv_file = world.client.get(
        reverse("agenda:run_of_show_csv", args=[world.event.slug, world.session.slug])
    )

    if field == "slots-title" and ("\t" in value or "\n" in value):
        # A title is one line (common/validators.py): refused before any CSV sees it.
        assert saved.status_code == 200
        assert "A title is a single line of text" in saved.text
        return
    assert saved.status_code == 302
    raw = csv_file.content.decode("utf-8-sig")
    for separator in (",", ";", "\t", "\r", "\n"):
        for cell in raw.split(separator):
            assert not cell.lstrip(' \t\r\n"').startswith(("=", "+", "-", "@")), (separator, cell)


# Made-up addresses: odd Host headers and page numbers


@pytest.mark.parametrize(
    "host",
    ["evil.example", "testserver:abc", "testserver:99999", "TESTSERVER.", "[::1]", "a" * 300],
)
@pytest.mark.parametrize("path", ["/", "/sitemap.xml", "/robots.txt"])
def test_odd_host_headers_are_refused_or_answered_never_a_server_error(world, host, path):
    response = Client().get(path, headers={"host": host})

    assert response.status_code in (200, 400)


def test_a_request_for_a_host_not_ours_is_logged_in_one_line(world, caplog):
    # A scanner sends thousands; each used to write Django's whole traceback.
    Client().get("/", headers={"host": "evil.example"})

    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert "evil.example" in record.getMessage()
    assert record.exc_info is None


@pytest.mark.parametrize(
    "number", ["01", "0", "-1", "9" * 5000, "1\x00", TEXT["script"], "١", "1e3", "0x1"]
)
def test_odd_sitemap_page_numbers_give_a_page_or_404_never_a_server_error(world, number):
    response = Client().get("/sitemap.xml", {"p": number})

    assert response.status_code in (200, 404)
    assert not LIVE_MARKUP.search(response.content.decode())


# The admin's search boxes

SEARCH = CORE | {"script": TEXT["script"], "rtl": TEXT["rtl"]}


@pytest.mark.parametrize(
    "model", [Event, Session, Speaker, Organisation, ParticipantRequest], ids=lambda m: m.__name__
)
@pytest.mark.parametrize("value", list(SEARCH.values()), ids=list(SEARCH))
def test_admin_search_answers_any_text_without_an_error_page(world, model, value):
    response = world.client.get(admin_url(model, "changelist"), {"q": value})

    assert response.status_code == 200
    assert not LIVE_MARKUP.search(response.text)
