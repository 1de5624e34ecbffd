import hashlib
import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from participants import ratelimit
from participants.models import ParticipantRequest, RateLimitCounter
from tests.factories import ParticipantRequestFactory, RequestSettingsFactory, SessionFactory
from tests.helpers import request_url

pytestmark = pytest.mark.django_db


def valid_data(**overrides):
    return {
        "name": "Ada Example",
        "email": "ada@example.org",
        "organisation": "Digital Rights Watch",
        "expertise": "digital rights",
        "motivation": "I follow the UN cybercrime process for our organisation.",
        "consent": "on",
        "website": "",
        **overrides,
    }


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_form_offers_the_sessions_fields_of_expertise_and_other(client, open_session):
    response = client.get(request_url(open_session))

    choices = [value for value, _ in response.context["form"].fields["expertise"].choices]
    assert choices == ["", "digital rights", "cyber policy", "law", "Other"]
    assert 'href="/privacy/"' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "/static/css/forms.css" in response.text
    assert "style=" not in response.text.split("<main", 1)[1]


def test_valid_request_is_saved_confirmed_by_email_and_redirects(
    client, open_session, send_queued_email
):
    response = client.post(request_url(open_session), valid_data())

    assert response.status_code == 302
    assert response["Location"] == request_url(open_session) + "sent/"
    saved = ParticipantRequest.objects.get()
    assert (saved.session, saved.name, saved.email, saved.expertise, saved.status) == (
        open_session,
        "Ada Example",
        "ada@example.org",
        "digital rights",
        ParticipantRequest.Status.REQUESTED,
    )
    assert saved.consent_at is not None
    send_queued_email()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "We have received your request" in mail.outbox[0].subject
    assert "Dear Ada Example" in mail.outbox[0].body
    sent_page = client.get(response["Location"])
    assert "Your request for a place has been received" in sent_page.text
    assert "ada@example.org" not in sent_page.text


def test_other_is_an_accepted_field_of_expertise(client, open_session):
    client.post(request_url(open_session), valid_data(expertise="Other"))

    assert ParticipantRequest.objects.get().expertise == "Other"


def test_confirmation_email_is_plain_text_not_html_escaped(client, open_session, send_queued_email):
    client.post(request_url(open_session), valid_data(name="Seán O'Brien & co"))

    send_queued_email()
    assert "Dear Seán O'Brien & co," in mail.outbox[0].body


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("name", "Name is required."),
        ("email", "Email is required."),
        ("organisation", "Organisation is required."),
        ("expertise", "Field of expertise: choose one from the list."),
        ("motivation", "Motivation is required."),
    ],
)
def test_each_required_field_names_itself_when_empty(client, open_session, field, message):
    response = client.post(request_url(open_session), valid_data(**{field: ""}))

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert message in response.text
    assert not ParticipantRequest.objects.exists()


def test_consent_is_required(client, open_session):
    data = valid_data()
    del data["consent"]

    response = client.post(request_url(open_session), data)

    assert field_errors(response, "consent") == [
        "Consent: tick the box to agree to the processing of your data; "
        "without it we cannot consider your request."
    ]
    assert not ParticipantRequest.objects.exists()
    assert mail.outbox == []


def test_invalid_email_is_refused_with_an_example(client, open_session):
    response = client.post(request_url(open_session), valid_data(email="ada-at-example"))

    assert field_errors(response, "email") == [
        "Email: enter a valid address such as name@example.org."
    ]


def test_expertise_not_in_the_sessions_list_is_refused(client, open_session):
    response = client.post(request_url(open_session), valid_data(expertise="astrology"))

    assert field_errors(response, "expertise") == [
        "Field of expertise: “astrology” is not one of the choices."
    ]


def test_motivation_longer_than_the_limit_is_refused_with_both_numbers(client, open_session):
    response = client.post(request_url(open_session), valid_data(motivation="x" * 1001))

    assert field_errors(response, "motivation") == [
        "Motivation: at most 1000 characters (it has 1001)."
    ]
    assert 'maxlength="1000"' in response.text


