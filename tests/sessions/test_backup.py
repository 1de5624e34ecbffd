import copy
import io
import json
import time as time_module
from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from participants.models import ParticipantRequest
from sessions.backup.export import event_export, event_export_json
from sessions.backup.importing import event_import, event_import_detailed
from sessions.models import AgendaChange, AgendaSlot, Event, Session, SessionRole
from speakers.models import Affiliation, Organisation, Speaker
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventFactory,
    OrganisationFactory,
    OrganiserFactory,
    ParticipantRequestFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import import_confirm, import_preview, import_through_admin, import_url

pytestmark = pytest.mark.django_db

ALL_MODELS = [Event, Session, AgendaSlot, SessionRole, Speaker, Affiliation, Organisation]


def row_counts():
    return {model.__name__: model.objects.count() for model in [*ALL_MODELS, AgendaChange]}


@pytest.fixture
def rich_event():
    """Two sessions, milestone and timed slots with people, roles, nested organisations."""
    un = OrganisationFactory(name="United Nations", short_name="UN")
    unodc = OrganisationFactory(name="UN Office on Drugs and Crime", short_name="UNODC", parent=un)
    gitoc = OrganisationFactory(name="Global Initiative", short_name="GI-TOC")
    ada = SpeakerFactory(slug="ada", name="Ada Lovelace", honorific="Dr", bio="Counts.")
    AffiliationFactory(speaker=ada, organisation=unodc, position="Chief", unit="Treaty", order=1)
    AffiliationFactory(speaker=ada, organisation=gitoc, position="Fellow", order=2)
    grace = SpeakerFactory(slug="grace", name="Grace Hopper")
    AffiliationFactory(speaker=grace, organisation=gitoc, position="Director")
    event = EventFactory(
        slug="cybercrime", title="Civil society and cybercrime", description="**Series**"
    )
    first = SessionFactory(
        event=event,
        slug="session-one",
        order=1,
        label="Session One",
        title="Cooperation",
        date=date(2026, 3, 29),
        start_time=time(11, 30),
        end_time=time(13, 0),
        time_zone="Europe/Vienna",
        venue="Vienna International Centre",
        online_url="https://example.org/meet",
        outline="An *outline*.",
        audience="Selected",
        capacity_min=25,
        capacity_max=30,
        participants_selected=True,
        fields_of_expertise="digital rights, law",
        house_rule=Session.HouseRule.CHATHAM_HOUSE,
        allow_indexing=False,
    )
    first.publish()
    first.save()
    first.published_at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=ZoneInfo("UTC"))
    first.save()
    AgendaSlotFactory(session=first, start=time(11, 30), end=None, title="Start of the meeting")
    welcome = AgendaSlotFactory(
        session=first,
        start=time(11, 30),
        end=time(11, 45),
        title="Welcome",
        kind=AgendaSlot.Kind.OPENING,
        description="Opening words.",
        cue="Lights down",
        tech_notes="Two lapel microphones",
        responsible="Sam",
    )
    welcome.moderators.set([ada])
    panel = AgendaSlotFactory(session=first, start=time(11, 45), end=time(12, 20), title="Panel")
    panel.moderators.set([ada, grace])
    panel.speakers.set([grace])
    SessionRoleFactory(
        session=first,
        speaker=ada,
        role=SessionRole.Role.CO_CHAIR,
        order=1,
        shown_as=unodc,
        contribution="will open.",
        contribution_order=2,
    )
    SessionRoleFactory(session=first, speaker=ada, role=SessionRole.Role.SPEAKER, order=2)
    SessionRoleFactory(session=first, speaker=grace, contribution="will close.")
    second = SessionFactory(
        event=event,
        slug="session-two",
        order=2,
        title="To be confirmed",
        date=None,
        start_time=None,
        end_time=None,
        time_zone="",
        house_rule=Session.HouseRule.ON_THE_RECORD,
        cancelled=True,
    )
    AgendaSlotFactory(session=second, start=time(9, 0), end=time(9, 30), title="Coffee")
    return event


def delete_everything():
    for model in (SessionRole, AgendaSlot, Session, Event, Affiliation, Speaker):
        model.objects.all().delete()
    while Organisation.objects.exists():  # units before the bodies they belong to
        Organisation.objects.filter(units__isnull=True).delete()
    AgendaChange.objects.all().delete()


