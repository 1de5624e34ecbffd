"""One function shapes a session's agenda; every page and export consumes it.

`build_agenda()` reads a session with its slots and people in a fixed number
of queries, and returns plain data: slots in running order with their wall-clock
and (where the date and zone are known) aware times, durations, time elapsed
since the start, gaps, who leads and who is on stage, and the announced
contributions. Formatting is left to templates and exporters.
"""

import functools
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from itertools import pairwise

from django.db import models

from common.formatting import names_already_said
from common.prepared import PreparedQuery
from common.richtext import to_plain
from speakers.models import Speaker

from .role import LEADS_DEFAULT, ROLE_WORDS, SessionRole
from .session import Session, exists_on_the_clock
from .slot import AgendaSlot


def _minutes_between(start: time, end: time, session: Session | None = None) -> timedelta:
    """The time that passes from `start` to `end` on the session's day.

    On the night the clocks change, wall-clock times are not elapsed time (00:30
    to 03:30 on London's spring night is two hours): when the session's date and
    zone are known, the length is measured between the instants.
    """
    if session is not None and session.date is not None and session.time_zone:
        start_at = _instant(session.date, session.time_zone, start, start.fold)
        end_at = _instant(session.date, session.time_zone, end, end.fold)
        # A time the clocks skip (01:30 on the spring night) has no instant: the
        # wall clock is all the organiser said, so it counts.
        if start_at is not None and end_at is not None:
            return end_at - start_at
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


@functools.lru_cache(maxsize=4096)
def _instant(day: date, zone: str, wall_time: time, fold: int) -> datetime | None:
    """The UTC instant of a wall-clock time on a day in a zone; None for a time the
    clocks skip. A function of its arguments alone, so remembered: an agenda asks
    for each of its times two or three times (one item's end is the next one's
    start). `fold` is wall_time.fold, in the key: times equal but for their fold
    (the first or the second 01:30 of an autumn night) compare equal."""
    at = datetime.combine(day, wall_time, tzinfo=zoneinfo.ZoneInfo(zone))
    return at.astimezone(UTC) if exists_on_the_clock(at) else None


@dataclass
class Item:
    slot: AgendaSlot
    starts_at: datetime | None  # aware, in the session's zone; None while date or zone is open
    ends_at: datetime | None
    duration: timedelta | None  # None for a milestone
    elapsed: timedelta  # from the start of the session to the start of this item
    gap_before: timedelta | None  # idle time between the previous item's end and this start
    gap_from: time | None  # when that idle time begins: the latest end so far
    gap_starts_at: datetime | None
    moderators: list
    speakers: list
    contributions: list[SessionRole] = field(default_factory=list)
    # How the page says who leads it, mid-sentence: "chaired by" when every one of
    # its moderators is a chair of the session, "hosted by" for hosts.
    leads_word: str = LEADS_DEFAULT
    previous: "Item | None" = None
    next: "Item | None" = None

    @property
    def start(self):
        return self.slot.start

    @property
    def end(self):
        return self.slot.end

    @property
    def is_milestone(self):
        return self.slot.end is None

    @cached_property
    def _text(self):
        """What the item already says in words: its title and description."""
        return f"{self.slot.title}\n{to_plain(self.slot.description)}"

    @cached_property
    def moderators_to_name(self):
        """The moderators, unless the title or description already names every one
        of them ("Panel, moderated by Joyce Hakmeh"): the page says no one twice. A
        title that names only some of them gets the whole list."""
        if self.moderators and names_already_said(self.moderators, self._text):
            return []
        return self.moderators

    @cached_property
    def speakers_to_name(self):
        """The speakers the page has not named otherwise in this item: not the
        moderators, not those whose contribution it announces, and none at all
        when the title or description already names each of them."""
        named = {*self.slot.moderator_ids, *(role.speaker_id for role in self.contributions)}
        speakers = [person for person in self.speakers if person.pk not in named]
        if speakers and names_already_said(speakers, self._text):
            return []
        return speakers

    @property
    def on_stage(self):
        """Moderators first, then speakers, each person once."""
        seen = set()
        people = []
        for person in [*self.moderators, *self.speakers]:
            if person.pk not in seen:
                seen.add(person.pk)
                people.append(person)
        return people