def test_invalid_form_keeps_what_was_typed(client, open_session):
    response = client.post(
        request_url(open_session), valid_data(email="not-an-address", expertise="law")
    )

    assert 'value="Ada Example"' in response.text
    assert 'value="not-an-address"' in response.text
    assert 'value="Digital Rights Watch"' in response.text
    assert '<option value="law" selected>' in response.text
    assert "I follow the UN cybercrime process for our organisation." in response.text
    consent_input = re.search(r'<input type="checkbox" name="consent"[^>]*>', response.text)
    assert "checked" in consent_input.group()
    assert "Please correct the 1 field marked below" in response.text


def test_repeated_email_in_another_case_changes_nothing_and_resends_the_link(
    client, open_session, send_queued_email
):
    client.post(request_url(open_session), valid_data())

    client.post(
        request_url(open_session),
        valid_data(email="ADA@Example.ORG", organisation="New Organisation", expertise="law"),
    )

    saved = ParticipantRequest.objects.get()
    assert (saved.email, saved.organisation, saved.expertise) == (
        "ada@example.org",
        "Digital Rights Watch",
        "digital rights",
    )
    send_queued_email()
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["ada@example.org"]]
    assert "/requests/" in mail.outbox[1].body


def test_repeated_request_keeps_the_organisers_decision_and_the_details(client, open_session):
    earlier = ParticipantRequestFactory(
        session=open_session,
        name="Ada",
        email="ada@example.org",
        status=ParticipantRequest.Status.SELECTED,
    )

    client.post(request_url(open_session), valid_data())

    earlier.refresh_from_db()
    assert earlier.status == ParticipantRequest.Status.SELECTED
    assert earlier.name == "Ada"


def test_the_same_email_may_ask_for_two_sessions(client, open_session):
    other = RequestSettingsFactory(session__event=open_session.event).session

    client.post(request_url(open_session), valid_data(expertise="Other"))
    client.post(request_url(other), valid_data(expertise="Other"))

    assert ParticipantRequest.objects.count() == 2


