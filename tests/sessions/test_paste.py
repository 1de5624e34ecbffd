import re
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.models import AgendaSlot
from sessions.tools import paste, paste_parser, paste_words
from sessions.tools.paste_parser import Status
from tests.factories import AgendaSlotFactory, SessionFactory, SpeakerFactory
from tests.helpers import previewed

# The "Format and Proceedings" block of the seed page (shared/seed/000_efc224fa6c7a3637.txt,
# which lives outside the repository), copied verbatim: typing slips, bold leftovers and all.
SEED_BLOCK = """\
- 11:30** **Start of the meeting**
- 11:30-1145** **Welcome and opening remarks**
- .

11:45-12:20 In-conversation between speakers, moderated by Joyce Hakmeh and Patryk Pawlak

Panellists will provide insights on where civil society can best position itself to make an impact on global mechanisms for fighting cybercrime, including in the upcoming UN process.

John Brandolino (UNODC) will provide an overview of the UN's cybercrime work and the new process, including its modalities.

Alexander Seger (Council of Europe) will reflect on the work of GLACY+ and how the Council of Europe works with civil society organisations.

Nnenna Ifeanyi-Ajufo (African Union) will consider the role of regional organizations in facilitating civil society engagement in the global cybercrime policy making.

Ian Tennant (GI-TOC) will explore the challenges for civil society in multilateral processes.

12:20-12:50 Q&A session

12:50-13:00 Closing remarks"""

PANEL_DESCRIPTION = (
    "Panellists will provide insights on where civil society can best position itself to make an impact on global mechanisms for fighting cybercrime, including in the upcoming UN process.\n\n"
    "John Brandolino (UNODC) will provide an overview of the UN's cybercrime work and the new process, including its modalities.\n\n"
    "Alexander Seger (Council of Europe) will reflect on the work of GLACY+ and how the Council of Europe works with civil society organisations.\n\n"
    "Nnenna Ifeanyi-Ajufo (African Union) will consider the role of regional organizations in facilitating civil society engagement in the global cybercrime policy making.\n\n"
    "Ian Tennant (GI-TOC) will explore the challenges for civil society in multilateral processes."
)


def test_seed_block_gives_the_five_slots_of_the_meeting():
    parsed = paste_parser.parse(SEED_BLOCK)

    assert [(s.start, s.end, s.title, s.description) for s in parsed.slots] == [
        (time(11, 30), None, "Start of the meeting", ""),
        (time(11, 30), time(11, 45), "Welcome and opening remarks", ""),
        (
            time(11, 45),
            time(12, 20),
            "In-conversation between speakers, moderated by Joyce Hakmeh and Patryk Pawlak",
            PANEL_DESCRIPTION,
        ),
        (time(12, 20), time(12, 50), "Q&A session", ""),
        (time(12, 50), time(13, 0), "Closing remarks", ""),
    ]
    assert parsed.to_check == []


def test_seed_stray_bullet_is_ignored_and_reported():
    parsed = paste_parser.parse(SEED_BLOCK)

    ignored = [line for line in parsed.lines if line.status == Status.IGNORED]

    assert [(line.number, line.text, line.reasons) for line in ignored] == [
        (3, "- .", ["only punctuation"])
    ]