@dataclass
class Agenda:
    session: Session
    items: list[Item]
    speakers: list[SessionRole]
    # Everyone who leads the session: chairs, co-chairs, hosts, moderators, in that order.
    leads: list[SessionRole]
    # Contributions of people who are not on stage in any slot, in announced order.
    other_contributions: list[SessionRole]
    last_changed: datetime
    # Where elapsed time counts from: the session's start, else its first item.
    origin: time | None

    @property
    def event(self):
        return self.session.event

    @property
    def total(self):
        """Planned length: from the session's start to its last scheduled moment."""
        if not self.items:
            return timedelta(0)
        last = max(item.end or item.start for item in self.items)
        return _minutes_between(self.origin, last, self.session)


def session_queryset():
    """Sessions ready for build_agenda(): the event joined, lazy loads refused."""
    return Session.objects.select_related("event").fetch_mode(models.FETCH_RAISE)


# Slot fields for staff eyes only. Public agendas do not even load them: with
# FETCH_RAISE, a public page or export that reached for one would fail its tests.
STAFF_ONLY_FIELDS = ("cue", "tech_notes", "responsible")


def build_agendas(sessions, *, staff=False) -> list[Agenda]:
    """The agendas of many sessions (an event's calendar or schedule) in four
    queries, however many sessions, slots and people there are."""
    sessions = list(sessions.select_related("event").fetch_mode(models.FETCH_RAISE))
    parts = _AgendaParts.of_sessions([session.pk for session in sessions], staff=staff)
    return [parts.shape(session) for session in sessions]


def build_agenda(session: Session, *, staff=False) -> Agenda:
    """One session's agenda in three queries (slots, roles, people), whatever its
    length. `staff=True` loads the run-of-show's staff-only fields too."""
    return _AgendaParts.of_session(session.pk, staff=staff).shape(session)


@functools.cache
def _queries(staff):
    """The agenda's three queries without their sessions, built once per process.

    Each build_agendas() call filters copies of them to its sessions: putting
    together the joins, subqueries and column lists of a query costs Django more
    than the database takes to run it.
    """
    raise_ = models.FETCH_RAISE
    slots = AgendaSlot.objects.for_agenda().with_people_ids().fetch_mode(raise_)
    if not staff:
        slots = slots.defer(*STAFF_ONLY_FIELDS, "created_at")
    roles = SessionRole.objects.select_related("shown_as").order_by("role", "order", "pk")
    return slots, roles.fetch_mode(raise_), Speaker.objects.fetch_mode(raise_)


@functools.cache
def _one_session_queries(staff):
    """The same three queries for one session, compiled once per process
    (common/prepared.py): a session page runs them on every request. The people
    are those the session's roles and slots name, found by subqueries, so the
    query's SQL does not depend on how many there are."""
    slots, roles, people = _queries(staff)
    links = (AgendaSlot.moderators.through, AgendaSlot.speakers.through)

    def people_of(session):
        named = models.Q(pk__in=SessionRole.objects.filter(session=session).values("speaker"))
        for link in links:
            on_stage = link.objects.filter(agendaslot__session=session).values("speaker")
            named |= models.Q(pk__in=on_stage)
        return people.joined_to_affiliations().filter(named)

    return (
        PreparedQuery(lambda session: slots.filter(session=session), session=int),
        PreparedQuery(lambda session: roles.filter(session=session), session=int),
        PreparedQuery(people_of, session=int),
    )


class _AgendaParts:
    """Slots (each with the ids of its people), roles, and the people with their
    affiliations of some sessions: three queries, each row read once; a person on
    stage in many slots (or sessions) is one object."""

    def __init__(self, slots, roles, people):
        self.slots = _group(slots)
        self.roles = _group(roles)
        self.people = people
        # A person deleted while the queries ran is left out, as the next page will.
        for group in self.roles.values():
            group[:] = [role for role in group if role.speaker_id in people]
            for role in group:
                role.speaker = people[role.speaker_id]

    @classmethod
    def of_sessions(cls, session_ids, *, staff):
        slots, roles, people = _queries(staff)
        slots = list(slots.filter(session__in=session_ids))
        roles = list(roles.filter(session__in=session_ids))
        wanted = {role.speaker_id for role in roles}
        for slot in slots:
            wanted.update(slot.moderator_ids)
            wanted.update(slot.speaker_ids)
        return cls(slots, roles, people.in_bulk_with_affiliations(wanted) if wanted else {})

    @classmethod
    def of_session(cls, session_id, *, staff):
        slots, roles, people = _one_session_queries(staff)
        # People last: someone named between these queries is then among them. Each
        # query sees what was committed when it ran, not one snapshot for all three.
        slots, roles = slots(session=session_id), roles(session=session_id)
        rows = people(session=session_id)
        people = Speaker.objects.fetch_mode(models.FETCH_RAISE).from_joined_rows(rows)
        return cls(slots, roles, people)

    def shape(self, session):
        return _shape(
            session,
            self.slots.get(session.pk, []),
            self.roles.get(session.pk, []),
            self.people,
        )