def test_round_trip_loses_nothing(rich_event):
    exported = event_export(event=rich_event)
    delete_everything()

    event_import(data=json.loads(json.dumps(exported)), publish=True)

    assert event_export(event=Event.objects.get()) == exported
    assert AgendaChange.objects.count() == 0  # loading a backup is not news for participants


def test_export_has_a_header_natural_keys_and_staff_fields(rich_event):
    exported = event_export(event=rich_event)

    assert (exported["format"], exported["version"]) == ("eventsite-event", 4)
    assert exported["event"] == {
        "title": "Civil society and cybercrime",
        "slug": "cybercrime",
        "description": "**Series**",
        "organiser": "",
        "tagline": "",
        "colour": "",
        "logo": None,
        "logo_alt": "",
        "header_image": None,
        "header_image_alt": "",
        "partners": [],
    }
    welcome = exported["sessions"][0]["slots"][1]
    assert welcome["start"] == "11:30:00"
    assert (welcome["cue"], welcome["tech_notes"], welcome["responsible"]) == (
        "Lights down",
        "Two lapel microphones",
        "Sam",
    )
    assert welcome["moderators"] == ["ada"]
    assert exported["sessions"][0]["date"] == "2026-03-29"
    assert exported["sessions"][0]["published_at"] == "2026-01-02T03:04:05.678901+00:00"
    assert exported["sessions"][1]["date"] is None
    assert exported["sessions"][0]["roles"][0]["shown_as"] == "UN Office on Drugs and Crime"
    assert [o["name"] for o in exported["organisations"]] == [
        "Global Initiative",
        "UN Office on Drugs and Crime",
        "United Nations",
    ]
    assert exported["organisations"][1]["parent"] == "United Nations"
    text = json.dumps(exported)
    for internal in ('"id"', "created_at", "updated_at"):
        assert internal not in text


def test_participants_personal_data_is_not_exported(rich_event):
    session = rich_event.sessions.get(slug="session-one")
    ParticipantRequestFactory(session=session, name="Private Person", email="private@example.org")

    text = json.dumps(event_export(event=rich_event))

    assert "Private Person" not in text
    assert "private@example.org" not in text


def test_import_into_a_site_that_has_the_event_updates_it(rich_event):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Renamed series"
    data["sessions"][0]["roles"] = data["sessions"][0]["roles"][:2]
    before = row_counts()
    request = ParticipantRequestFactory(session=rich_event.sessions.get(slug="session-one"))

    result = event_import_detailed(data=data, update_existing=True)

    assert Event.objects.get().title == "Renamed series"
    # One role fewer, and no change recorded: the published agenda is the same.
    assert row_counts() == before | {"SessionRole": before["SessionRole"] - 1}
    assert ParticipantRequest.objects.filter(pk=request.pk).exists()
    assert "events: 1 updated" in result.summary()
    assert "agenda slots: 4 unchanged" in result.summary()
    assert "session roles: 2 unchanged, 1 removed" in result.summary()


def test_import_replaces_a_sessions_slots_recording_only_what_changed(rich_event):
    data = event_export(event=rich_event)
    slots = data["sessions"][0]["slots"]
    slots[2]["title"] = "Panel discussion"
    del slots[0]
    session = rich_event.sessions.get(slug="session-one")
    earlier = list(AgendaChange.objects.values_list("pk", flat=True))

    event_import(data=data, update_existing=True)

    assert list(session.slots.values_list("title", flat=True)) == ["Welcome", "Panel discussion"]
    assert list(session.slots.get(title="Panel discussion").speakers.all()) == [
        Speaker.objects.get(slug="grace")
    ]
    assert sorted(
        AgendaChange.objects.exclude(pk__in=earlier).values_list("description", flat=True)
    ) == [
        "Removed from the agenda: “Start of the meeting” (11:30).",
        "“Panel” (11:45–12:20) is now called “Panel discussion”.",
    ]


def test_import_keeps_sessions_that_the_file_does_not_have(rich_event):
    data = event_export(event=rich_event)
    del data["sessions"][1]

    result = event_import_detailed(data=data, update_existing=True)

    assert rich_event.sessions.count() == 2
    assert "sessions: 1 unchanged, 1 kept (not in the file)" in result.summary()