@pytest.mark.parametrize(
    ("line", "start", "end", "title"),
    [
        ("11:30-11:45 Welcome", time(11, 30), time(11, 45), "Welcome"),
        ("11:30-1145 Welcome", time(11, 30), time(11, 45), "Welcome"),
        ("11.45–12.20 Panel", time(11, 45), time(12, 20), "Panel"),  # en dash
        ("1115 – 1145 Panel", time(11, 15), time(11, 45), "Panel"),
        ("12:20 - 12:50 Q&A", time(12, 20), time(12, 50), "Q&A"),
        ("12:20—12:50 Q&A", time(12, 20), time(12, 50), "Q&A"),  # em dash
        ("9:00 to 10:00 Registration", time(9, 0), time(10, 0), "Registration"),
        ("9:00 Doors open", time(9, 0), None, "Doors open"),
        ("11:30 Start of the meeting", time(11, 30), None, "Start of the meeting"),
        ("- 11:30 Start", time(11, 30), None, "Start"),
        ("* 11:30-11:45 Welcome", time(11, 30), time(11, 45), "Welcome"),
        ("• 11:30-11:45 Welcome", time(11, 30), time(11, 45), "Welcome"),
        ("– 11:30-11:45 Welcome", time(11, 30), time(11, 45), "Welcome"),
        ("**11:30-11:45** **Welcome**", time(11, 30), time(11, 45), "Welcome"),
        ("11:30 - Welcome", time(11, 30), None, "Welcome"),
        ("11:30: Welcome", time(11, 30), None, "Welcome"),
        ("1.30pm-2.30pm Lunch", time(13, 30), time(14, 30), "Lunch"),
        ("9am Registration", time(9, 0), None, "Registration"),
        ("0730 - 0800 Breakfast", time(7, 30), time(8, 0), "Breakfast"),
    ],
)
def test_awkward_timed_lines_are_read(line, start, end, title):
    parsed = paste_parser.parse(line)

    assert [(s.start, s.end, s.title) for s in parsed.slots] == [(start, end, title)]
    assert parsed.to_check == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1145", "“1145” on its own could be a time or a number: write 11:45 if it is a time"),
        ("12-1 Lunch", "“12” has no minutes"),
        ("9 Registration", "“9” has no minutes"),
        ("1.30 Lunch", "“1.30” could be 01:30 or 13:30"),
        ("12:20-11:45 Panel", "12:20–11:45 ends before it starts"),
        ("10:00-10:00 Panel", "10:00–10:00 ends when it starts"),
        ("11:60 Panel", "“11:60” is not a clock time"),
        ("13pm Panel", "“13pm” is not a clock time"),
        ("11:30", "no title after the time"),
        ("11:30 " + "x" * 201, "the title has 201 characters; a slot's title has at most 200"),
    ],
)
def test_ambiguous_lines_are_marked_please_check_with_the_reason(line, reason):
    parsed = paste_parser.parse(line)

    [checked] = parsed.to_check
    assert any(given.startswith(reason) for given in checked.reasons), checked.reasons
    assert parsed.slots == []


def test_description_lines_after_a_line_to_check_do_not_join_the_slot_before():
    parsed = paste_parser.parse("11:00-11:30 Welcome\n1.30 Lunch\nBuffet in the hall")

    [slot] = parsed.slots
    assert slot.description == ""
    assert parsed.lines[-1].owner.number == 2


def test_text_before_the_first_time_is_ignored_with_the_reason():
    parsed = paste_parser.parse("Format and Proceedings\n11:30 Start")

    assert parsed.lines[0].status == Status.IGNORED
    assert parsed.lines[0].reasons == ["no time, and no slot above it to describe"]
    assert len(parsed.slots) == 1


def test_figures_that_cannot_be_times_are_description():
    parsed = paste_parser.parse("11:30-12:00 Welcome\n25-30 selected participants")

    assert parsed.slots[0].description == "25-30 selected participants"


def test_time_on_its_own_line_takes_its_title_from_the_next_line():
    parsed = paste_parser.parse("9:00\nRegistration\nCoffee is served")

    assert [(s.start, s.title, s.description) for s in parsed.slots] == [
        (time(9, 0), "Registration", "Coffee is served")
    ]
    assert [line.status for line in parsed.lines] == [
        Status.SLOT,
        Status.TITLE,
        Status.DESCRIPTION,
    ]


def test_windows_line_endings_and_blank_lines_are_read():
    parsed = paste_parser.parse("\r\n11:30-11:45 Welcome\r\n\r\nOpening words\r\n")

    assert [(s.title, s.description) for s in parsed.slots] == [("Welcome", "Opening words")]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("11:00-11:30\tWelcome\tRoom A", "Welcome – Room A"),  # cells of a table
        ("11:00-11:30 Welcome\u00a0\u00a0 words", "Welcome words"),
        ("11:00\nWelcome\t\twords", "Welcome words"),
    ],
)
def test_pasted_titles_are_one_line_with_single_spaces(text, title):
    # A slot title is one line (common/validators.py): a tab kept from a copied
    # table would make the session's change form refuse the slot afterwards.
    parsed = paste_parser.parse(text)

    assert [s.title for s in parsed.slots] == [title]


