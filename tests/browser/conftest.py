"""Browser tests: headless Chromium from Debian's package (scripts/install-browser).

Playwright's own browser download cannot run here, so the launch points at the
system's chromium. Playwright's sync API runs an event loop in the test's thread;
Django then refuses ORM calls from that thread unless told that this is safe,
which it is: the test and the live server use the database one at a time.
"""

import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS

from tests.factories import UserFactory


@pytest.fixture(scope="session", autouse=True)
def database_before_browser(django_db_setup):
    """Set up the test database before Playwright starts, and tear it down after."""


@pytest.fixture(scope="module", autouse=True)
def allow_sync_orm_beside_playwright():
    # For the browser test modules only, from before their first test until after
    # the last one's database flush. Set for the whole process, it would also
    # reach `manage.py check --deploy` in tests/test_security.py, which rightly
    # refuses it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def permissions_present(transactional_db):
    """Content types and permissions exist, whatever test ran before.

    A transactional test with serialized_rollback empties the tables without
    making them again (its successor reloads the serialized copy); a browser test
    cannot use that copy (see staff_user), so it makes them itself when missing.
    """
    if not Permission.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run scripts/install-browser (make test does).")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def base_url(django_db_setup, live_server):
    """Pages open relative to pytest-django's live server.

    This also stands in for pytest-playwright's own fallback fixture, which
    pytest 9 flags as deprecated (a session fixture on a plugin instance).
    The test database comes first: the live server hands its in-memory SQLite
    connection to its request threads only if that database exists when it starts.
    """
    return live_server.url


@pytest.fixture
def staff_user(django_user_model):
    """A user who holds agenda.view_runofshow directly.

    Not through the "Event staff" group: that group comes from a data migration,
    and these transactional tests empty the tables after each test. Django's
    serialized rollback cannot bring it back here: once Playwright runs, Django
    sees a running event loop in this thread and hands the test a connection
    other than the one that the test database was set up and serialized with.
    Permissions themselves are made again after each flush (post_migrate).
    """
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="agenda", codename="view_runofshow")
    )
    return user


@pytest.fixture
def log_in(client, live_server):
    """Log a user in to the live server in the page's browser context."""

    def log_in(page, user):
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )

    return log_in


# ---- Accessibility: axe-core from node_modules/ (scripts/install-node-tools) ----

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules the site promises to meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

AXE_RUN = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(
    result => result.violations.map(rule => ({
        rule: rule.id,
        help: rule.help,
        nodes: rule.nodes.map(node => node.target.join(" ") + ": " + node.failureSummary),
    }))
)"""


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        pytest.fail("axe-core is not installed: run scripts/install-node-tools (make test does).")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def axe_violations(axe_source):
    """The WCAG 2.2 A/AA violations that axe-core finds on the page as it is now.

    axe is evaluated through the DevTools protocol (page.evaluate), which page
    CSP does not govern. page.add_script_tag(path=...) would insert an inline
    <script> and our CSP (script-src 'self' plus a nonce) rightly blocks it; a
    context with bypass_csp=True would also switch CSP off for the page's own
    scripts and styles, so axe would judge a page that users never get.
    """

    def violations(page):
        page.evaluate(axe_source)
        return page.evaluate(AXE_RUN, WCAG_TAGS)

    return violations


AXE_RUN_WITHIN = """([tags, selector, skipped]) => axe.run(
    {include: [selector]},
    {runOnly: {type: "tag", values: tags},
     rules: Object.fromEntries(skipped.map(rule => [rule, {enabled: false}]))}
).then(result => result.violations.map(rule => ({
    rule: rule.id,
    help: rule.help,
    nodes: rule.nodes.map(node => node.target.join(" ") + ": " + node.failureSummary),
})))"""


@pytest.fixture
def axe_violations_within(axe_source):
    """As axe_violations, for the part of the page that `selector` picks, with the
    axe rules named in `skipped` left out (say why where it is used)."""

    def violations(page, selector, skipped=()):
        page.evaluate(axe_source)
        return page.evaluate(AXE_RUN_WITHIN, [WCAG_TAGS, selector, list(skipped)])

    return violations