def test_calendar_sequence_never_goes_down_on_import(rich_event):
    data = event_export(event=rich_event)
    Session.objects.filter(slug="session-one").update(sequence=7)
    data["sessions"][0]["venue"] = "Online"

    event_import(data=data, update_existing=True)

    assert Session.objects.get(slug="session-one").sequence == 8


def test_field_missing_from_an_older_file_leaves_the_sites_value_or_takes_the_default(
    rich_event,
):
    data = event_export(event=rich_event)
    del data["sessions"][0]["slots"][1]["cue"]

    event_import(data=data, update_existing=True)
    assert AgendaSlot.objects.get(title="Welcome").cue == "Lights down"  # the file cannot know

    delete_everything()
    event_import(data=data)
    assert AgendaSlot.objects.get(title="Welcome").cue == ""  # a new row: the model's default


def test_a_file_for_an_event_this_site_has_is_refused_unless_updating_is_chosen(rich_event):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Overwritten"
    before = row_counts()

    with pytest.raises(ValidationError) as refused:
        event_import(data=data)

    (message,) = refused.value.messages
    assert "already has the event “Civil society and cybercrime” (slug “cybercrime”)" in message
    assert "update the existing event" in message
    assert row_counts() == before
    assert Event.objects.get().title == "Civil society and cybercrime"


def test_an_imported_session_arrives_as_a_draft_unless_published_as_in_the_file(rich_event):
    data = event_export(event=rich_event)
    delete_everything()

    event_import(data=copy.deepcopy(data))

    first = Session.objects.get(slug="session-one")
    assert (first.status, first.published_at) == (Session.Status.DRAFT, None)
    assert not Session.objects.published().exists()


def test_publish_as_in_the_file_takes_the_files_status(rich_event):
    data = event_export(event=rich_event)
    delete_everything()

    event_import(data=data, publish=True)

    first = Session.objects.get(slug="session-one")
    assert first.status == Session.Status.PUBLISHED
    assert first.published_at == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=ZoneInfo("UTC"))
    assert Session.objects.get(slug="session-two").status == Session.Status.DRAFT


def test_updating_keeps_each_stored_sessions_status_unless_published_as_in_the_file(rich_event):
    data = event_export(event=rich_event)
    data["sessions"][0]["status"] = "draft"
    data["sessions"][1]["status"] = "published"
    data["sessions"][1]["published_at"] = "2026-01-02T00:00:00+00:00"

    event_import(data=copy.deepcopy(data), update_existing=True)

    assert Session.objects.get(slug="session-one").is_published
    assert not Session.objects.get(slug="session-two").is_published

    event_import(data=data, update_existing=True, publish=True)

    assert not Session.objects.get(slug="session-one").is_published
    assert Session.objects.get(slug="session-two").is_published


def test_dry_run_writes_nothing_and_lists_the_changes_per_event_and_per_person(rich_event):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Renamed series"
    data["sessions"][0]["slots"][2]["title"] = "Panel discussion"
    del data["sessions"][0]["slots"][0]
    data["sessions"][0]["slots"][0]["cue"] = "Fire alarm"
    data["speakers"][0]["bio"] = "Rewritten."
    data["speakers"][0]["affiliations"] = data["speakers"][0]["affiliations"][:1]
    data["sessions"].append(
        copy.deepcopy(data["sessions"][1]) | {"slug": "session-three", "title": "New one"}
    )
    before = row_counts()
    history = Event.history.count() + Speaker.history.count()

    result = event_import_detailed(data=data, update_existing=True, dry_run=True)

    assert row_counts() == before
    assert Event.history.count() + Speaker.history.count() == history
    assert Event.objects.get().title == "Civil society and cybercrime"
    assert result.dry_run
    assert result.updates_existing
    preview = result.preview_lines()
    assert preview[0] == "Event “Renamed series” (cybercrime)"
    assert (
        "  event “Renamed series”: updated (title: Civil society and cybercrime → Renamed series)"
        in preview
    )
    assert "Session “Session One: Cooperation”" in preview
    assert "  agenda slot “Start of the meeting (11:30)”: removed" in preview
    assert (
        "  agenda slot “Panel discussion (11:45–12:20)”: updated (title: Panel → Panel discussion)"
        in preview
    )
    assert (
        "  agenda slot “Welcome (11:30–11:45)”: updated (cue: Lights down → Fire alarm)" in preview
    )
    assert "Session “New one”" in preview
    assert "  session “New one”: created" in preview
    assert "Person “Ada Lovelace” (ada)" in preview
    assert "  speaker “Dr Ada Lovelace”: updated (bio: Counts. → Rewritten.)" in preview
    assert (
        "  speaker “Dr Ada Lovelace”: affiliations replaced (affiliations: Chief, Treaty, "
        "UN Office on Drugs and Crime; Fellow, Global Initiative → Chief, Treaty, "
        "UN Office on Drugs and Crime)"
    ) in preview
    assert not any("Grace" in line for line in preview)  # unchanged people are not listed


