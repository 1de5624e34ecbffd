"""The benchmark's own pages (eventsite/bench_urls.py), which make bench compares ours with."""

from datetime import time

import pytest

from tests.factories import AgendaSlotFactory, SpeakerFactory
from tests.helpers import dated_session

pytestmark = pytest.mark.urls("eventsite.bench_urls")


@pytest.mark.parametrize("slots", [2, 20])
def test_minimal_agenda_lists_slots_and_people_in_three_queries(
    client, db, django_assert_num_queries, slots
):
    session = dated_session()
    for number in range(slots):
        slot = AgendaSlotFactory(
            session=session, start=time(9, number), end=time(9, number + 1), title=f"Item {number}"
        )
        slot.speakers.add(SpeakerFactory(name=f"Person {number}"))

    with django_assert_num_queries(3):
        response = client.get(f"/bench/agenda/{session.event.slug}/{session.slug}/")

    page = response.content.decode()
    assert session.title in page
    assert "<time>09:00</time>–<time>09:01</time> Item 0" in page
    assert f"<li>Person {slots - 1}</li>" in page


def test_fixed_page_is_ten_kilobytes(client, db):
    response = client.get("/bench/fixed/")

    assert response.status_code == 200
    assert 10_000 < len(response.content) < 10_500
