"""The run-of-show as staff print it: Chromium's PDF, read back with pypdf."""

import io
import re
from datetime import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from sessions.models import RUNNING_ORDER, Session
from speakers.models import Speaker
from tests.factories import AgendaSlotFactory, SessionFactory

# The live server and the test share the database through real transactions.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Start End Duration Elapsed Item Led by On stage Cue Technical notes Responsible"


def print_to_pdf(page, url):
    """Print as staff do: A4 landscape unless the page's CSS names its own size."""
    page.goto(url)
    return PdfReader(io.BytesIO(page.pdf(format="A4", landscape=True, prefer_css_page_size=True)))


def page_texts(pdf):
    return [" ".join(p.extract_text().split()) for p in pdf.pages]


def run_of_show_url(session, name="run_of_show"):
    return reverse(f"agenda:{name}", args=[session.event.slug, session.slug])


def test_demo_run_of_show_prints_on_one_landscape_page(page, log_in, staff_user):
    call_command("load_demo", verbosity=0)
    session = Session.objects.get()
    log_in(page, staff_user)

    pages = page_texts(print_to_pdf(page, run_of_show_url(session)))

    assert len(pages) == 1
    text = pages[0]
    titles = [slot.title for slot in session.slots.order_by(*RUNNING_ORDER)]
    positions = [text.find(title) for title in titles]
    assert -1 not in positions, (titles, text)
    assert positions == sorted(positions)
    assert "Page 1 of 1" in text
    assert "Print" not in text.replace("Printed", "")  # the button stays on screen


def test_long_run_of_show_repeats_its_header_and_never_splits_a_slot(page, log_in, staff_user):
    session = SessionFactory(start_time=time(9, 0), end_time=time(17, 0))
    slots = []
    for number in range(60):
        minutes = 9 * 60 + number * 8
        slots.append(
            AgendaSlotFactory(
                session=session,
                start=time(minutes // 60, minutes % 60),
                end=time((minutes + 8) // 60, (minutes + 8) % 60),
                title=f"Agenda item {number:02d}",
                cue="Chair introduces the next speaker and hands over the microphone",
                tech_notes="Slides from the laptop on the lectern; lapel microphone 2",
                responsible="Stage manager",
            )
        )
    log_in(page, staff_user)

    pages = page_texts(print_to_pdf(page, run_of_show_url(session)))

    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert HEADER in text, f"page {number} lacks the header row"
        assert f"Page {number} of {len(pages)}" in text
    for slot in slots:
        on = [number for number, text in enumerate(pages) if slot.title in text]
        assert len(on) == 1, f"{slot.title} is on pages {on}"
        assert re.search(rf"\b{slot.start:%H:%M}\b", pages[on[0]])


def test_cue_cards_print_one_a5_landscape_card_per_slot(page, log_in, staff_user):
    call_command("load_demo", verbosity=0)
    session = Session.objects.get()
    # The fullest card: six people on stage, each with a bio of the most a card
    # shows (25 words), four contributions and every staff note.
    Speaker.objects.update(bio=" ".join(["Works on cooperation against cybercrime."] * 7))
    session.slots.filter(title="In-conversation between speakers").update(
        cue="Co-chairs open; each panellist speaks for five minutes",
        tech_notes="Six lapel microphones; no slides",
        responsible="Stage manager",
    )
    log_in(page, staff_user)

    pdf = print_to_pdf(page, run_of_show_url(session, "run_of_show_cards"))

    titles = [slot.title for slot in session.slots.order_by(*RUNNING_ORDER)]
    assert len(pdf.pages) == len(titles) == 5
    for pdf_page, title, text in zip(pdf.pages, titles, page_texts(pdf), strict=True):
        # A5 landscape: 210 x 148 mm, in points.
        assert round(float(pdf_page.mediabox.width)) == 595
        assert round(float(pdf_page.mediabox.height)) == 420
        assert text.startswith(f"Session Two · card {titles.index(title) + 1} of 5")
        assert title in text