def error_messages(data):
    with pytest.raises(ValidationError) as caught:
        event_import(data=data, update_existing=True)
    return caught.value.messages


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "format: 'other' is not an event backup"),
        (lambda d: d.update(version=5), "version: 5 is not a version this site reads"),
        (lambda d: d.pop("event"), "event: missing, or not an object"),
        (lambda d: d.pop("speakers"), "speakers: missing"),
        (lambda d: d.update(extra=1), "'extra': unknown key"),
        (lambda d: d["event"].pop("slug"), "event.slug: missing"),
        (lambda d: d["sessions"][0].pop("title"), "sessions[0].title: missing"),
        (lambda d: d["sessions"][0].update(titel="x"), "sessions[0].titel: unknown key"),
        (
            lambda d: d["sessions"][0]["slots"][2].update(start="11:60"),
            "sessions[0].slots[2].start: '11:60' is not a time",
        ),
        (
            lambda d: d["sessions"][0]["slots"][2].update(end="24:00"),
            "sessions[0].slots[2].end: '24:00' is not a time",
        ),
        (
            lambda d: d["sessions"][0].update(date="2026-02-30"),
            "sessions[0].date: '2026-02-30' is not a date",
        ),
        (
            lambda d: d["sessions"][0].update(published_at="2026-01-02T03:04:05"),
            "sessions[0].published_at: '2026-01-02T03:04:05' is not a date and time with a UTC offset",
        ),
        (
            lambda d: d["sessions"][0].update(capacity_min="25"),
            "sessions[0].capacity_min: '25' is not a whole number",
        ),
        (
            lambda d: d["sessions"][0].update(cancelled="yes"),
            "sessions[0].cancelled: 'yes' is not true or false",
        ),
        (
            lambda d: d["event"].update(title="a\x00b"),
            "event.title: Null characters are not allowed.",
        ),
        (
            lambda d: d["sessions"][0]["roles"][0].update(speaker="nobody"),
            "sessions[0].roles[0].speaker: 'nobody' is not among the file's speakers",
        ),
        (
            lambda d: d["sessions"][0]["slots"][1].update(moderators=["nobody"]),
            "sessions[0].slots[1].moderators: 'nobody' is not among the file's speakers",
        ),
        (
            lambda d: d["organisations"][2].update(parent="UN Office on Drugs and Crime"),
            "would be a unit of itself",
        ),
        (
            lambda d: d["sessions"].append(copy.deepcopy(d["sessions"][1])),
            "sessions[2]: 'session-two' appears more than once",
        ),
        # Found by the models' own validation, while writing: rolled back.
        (
            lambda d: d["sessions"][0].update(time_zone="Mars/Olympus"),
            'sessions[0].time_zone: "Mars/Olympus" is not an IANA time zone name',
        ),
        (
            lambda d: d["sessions"][0].update(capacity_min=31),
            "sessions[0]: The minimum number of participants is above the maximum.",
        ),
        (
            lambda d: d["sessions"][1]["slots"][0].update(end="08:00:00"),
            "sessions[1].slots[0]: A slot must end after it starts.",
        ),
        (
            lambda d: d["sessions"][0]["slots"][2].update(end="13:30:00"),
            "sessions[0].slots: “Panel” (11:45–13:30) lies outside the session",
        ),
        (
            lambda d: d["sessions"][0]["roles"][0].update(role="keynote"),
            "sessions[0].roles[0].role: Value 'keynote' is not a valid choice.",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_file_is_refused_with_the_reason_and_nothing_saved(rich_event, change, message):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Changed before the error"
    change(data)
    before = row_counts()

    messages = error_messages(data)

    assert any(message in text for text in messages), messages
    assert row_counts() == before
    assert Event.objects.get().title == "Civil society and cybercrime"


def test_titles_with_line_breaks_are_refused_in_every_row_before_anything_is_written(
    rich_event,
):
    data = event_export(event=rich_event)
    delete_everything()
    data["event"]["title"] = "Civil society\nand cybercrime"
    data["sessions"][0]["title"] = "Cooperation\x0b"
    data["sessions"][1]["slots"][0]["title"] = "Coffee\r\nbreak"
    rule = "A title is a single line of text: it may not contain"

    messages = error_messages(data)

    assert messages == [
        f"event.title: {rule} a line break. Remove it, or put a space in its place.",
        f"sessions[0].title: {rule} a line break. Remove it, or put a space in its place.",
        f"sessions[1].slots[0].title: {rule} a line break. Remove it, or put a space in its place.",
    ]
    assert row_counts() == {name: 0 for name in row_counts()}


def test_every_problem_in_the_file_is_named_at_once(rich_event):
    data = event_export(event=rich_event)
    data["sessions"][0]["slots"][0]["start"] = "25:00"
    data["sessions"][1]["end_time"] = "noon"

    assert error_messages(data) == [
        "sessions[0].slots[0].start: '25:00' is not a time",
        "sessions[1].end_time: 'noon' is not a time",
    ]


def test_a_very_long_value_is_quoted_short_in_the_error(rich_event):
    data = event_export(event=rich_event)
    data["sessions"][0]["start_time"] = "x" * 10_000

    (message,) = error_messages(data)

    assert message.startswith("sessions[0].start_time: 'xxxx")
    assert message.endswith("… is not a time")
    assert len(message) < 100


# The management commands


def test_command_round_trip(rich_event, tmp_path):
    path = tmp_path / "backup.json"
    call_command("export_event", "cybercrime", output=str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    delete_everything()
    out = io.StringIO()

    call_command("import_event", str(path), "--publish-as-in-file", stdout=out)

    assert exported == event_export(event=Event.objects.get())
    assert "events: 1 created" in out.getvalue()
    assert "agenda slots: 4 created" in out.getvalue()


def test_import_command_needs_update_existing_for_an_event_this_site_has(rich_event, tmp_path):
    path = tmp_path / "backup.json"
    data = event_export(event=rich_event)
    data["event"]["title"] = "Overwritten"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match="already has the event"):
        call_command("import_event", str(path))
    assert Event.objects.get().title == "Civil society and cybercrime"

    call_command("import_event", str(path), "--update-existing", stdout=io.StringIO())
    assert Event.objects.get().title == "Overwritten"


def test_import_command_dry_run_prints_the_preview_and_writes_nothing(rich_event, tmp_path):
    path = tmp_path / "backup.json"
    data = event_export(event=rich_event)
    data["speakers"][1]["name"] = "Grace B. Hopper"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = row_counts()
    out = io.StringIO()

    call_command("import_event", str(path), "--dry-run", "--update-existing", stdout=out)

    assert row_counts() == before
    assert Speaker.objects.get(slug="grace").name == "Grace Hopper"
    assert "Dry run: nothing was written." in out.getvalue()
    assert (
        "speaker “Grace B. Hopper”: updated (name: Grace Hopper → Grace B. Hopper)"
        in out.getvalue()
    )
    assert "speakers: 1 updated, 1 unchanged" in out.getvalue()


def test_import_command_publishes_as_in_the_file_only_when_asked(rich_event, tmp_path):
    path = tmp_path / "backup.json"
    call_command("export_event", "cybercrime", output=str(path))
    delete_everything()

    call_command("import_event", str(path), stdout=io.StringIO())
    assert not Session.objects.published().exists()

    call_command(
        "import_event", str(path), "--update-existing", "--publish-as-in-file", stdout=io.StringIO()
    )
    assert list(Session.objects.published().values_list("slug", flat=True)) == ["session-one"]


def test_export_command_writes_to_stdout_by_default(rich_event):
    out = io.StringIO()

    call_command("export_event", "cybercrime", stdout=out)

    assert json.loads(out.getvalue()) == event_export(event=rich_event)


def test_export_command_names_an_unknown_event(db):
    with pytest.raises(CommandError, match="No event with the slug 'nope'"):
        call_command("export_event", "nope")


def test_import_command_refuses_a_bad_file_with_the_reason(rich_event, tmp_path):
    path = tmp_path / "backup.json"
    data = event_export(event=rich_event)
    data["sessions"][0]["slots"][2]["start"] = "11:60"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match=r"sessions\[0\]\.slots\[2\]\.start: '11:60'"):
        call_command("import_event", str(path))


