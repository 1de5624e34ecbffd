"""The demo event: a real event page (the seed page, 000_efc224fa6c7a3637), cleaned.

Every fact of the page is here; its typing slips are not ("1145" is 11:45, the
stray "." bullet is gone, "Chatham House rules" is the Chatham House Rule). The
page gives no date, venue or time zone, so they stay "to be confirmed".
"""

from datetime import time

ORGANISATIONS = [
    # name, short name, parent
    ("United Nations", "", None),
    ("UNODC", "", "United Nations"),
    ("Swansea University", "", None),
    ("African Union Commission", "African Union", None),
    ("Council of Europe", "", None),
    ("Global Initiative Against Transatlantic Organized Crime", "GI-TOC", None),
    ("Chatham House", "", None),
    ("European Union for Security Studies", "", None),
]

SPEAKERS = [
    # slug, honorific, name, [(position, unit, organisation)]
    (
        "john-brandolino",
        "",
        "John Brandolino",
        [("Director", "Division for Treaty Affairs", "UNODC")],
    ),
    (
        "nnenna-ifeanyi-ajufo",
        "",
        "Nnenna Ifeanyi-Ajufo",
        [
            ("Senior Lecturer of Law and Technology", "", "Swansea University"),
            (
                "Vice-Chair",
                "African Union Cyber Security Experts Group",
                "African Union Commission",
            ),
        ],
    ),
    (
        "alexander-seger",
        "",
        "Alexander Seger",
        [("Head of Division", "Cybercrime Programme Office", "Council of Europe")],
    ),
    (
        "ian-tennant",
        "",
        "Ian Tennant",
        [("Fund Manager", "", "Global Initiative Against Transatlantic Organized Crime")],
    ),
    (
        "joyce-hakmeh",
        "",
        "Joyce Hakmeh",
        [("Senior Research Fellow", "International Security Programme", "Chatham House")],
    ),
    (
        "patryk-pawlak",
        "Dr",
        "Patryk Pawlak",
        [("Brussels Executive Officer", "", "European Union for Security Studies")],
    ),
]

EVENT = {
    "slug": "engaging-civil-society-cybercrime",
    "title": "Engaging civil society in the fight against cybercrime",
    # The seed page does not name its host in so many words: it is Chatham House's
    # (its International Security Programme's Senior Research Fellow co-chairs, and
    # the meeting is held under the Chatham House Rule). No logo is copied here: the
    # page shows the name.
    "organiser": "Chatham House",
    # A colour of our own choosing (white text on it: 8.7:1), not the host's brand.
    "colour": "#1f4e79",
}

# The event's organisers and partners: (role, name, link).
PARTNERS = [("organiser", "Chatham House", "https://www.chathamhouse.org/")]

SESSION = {
    "slug": "international-cooperation-against-cybercrime",
    "order": 2,
    "label": "Session Two",
    "title": (
        "International Cooperation against cybercrime: "
        "existing cybercrime responses and paths forward"
    ),
    "date": None,
    "start_time": time(11, 30),
    "end_time": time(13, 0),
    "time_zone": "",
    "venue": "",
    "outline": (
        "This session takes stock of the existing international and regional efforts "
        "against cybercrime, highlighting the existing and potential pathways for civil "
        "society organisations to engage at the regional and international level. It will "
        "elaborate on the latest developments of the UN Intergovernmental Expert Group on "
        "Cybercrime (IEG) and the implications of the UN General Assembly resolution "
        "A/RES/74/247 of 2019 that mandated the establishment of a new Open-ended Ad Hoc "
        "Intergovernmental Committee of Experts, representative of all regions, to initiate "
        "a comprehensive international convention on \u201ccountering the use of information "
        "and communications technologies for criminal purposes\u201d within the UN General "
        "Assembly\u2019s Third Committee."
    ),
    "capacity_min": 25,
    "capacity_max": 30,
    "participants_selected": True,
    "fields_of_expertise": (
        "digital rights, women's rights, cyber policy, public policy, law, technology, politics"
    ),
    "house_rule": "chatham_house",
    "status": "published",
}

ROLES = [
    # speaker slug, role, order, shown as, contribution, contribution order
    (
        "john-brandolino",
        "speaker",
        1,
        "UNODC",
        "will provide an overview of the UN's cybercrime work and the new process, "
        "including its modalities.",
        1,
    ),
    (
        "nnenna-ifeanyi-ajufo",
        "speaker",
        2,
        "African Union Commission",
        "will consider the role of regional organizations in facilitating civil society "
        "engagement in the global cybercrime policy making.",
        3,
    ),
    (
        "alexander-seger",
        "speaker",
        3,
        "Council of Europe",
        "will reflect on the work of GLACY+ and how the Council of Europe works with civil "
        "society organisations.",
        2,
    ),
    (
        "ian-tennant",
        "speaker",
        4,
        "Global Initiative Against Transatlantic Organized Crime",
        "will explore the challenges for civil society in multilateral processes.",
        4,
    ),
    ("joyce-hakmeh", "co_chair", 1, None, "", 0),
    ("patryk-pawlak", "co_chair", 2, None, "", 0),
]

SPEAKER_SLUGS = [slug for slug, *_ in SPEAKERS if slug not in ("joyce-hakmeh", "patryk-pawlak")]

SLOTS = [
    # start, end, title, kind, description, moderators, speakers
    (time(11, 30), None, "Start of the meeting", "other", "", [], []),
    (time(11, 30), time(11, 45), "Welcome and opening remarks", "opening", "", [], []),
    (
        time(11, 45),
        time(12, 20),
        "In-conversation between speakers",
        "discussion",
        "Panellists will provide insights on where civil society can best position itself "
        "to make an impact on global mechanisms for fighting cybercrime, including in the "
        "upcoming UN process.",
        ["joyce-hakmeh", "patryk-pawlak"],
        SPEAKER_SLUGS,
    ),
    (time(12, 20), time(12, 50), "Q&A session", "qa", "", [], []),
    (time(12, 50), time(13, 0), "Closing remarks", "closing", "", [], []),
]