def test_a_pasted_title_with_a_control_character_is_marked_to_check():
    parsed = paste_parser.parse("11:00-11:30 Wel\x07come")

    [checked] = parsed.to_check
    assert any("control character (U+0007)" in reason for reason in checked.reasons)
    assert parsed.slots == []


# Through the admin: preview, confirm, refuse.


@pytest.fixture
def session(db):
    return SessionFactory(start_time=time(11, 30), end_time=time(13, 0))


def paste_url(session):
    return reverse("admin:agenda_session_paste_agenda", args=[session.pk])


def preview(client, session, text, mode="add"):
    return client.post(paste_url(session), {"_preview": "Preview", "text": text, "mode": mode})


def confirm(client, session, text, mode="add"):
    page = preview(client, session, text, mode)
    return client.post(
        paste_url(session),
        {"_confirm": "Create", "previewed": previewed(page), "text": text, "mode": mode},
    )


def agenda(session):
    return [(s.start, s.end, s.title) for s in session.slots.all()]  # running order


def preview_rows(response):
    rows = re.findall(
        r"<tr class=\"line-(\w+)\">\s*<td>(\d+)</td>\s*<td>.*?</td>\s*<td>\s*(.*?)\s*</td>",
        response.text,
        re.DOTALL,
    )
    return [(int(number), status, " ".join(read.split())) for status, number, read in rows]


def test_change_page_links_to_paste_agenda(organiser_client, session):
    response = organiser_client.get(reverse("admin:agenda_session_change", args=[session.pk]))

    assert paste_url(session) in response.text


def test_paste_preview_lists_each_line_with_its_status_and_creates_nothing(
    organiser_client, session
):
    response = preview(organiser_client, session, SEED_BLOCK)

    assert response.status_code == 200
    assert preview_rows(response) == [
        (1, "slot", "moment at 11:30: “Start of the meeting”"),
        (2, "slot", "slot 11:30–11:45: “Welcome and opening remarks”"),
        (3, "ignored", "ignored: only punctuation"),
        (
            5,
            "slot",
            "slot 11:45–12:20: “In-conversation between speakers, moderated by Joyce Hakmeh and Patryk Pawlak”",
        ),
        (7, "description", "description of line 5"),
        (9, "description", "description of line 5"),
        (11, "description", "description of line 5"),
        (13, "description", "description of line 5"),
        (15, "description", "description of line 5"),
        (17, "slot", "slot 12:20–12:50: “Q&amp;A session”"),
        (19, "slot", "slot 12:50–13:00: “Closing remarks”"),
    ]
    assert 'name="_confirm"' in response.text
    assert agenda(session) == []


def test_confirmed_paste_creates_the_slots(organiser_client, session):
    response = confirm(organiser_client, session, SEED_BLOCK)

    assert response.status_code == 302
    assert response.url == reverse("admin:agenda_session_change", args=[session.pk])
    assert agenda(session) == [
        (time(11, 30), None, "Start of the meeting"),
        (time(11, 30), time(11, 45), "Welcome and opening remarks"),
        (
            time(11, 45),
            time(12, 20),
            "In-conversation between speakers, moderated by Joyce Hakmeh and Patryk Pawlak",
        ),
        (time(12, 20), time(12, 50), "Q&A session"),
        (time(12, 50), time(13, 0), "Closing remarks"),
    ]
    assert session.slots.get(start=time(11, 45)).description == PANEL_DESCRIPTION


def test_lines_to_check_are_shown_with_the_reason_and_block_creation(organiser_client, session):
    text = "11:30-11:45 Welcome\n12-1 Lunch"

    response = organiser_client.post(
        paste_url(session),
        {"_confirm": "Create", "previewed": "forged", "text": text, "mode": "add"},
    )

    assert response.status_code == 200
    number, status, read = preview_rows(response)[1]
    assert (number, status) == (2, "check")
    assert read.startswith("<strong>please check</strong>: “12” has no minutes")
    assert "Line 2: please check: “12” has no minutes" in response.text
    assert 'name="_confirm"' not in response.text
    assert agenda(session) == []


