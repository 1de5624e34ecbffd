"""Operations that touch several models at once. Keyword-only, named <thing>_<action>."""

import itertools
import re
from dataclasses import dataclass
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from speakers.models import Affiliation, Organisation, Speaker

from . import demo, paste, rules
from .caching import bump_content_version
from .models import AgendaSlot, Event, Session, SessionRole


@transaction.atomic
def demo_event_load():
    """Create or refresh the demo event from the seed page; running it again changes nothing.

    Returns the demo session.
    """
    organisations = {}
    for name, short_name, parent in demo.ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={"short_name": short_name, "parent": organisations.get(parent)},
        )

    speakers = {}
    for slug, honorific, name, affiliations in demo.SPEAKERS:
        speaker, _ = Speaker.objects.update_or_create(
            slug=slug, defaults={"honorific": honorific, "name": name}
        )
        speaker.affiliations.all().delete()
        Affiliation.objects.bulk_create(
            Affiliation(
                speaker=speaker,
                order=order,
                position=position,
                unit=unit,
                organisation=organisations[organisation],
            )
            for order, (position, unit, organisation) in enumerate(affiliations, start=1)
        )
        speakers[slug] = speaker

    event, _ = Event.objects.update_or_create(
        slug=demo.EVENT["slug"], defaults={"title": demo.EVENT["title"]}
    )
    fields = {key: value for key, value in demo.SESSION.items() if key != "slug"}
    session, _ = Session.objects.update_or_create(
        event=event, slug=demo.SESSION["slug"], defaults=fields
    )
    if session.published_at is None:
        session.publish()
        session.save()

    session.roles.all().delete()
    SessionRole.objects.bulk_create(
        SessionRole(
            session=session,
            speaker=speakers[slug],
            role=role,
            order=order,
            shown_as=organisations.get(shown_as),
            contribution=contribution,
            contribution_order=contribution_order,
        )
        for slug, role, order, shown_as, contribution, contribution_order in demo.ROLES
    )

    session.slots.all().delete()
    for start, end, title, kind, description, moderators, on_stage in demo.SLOTS:
        slot = AgendaSlot.objects.create(
            session=session, start=start, end=end, title=title, kind=kind, description=description
        )
        slot.moderators.set([speakers[slug] for slug in moderators])
        slot.speakers.set([speakers[slug] for slug in on_stage])
    session.check_agenda()
    bump_content_version()  # bulk_create sends no signals
    return session


# Organiser tools: duplicate a session, shift its agenda, paste an agenda.


def session_duplicate(*, session):
    """A draft copy of `session` with its slots (and their people) and roles.

    The copy gets a new slug in the same event (`<slug>-copy`, `-copy-2`, ...),
    no date and no publication, so that it can be edited into the next meeting.
    """
    with transaction.atomic():
        original = Session.objects.select_for_update().get(pk=session.pk)
        duplicate = _copy_row(
            original,
            slug=_copy_slug(original),
            status=Session.Status.DRAFT,
            published_at=None,
            date=None,
        )
        duplicate.save()

        slots = list(original.slots.prefetch_related("moderators", "speakers").order_by("pk"))
        copies = AgendaSlot.objects.bulk_create(
            _copy_row(slot, session_id=duplicate.pk) for slot in slots
        )
        for relation in ("moderators", "speakers"):
            through = getattr(AgendaSlot, relation).through
            through.objects.bulk_create(
                through(agendaslot_id=copy.pk, speaker_id=person.pk)
                for slot, copy in zip(slots, copies, strict=True)
                for person in getattr(slot, relation).all()
            )
        SessionRole.objects.bulk_create(
            _copy_row(role, session_id=duplicate.pk) for role in original.roles.order_by("pk")
        )
    return duplicate


def _copy_row(row, **changes):
    """A new, unsaved instance with the row's field values; timestamps are set on save."""
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    return type(row)(**(values | changes))


def _copy_slug(session):
    base = re.sub(r"-copy(-\d+)?$", "", session.slug)
    field_length = Session._meta.get_field("slug").max_length
    taken = set(
        Session.objects.filter(event=session.event_id).order_by().values_list("slug", flat=True)
    )
    for number in itertools.count(1):
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        slug = base[: field_length - len(suffix)] + suffix
        if slug not in taken:
            return slug
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class ShiftedRow:
    slot: AgendaSlot
    start: time | None  # None: the shift would take it past midnight
    end: time | None
    moves: bool

    @property
    def crosses_midnight(self):
        return self.start is None


@dataclass(frozen=True)
class ShiftPlan:
    minutes: int
    rows: list[ShiftedRow]
    session_start: time | None  # the session's window after the shift
    session_end: time | None
    problems: list[str]

    def outcome(self):
        """What applying the plan would store: equal outcomes, equal plans."""
        return (
            self.session_start,
            self.session_end,
            tuple((row.slot.pk, row.start, row.end) for row in self.rows),
        )


