"""Security settings as seen from outside: headers, CSP, deploy checks, login throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.helpers import DEMO_URL

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_checks_report_nothing_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")},
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "events.example.org",
        "HTTPS": "1",
        "EMAIL_URL": "smtp://mail.example.org:587",
        # A database as production has one: the checks ask it whether it stores JSON
        # (the task queue's table), and a fresh clone has no data/ folder yet.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env |= {"ALLOWED_HOSTS": "events.example.org", "DJANGO_SETTINGS_MODULE": "eventsite.settings"}

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT / "tests",  # away from the checkout's git-ignored .env
        env=env | {"PYTHONPATH": str(ROOT), "DJANGO_READ_DOT_ENV": "0"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_pages_send_the_security_headers(client, demo):
    response = client.get(DEMO_URL)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
OTHER_HOST = re.compile(
    r'<(?:script|img|iframe)[^>]+src="(?:https?:)?//'
    r'|<link(?![^>]*rel="(?:canonical|alternate)")[^>]+href="(?:https?:)?//',
    re.I,
)


def assert_obeys_the_policy(url, response):
    html = response.text
    assert response.status_code == 200, url
    assert "Content-Security-Policy" in response, url
    assert not INLINE_SCRIPT.search(html), f"inline script on {url}"
    assert not INLINE_STYLE.search(html), f"inline style on {url}"
    assert not EVENT_HANDLER.search(html), f"inline event handler on {url}"
    assert not OTHER_HOST.search(html), f"resource from another host on {url}"


def test_every_public_page_obeys_the_content_security_policy(client, demo):
    urls = [
        "/",
        demo.event.get_absolute_url(),
        DEMO_URL,
        "/speakers/patryk-pawlak/",
        "/privacy/",
        "/accounts/login/",
    ]

    for url in urls:
        assert_obeys_the_policy(url, client.get(url))


def test_every_admin_page_an_organiser_uses_obeys_the_policy(organiser_client, demo):
    speaker = demo.roles.first().speaker
    urls = [
        "/admin/",
        "/admin/agenda/session/",
        f"/admin/agenda/session/{demo.pk}/change/",
        "/admin/agenda/session/add/",
        f"/admin/agenda/session/{demo.pk}/shift-agenda/",
        f"/admin/agenda/session/{demo.pk}/paste-agenda/",
        f"/admin/speakers/speaker/{speaker.pk}/change/",
        "/admin/agenda/event/",
    ]

    for url in urls:
        assert_obeys_the_policy(url, organiser_client.get(url))


def login(client, username, password, address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


HERE, ELSEWHERE = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", is_staff=True, password="the right one 1815")


@pytest.fixture
def grace(db):
    return UserFactory(username="grace", is_staff=True, password="another right one 1906")


def fail(username, address, times, url="/admin/login/?next=/admin/"):
    for _ in range(times):
        Client().post(url, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_wrong_passwords_from_one_address_lock_the_account_there_only(ada, grace):
    for _ in range(4):
        refused = login(Client(), "ada", "wrong", HERE)
        assert refused.status_code == 200  # the login form again, with its error
    fifth = login(Client(), "ada", "wrong", HERE)
    locked = login(Client(), "ada", "the right one 1815", HERE)
    from_elsewhere = login(Client(), "ada", "the right one 1815", ELSEWHERE)
    other_account_here = login(Client(), "grace", "another right one 1906", HERE)

    assert fifth.status_code == 429
    assert locked.status_code == 429
    assert from_elsewhere.status_code == 302  # a stranger cannot lock her out everywhere
    assert other_account_here.status_code == 302  # nor everyone who shares the address


def test_one_address_trying_many_user_names_is_stopped(settings, grace):
    names = [f"guess{n}" for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT)]
    assert len(names) > settings.AXES_FAILURE_LIMIT
    for name in names:
        fail(name, HERE, 1)

    here = login(Client(), "grace", "another right one 1906", HERE)
    elsewhere = login(Client(), "grace", "another right one 1906", ELSEWHERE)

    assert here.status_code == 429
    assert elsewhere.status_code == 302


def test_a_success_does_not_reset_what_the_address_tried_for_other_accounts(settings, grace):
    fail("ada", HERE, settings.AXES_FAILURE_LIMIT - 1)
    login(Client(), "grace", "another right one 1906", HERE)

    fifth = login(Client(), "ada", "wrong", HERE)

    assert fifth.status_code == 429


@pytest.mark.parametrize("url", ["/admin/login/?next=/admin/", "/accounts/login/"])
def test_the_lockout_page_is_the_sites_own_and_says_when_to_try_again(settings, ada, url):
    fail("ada", HERE, settings.AXES_FAILURE_LIMIT, url)

    page = Client().post(
        url, {"username": "ada", "password": "the right one 1815"}, REMOTE_ADDR=HERE
    )

    assert page.status_code == 429
    assert {"registration/lockout.html", "base.html"} <= {t.name for t in page.templates}
    assert '<a class="site-name" href="/">Events</a>' in page.text  # the site's own header
    assert "<h1>Too many failed logins</h1>" in page.text
    assert "Try again in 1 hour." in page.text
    assert "PT1H" not in page.text
    assert '<meta name="robots" content="noindex">' in page.text
    assert "Content-Security-Policy" in page
    assert not INLINE_STYLE.search(page.text)
    assert not INLINE_SCRIPT.search(page.text)


def test_an_organiser_lifts_a_lockout_in_the_admin(settings, ada, organiser_client):
    from axes.models import AccessAttempt

    fail("ada", HERE, settings.AXES_FAILURE_LIMIT)
    assert login(Client(), "ada", "the right one 1815", HERE).status_code == 429
    listed = organiser_client.get("/admin/axes/accessattempt/", {"q": HERE})

    lifted = organiser_client.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert listed.status_code == 200
    assert "ada" in listed.text
    assert lifted.status_code == 302
    assert login(Client(), "ada", "the right one 1815", HERE).status_code == 302


def test_event_staff_without_staff_status_log_in_on_the_site_and_reach_the_run_of_show(demo):
    from django.contrib.auth.models import Group

    member = UserFactory(username="stagehand", password="a long pass phrase 2026")
    member.groups.add(Group.objects.get(name="Event staff"))
    run_of_show = DEMO_URL + "run-of-show/"
    client = Client()

    sent_to_log_in = client.get(run_of_show)
    logged_in = client.post(
        sent_to_log_in["Location"],
        {"username": "stagehand", "password": "a long pass phrase 2026", "next": run_of_show},
        follow=True,
    )

    assert sent_to_log_in["Location"].startswith("/accounts/login/")
    assert logged_in.redirect_chain[-1][0] == run_of_show
    assert "Closing remarks" in logged_in.text
    assert client.get("/admin/").status_code == 302  # the admin stays closed to them


def test_logging_in_without_a_next_page_lands_on_the_home_page(db):
    UserFactory(username="stagehand", password="a long pass phrase 2026")

    response = Client().post(
        "/accounts/login/",
        {"username": "stagehand", "password": "a long pass phrase 2026"},
        follow=True,
    )

    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
