from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.models import ParticipantRequest
from tests.factories import ParticipantRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_by_age():
    today = timezone.localdate()
    return {
        "old": ParticipantRequestFactory(session__date=today - timedelta(days=91)),
        "recent": ParticipantRequestFactory(session__date=today - timedelta(days=90)),
        "future": ParticipantRequestFactory(session__date=today + timedelta(days=10)),
        "tbc": ParticipantRequestFactory(session__date=None),
    }


def purge(*args):
    out = StringIO()
    call_command("purge_participant_requests", *args, stdout=out)
    return out.getvalue()


def remaining():
    return set(ParticipantRequest.objects.values_list("pk", flat=True))


def test_purge_deletes_requests_more_than_90_days_after_the_session(requests_by_age):
    output = purge()

    kept = {requests_by_age[key].pk for key in ("recent", "future", "tbc")}
    assert remaining() == kept
    assert "Deleted 1 request(s)" in output


def test_purge_keeps_requests_of_sessions_without_a_date(requests_by_age):
    purge("--days", "0")

    assert requests_by_age["tbc"].pk in remaining()
    assert requests_by_age["recent"].pk not in remaining()


def test_purge_takes_the_number_of_days(requests_by_age):
    purge("--days", "200")

    assert len(remaining()) == 4


def test_dry_run_deletes_nothing_and_says_how_many(requests_by_age):
    output = purge("--days", "0", "--dry-run")

    assert len(remaining()) == 4
    assert "Dry run: 2 request(s)" in output
    assert "Nothing was deleted" in output
