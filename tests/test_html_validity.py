"""Every page is valid HTML by the Nu Html Checker (vnu.jar from npm, run with Java).

The pages are fetched with the test client and checked in one java call: the JVM
takes a few seconds to start, the checking itself is quick.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from participants import links
from tests.factories import ParticipantRequestFactory, UserFactory

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist"
VNU_JAR /= "vnu.jar"


def run_vnu(paths):
    """vnu's messages for the files; errors make it exit 1, which is no failure here."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not installed: run scripts/install-node-tools (make test does).")
    if not VNU_JAR.exists():
        pytest.fail("vnu-jar is not installed: run scripts/install-node-tools (make test does).")
    result = subprocess.run(  # noqa: S603 (our own jar and files, no shell)
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return json.loads(result.stdout)["messages"]


def is_error(message):
    # "non-document-error" is vnu failing to read a file, which must not pass either.
    return message["type"] in {"error", "non-document-error"} or message.get("subType") == "fatal"


@pytest.mark.django_db
def test_every_page_is_valid_html(client, demo_session, tmp_path):
    participant = ParticipantRequestFactory(session=demo_session, status="selected")
    staff = UserFactory()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_runofshow", "view_participant_list"])
    )
    args = [demo_session.event.slug, demo_session.slug]
    public = {
        "home": reverse("agenda:home"),
        "event": demo_session.event.get_absolute_url(),
        "session": demo_session.get_absolute_url(),
        "speaker": reverse("speaker", args=["nnenna-ifeanyi-ajufo"]),
        "privacy": reverse("privacy"),
        "request-form": reverse("participants:request", args=args),
        "login": reverse("login"),
    }
    for_staff = {
        "run-of-show": reverse("agenda:run_of_show", args=args),
        "run-of-show-compact": reverse("agenda:run_of_show_compact", args=args),
        "cue-cards": reverse("agenda:run_of_show_cards", args=args),
        "sign-in-sheet": reverse("participants:sign_in", args=args),
        "live-control": reverse("agenda:live_control", args=args),
        "as-run": reverse("agenda:as_run", args=args),
    }
    pages = {}
    for name, url in public.items():
        pages[name] = client.get(url)
    # The form as it comes back with an error on every field.
    pages["request-form-errors"] = client.post(public["request-form"], {})
    pages["request-sent"] = client.get(reverse("participants:request_sent", args=args))
    # The participant's own page, through the signed link of their emails.
    change = links.change_path(participant)
    pages["request-change"] = client.get(change)
    pages["request-change-errors"] = client.post(change, {"name": "", "organisation": ""})
    pages["request-link-invalid"] = client.get(change[:-3] + "x/")
    pages["request-withdrawn"] = client.get(reverse("participants:request_withdrawn", args=args))
    statuses = {"request-link-invalid": 400}
    client.force_login(staff)
    for name, url in for_staff.items():
        pages[name] = client.get(url)
    files = {}
    for name, response in pages.items():
        assert response.status_code == statuses.get(name, 200), name
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)

    messages = run_vnu(files.values())

    errors = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if is_error(m)
    ]
    assert errors == []
