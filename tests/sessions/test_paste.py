import re
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.tools import paste, paste_parser
from sessions.tools.paste_parser import Status
from tests.factories import AgendaSlotFactory, SessionFactory
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
