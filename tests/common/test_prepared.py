"""Prepared queries (common/prepared.py): compiled once, run with each call's values,
and giving what the ORM gives."""

import threading
from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from common.prepared import PreparedQuery
from sessions.models import AgendaSlot, Session
from tests.factories import AgendaSlotFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def slots_with_session(session):
    return (
        AgendaSlot.objects.filter(session=session)
        .select_related("session__event")
        .annotate(people=models.Count("speakers"))
        .order_by("start")
    )


@pytest.fixture
def two_sessions():
    sessions = SessionFactory.create_batch(2)
    for session, hour in zip(sessions, (9, 14), strict=True):
        AgendaSlotFactory(session=session, start=time(hour, 30), end=time(hour + 1))
        slot = AgendaSlotFactory(session=session, start=time(hour), end=time(hour, 30))
        slot.speakers.add(SpeakerFactory(), SpeakerFactory())
    return sessions


def as_seen(slots):
    """What a page reads of the slots: fields, the joined session and event, annotations."""
    return [
        (slot.pk, slot.start, slot.title, slot.updated_at, slot.people, slot.session.event.title)
        for slot in slots
    ]


def test_each_call_gives_what_the_orm_gives_for_its_values(two_sessions):
    prepared = PreparedQuery(slots_with_session, session=int)

    for session in two_sessions:
        found = prepared(session=session.pk)
        assert as_seen(found) == as_seen(slots_with_session(session.pk))
        assert [slot.session_id for slot in found] == [session.pk, session.pk]
        assert found[0].people == 2  # the annotation, per row
        assert found[0].updated_at.tzinfo is not None  # the columns' converters ran


def test_the_query_is_put_together_once_and_each_call_is_one_query(two_sessions, monkeypatch):
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counting(compiler, *args, **kwargs):
        compiled.append(compiler.query.model)
        return as_sql(compiler, *args, **kwargs)

    prepared = PreparedQuery(slots_with_session, session=int)
    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with CaptureQueriesContext(connection) as queries:
        for session in [*two_sessions, *two_sessions]:
            prepared(session=session.pk)

    assert len(queries) == 4
    assert compiled == [AgendaSlot]


def test_text_parameters_and_no_rows(two_sessions):
    session = two_sessions[1]
    prepared = PreparedQuery(
        lambda event, session: Session.objects.filter(event__slug=event, slug=session),
        event=str,
        session=str,
    )

    assert prepared(event=session.event.slug, session=session.slug) == [session]
    assert prepared(event=session.event.slug, session="no-such-session") == []
    assert prepared(event="no-such-event", session=session.slug) == []


def test_values_list_rows_come_as_tuples(two_sessions):
    prepared = PreparedQuery(
        lambda session: (
            AgendaSlot.objects.filter(session=session)
            .order_by("start")
            .values_list("start", "title")
        ),
        session=int,
    )

    session = two_sessions[0]
    assert prepared(session=session.pk) == list(
        AgendaSlot.objects.filter(session=session).order_by("start").values_list("start", "title")
    )


@pytest.mark.parametrize(
    "build",
    [
        # The value is changed before it reaches SQL ("%value%"): not one parameter.
        lambda title: AgendaSlot.objects.filter(title__icontains=title),
        # The value is not used at all: each call would run the same query.
        lambda title: AgendaSlot.objects.filter(title="Opening"),
    ],
    ids=["transformed", "unused"],
)
def test_a_parameter_that_is_not_one_sql_parameter_is_refused(db, build):
    prepared = PreparedQuery(build, title=str)

    with pytest.raises(ImproperlyConfigured, match=r"\['title'\] are not plain SQL parameters"):
        prepared(title="Opening")


def test_calls_name_exactly_the_declared_values_and_types_are_int_or_str(db):
    prepared = PreparedQuery(slots_with_session, session=int)

    with pytest.raises(TypeError, match="expected values for"):
        prepared(sesion=1)
    with pytest.raises(TypeError, match=r"wrong type for \['session'\]"):
        prepared(session="1")  # would reach the database as text, past the field
    with pytest.raises(ImproperlyConfigured, match="must be int or str"):
        PreparedQuery(slots_with_session, session=float)


def test_a_query_that_finds_nothing_whatever_its_values_is_refused_with_a_reason(db):
    prepared = PreparedQuery(
        lambda session: AgendaSlot.objects.filter(session=session).none(), session=int
    )

    with pytest.raises(ImproperlyConfigured, match="finds nothing whatever its values"):
        prepared(session=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_thread_with_its_own_connection_gets_the_same_rows(two_sessions):
    prepared = PreparedQuery(slots_with_session, session=int)
    session = two_sessions[0]
    expected = as_seen(prepared(session=session.pk))  # compiled on this thread's connection
    seen = []

    def read():
        try:
            seen.append(as_seen(prepared(session=session.pk)))
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()

    assert seen == [expected]