def test_paste_that_would_overlap_is_refused_and_creates_nothing(organiser_client, session):
    AgendaSlotFactory(session=session, start=time(12, 0), end=time(12, 30), title="Panel")
    text = "11:30-11:45 Welcome\n12:15-12:45 Q&A"

    response = organiser_client.post(
        paste_url(session),
        {"_confirm": "Create", "previewed": "forged", "text": text, "mode": "add"},
    )

    assert response.status_code == 200
    assert "“Panel” (12:00–12:30) overlaps “Q&amp;A” (12:15–12:45)." in response.text
    assert agenda(session) == [(time(12, 0), time(12, 30), "Panel")]


def test_refused_paste_keeps_the_pasted_text_in_the_form(organiser_client, session):
    text = "11:30-11:45 Welcome\n12:50-13:15 Closing remarks"

    response = preview(organiser_client, session, text)

    assert response.context["form"]["text"].value() == text
    assert "\n11:30-11:45 Welcome\n12:50-13:15 Closing remarks</textarea>" in response.text
    assert (
        "“Closing remarks” (12:50–13:15) lies outside the session, which runs 11:30–13:00."
        in response.text
    )


def test_replace_the_agenda_deletes_the_old_slots(organiser_client, session):
    AgendaSlotFactory(session=session, start=time(12, 0), end=time(12, 30), title="Old panel")

    page = preview(organiser_client, session, "12:15-12:45 New panel", mode="replace")
    confirm(organiser_client, session, "12:15-12:45 New panel", mode="replace")

    assert "deletes its 1 slot" in page.text
    assert agenda(session) == [(time(12, 15), time(12, 45), "New panel")]


def test_add_to_the_agenda_keeps_the_old_slots(session):
    AgendaSlotFactory(session=session, start=time(12, 0), end=time(12, 30), title="Panel")

    paste.agenda_paste(session=session, text="12:30-12:50 Q&A")

    assert agenda(session) == [
        (time(12, 0), time(12, 30), "Panel"),
        (time(12, 30), time(12, 50), "Q&A"),
    ]


def test_paste_without_any_time_is_refused_with_the_reason(session):
    with pytest.raises(ValidationError) as refused:
        paste.agenda_paste(session=session, text="Welcome\nQ&A")

    assert refused.value.messages == ["No line starts with a time, so there is no slot to create."]


def test_empty_paste_is_refused_naming_the_field(organiser_client, session):
    response = preview(organiser_client, session, "")

    assert response.context["form"].errors["text"] == [
        "Agenda text: paste the agenda, one item per line."
    ]


def test_staff_without_change_permission_get_403_for_paste(viewer_client, session):
    assert viewer_client.get(paste_url(session)).status_code == 403
    assert preview(viewer_client, session, "11:30-11:45 Welcome").status_code == 403
    assert agenda(session) == []


# Agendas as organisers copy them from event pages, emails and spreadsheets.