def test_import_command_refuses_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match="The file is not JSON"):
        call_command("import_event", str(path))


# The admin


def test_admin_downloads_one_event_as_a_json_attachment(organiser_client, rich_event):
    response = organiser_client.post(
        reverse("admin:agenda_event_changelist"),
        {"action": "download_backup", "_selected_action": [rich_event.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="cybercrime-')
    assert json.loads(response.content) == event_export(event=rich_event)


def staff_with(*codenames):
    """A staff user holding exactly these permissions ("agenda.view_event", ...)."""
    user = UserFactory(is_staff=True)
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=name)
        )
    return user


EVERY_VIEW = [
    "agenda.view_event",
    "agenda.view_eventpartner",
    "agenda.view_session",
    "agenda.view_agendaslot",
    "agenda.view_sessionrole",
    "speakers.view_speaker",
    "speakers.view_affiliation",
    "speakers.view_organisation",
]


def download(client, event):
    return client.post(
        reverse("admin:agenda_event_changelist"),
        {"action": "download_backup", "_selected_action": [event.pk]},
        follow=True,
    )


@pytest.mark.parametrize(
    ("codenames", "missing"),
    [
        (["agenda.view_event"], "view sessions (agenda.view_session)"),
        (
            [c for c in EVERY_VIEW if c != "speakers.view_speaker"],
            "view speakers (speakers.view_speaker)",
        ),
        (EVERY_VIEW, "view the run-of-show (cues, technical notes, link) (agenda.view_runofshow)"),
    ],
    ids=["only-events", "no-people", "no-run-of-show"],
)
def test_backup_download_needs_permission_to_see_everything_in_the_file(
    client, rich_event, codenames, missing
):
    client.force_login(staff_with(*codenames))

    response = download(client, rich_event)

    assert response["Content-Type"].startswith("text/html")
    assert "Lights down" not in response.text
    assert "https://example.org/meet" not in response.text
    assert "You may not download this backup" in response.text
    assert missing in response.text


def test_backup_download_with_every_view_and_the_run_of_show(client, rich_event):
    client.force_login(staff_with(*EVERY_VIEW, "agenda.view_runofshow"))

    response = download(client, rich_event)

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == event_export(event=rich_event)


def test_admin_download_asks_for_one_event_at_a_time(organiser_client, rich_event):
    other = EventFactory()

    response = organiser_client.post(
        reverse("admin:agenda_event_changelist"),
        {"action": "download_backup", "_selected_action": [rich_event.pk, other.pk]},
        follow=True,
    )

    assert "Choose one event to download" in response.text


def upload(content):
    return {"file": SimpleUploadedFile("backup.json", content, "application/json")}


def test_event_list_links_to_the_import_page(organiser_client):
    response = organiser_client.get(reverse("admin:agenda_event_changelist"))

    assert f'href="{import_url()}"' in response.text


def test_admin_upload_shows_a_preview_and_writes_nothing(organiser_client, rich_event):
    content = json.dumps(event_export(event=rich_event)).encode()
    delete_everything()

    page = import_preview(organiser_client, content)

    assert page.status_code == 200
    assert row_counts() == {name: 0 for name in row_counts()}
    assert "Preview: nothing has been saved yet" in page.text
    assert "This file creates a new event, “Civil society and cybercrime”" in page.text
    assert "Session “Session One: Cooperation”" in page.text
    assert "Person “Ada Lovelace” (ada)" in page.text
    assert 'name="_confirm"' in page.text
    assert page.context["backup"]
    assert page.context["previewed"]


def test_admin_confirming_the_preview_imports_the_event_with_sessions_as_drafts(
    organiser_client, rich_event
):
    content = json.dumps(event_export(event=rich_event)).encode()
    delete_everything()
    page = import_preview(organiser_client, content)

    response = import_confirm(organiser_client, page)

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:agenda_event_change", args=[event.pk])
    followed = organiser_client.get(response["Location"])
    assert "was imported" in followed.text
    assert "agenda slots: 4 created" in followed.text
    assert not Session.objects.published().exists()
    exported = json.loads(content)
    exported["sessions"][0] |= {"status": "draft", "published_at": None}
    assert event_export(event=event) == exported


def test_admin_import_publishes_as_in_the_file_when_ticked(organiser_client, rich_event):
    content = json.dumps(event_export(event=rich_event)).encode()
    delete_everything()

    response = import_through_admin(organiser_client, content, publish=True)

    assert response.status_code == 302
    assert json.loads(content) == event_export(event=Event.objects.get())


def test_admin_import_of_an_event_this_site_has_needs_the_update_choice(
    organiser_client, rich_event
):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Overwritten"
    content = json.dumps(data).encode()

    refused = import_preview(organiser_client, content)

    assert refused.status_code == 200
    assert "already has the event “Civil society and cybercrime”" in refused.text
    assert 'name="_confirm"' not in refused.text
    assert Event.objects.get().title == "Civil society and cybercrime"

    # The file stays with the page: ticking the choice previews the update.
    page = organiser_client.post(
        import_url(),
        {"backup": refused.context["backup"], "update_existing": "on", "_preview": "Preview"},
    )
    assert "This file <strong>updates the existing event</strong>" in page.text
    assert "title: Civil society and cybercrime → Overwritten" in page.text
    assert Event.objects.get().title == "Civil society and cybercrime"

    response = import_confirm(organiser_client, page, update_existing=True)

    assert response.status_code == 302
    assert Event.objects.get().title == "Overwritten"


def test_admin_confirmation_without_the_update_choice_writes_nothing(organiser_client, rich_event):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Overwritten"
    page = import_preview(organiser_client, json.dumps(data).encode(), update_existing=True)

    response = import_confirm(organiser_client, page)  # the box unticked on the way

    assert response.status_code == 200
    assert "already has the event" in response.text
    assert Event.objects.get().title == "Civil society and cybercrime"


def test_admin_confirmation_of_a_stale_preview_shows_the_new_one(organiser_client, rich_event):
    data = event_export(event=rich_event)
    data["event"]["title"] = "Overwritten"
    page = import_preview(organiser_client, json.dumps(data).encode(), update_existing=True)
    Event.objects.update(title="Changed meanwhile")

    response = import_confirm(organiser_client, page, update_existing=True)

    assert response.status_code == 200
    assert "changed since the preview" in response.text
    assert "title: Changed meanwhile → Overwritten" in response.text
    assert Event.objects.get().title == "Changed meanwhile"


def test_admin_confirmation_with_other_options_than_previewed_shows_the_new_preview(
    organiser_client, rich_event
):
    content = json.dumps(event_export(event=rich_event)).encode()
    delete_everything()
    page = import_preview(organiser_client, content)

    response = import_confirm(organiser_client, page, publish=True)

    assert response.status_code == 200
    assert "changed since the preview" in response.text
    assert "Sessions take the file's status" in response.text
    assert not Event.objects.exists()


@pytest.mark.parametrize("how", ["altered", "other-user", "expired"])
def test_admin_confirmation_with_an_altered_or_old_file_writes_nothing(
    organiser_client, client, rich_event, how
):
    content = json.dumps(event_export(event=rich_event)).encode()
    delete_everything()
    page = import_preview(organiser_client, content)
    backup = page.context["backup"]
    data = {"previewed": page.context["previewed"], "_confirm": "Import"}
    if how == "altered":
        backup = backup[:10] + ("A" if backup[10] != "A" else "B") + backup[11:]
    elif how == "other-user":
        organiser_client.logout()
        organiser_client.force_login(OrganiserFactory())

    if how == "expired":
        later = time_module.time() + 3601
        with mock.patch("django.core.signing.time.time", return_value=later):
            response = organiser_client.post(import_url(), {"backup": backup, **data})
    else:
        response = organiser_client.post(import_url(), {"backup": backup, **data})

    assert response.status_code == 200
    assert not Event.objects.exists()
    message = "more than an hour old" if how == "expired" else "changed on its way back"
    assert message in response.text


def test_admin_upload_shows_why_a_file_is_refused_and_saves_nothing(organiser_client, rich_event):
    data = event_export(event=rich_event)
    data["event"]["title"] = "<b>Changed</b>"
    data["sessions"][0]["slots"][2]["start"] = "11:60"
    before = row_counts()

    response = organiser_client.post(import_url(), upload(json.dumps(data).encode()))

    assert response.status_code == 200
    assert "sessions[0].slots[2].start: &#x27;11:60&#x27; is not a time" in response.text
    assert row_counts() == before
    assert Event.objects.get().title == "Civil society and cybercrime"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "The file is not UTF-8 text."),
        (b"[1, 2", "The file is not JSON"),
        (b"[]", "The file does not hold a JSON object."),
        (b"[" * 100_000 + b"]" * 100_000, "The file is"),
    ],
    ids=["not-utf8", "not-json", "not-an-object", "deeply-nested"],
)
def test_admin_upload_refuses_a_file_that_is_not_a_backup(organiser_client, content, message):
    response = organiser_client.post(import_url(), upload(content))

    assert response.status_code == 200
    assert message in response.text


