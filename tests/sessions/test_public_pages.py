import re
from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import strip_tags

from sessions.models import Session
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventFactory,
    RequestSettingsFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
    fill_agenda,
)
from tests.helpers import DEMO_URL, json_ld

pytestmark = pytest.mark.django_db


def visible_text(response):
    """The page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    body = re.split(r"<body[^>]*>", response.text, maxsplit=1)[1]
    text = strip_tags(body)
    for entity, char in {
        "&#x27;": "'",
        "&amp;": "&",
        "&quot;": '"',
        "&lt;": "<",
        "&gt;": ">",
    }.items():
        text = text.replace(entity, char)
    return re.sub(r"\s+", " ", text)


def assert_in_order(text, facts):
    position = 0
    for fact in facts:
        found = text.find(fact, position)
        assert found >= 0, f"not found after position {position}: {fact!r}"
        position = found + len(fact)


# Every fact of shared/seed/000_efc224fa6c7a3637.txt, cleaned, in the page's order.
SEED_FACTS = [
    "Engaging civil society in the fight against cybercrime",
    "Session Two",
    "International Cooperation against cybercrime: existing cybercrime responses and paths forward",
    "Speakers",
    "John Brandolino, Director, Division for Treaty Affairs, UNODC, United Nations",
    "Nnenna Ifeanyi-Ajufo, Senior Lecturer of Law and Technology, Swansea University; Vice-Chair, African Union Cyber Security Experts Group, African Union Commission",
    "Alexander Seger, Head of Division, Cybercrime Programme Office, Council of Europe",
    "Ian Tennant, Fund Manager, Global Initiative Against Transatlantic Organized Crime",
    "Co-chair: Joyce Hakmeh, Senior Research Fellow, International Security Programme, Chatham House",
    "Co-chair: Dr Patryk Pawlak, Brussels Executive Officer, European Union for Security Studies",
    "Outline",
    "This session takes stock of the existing international and regional efforts against cybercrime, highlighting the existing and potential pathways for civil society organisations to engage at the regional and international level.",
    "It will elaborate on the latest developments of the UN Intergovernmental Expert Group on Cybercrime (IEG) and the implications of the UN General Assembly resolution A/RES/74/247 of 2019 that mandated the establishment of a new Open-ended Ad Hoc Intergovernmental Committee of Experts, representative of all regions, to initiate a comprehensive international convention on “countering the use of information and communications technologies for criminal purposes” within the UN General Assembly’s Third Committee.",
    "Format and proceedings",
    "11:30 Start of the meeting",
    "11:30–11:45 Welcome and opening remarks",
    "11:45–12:20 In-conversation between speakers, moderated by Joyce Hakmeh and Dr Patryk Pawlak",
    "Panellists will provide insights on where civil society can best position itself to make an impact on global mechanisms for fighting cybercrime, including in the upcoming UN process.",
    "John Brandolino (UNODC) will provide an overview of the UN's cybercrime work and the new process, including its modalities.",
    "Alexander Seger (Council of Europe) will reflect on the work of GLACY+ and how the Council of Europe works with civil society organisations.",
    "Nnenna Ifeanyi-Ajufo (African Union) will consider the role of regional organizations in facilitating civil society engagement in the global cybercrime policy making.",
    "Ian Tennant (GI-TOC) will explore the challenges for civil society in multilateral processes.",
    "12:20–12:50 Q&A session",
    "12:50–13:00 Closing remarks",
    "Audience",
    "This meeting will consist of between 25 and 30 selected participants.",
    "The participants have expertise in a broad range of areas including: digital rights, women's rights, cyber policy, public policy, law, technology, and politics.",
    "in order to foster an open discussion, the meeting will be held under the Chatham House Rule.",
    "neither the identity nor the affiliation of the speakers, nor that of any other participant, may be revealed.",
]


def test_session_page_shows_every_seed_fact_in_the_seed_order(client, demo):
    response = client.get(DEMO_URL)

    assert response.status_code == 200
    assert_in_order(visible_text(response), SEED_FACTS)


def test_session_page_says_what_is_still_to_be_confirmed(client, demo):
    text = visible_text(client.get(DEMO_URL))

    assert "Date To be confirmed" in text
    assert "Venue To be confirmed" in text
    assert "All times are local times at the venue; the time zone is to be confirmed." in text


def test_slot_times_are_machine_readable_with_the_offset_once_date_and_zone_are_known(client, demo):
    demo.date = date(2026, 3, 29)  # Europe/London moves to BST that morning
    demo.time_zone = "Europe/London"
    demo.save()

    response = client.get(DEMO_URL)

    assert '<time datetime="2026-03-29T11:30+01:00">11:30</time>' in response.text
    assert "All times are in the Europe/London time zone (UTC+01:00 on that day)." in (
        visible_text(response)
    )


def test_session_page_describes_the_event_for_search_engines(client, demo):
    demo.date = date(2026, 6, 1)
    demo.time_zone = "Europe/Vienna"
    demo.venue = "Vienna International Centre"
    demo.save()
    demo.event.organiser = "Chatham House"
    demo.event.save()

    response = client.get(DEMO_URL)
    data = json_ld(response)

    assert data["@type"] == "Event"
    assert data["startDate"] == "2026-06-01T11:30:00+02:00"
    assert data["endDate"] == "2026-06-01T13:00:00+02:00"
    assert data["location"] == {"@type": "Place", "name": "Vienna International Centre"}
    assert data["organizer"]["name"] == "Chatham House"
    assert [p["name"] for p in data["performer"]] == [
        "John Brandolino",
        "Nnenna Ifeanyi-Ajufo",
        "Alexander Seger",
        "Ian Tennant",
        "Joyce Hakmeh",
        "Patryk Pawlak",  # schema.org's name: the honorific goes to honorificPrefix
    ]
    assert data["performer"][5]["honorificPrefix"] == "Dr"
    assert f'<link rel="canonical" href="{settings.SITE_URL}{DEMO_URL}">' in response.text
    assert '<meta property="og:title" content="International Cooperation' in response.text
    assert '<meta name="description" content="This session takes stock' in response.text
    assert "<title>Session Two: International Cooperation" in response.text
    assert 'name="robots"' not in response.text


def test_closed_meeting_is_kept_out_of_search_engines(client, demo):
    demo.allow_indexing = False
    demo.save()

    page = client.get(DEMO_URL)
    sitemap = client.get("/sitemap.xml")

    assert '<meta name="robots" content="noindex">' in page.text
    assert page["X-Robots-Tag"] == "noindex"
    assert DEMO_URL not in sitemap.text


# Hosts named by the formats themselves (XML namespaces, schema.org, the frab schema),
# not links to the site.
# Addresses that are not ours: standards, and the web calendars and map the page links to.
STANDARDS = {"www.w3.org", "www.sitemaps.org", "schema.org", "c3voc.de"}
ELSEWHERE = {
    *STANDARDS,
    "calendar.google.com",
    "outlook.live.com",
    "outlook.office.com",
    "www.openstreetmap.org",
    "www.chathamhouse.org",  # the demo event's organiser, linked from the event's page
}


def test_absolute_links_come_from_site_url_whatever_host_and_scheme_the_request_names(
    client, settings, demo
):
    settings.SITE_URL = "https://events.example.org"
    settings.ALLOWED_HOSTS = ["testserver", ".example.net"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    demo.date = date(2030, 6, 1)
    demo.time_zone = "Europe/Vienna"
    demo.save()
    event = demo.event.get_absolute_url()
    pages = [
        "/",
        event,
        DEMO_URL,
        "/speakers/patryk-pawlak/",
        "/robots.txt",
        "/sitemap.xml",
        f"{event}calendar.ics",
        DEMO_URL.rstrip("/") + ".ics",
        f"{event}schedule.json",
        f"{event}schedule.xml",
        f"{event}changes.atom",
    ]

    for url in pages:
        for headers in ({"host": "spoofed.example.net"}, {"x-forwarded-proto": "http"}):
            response = client.get(url, headers=headers)
            text = response.content.decode()
            assert response.status_code == 200, url
            addresses = set(re.findall(r"(https?|webcal)://([^/\"'<>\s]+)", text))
            ours = {(scheme, host) for scheme, host in addresses if host not in ELSEWHERE}
            assert ours, url
            assert ours <= {("https", "events.example.org"), ("webcal", "events.example.org")}, (
                url,
                ours,
            )


def test_sitemap_and_robots_list_published_pages_only(client, demo):
    draft = SessionFactory(event=demo.event, slug="secret-draft")

    sitemap = client.get("/sitemap.xml").text
    robots = client.get("/robots.txt").text

    assert f"{settings.SITE_URL}{DEMO_URL}" in sitemap
    assert "/speakers/patryk-pawlak/" in sitemap
    assert draft.slug not in sitemap
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in robots


def test_event_page_lists_published_sessions_only(client, demo):
    SessionFactory(event=demo.event, title="Unannounced session")

    text = visible_text(client.get(demo.event.get_absolute_url()))

    assert "Engaging civil society in the fight against cybercrime" in text
    assert "Session Two International Cooperation against cybercrime" in text
    assert "Unannounced session" not in text


def test_home_lists_upcoming_and_to_be_confirmed_sessions(client, demo):
    past = SessionFactory(published=True, date=date(2020, 1, 1), title="Long gone")
    coming = SessionFactory(published=True, date=date(2099, 1, 1), title="Far ahead")

    text = visible_text(client.get("/"))

    assert "International Cooperation against cybercrime" in text
    assert coming.title in text
    assert past.title not in text


# 10:30 UTC on 6 May 2030: still 5 May in Pago Pago (UTC-11), already 7 May on
# Kiritimati (UTC+14), 12:30 in Vienna.
NOW = datetime(2030, 5, 6, 10, 30, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Sets the time timezone.now() reads: clock(datetime)."""

    def set_clock(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_clock(NOW)
    return set_clock


@pytest.mark.parametrize(
    ("zone", "day", "listed"),
    [
        pytest.param("Pacific/Pago_Pago", date(2030, 5, 5), True, id="west-today-there"),
        pytest.param("Pacific/Pago_Pago", date(2030, 5, 4), False, id="west-yesterday-there"),
        pytest.param("Pacific/Kiritimati", date(2030, 5, 6), False, id="east-yesterday-there"),
        pytest.param("Pacific/Kiritimati", date(2030, 5, 7), True, id="east-today-there"),
        pytest.param("Europe/Vienna", date(2030, 5, 6), True, id="vienna-today"),
        pytest.param("Europe/Vienna", date(2030, 5, 5), False, id="vienna-yesterday"),
        # Zone still to be confirmed: kept while that day lasts anywhere (UTC-12).
        pytest.param("", date(2030, 5, 5), True, id="no-zone-still-that-day-somewhere"),
        pytest.param("", date(2030, 5, 4), False, id="no-zone-over-everywhere"),
        pytest.param("", None, True, id="no-date"),
    ],
)
def test_home_keeps_a_session_until_its_day_has_ended_in_its_own_zone(
    client, clock, zone, day, listed
):
    session = SessionFactory(published=True, date=day, time_zone=zone, title="The meeting")

    text = visible_text(client.get("/"))

    assert ("The meeting" in text) is listed
    # What the request link asks of the one session it shows, without a query.
    assert session.day_has_ended() is not listed


def test_home_page_query_count_is_fixed_whatever_the_zones(
    client, clock, django_assert_num_queries
):
    for zone in ["Pacific/Pago_Pago", "Pacific/Kiritimati", "Europe/Vienna", ""]:
        event = EventFactory()
        for day in (date(2030, 5, 5), date(2030, 5, 6), date(2030, 5, 7)):
            SessionFactory(published=True, event=event, date=day, time_zone=zone)

    with django_assert_num_queries(2):  # events, their sessions
        client.get("/")


def test_speaker_page_shows_affiliations_and_published_sessions(client, demo):
    SessionRoleFactory(
        speaker=demo.roles.get(speaker__slug="ian-tennant").speaker, session__title="Draft"
    )

    text = visible_text(client.get("/speakers/nnenna-ifeanyi-ajufo/"))
    tennant = visible_text(client.get("/speakers/ian-tennant/"))

    assert_in_order(
        text,
        [
            "Nnenna Ifeanyi-Ajufo",
            "Senior Lecturer of Law and Technology, Swansea University",
            "Vice-Chair, African Union Cyber Security Experts Group, African Union Commission",
            "Session Two International Cooperation against cybercrime",
        ],
    )
    assert "Draft" not in tennant


def test_speaker_only_in_closed_meetings_is_kept_out_of_search_engines_and_lists_none(client):
    closed = SessionFactory(published=True, allow_indexing=False, title="Closed-door meeting")
    person = SessionRoleFactory(session=closed).speaker

    page = client.get(person.get_absolute_url())

    assert page.status_code == 200  # reachable from the meeting's page, by its link
    assert page["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in page.text
    assert "Closed-door meeting" not in page.text
    assert closed.get_absolute_url() not in page.text


def test_speaker_page_lists_open_meetings_only_and_stays_indexable(client):
    person = SpeakerFactory()
    for title, indexed in (("Open panel", True), ("Closed-door meeting", False)):
        session = SessionFactory(published=True, allow_indexing=indexed, title=title)
        SessionRoleFactory(session=session, speaker=person)

    page = client.get(person.get_absolute_url())

    assert "Open panel" in page.text
    assert "Closed-door meeting" not in page.text
    assert "X-Robots-Tag" not in page
    assert 'name="robots"' not in page.text


def test_organisers_see_every_meeting_of_a_speaker_on_a_page_kept_from_search_engines(
    organiser_client,
):
    closed = SessionFactory(published=True, allow_indexing=False, title="Closed-door meeting")
    person = SessionRoleFactory(session=closed).speaker

    page = organiser_client.get(person.get_absolute_url())

    assert "Closed-door meeting" in page.text
    assert page["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "url",
    [
        "/events/no-such-event/",
        "/events/engaging-civil-society-cybercrime/no-such-session/",
        "/events/no-such-event/international-cooperation-against-cybercrime/",
        "/speakers/nobody/",
    ],
)
def test_unknown_slugs_give_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_drafts_are_hidden_from_the_public(client):
    draft = SessionFactory(title="Secret session")
    only_in_draft = SessionRoleFactory(session=draft).speaker

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.event.get_absolute_url()).status_code == 404
    assert client.get(only_in_draft.get_absolute_url()).status_code == 404
    assert "Secret session" not in client.get("/").text
    assert draft.get_absolute_url() not in client.get("/sitemap.xml").text


def test_organisers_preview_drafts_with_a_draft_banner(organiser_client):
    draft = SessionFactory(title="Secret session")

    response = organiser_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Draft: only organisers can see this page." in visible_text(response)
    assert response["X-Robots-Tag"] == "noindex"


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_and_script_in_every_text_field_come_out_escaped(client):
    event = EventFactory(title=PAYLOAD, description=PAYLOAD, organiser=PAYLOAD)
    session = SessionFactory(
        published=True,
        event=event,
        label=PAYLOAD,
        title=PAYLOAD,
        venue=PAYLOAD,
        outline=PAYLOAD + "\n\n[link](javascript:alert(1))",
        audience=PAYLOAD,
        capacity_max=10,
        fields_of_expertise=PAYLOAD,
        house_rule=Session.HouseRule.CHATHAM_HOUSE,
    )
    speaker = SpeakerFactory(honorific="<script>x</script>", name=PAYLOAD, bio=PAYLOAD)
    AffiliationFactory(
        speaker=speaker,
        position=PAYLOAD,
        unit=PAYLOAD,
        organisation__name=PAYLOAD,
        organisation__short_name=PAYLOAD,
    )
    SessionRoleFactory(
        session=session,
        speaker=speaker,
        contribution=PAYLOAD,
        shown_as=speaker.affiliations.get().organisation,
    )
    slot = AgendaSlotFactory(session=session, title=PAYLOAD, description=PAYLOAD)
    slot.speakers.add(speaker)
    slot.moderators.add(speaker)

    pages = [
        client.get(url)
        for url in (
            "/",
            event.get_absolute_url(),
            session.get_absolute_url(),
            speaker.get_absolute_url(),
        )
    ]

    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "javascript:" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[2].text
    # JSON-LD keeps the text but cannot close its script element early.
    assert "\\u003Cscript\\u003E" in pages[2].text


def build_session(slot_count):
    session = SessionFactory(published=True, start_time=time(0, 0), end_time=time(23, 59))
    speakers = [AffiliationFactory().speaker for _ in range(3)]
    fill_agenda(session, slot_count, people=speakers)
    for order, speaker in enumerate(speakers):
        SessionRoleFactory(session=session, speaker=speaker, order=order, contribution="will talk")
    return session, speakers[0]


# One query each for: the session and its event; slots; roles with the
# organisation shown; slot-moderator links; slot-speaker links; the people;
# their affiliations with organisations; whether requests for a place are open;
# the changes recorded since publication.
SESSION_PAGE_QUERIES = 5


@pytest.mark.parametrize("slot_count", [4, 50, 500])
def test_session_page_query_count_does_not_grow_with_the_agenda(
    client, django_assert_num_queries, slot_count
):
    session, _ = build_session(slot_count)

    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        response = client.get(session.get_absolute_url())

    assert response.text.count('class="agenda-item') == slot_count


@pytest.mark.parametrize("slot_count", [4, 50, 500])
def test_event_home_and_speaker_pages_query_counts_are_fixed(
    client, django_assert_num_queries, slot_count
):
    session, speaker = build_session(slot_count)
    SessionFactory.create_batch(3, event=session.event, published=True)

    # the event, its sessions, its organisers and partners, its people with their
    # affiliations (one joined query), its latest changes
    with django_assert_num_queries(5):
        client.get(session.event.get_absolute_url())
    with django_assert_num_queries(2):  # events, their sessions
        client.get("/")
    with django_assert_num_queries(3):  # the person, affiliations, sessions
        client.get(speaker.get_absolute_url())
    with django_assert_num_queries(4):  # the event they appear in, then as above
        client.get(f"{session.event.get_absolute_url()}people/{speaker.slug}/")


# Queries of each public page with the demo loaded, taking requests for a place,
# beside a published 500-slot session (manage.py load_large_session), as the
# benchmark serves them: at most five, whatever the agenda's length.
PUBLIC_PAGE_QUERIES = {
    # the session with its event and request settings; slots with their people's
    # ids; roles; people with affiliations; changes
    DEMO_URL: 5,
    "/events/engaging-civil-society-cybercrime/long-agenda/": 5,
    # the event, its sessions, organisers and partners, people, latest changes
    "/events/engaging-civil-society-cybercrime/": 5,
    "/": 2,  # events, their sessions
    "/speakers/nnenna-ifeanyi-ajufo/": 3,  # the person, affiliations, sessions
    # the event the person appears in, then as above
    "/events/engaging-civil-society-cybercrime/people/nnenna-ifeanyi-ajufo/": 4,
}


@pytest.mark.parametrize(("url", "queries"), PUBLIC_PAGE_QUERIES.items())
def test_public_pages_take_at_most_five_queries_on_the_demo_and_a_long_agenda(
    client, demo, django_assert_num_queries, url, queries
):
    RequestSettingsFactory(session=demo, requests_open=True)
    demo.publish()
    demo.save()
    call_command("load_large_session", slots=500, stdout=StringIO())

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert queries <= 5
    if url == DEMO_URL:
        assert "Request a place" in response.text
    if "long-agenda" in url:
        assert response.text.count('class="agenda-item') == 500


def test_contribution_is_announced_once_at_the_first_slot_its_speaker_is_on_stage(client):
    session = SessionFactory(published=True)
    role = SessionRoleFactory(session=session, contribution="will open the debate.")
    for start, title in ((time(9, 0), "Panel"), (time(10, 0), "Questions")):
        slot = AgendaSlotFactory(
            session=session, start=start, end=time(start.hour, 50), title=title
        )
        slot.speakers.add(role.speaker)

    text = visible_text(client.get(session.get_absolute_url()))

    assert text.count("will open the debate.") == 1
    assert_in_order(text, ["Panel", "will open the debate.", "Questions"])


def test_session_page_leads_back_to_its_event_from_the_site_navigation(client, demo):
    response = client.get(DEMO_URL)

    nav = response.text.split('<nav aria-label="Site">', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/events/engaging-civil-society-cybercrime/">' in nav