REAL_WORLD = {
    "spreadsheet-columns": (
        "08:30\t09:00\tCoffee\n09:00\t10:00\tKeynote",
        [(time(8, 30), time(9, 0), "Coffee"), (time(9, 0), time(10, 0), "Keynote")],
    ),
    "spreadsheet-seconds": (
        "08:30:00\t09:00:00\tRegistration",
        [(time(8, 30), time(9, 0), "Registration")],
    ),
    "spreadsheet-am-pm-per-cell": (
        "11:30 AM\t1:00 PM\tLunch",
        [(time(11, 30), time(13, 0), "Lunch")],
    ),
    "spreadsheet-title-first": (
        "Opening plenary\t9:00\t10:00",
        [(time(9, 0), time(10, 0), "Opening plenary")],
    ),
    "spreadsheet-header-and-empty-cells": (
        "Start\tEnd\tSession\t\n10:00\t10:30\tCoffee break\t\t",
        [(time(10, 0), time(10, 30), "Coffee break")],
    ),
    "web-table": (
        "| Time | Session |\n|---|---|\n| 10:00 - 11:00 | **Keynote** | |\n| 11:00 | Close | |",
        [(time(10, 0), time(11, 0), "Keynote"), (time(11, 0), None, "Close")],
    ),
    "until": ("14:00 until 15:00 Workshop", [(time(14, 0), time(15, 0), "Workshop")]),
    "to": ("14:00 to 15:00 Workshop", [(time(14, 0), time(15, 0), "Workshop")]),
    "from-to": ("From 10:00 to 11:00 Workshop", [(time(10, 0), time(11, 0), "Workshop")]),
    "pm-once-for-the-range": ("1:00 - 2:00 PM Panel", [(time(13, 0), time(14, 0), "Panel")]),
    "pm-once-across-noon": ("11:00-12:30 pm Lunch", [(time(11, 0), time(12, 30), "Lunch")]),
    "am-on-the-start": ("9am-10:30 Keynote", [(time(9, 0), time(10, 30), "Keynote")]),
    "dotted-am-pm": (
        "9:00 a.m. – 9:30 a.m. Welcome",
        [(time(9, 0), time(9, 30), "Welcome")],
    ),
    "times-after-the-title": (
        "Registration 08:30 – 09:00\nWelcome 09:00 – 09:15\nLunch 1230 – 1330\nKeynote (14:00)",
        [
            (time(8, 30), time(9, 0), "Registration"),
            (time(9, 0), time(9, 15), "Welcome"),
            (time(12, 30), time(13, 30), "Lunch"),
            (time(14, 0), None, "Keynote"),
        ],
    ),
    "numbered": (
        "1. 11:30 Welcome\n2) 11:45-12:20 Panel",
        [(time(11, 30), None, "Welcome"), (time(11, 45), time(12, 20), "Panel")],
    ),
    "lettered": (
        "a) 11:30 Welcome\n(b) 11:45 Panel",
        [(time(11, 30), None, "Welcome"), (time(11, 45), None, "Panel")],
    ),
    "markdown-heading": ("### 10:00 Keynote", [(time(10, 0), None, "Keynote")]),
    "byte-order-mark": ("\ufeff11:30-11:45 Welcome", [(time(11, 30), time(11, 45), "Welcome")]),
    "zero-width-space": ("\u200b11:30 Welcome\u200b", [(time(11, 30), None, "Welcome")]),
    "non-breaking-spaces": (
        "11:30\u00a0–\u00a011:45\u202fWelcome",
        [(time(11, 30), time(11, 45), "Welcome")],
    ),
    "italic-and-bold": (
        "11:30-11:45 *Welcome* and __opening__ **remarks**",
        [(time(11, 30), time(11, 45), "Welcome and opening remarks")],
    ),
    "trailing-separators": ("10:00 Keynote | |", [(time(10, 0), None, "Keynote")]),
}


@pytest.mark.parametrize(("text", "expected"), list(REAL_WORLD.values()), ids=list(REAL_WORLD))
def test_real_world_agendas_are_read_with_the_right_times_and_clean_titles(text, expected):
    parsed = paste_parser.parse(text)

    assert parsed.to_check == []
    assert [(s.start, s.end, s.title) for s in parsed.slots] == expected


@pytest.mark.parametrize(
    ("text", "number", "reason"),
    [
        (
            "11:30-11:45 Welcome\nLunch 1230 – 1330\n13:30-14:00 Panel",
            2,
            "the time comes after the title: read as 12:30–13:30 “Lunch”?",
        ),
        (
            "11:30-11:45 Welcome\nBuses leave at 17:00 from the hall",
            2,
            "the line holds a time (“17:00”) but does not start or end with it",
        ),
        ("08:30:15\t09:00\tCoffee", 1, "“08:30:15” has seconds"),
        (
            "11:00 Keynote until 11:30",
            1,
            "the end (“11:30”) comes after the title: write “11:00–11:30 Keynote”",
        ),
        ("09:00\t09:30\t10:00\tCoffee", 1, "the row has 3 times"),
    ],
)
def test_lines_not_read_for_sure_say_why(text, number, reason):
    parsed = paste_parser.parse(text)

    [checked] = parsed.to_check
    assert checked.number == number
    assert any(given.startswith(reason) for given in checked.reasons), checked.reasons
    assert all(slot.line != number for slot in parsed.slots)