def _shape(session, slots, roles, people):
    """`people`: {pk: person} by name, every person the slots' ids name."""
    contributions = sorted(
        (role for role in roles if role.contribution),
        key=lambda role: (role.contribution_order, role.order, role.pk),
    )
    # People on stage in the order the session bills them: speakers as announced,
    # then co-chairs and moderators; anyone without a role after them, by name.
    billing = {}
    for role in sorted(roles, key=lambda r: (r.role != SessionRole.Role.SPEAKER, r.order, r.pk)):
        billing.setdefault(role.speaker_id, len(billing))

    # A slot lists its people as the session bills them, then by name. Slots read
    # their people's ids (moderator_ids, speaker_ids); each id is ranked once here.
    unbilled = len(billing)
    rank = {pk: (billing.get(pk, unbilled), by_name) for by_name, pk in enumerate(people)}

    def billed(ids):
        return [people[pk] for pk in sorted((pk for pk in ids if pk in rank), key=rank.__getitem__)]

    leads = sorted(
        (role for role in roles if role.role != SessionRole.Role.SPEAKER),
        key=lambda role: (role.role, role.order, role.pk),
    )
    # Each person's first leading role (chair before co-chair, host, moderator).
    leading_role = {}
    for role in leads:
        leading_role.setdefault(role.speaker_id, role.role)

    def leads_word(moderator_ids):
        words = {
            ROLE_WORDS[leading_role[pk]].leads if pk in leading_role else LEADS_DEFAULT
            for pk in moderator_ids
        }
        return words.pop() if len(words) == 1 else LEADS_DEFAULT

    placed = set()
    origin = session.start_time or (slots[0].start if slots else None)
    items = []
    latest_end = None
    for slot in slots:
        on_stage = set(slot.speaker_ids)
        # Each contribution is announced once: at the first slot its speaker is on stage.
        item_contributions = [
            role for role in contributions if role.speaker_id in on_stage and role.pk not in placed
        ]
        placed.update(role.pk for role in item_contributions)
        gap = gap_from = None
        if latest_end is not None and slot.start > latest_end:
            gap = _minutes_between(latest_end, slot.start, session)
            gap_from = latest_end
        items.append(
            Item(
                slot=slot,
                starts_at=session.localize(slot.start),
                ends_at=session.localize(slot.end),
                duration=_minutes_between(slot.start, slot.end, session) if slot.end else None,
                elapsed=_minutes_between(origin, slot.start, session),
                gap_before=gap,
                gap_from=gap_from,
                gap_starts_at=session.localize(gap_from),
                moderators=billed(slot.moderator_ids),
                speakers=billed(slot.speaker_ids),
                contributions=item_contributions,
                leads_word=leads_word(slot.moderator_ids),
            )
        )
        # A milestone is a moment: the time before it is accounted for by its own gap.
        reached = slot.start if slot.end is None else slot.end
        latest_end = reached if latest_end is None else max(latest_end, reached)
    for before, after in pairwise(items):
        before.next, after.previous = after, before

    changes = [session.updated_at, *(s.updated_at for s in slots), *(r.updated_at for r in roles)]
    return Agenda(
        session=session,
        items=items,
        speakers=[r for r in roles if r.role == SessionRole.Role.SPEAKER],
        leads=leads,
        other_contributions=[r for r in contributions if r.pk not in placed],
        last_changed=max(changes),
        origin=origin,
    )


def _group(rows):
    by_session = {}
    for row in rows:
        by_session.setdefault(row.session_id, []).append(row)
    return by_session
