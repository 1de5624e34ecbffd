"""The staff run-of-show: who may see it, what it says, and that it reads the same as CSV."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sessions.models import Session
from sessions.runofshow import views as staff_views
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventStaffFactory,
    OrganisationFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import load_demo

pytestmark = pytest.mark.django_db

STAFF_URLS = ["run_of_show", "run_of_show_compact", "run_of_show_cards", "run_of_show_csv"]
STAFF_ONLY = ["CUE: lights down", "TECH: lapel mic 3", "RESP: Amira"]


def staff_url(session, name="run_of_show"):
    return reverse(f"agenda:{name}", args=[session.event.slug, session.slug])


class TableReader(HTMLParser):
    """Rows of every table section as the reader sees them: the text of each cell."""

    def __init__(self):
        super().__init__()
        self.sections = {"thead": [], "tbody": [], "tfoot": []}
        self.section = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag in self.sections:
            self.section = tag
        elif tag == "tr" and self.section:
            self.row = []
            self.sections[self.section].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def read_table(html):
    reader = TableReader()
    reader.feed(html)
    return reader.sections


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def visible_text(html):
    """The page's words: inline elements join their neighbours, others stand apart."""
    html = re.sub(r"</?(?:time|strong|em|a|span)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def staff_client(client):
    client.force_login(EventStaffFactory())
    return client


@pytest.fixture
def session_with_notes():
    session = SessionFactory(published=True)
    AgendaSlotFactory(
        session=session,
        title="Welcome",
        cue=STAFF_ONLY[0],
        tech_notes=STAFF_ONLY[1],
        responsible=STAFF_ONLY[2],
    )
    return session


@pytest.fixture
def timed_session():
    """A milestone, a slot, a 10 minute gap and a slot: the figures a stage manager checks."""
    session = SessionFactory(start_time=time(9, 0), end_time=time(10, 30))
    AgendaSlotFactory(session=session, start=time(9, 0), end=None, title="Doors open")
    AgendaSlotFactory(session=session, start=time(9, 0), end=time(9, 30), title="Welcome")
    AgendaSlotFactory(session=session, start=time(9, 40), end=time(10, 15), title="Panel")
    return session


# ---- Who may see it ----


@pytest.mark.parametrize("name", STAFF_URLS)
def test_staff_pages_send_anonymous_visitors_to_log_in(client, name):
    session = SessionFactory(published=True)
    url = staff_url(session, name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", STAFF_URLS)
def test_staff_pages_refuse_users_without_the_permission(client, name):
    session = SessionFactory(published=True)
    client.force_login(UserFactory(is_staff=True))

    response = client.get(staff_url(session, name))

    assert response.status_code == 403


@pytest.mark.parametrize("name", STAFF_URLS)
def test_staff_pages_are_kept_by_no_browser_or_proxy(staff_client, session_with_notes, name):
    response = staff_client.get(staff_url(session_with_notes, name))

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives


@pytest.mark.parametrize("name", STAFF_URLS)
def test_staff_pages_open_to_event_staff_even_for_a_draft(staff_client, name):
    session = SessionFactory(title="Closed-door briefing")
    assert session.status == Session.Status.DRAFT
    AgendaSlotFactory(session=session, title="Welcome")

    response = staff_client.get(staff_url(session, name))

    assert response.status_code == 200
    assert "Welcome" in response.content.decode()


@pytest.mark.parametrize("name", STAFF_URLS)
def test_staff_pages_open_to_organisers(organiser_client, name):
    session = SessionFactory(published=True)

    response = organiser_client.get(staff_url(session, name))

    assert response.status_code == 200


def test_run_of_show_of_an_unknown_session_is_not_found(staff_client):
    session = SessionFactory()

    response = staff_client.get(
        reverse("agenda:run_of_show", args=[session.event.slug, "no-such-session"])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("logged_in_as", ["anonymous", "organiser"])
def test_public_pages_never_show_staff_notes(client, session_with_notes, logged_in_as, organiser):
    if logged_in_as == "organiser":
        client.force_login(organiser)
    session = session_with_notes

    pages = [
        client.get(session.get_absolute_url()),
        client.get(session.event.get_absolute_url()),
        client.get(reverse("agenda:home")),
    ]

    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for note in STAFF_ONLY:
            assert note not in html


def test_public_page_links_event_staff_to_the_run_of_show(staff_client, session_with_notes):
    response = staff_client.get(session_with_notes.get_absolute_url())

    assert f'href="{staff_url(session_with_notes)}"' in response.content.decode()


def test_session_admin_links_to_every_run_of_show_tool(organiser_client, session_with_notes):
    session = session_with_notes

    response = organiser_client.get(reverse("admin:agenda_session_change", args=[session.pk]))

    html = response.content.decode()
    for name in STAFF_URLS:
        assert f'<li><a href="{staff_url(session, name)}">' in html


# ---- What it says ----


def test_run_of_show_shows_staff_notes_in_the_full_copy_only(staff_client, session_with_notes):
    full = staff_client.get(staff_url(session_with_notes)).content.decode()
    compact = staff_client.get(staff_url(session_with_notes, "run_of_show_compact"))
    compact = compact.content.decode()

    assert read_table(full)["thead"] == [
        [
            "Start",
            "End",
            "Duration",
            "Elapsed",
            "Item",
            "Led by",
            "On stage",
            "Cue",
            "Technical notes",
            "Responsible",
        ]
    ]
    assert read_table(compact)["thead"] == [
        ["Start", "End", "Duration", "Elapsed", "Item", "Led by", "On stage"]
    ]
    for note in STAFF_ONLY:
        assert note in full
        assert note not in compact


def test_run_of_show_reads_durations_elapsed_times_and_gaps(staff_client, timed_session):
    response = staff_client.get(staff_url(timed_session))

    table = read_table(response.content.decode())
    assert [row[:5] for row in table["tbody"]] == [
        ["09:00", "", "Milestone", "0 min", "Doors open"],
        ["09:00", "09:30", "30 min", "0 min", "Welcome"],
        ["09:30", "09:40", "10 min", "", "Gap 10 min"],
        ["09:40", "10:15", "35 min", "40 min", "Panel"],
    ]
    assert table["tfoot"][0][:2] == ["Total planned length", "1 h 15 min"]


def test_run_of_show_csv_reads_as_the_page(staff_client, timed_session):
    response = staff_client.get(staff_url(timed_session, "run_of_show_csv"))

    rows = read_csv(response)
    assert rows[0] == [
        "Start",
        "End",
        "Duration",
        "Elapsed",
        "Item",
        "Led by",
        "On stage",
        "Cue",
        "Technical notes",
        "Responsible",
    ]
    assert [row[:5] for row in rows[1:]] == [
        ["09:00", "", "Milestone", "0 min", "Doors open"],
        ["09:00", "09:30", "30 min", "0 min", "Welcome"],
        ["09:30", "09:40", "10 min", "", "Gap 10 min"],
        ["09:40", "10:15", "35 min", "40 min", "Panel"],
        ["", "", "1 h 15 min", "", "Total planned length"],
    ]


def test_run_of_show_csv_is_an_attachment_named_after_the_session(staff_client, session_with_notes):
    session = session_with_notes

    response = staff_client.get(staff_url(session, "run_of_show_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{session.event.slug}_{session.slug}_run-of-show.csv"'
    )
    assert read_csv(response)[1][7:] == STAFF_ONLY


def test_run_of_show_csv_keeps_spreadsheets_from_running_formulas(staff_client):
    slot = AgendaSlotFactory(title="=HYPERLINK(0)", cue="@SUM(A1)")

    response = staff_client.get(staff_url(slot.session, "run_of_show_csv"))

    row = read_csv(response)[1]
    assert row[4] == "'=HYPERLINK(0)"
    assert row[7] == "'@SUM(A1)"


def test_run_of_show_lists_who_leads_and_who_is_on_stage_in_billed_order(staff_client):
    session = SessionFactory()
    chair = SpeakerFactory(honorific="Dr", name="Zoe Chair")
    first, second = SpeakerFactory(name="Yusuf First"), SpeakerFactory(name="Adam Second")
    SessionRoleFactory(session=session, speaker=chair, role="co_chair", order=1)
    SessionRoleFactory(session=session, speaker=first, role="speaker", order=1)
    SessionRoleFactory(session=session, speaker=second, role="speaker", order=2)
    slot = AgendaSlotFactory(session=session, title="Panel")
    slot.moderators.set([chair])
    slot.speakers.set([second, first])

    response = staff_client.get(staff_url(session))

    row = read_table(response.content.decode())["tbody"][0]
    assert row[4:7] == ["Panel", "Dr Zoe Chair", "Yusuf First and Adam Second"]


def test_run_of_show_header_says_what_is_still_to_be_confirmed(staff_client):
    session = load_demo()

    response = staff_client.get(staff_url(session))

    text = visible_text(response.content.decode())
    assert "Engaging civil society in the fight against cybercrime" in text
    assert "Session Two: International Cooperation against cybercrime" in text
    assert "Date To be confirmed" in text
    assert "Time 11:30–13:00" in text
    assert "Venue To be confirmed" in text
    assert "Time zone To be confirmed" in text
    assert "Expected numbers 25–30 participants" in text
    assert "Chatham House Rule: no attribution, no recording" in text


def test_run_of_show_prints_its_times_in_the_session_zone(staff_client, monkeypatch):
    session = SessionFactory(date=date(2027, 6, 1), time_zone="Europe/Vienna", venue="Hall B")
    Session.objects.filter(pk=session.pk).update(
        updated_at=datetime(2027, 5, 31, 16, 5, tzinfo=UTC)
    )
    monkeypatch.setattr(staff_views, "now", lambda: datetime(2027, 6, 1, 9, 0, tzinfo=UTC))

    response = staff_client.get(staff_url(session))

    text = visible_text(response.content.decode())
    assert "Date Tuesday 1 June 2027" in text
    assert "Venue Hall B" in text
    assert "Time zone Europe/Vienna (UTC+02:00)" in text
    assert "Printed 1 June 2027, 11:00 (Europe/Vienna)" in text
    assert "Agenda last changed 31 May 2027, 18:05" in text
    assert '<time datetime="2027-06-01T11:00+02:00">' in response.content.decode()


def test_run_of_show_prints_in_the_server_zone_while_the_session_zone_is_open(
    staff_client, monkeypatch, settings
):
    settings.TIME_ZONE = "UTC"
    session = SessionFactory(time_zone="")
    monkeypatch.setattr(staff_views, "now", lambda: datetime(2027, 6, 1, 9, 0, tzinfo=UTC))

    response = staff_client.get(staff_url(session))

    assert "Printed 1 June 2027, 09:00 (UTC, the server’s time zone)" in visible_text(
        response.content.decode()
    )


def test_run_of_show_has_a_print_button_without_inline_script_or_style(
    staff_client, session_with_notes
):
    html = staff_client.get(staff_url(session_with_notes)).content.decode()

    assert re.search(r'<button type="button"[^>]* data-print hidden>Print</button>', html)
    assert re.search(r'<script src="/static/js/print-button\.js" defer></script>', html)
    assert '<link rel="stylesheet" href="/static/css/run-of-show.css">' in html
    assert " style=" not in html
    assert "<style" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html) is None
    assert " onclick=" not in html


def test_cue_cards_give_each_slot_its_people_words_and_neighbours(staff_client):
    session = load_demo()
    panel = session.slots.get(title="In-conversation between speakers")
    panel.cue = "Chairs walk on after the welcome"
    panel.tech_notes = "Six lapel microphones"
    panel.save()
    speaker = panel.speakers.get(slug="nnenna-ifeanyi-ajufo")
    speaker.bio = "Writes on cybercrime law in Africa."
    speaker.save()

    response = staff_client.get(staff_url(session, "run_of_show_cards"))

    html = response.content.decode()
    cards = html.split('<article class="cue-card"')[1:]
    assert len(cards) == session.slots.count() == 5
    card = visible_text(cards[2])
    assert "In-conversation between speakers" in card
    assert "11:45–12:20 · 35 min" in card
    assert "Dr Patryk Pawlak (moderator), Brussels Executive Officer" in card
    assert (
        "Nnenna Ifeanyi-Ajufo, Senior Lecturer of Law and Technology, Swansea University; "
        "Vice-Chair, African Union Cyber Security Experts Group, African Union Commission"
    ) in card
    assert "Writes on cybercrime law in Africa." in card
    assert "John Brandolino (UNODC) will provide an overview" in card
    assert "Cue Chairs walk on after the welcome" in card
    assert "Technical Six lapel microphones" in card
    assert "Before: 11:30 Welcome and opening remarks" in card
    assert "Next: 12:20 Q&amp;A session" in card


# ---- How many queries ----


def session_of(slot_count):
    session = SessionFactory(start_time=time(8, 0), end_time=time(20, 0))
    organisation = OrganisationFactory()
    for number in range(slot_count):
        minutes = 8 * 60 + number * 10
        slot = AgendaSlotFactory(
            session=session,
            start=time(minutes // 60, minutes % 60),
            end=time((minutes + 10) // 60, (minutes + 10) % 60),
            title=f"Item {number}",
            cue="Go",
        )
        moderator = AffiliationFactory(organisation=organisation).speaker
        speaker = AffiliationFactory(organisation=organisation).speaker
        SessionRoleFactory(session=session, speaker=speaker, contribution="will speak")
        slot.moderators.set([moderator])
        slot.speakers.set([speaker])
    return session


@pytest.mark.parametrize("name", STAFF_URLS)
@pytest.mark.parametrize("slot_count", [4, 50])
def test_staff_pages_take_the_same_queries_for_any_agenda(
    staff_client, django_assert_num_queries, name, slot_count
):
    session = session_of(slot_count)
    url = staff_url(session, name)

    # 2 for the login session and user, 2 for the user's permissions, 1 for the
    # session and event, 6 for build_agenda (slots, roles, who leads and who is on
    # stage in each slot, the people, their affiliations).
    with django_assert_num_queries(8):
        response = staff_client.get(url)

    assert response.status_code == 200
    assert f"Item {slot_count - 1}" in response.content.decode()


def test_a_gap_before_a_milestone_is_shown_once():
    from sessions.core.agenda import build_agenda

    session = SessionFactory(start_time=time(10, 0), end_time=time(12, 0))
    AgendaSlotFactory(session=session, start=time(10, 0), end=time(10, 30), title="First")
    AgendaSlotFactory(session=session, start=time(11, 0), end=None, title="Doors reopen")
    AgendaSlotFactory(session=session, start=time(11, 0), end=time(11, 30), title="Second")

    items = build_agenda(session, staff=True).items

    assert [(i.slot.title, i.gap_before) for i in items] == [
        ("First", None),
        ("Doors reopen", timedelta(minutes=30)),
        ("Second", None),
    ]