def test_a_line_with_a_time_is_never_absorbed_as_a_description():
    parsed = paste_parser.parse("11:30-11:45 Welcome\nCoffee served at 11:40\n11:45 Panel")

    assert [line.status for line in parsed.lines] == [Status.SLOT, Status.CHECK, Status.SLOT]
    assert parsed.slots[0].description == ""


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Registration and coffee", "opening"),
        ("Welcome and opening remarks", "opening"),
        ("Coffee break", "break"),
        ("Lunch", "break"),
        ("Q&A session", "qa"),
        ("Q & A", "qa"),
        ("Closing remarks", "closing"),
        ("In-conversation between speakers", "discussion"),
        ("Start of the meeting", "other"),
        ("Keynote", "other"),
    ],
)
def test_kinds_are_read_from_the_words_of_the_title(title, kind):
    [slot] = paste_parser.parse(f"11:30 {title}").slots

    assert slot.kind == kind


def test_the_parser_kinds_are_the_slot_kinds():
    assert {kind.value for kind in paste_words.Kind} == set(AgendaSlot.Kind.values)


@pytest.mark.parametrize(
    ("title", "link", "names"),
    [
        (
            "In-conversation, moderated by Joyce Hakmeh and Dr Patryk Pawlak",
            "moderators",
            [("Joyce Hakmeh", ""), ("Dr Patryk Pawlak", "")],
        ),
        ("Opening. Chair: H.E. Ms Ana de la Cruz", "moderators", [("H.E. Ms Ana de la Cruz", "")]),
        ("Keynote. Speaker: Prof. Jane Doe", "speakers", [("Prof. Jane Doe", "")]),
        (
            "Panel with John Brandolino (UNODC) and Ian Tennant (GI-TOC) on the process",
            "speakers",
            [("John Brandolino", "UNODC"), ("Ian Tennant", "GI-TOC")],
        ),
    ],
)
def test_people_phrases_are_found_in_titles(title, link, names):
    [phrase] = paste_words.find_people(title)

    assert phrase.link == link
    assert [(n.name, n.organisation) for n in phrase.names] == names


@pytest.mark.parametrize("title", ["Lunch with a view", "Meeting with civil society", "Q&A"])
def test_words_after_with_that_are_not_names_name_nobody(title):
    assert paste_words.find_people(title) == []


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Dr Patryk Pawlak", "Patryk Pawlak"),
        ("PATRYK PAWLAK", "Patryk Pawlak"),
        ("The Rt Hon Jane Roe", "Jane Roe"),
        ("H.E. Amb. Jane Roe", "Jane Roe"),
        ("Nnenna Ifeanyi-Ajufo", "nnenna ifeanyi-ajufo"),
        ("José Núñez", "Jose Nunez"),
    ],
)
def test_names_are_compared_without_honorifics_case_or_accents(written, stored):
    assert paste_words.name_key(written) == paste_words.name_key(stored)


# The service: people, ends, duplicates.


@pytest.fixture
def people(db):
    return {
        "joyce": SpeakerFactory(name="Joyce Hakmeh"),
        "patryk": SpeakerFactory(honorific="Dr", name="Patryk Pawlak"),
        "john": SpeakerFactory(name="John Brandolino"),
    }


def test_seed_block_links_its_moderators_and_takes_their_names_out_of_the_title(session, people):
    plan = paste.agenda_paste_preview(session=session, text=SEED_BLOCK)

    assert plan.problems == []
    panel = plan.slots[2]
    assert panel.title == "In-conversation between speakers"
    assert panel.kind == "discussion"
    assert panel.moderators == [people["joyce"], people["patryk"]]
    # "John Brandolino (UNODC) will provide ...": on stage, and his words stay.
    assert panel.speakers == [people["john"]]
    assert panel.description == PANEL_DESCRIPTION
    assert [slot.kind for slot in plan.slots] == ["other", "opening", "discussion", "qa", "closing"]


