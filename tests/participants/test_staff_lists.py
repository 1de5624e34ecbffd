import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from participants.models import ParticipantRequest
from tests.factories import ParticipantRequestFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = ParticipantRequest.Status


def sign_in_url(session):
    return f"/events/{session.event.slug}/{session.slug}/participants/sign-in/"


def csv_url(session):
    return f"/events/{session.event.slug}/{session.slug}/participants.csv"


def user_in(group_name):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def selection(session):
    """Three selected (typed in no particular order and case) and one who was not."""
    for name, organisation in [
        ("zoë Zimmer", "Zed Institute"),
        ("Ada Adams", "Rights Watch"),
        ("bo Brown", "=HYPERLINK(evil)"),
    ]:
        ParticipantRequestFactory(
            session=session, name=name, organisation=organisation, status=Status.SELECTED
        )
    ParticipantRequestFactory(session=session, name="Not Chosen", status=Status.DECLINED)
    return session


@pytest.mark.parametrize("url", [sign_in_url, csv_url])
def test_anonymous_visitors_are_sent_to_log_in(client, selection, url):
    response = client.get(url(selection))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", [sign_in_url, csv_url])
def test_logged_in_without_the_permission_is_forbidden(client, selection, url):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(url(selection)).status_code == 403


@pytest.mark.parametrize("group", ["Organisers", "Participant managers"])
@pytest.mark.parametrize("url", [sign_in_url, csv_url])
def test_members_of_the_participant_groups_may_see_the_lists(client, selection, url, group):
    client.force_login(user_in(group))

    assert client.get(url(selection)).status_code == 200


def test_the_permission_alone_is_enough(client, selection):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_participant_list"))
    client.force_login(user)

    assert client.get(sign_in_url(selection)).status_code == 200


def test_unknown_session_is_404_for_staff(organiser_client, session):
    url = f"/events/{session.event.slug}/no-such-session/participants/sign-in/"

    assert organiser_client.get(url).status_code == 404


def test_sign_in_sheet_lists_selected_participants_alphabetically(organiser_client, selection):
    response = organiser_client.get(sign_in_url(selection))

    rows = [(p.name, p.organisation) for p in response.context["participants"]]
    assert rows == [
        ("Ada Adams", "Rights Watch"),
        ("bo Brown", "=HYPERLINK(evil)"),
        ("zoë Zimmer", "Zed Institute"),
    ]
    text = response.text
    assert text.index("Ada Adams") < text.index("bo Brown") < text.index("zoë Zimmer")
    assert "Not Chosen" not in text
    assert '<th scope="col" class="sign-in-signature">Signature</th>' in text
    assert text.count('<td class="sign-in-signature"></td>') == 3
    assert "3 selected participants" in text
    assert "Date to be confirmed" in text
    assert "/static/css/participants-print.css" in text
    assert "no-store" in response["Cache-Control"]


def test_print_stylesheet_hides_the_site_chrome(settings):
    css = (settings.BASE_DIR / "static/css/participants-print.css").read_text()
    assert "@media print" in css
    assert ".site-header, .site-footer" in css


def test_sign_in_sheet_works_for_a_draft_session(organiser_client):
    draft = SessionFactory()
    ParticipantRequestFactory(session=draft, name="Early Bird", status=Status.SELECTED)

    response = organiser_client.get(sign_in_url(draft))

    assert "Early Bird" in response.text


def test_csv_has_the_selected_participants_in_order_and_defuses_formulas(
    organiser_client, selection
):
    response = organiser_client.get(csv_url(selection))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{selection.event.slug}-{selection.slug}-participants.csv"'
    )
    assert response.content.startswith("\ufeff".encode())  # read as UTF-8 by spreadsheets
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Email", "Organisation", "Field of expertise"]
    assert [row[0] for row in rows[1:]] == ["Ada Adams", "bo Brown", "zoë Zimmer"]
    assert rows[2][2] == "'=HYPERLINK(evil)"
    assert rows[1][1].endswith("@example.org")
    assert "no-store" in response["Cache-Control"]