def test_filled_honeypot_saves_nothing_and_answers_like_a_real_request(client, open_session):
    response = client.post(request_url(open_session), valid_data(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == request_url(open_session) + "sent/"
    assert not ParticipantRequest.objects.exists()
    assert mail.outbox == []


def test_honeypot_is_hidden_by_a_class_from_the_sites_stylesheet(client, open_session, settings):
    response = client.get(request_url(open_session))

    assert re.search(
        r'class="form-trap"\s+aria-hidden="true">\s*<div id="div_id_website"', response.text
    )
    css = (settings.BASE_DIR / "static/css/forms.css").read_text()
    assert ".form-trap {" in css


def test_rate_limit_per_client_answers_429_after_the_limit(client, open_session):
    limit, _ = ratelimit.PER_CLIENT

    statuses = [
        client.post(request_url(open_session), valid_data(email=f"p{n}@example.org")).status_code
        for n in range(limit + 1)
    ]

    assert statuses == [302] * limit + [429]
    assert ParticipantRequest.objects.count() == limit


def test_rate_limit_per_email_answers_429_from_any_address(client, open_session, send_queued_email):
    limit, _ = ratelimit.PER_EMAIL

    statuses = [
        client.post(request_url(open_session), valid_data(), REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(limit + 1)
    ]

    assert statuses == [302] * limit + [429]
    send_queued_email()
    assert len(mail.outbox) == limit


def test_429_page_explains_and_asks_to_wait(client, open_session):
    limit, _ = ratelimit.PER_EMAIL
    for _ in range(limit):
        client.post(request_url(open_session), valid_data())

    response = client.post(request_url(open_session), valid_data())

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests" in response.text
    assert "Please wait an hour and try again" in response.text


def test_draft_session_refuses_requests_with_404(client, organiser_client):
    draft = SessionFactory()
    RequestSettingsFactory(session=draft)

    assert client.get(request_url(draft)).status_code == 404
    assert client.post(request_url(draft), valid_data()).status_code == 404
    assert organiser_client.get(request_url(draft)).status_code == 404
    assert not ParticipantRequest.objects.exists()


def test_session_without_request_settings_says_requests_are_closed(client, session):
    response = client.get(request_url(session))

    assert response.status_code == 200
    assert "Requests for a place are closed" in response.text
    assert "form" not in response.context


def test_switched_off_requests_refuse_a_post_with_a_clear_message(client, session):
    RequestSettingsFactory(session=session, requests_open=False)

    response = client.post(request_url(session), valid_data())

    assert "The organisers are not taking requests for a place" in response.text
    assert not ParticipantRequest.objects.exists()


def test_requests_close_after_the_closing_day(client, session):
    yesterday = timezone.localdate() - timedelta(days=1)
    RequestSettingsFactory(session=session, closes_on=yesterday)

    response = client.post(request_url(session), valid_data())

    assert f"Requests for this session closed on {yesterday:%-d %B %Y}" in response.text
    assert not ParticipantRequest.objects.exists()


def test_requests_are_accepted_on_the_closing_day(client, session):
    RequestSettingsFactory(session=session, closes_on=timezone.localdate())

    response = client.post(request_url(session), valid_data())

    assert response.status_code == 302
    assert ParticipantRequest.objects.count() == 1


def test_form_page_is_never_cached(client, open_session):
    response = client.get(request_url(open_session))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_rate_limit_keys_are_keyed_hashes_not_plain_ones(open_session):
    ratelimit.hit(scope="email", value="ada@example.org", rate=(5, 60))

    # A plain hash of a known address could be looked up in the store; a keyed one cannot.
    plain = hashlib.sha256(b"email:ada@example.org").hexdigest()
    assert not RateLimitCounter.objects.filter(key__contains=plain).exists()
    assert not ratelimit.hit(scope="email", value="ada@example.org", rate=(1, 60))  # still counted


def test_one_address_in_several_spellings_makes_one_request(client, open_session):
    for spelling in ("ada@bücher.example", "ADA@xn--bcher-kva.example", "Ada@BU\u0308CHER.example"):
        client.post(request_url(open_session), valid_data(email=spelling))

    saved = ParticipantRequest.objects.get()
    assert saved.email_normalised == "ada@xn--bcher-kva.example"


def test_rate_limit_per_email_counts_every_spelling_of_the_address(client, open_session):
    limit, _ = ratelimit.PER_EMAIL
    spellings = ["ada@bücher.example", "ADA@xn--bcher-kva.example", "Ada@BU\u0308CHER.example"]

    statuses = [
        client.post(
            request_url(open_session),
            valid_data(email=spellings[n % len(spellings)]),
            REMOTE_ADDR=f"192.0.2.{n}",
        ).status_code
        for n in range(limit + 1)
    ]

    assert statuses == [302] * limit + [429]


def test_cancelled_session_refuses_requests_with_a_clear_message(client, open_session):
    open_session.cancelled = True
    open_session.save()

    page = client.get(request_url(open_session))
    response = client.post(request_url(open_session), valid_data())

    assert "This session has been cancelled" in page.text
    assert "form" not in page.context
    assert "This session has been cancelled" in response.text
    assert not ParticipantRequest.objects.exists()
    assert mail.outbox == []
    assert "Request a place" not in client.get(open_session.get_absolute_url()).text


@pytest.mark.parametrize(
    "when",
    [
        {"date": timezone.localdate() - timedelta(days=2)},
        # Today, but already under way in its own zone.
        {
            "date": timezone.now().date(),
            "start_time": time(0, 0),
            "end_time": time(23, 59),
            "time_zone": "UTC",
        },
    ],
    ids=["day-over", "under-way"],
)
def test_past_or_started_session_refuses_requests(client, open_session, when):
    for field, value in when.items():
        setattr(open_session, field, value)
    open_session.save()

    page = client.get(request_url(open_session))
    response = client.post(request_url(open_session), valid_data())

    assert "This session has taken place or is under way" in page.text
    assert "form" not in page.context
    assert "This session has taken place or is under way" in response.text
    assert not ParticipantRequest.objects.exists()
    assert "Request a place" not in client.get(open_session.get_absolute_url()).text


def test_session_tomorrow_still_takes_requests(client, open_session):
    open_session.date = timezone.localdate() + timedelta(days=1)
    open_session.save()

    assert client.post(request_url(open_session), valid_data()).status_code == 302