def test_people_a_paste_puts_on_stage_join_the_sessions_people(session, people):
    # As when an organiser picks them in a slot's box: the session page lists them.
    paste.agenda_paste(
        session=session, text="11:45-12:20 Panel moderated by Joyce Hakmeh with John Brandolino"
    )

    assert {(role.speaker, role.role) for role in session.roles.all()} == {
        (people["joyce"], "speaker"),
        (people["john"], "speaker"),
    }


def test_a_name_written_with_its_post_nominals_is_matched(session):
    # As the site's own pages print it (common/formatting.full_name).
    joyce = SpeakerFactory(honorific="Dr", name="Joyce Hakmeh", post_nominals="OBE")

    [slot] = paste.agenda_paste_preview(
        session=session, text="11:45-12:20 Panel moderated by Dr Joyce Hakmeh OBE"
    ).slots

    assert (slot.title, slot.moderators) == ("Panel", [joyce])


def test_unknown_names_stay_in_the_title_and_are_shown(organiser_client, session, people):
    text = "11:45-12:20 Panel with John Brandolino (UNODC) and Ian Tennant (GI-TOC)"

    plan = paste.agenda_paste_preview(session=session, text=text)
    response = preview(organiser_client, session, text)

    [slot] = plan.slots
    assert slot.title == "Panel with Ian Tennant (GI-TOC)"
    assert slot.speakers == [people["john"]]
    assert [person.written.name for person in slot.unknown] == ["Ian Tennant"]
    assert "speaker John Brandolino (matched “John Brandolino”)" in response.text
    assert "“Ian Tennant”: not in the database; left as written" in response.text


def test_people_lines_under_an_item_link_them_and_leave_the_description(session, people):
    text = "11:45-12:20 Panel\nChair: JOYCE HAKMEH\nSpeakers: John Brandolino, Ann Other\nWords"

    [slot] = paste.agenda_paste_preview(session=session, text=text).slots

    # "Ann Other" after a bare comma could be John's affiliation: the line stays whole.
    assert (slot.title, slot.description) == (
        "Panel",
        "Speakers: John Brandolino, Ann Other\n\nWords",
    )
    assert (slot.moderators, slot.speakers) == ([people["joyce"]], [people["john"]])


def test_two_people_with_one_name_link_neither(session, people):
    SpeakerFactory(name="John Brandolino")

    [slot] = paste.agenda_paste_preview(
        session=session, text="11:45-12:20 Panel with John Brandolino (UNODC)"
    ).slots

    assert slot.title == "Panel with John Brandolino (UNODC)"
    assert slot.speakers == []
    assert slot.unknown[0].namesakes == 2


START_ONLY = "11:30 Welcome\n11:45 Panel\n12:30 Q&A"


def test_start_only_programme_waits_for_the_organisers_choice(organiser_client, session):
    response = preview(organiser_client, session, START_ONLY)

    assert "Lines 1 and 2 give only a start: choose below" in response.text
    assert 'name="open_ends" value="next"' in response.text
    assert 'name="_confirm"' not in response.text


@pytest.mark.parametrize(
    ("choice", "ends"),
    [
        ("next-session-end", [time(11, 45), time(12, 30), time(13, 0)]),
        ("next", [time(11, 45), time(12, 30), None]),
        ("moments", [None, None, None]),
    ],
)
def test_start_only_items_end_as_the_organiser_chose(organiser_client, session, choice, ends):
    response = confirm_with(organiser_client, session, {"text": START_ONLY, "open_ends": choice})

    assert response.status_code == 302
    assert [s.end for s in session.slots.all()] == ends


def test_a_moment_at_the_start_of_an_item_asks_nothing(session):
    plan = paste.agenda_paste_preview(session=session, text=SEED_BLOCK)

    assert plan.open_ended == []


def test_changing_the_choice_after_the_preview_shows_a_new_preview(organiser_client, session):
    data = {"text": START_ONLY, "mode": "add", "open_ends": "next"}
    page = organiser_client.post(paste_url(session), {"_preview": "1", **data})

    response = organiser_client.post(
        paste_url(session),
        {"_confirm": "1", "previewed": previewed(page), **data, "open_ends": "moments"},
    )

    assert response.status_code == 200
    assert agenda(session) == []