def agenda_shift_preview(*, session, minutes, from_slot=None, move_session=False):
    """What `agenda_shift` would do, with every reason it would refuse; saves nothing.

    `from_slot`: move that slot and every slot after it in running order (a
    milestone comes before a span that starts at the same time); by default all.
    `move_session`: move the session's end with the slots, and its start too when
    the whole agenda moves.
    """
    slots = sorted(
        session.slots.all(),
        key=lambda slot: (slot.start, slot.end is not None, slot.end or time.min, slot.pk),
    )
    ids = [slot.pk for slot in slots]
    if from_slot is not None and from_slot.pk not in ids:
        problems = ["The slot to shift from is no longer on this session's agenda."]
        return ShiftPlan(minutes, [], session.start_time, session.end_time, problems)
    first = 0 if from_slot is None else ids.index(from_slot.pk)
    rows = []
    for index, slot in enumerate(slots):
        if index < first:
            rows.append(ShiftedRow(slot, slot.start, slot.end, moves=False))
            continue
        start, end = _shifted(slot.start, minutes), _shifted(slot.end, minutes)
        if start is None or (slot.end is not None and end is None):
            start = end = None
        rows.append(ShiftedRow(slot, start, end, moves=True))

    problems = [
        f"{row.slot.as_times().describe()} would cross midnight when moved {minutes:+d} minutes."
        for row in rows
        if row.crosses_midnight
    ]
    window_start, window_end = session.start_time, session.end_time
    if move_session and window_start is not None:
        window_end = _shifted(window_end, minutes)
        if first == 0:
            window_start = _shifted(window_start, minutes)
        if window_start is None or window_end is None:
            problems.append(
                f"The session ({session.start_time:%H:%M}-{session.end_time:%H:%M}) "
                f"would cross midnight when moved {minutes:+d} minutes."
            )
        elif window_end <= window_start:
            problems.append(
                f"The session would end at {window_end:%H:%M}, before it starts at "
                f"{window_start:%H:%M}."
            )
    if not problems:
        proposed = [
            rules.SlotTimes(title=row.slot.title, start=row.start, end=row.end, key=row.slot.pk)
            for row in rows
        ]
        problems = [p.message for p in rules.agenda_problems(proposed, window_start, window_end)]
    return ShiftPlan(minutes, rows, window_start, window_end, problems)


def _shifted(wall_time, minutes):
    """`wall_time` moved by `minutes` on the same day; None if that leaves the day."""
    if wall_time is None:
        return None
    total = wall_time.hour * 60 + wall_time.minute + minutes
    if not 0 <= total < 24 * 60:
        return None
    return time(total // 60, total % 60, wall_time.second)


@transaction.atomic
def agenda_shift(*, session, minutes, from_slot=None, move_session=False):
    """Move the agenda by `minutes` (negative: earlier), all or nothing.

    Raises ValidationError with every reason when the shift would cross midnight,
    leave the session's window or make slots overlap. Returns the plan applied.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    plan = agenda_shift_preview(
        session=session, minutes=minutes, from_slot=from_slot, move_session=move_session
    )
    if plan.problems:
        raise ValidationError(plan.problems, code="agenda")
    now = timezone.now()
    moved = []
    for row in plan.rows:
        if row.moves:
            row.slot.start, row.slot.end, row.slot.updated_at = row.start, row.end, now
            moved.append(row.slot)
    AgendaSlot.objects.bulk_update(moved, ["start", "end", "updated_at"])
    bump_content_version()  # bulk_update sends no signals
    if move_session and session.start_time is not None:
        session.start_time, session.end_time = plan.session_start, plan.session_end
        session.save(update_fields=["start_time", "end_time", "updated_at"])
    return plan


@dataclass(frozen=True)
class PastePlan:
    parsed: paste.Parsed
    replace: bool
    replaced: list[AgendaSlot]  # the slots that "replace the agenda" would delete
    problems: list[str]

    def outcome(self):
        return (
            self.replace,
            tuple(slot.pk for slot in self.replaced),
            tuple(self.parsed.slots),
        )


def agenda_paste_preview(*, session, text, replace=False):
    """What `agenda_paste` would create and every reason it would refuse; saves nothing."""
    parsed = paste.parse(text)
    existing = list(session.slots.all())
    problems = [
        f"Line {line.number}: please check: {'; '.join(line.reasons)}." for line in parsed.to_check
    ]
    if not parsed.slots and not problems:
        problems.append("No line starts with a time, so there is no slot to create.")
    if not problems:
        kept = [] if replace else [slot.as_times() for slot in existing]
        pasted = [
            rules.SlotTimes(title=slot.title, start=slot.start, end=slot.end)
            for slot in parsed.slots
        ]
        problems = [
            p.message
            for p in rules.agenda_problems(kept + pasted, session.start_time, session.end_time)
        ]
    return PastePlan(parsed, replace, existing if replace else [], problems)


@transaction.atomic
def agenda_paste(*, session, text, replace=False):
    """Create the slots read from `text`, added to the agenda or replacing it.

    All or nothing: raises ValidationError with every reason (lines to check,
    overlaps, slots outside the session) and creates nothing. Returns the new slots.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    plan = agenda_paste_preview(session=session, text=text, replace=replace)
    if plan.problems:
        raise ValidationError(plan.problems, code="agenda")
    if replace:
        session.slots.all().delete()
    bump_content_version()  # bulk_create sends no signals
    return AgendaSlot.objects.bulk_create(
        AgendaSlot(
            session=session,
            start=slot.start,
            end=slot.end,
            title=slot.title,
            description=slot.description,
        )
        for slot in plan.parsed.slots
    )
