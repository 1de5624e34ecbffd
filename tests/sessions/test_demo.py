from datetime import time

import pytest
from django.core.management import call_command

from sessions.models import AgendaSlot, Event, Session, SessionRole
from speakers.models import Affiliation, Organisation, Speaker

pytestmark = pytest.mark.django_db

COUNTED = [Event, Session, AgendaSlot, SessionRole, Speaker, Affiliation, Organisation]


def test_loading_the_demo_twice_leaves_one_copy():
    call_command("load_demo", verbosity=0)
    first = {model: model.objects.count() for model in COUNTED}

    call_command("load_demo", verbosity=0)

    assert {model: model.objects.count() for model in COUNTED} == first
    assert first[Session] == 1
    assert first[Speaker] == 6


def describe_affiliations(speaker):
    return [
        ", ".join(
            part
            for part in (
                a.position,
                a.unit,
                a.organisation.name,
                getattr(a.organisation.parent, "name", ""),
            )
            if part
        )
        for a in speaker.affiliations.all()
    ]


def test_demo_holds_every_fact_of_the_seed_page():
    call_command("load_demo", verbosity=0)
    session = Session.objects.select_related("event").get()

    assert session.event.title == "Engaging civil society in the fight against cybercrime"
    assert session.label == "Session Two"
    assert session.title == (
        "International Cooperation against cybercrime: existing cybercrime responses and paths forward"
    )
    assert session.is_published
    # The page names no date, venue or time zone: all three stay to be confirmed.
    assert session.date is None
    assert session.venue == ""
    assert session.time_zone == ""

    speakers = [role.speaker for role in session.roles.filter(role="speaker").order_by("order")]
    assert [(s.honorific, s.name, describe_affiliations(s)) for s in speakers] == [
        ("", "John Brandolino", ["Director, Division for Treaty Affairs, UNODC, United Nations"]),
        (
            "",
            "Nnenna Ifeanyi-Ajufo",
            [
                "Senior Lecturer of Law and Technology, Swansea University",
                "Vice-Chair, African Union Cyber Security Experts Group, African Union Commission",
            ],
        ),
        (
            "",
            "Alexander Seger",
            ["Head of Division, Cybercrime Programme Office, Council of Europe"],
        ),
        (
            "",
            "Ian Tennant",
            ["Fund Manager, Global Initiative Against Transatlantic Organized Crime"],
        ),
    ]
    chairs = [role.speaker for role in session.roles.filter(role="co_chair").order_by("order")]
    assert [(s.honorific, s.name, describe_affiliations(s)) for s in chairs] == [
        (
            "",
            "Joyce Hakmeh",
            ["Senior Research Fellow, International Security Programme, Chatham House"],
        ),
        (
            "Dr",
            "Patryk Pawlak",
            ["Brussels Executive Officer, European Union for Security Studies"],
        ),
    ]

    assert session.outline.startswith("This session takes stock of the existing international")
    assert "A/RES/74/247 of 2019" in session.outline
    assert (
        "“countering the use of information and communications technologies for criminal purposes”"
        in session.outline
    )
    assert session.outline.endswith("within the UN General Assembly’s Third Committee.")

    slots = list(session.slots.all())  # running order
    assert [(s.start, s.end, s.title) for s in slots] == [
        (time(11, 30), None, "Start of the meeting"),
        (time(11, 30), time(11, 45), "Welcome and opening remarks"),
        (time(11, 45), time(12, 20), "In-conversation between speakers"),
        (time(12, 20), time(12, 50), "Q&A session"),
        (time(12, 50), time(13, 0), "Closing remarks"),
    ]
    conversation = slots[2]
    assert [str(s) for s in conversation.moderators.order_by("name")] == [
        "Joyce Hakmeh",
        "Dr Patryk Pawlak",
    ]
    assert conversation.description.startswith(
        "Panellists will provide insights on where civil society"
    )

    contributions = [
        f"{r.speaker.name} ({r.shown_as.label}) {r.contribution}"
        for r in session.roles.filter(role="speaker").order_by("contribution_order")
    ]
    assert contributions == [
        "John Brandolino (UNODC) will provide an overview of the UN's cybercrime work and the new process, including its modalities.",
        "Alexander Seger (Council of Europe) will reflect on the work of GLACY+ and how the Council of Europe works with civil society organisations.",
        "Nnenna Ifeanyi-Ajufo (African Union) will consider the role of regional organizations in facilitating civil society engagement in the global cybercrime policy making.",
        "Ian Tennant (GI-TOC) will explore the challenges for civil society in multilateral processes.",
    ]

    assert (session.capacity_min, session.capacity_max, session.participants_selected) == (
        25,
        30,
        True,
    )
    assert session.expertise_list == [
        "digital rights",
        "women's rights",
        "cyber policy",
        "public policy",
        "law",
        "technology",
        "politics",
    ]
    assert session.house_rule == Session.HouseRule.CHATHAM_HOUSE
    session.check_agenda()  # a clean agenda: no overlap, nothing outside 11:30-13:00