def confirm_with(client, session, data):
    data = {"mode": "add", **data}
    page = client.post(paste_url(session), {"_preview": "1", **data})
    return client.post(paste_url(session), {"_confirm": "1", "previewed": previewed(page), **data})


def test_pasting_twice_in_add_mode_shows_the_duplicates_and_adds_nothing(organiser_client, session):
    text = START_ONLY + "\n12:50-13:00 Closing remarks"
    confirm_with(organiser_client, session, {"text": text, "open_ends": "next"})
    before = agenda(session)

    response = preview(organiser_client, session, text)

    assert "already on the agenda" in response.text
    assert "there is nothing to add" in response.text
    assert 'name="add_duplicates"' in response.text
    assert 'name="_confirm"' not in response.text
    assert agenda(session) == before


def test_duplicates_are_left_out_and_new_items_added(session):
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Welcome")

    paste.agenda_paste(session=session, text="11:30-11:45 welcome\n11:45-12:00 Panel")

    assert agenda(session) == [
        (time(11, 30), time(11, 45), "Welcome"),
        (time(11, 45), time(12, 0), "Panel"),
    ]


def test_duplicates_confirmed_are_added_again(session):
    AgendaSlotFactory(session=session, start=time(11, 30), end=None, title="Doors open")

    paste.agenda_paste(session=session, text="11:30 Doors open", add_duplicates=True)

    assert agenda(session) == [(time(11, 30), None, "Doors open")] * 2


def test_confirmed_paste_links_people_and_sets_kinds(organiser_client, session, people):
    response = confirm(organiser_client, session, SEED_BLOCK)

    assert response.status_code == 302
    panel = session.slots.get(start=time(11, 45))
    assert panel.title == "In-conversation between speakers"
    assert list(panel.moderators.order_by("name")) == [people["joyce"], people["patryk"]]
    assert [s.kind for s in session.slots.all()] == [
        "other",
        "opening",
        "discussion",
        "qa",
        "closing",
    ]


def test_seed_block_with_its_six_people_gives_the_demo_panel(session):
    for name in ("Joyce Hakmeh", "Patryk Pawlak", "Alexander Seger", "Ian Tennant"):
        SpeakerFactory(name=name)
    SpeakerFactory(name="John Brandolino")
    SpeakerFactory(name="Nnenna Ifeanyi-Ajufo")

    paste.agenda_paste(session=session, text=SEED_BLOCK)

    panel = session.slots.get(start=time(11, 45))
    assert (panel.title, panel.kind) == ("In-conversation between speakers", "discussion")
    assert sorted(p.name for p in panel.moderators.all()) == ["Joyce Hakmeh", "Patryk Pawlak"]
    assert sorted(p.name for p in panel.speakers.all()) == [
        "Alexander Seger",
        "Ian Tennant",
        "John Brandolino",
        "Nnenna Ifeanyi-Ajufo",
    ]
    assert panel.description == PANEL_DESCRIPTION


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("11:45 Keynote speaker: Dr John Brandolino", "Keynote speaker"),
        ("11:45 With John Brandolino", "With John Brandolino"),
    ],
)
def test_a_title_that_was_only_names_keeps_its_label_or_the_names(session, people, line, title):
    [slot] = paste.agenda_paste_preview(session=session, text=line).slots

    assert slot.title == title
    assert slot.speakers == [people["john"]]


def test_people_named_among_other_words_of_a_line_are_linked_and_the_line_kept(session, people):
    text = "11:45-12:20 Panel\nModerator: Dr. Joyce Hakmeh, Chatham House"

    [slot] = paste.agenda_paste_preview(session=session, text=text).slots

    assert slot.moderators == [people["joyce"]]
    assert slot.description == "Moderator: Dr. Joyce Hakmeh, Chatham House"
    assert [person.written.name for person in slot.unknown] == ["Chatham House"]


def test_remarks_by_a_person_put_them_on_stage(session, people):
    [slot] = paste.agenda_paste_preview(
        session=session, text="11:30-11:45 Opening remarks by John Brandolino"
    ).slots

    assert (slot.title, slot.speakers) == ("Opening remarks", [people["john"]])