EVENTS_AND_SESSIONS_ONLY = [
    f"agenda.{action}_{model}"
    for model in ("event", "session")
    for action in ("view", "add", "change", "delete")
]


def test_import_page_is_refused_to_who_may_edit_only_events_and_sessions(client, rich_event):
    client.force_login(staff_with(*EVENTS_AND_SESSIONS_ONLY))
    data = event_export(event=rich_event)
    data["speakers"][0]["name"] = "Someone Else"
    data["speakers"][0]["bio"] = "Rewritten."
    data["sessions"][0]["slots"][1]["cue"] = "Fire alarm"
    before = row_counts()

    page = client.get(import_url())
    posted = client.post(import_url(), upload(json.dumps(data).encode()))
    listing = client.get(reverse("admin:agenda_event_changelist"))

    assert page.status_code == posted.status_code == 403
    assert "change speakers (speakers.change_speaker)" in page.text
    assert "delete agenda slots (agenda.delete_agendaslot)" in page.text
    assert import_url() not in listing.text
    assert row_counts() == before
    assert Speaker.objects.get(slug="ada").name == "Ada Lovelace"
    assert AgendaSlot.objects.get(title="Welcome").cue == "Lights down"


def test_import_service_checks_the_users_permissions_before_writing(rich_event):
    user = staff_with(*EVENTS_AND_SESSIONS_ONLY, "speakers.change_speaker")
    data = event_export(event=rich_event)
    data["speakers"][0]["name"] = "Someone Else"
    before = row_counts()

    with pytest.raises(PermissionDenied) as refused:
        event_import_detailed(data=data, user=user)

    assert "add speakers (speakers.add_speaker)" in str(refused.value)
    assert "change speakers" not in str(refused.value)
    assert row_counts() == before
    assert Speaker.objects.get(slug="ada").name == "Ada Lovelace"


def test_the_backup_carries_the_venue_address_and_position_and_reads_a_file_without_them(
    rich_event,
):
    session = rich_event.sessions.first()
    session.street_address, session.city = "10 St James's Square", "London"
    session.latitude, session.longitude = Decimal("51.507431"), Decimal("-0.135120")
    session.save()
    exported = json.loads(event_export_json(event=rich_event))
    assert exported["sessions"][0]["latitude"] == "51.507431"
    older = copy.deepcopy(exported)
    older["version"] = 2
    for row in older["sessions"]:
        for key in ("street_address", "postal_code", "city", "country", "latitude", "longitude"):
            del row[key]

    event_import(data=exported, update_existing=True)
    session.refresh_from_db()
    assert (session.city, session.position) == ("London", (51.507431, -0.13512))

    rich_event.slug = "elsewhere"
    rich_event.save()
    event_import(data=older, publish=True)
    imported = Session.objects.get(event__slug="cybercrime", slug=session.slug)
    assert (imported.city, imported.position) == ("", None)
