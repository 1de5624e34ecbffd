"""Operations that touch several models at once. Keyword-only, named <thing>_<action>."""

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from speakers.models import Affiliation, Organisation, Speaker

from . import demo, paste, rules
from .caching import bump_content_version
from .models import RUNNING_ORDER, AgendaSlot, Event, Session, SessionRole
from .templatetags.agenda import and_join


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

    # Slots are updated in place, row for row, rather than deleted and made again:
    # on a published session every deletion and addition is a change that
    # participants are shown (sessions/changes.py), and a reload changes nothing.
    existing = list(session.slots.order_by(*RUNNING_ORDER))
    for index, (start, end, title, kind, description, moderators, on_stage) in enumerate(
        demo.SLOTS
    ):
        slot = existing[index] if index < len(existing) else AgendaSlot(session=session)
        slot.start, slot.end, slot.title = start, end, title
        slot.kind, slot.description = kind, description
        slot.save()
        slot.moderators.set([speakers[slug] for slug in moderators])
        slot.speakers.set([speakers[slug] for slug in on_stage])
    for extra in existing[len(demo.SLOTS) :]:
        extra.delete()
    session.check_agenda()
    # Published once the agenda is complete: what comes before is not a change.
    if session.published_at is None:
        session.publish()
        session.save()
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
    if move_session and session.start_time is not None:
        session.start_time, session.end_time = plan.session_start, plan.session_end
    # A new version of the session, saved first as the admin does: a change form
    # opened before the shift is refused rather than writing the old times back
    # (see session_edit_conflict).
    session.save()
    # One save per slot, not a bulk update: each move is then recorded for
    # participants (changes since publication), in the history, and in the page cache.
    for row in plan.rows:
        if row.moves:
            row.slot.start, row.slot.end = row.start, row.end
            row.slot.save()
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
    session.save()  # a new version: change forms opened before the paste are refused
    if replace:
        for slot in session.slots.all():
            slot.delete()
    # Created one by one, so each is recorded as added, in the history and the cache.
    created = [
        AgendaSlot.objects.create(
            session=session,
            start=slot.start,
            end=slot.end,
            title=slot.title,
            description=slot.description,
        )
        for slot in plan.parsed.slots
    ]
    return created


def slots_deleted(*, session):
    """The last deletion record of each slot of the session that is not back, newest first."""
    records = (
        AgendaSlot.history.filter(session_id=session.pk, history_type="-")
        .exclude(id__in=session.slots.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")
    )
    seen = set()
    return [r for r in records if not (r.id in seen or seen.add(r.id))]


@transaction.atomic
def slot_restore(*, session, history_id):
    """Bring back a deleted slot as it was, with who led it and who was on stage.

    Refused with the reason if the slot is already back, or if it would now
    overlap another slot or lie outside the session.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    deletion = AgendaSlot.history.get(
        history_id=history_id, session_id=session.pk, history_type="-"
    )
    if session.slots.filter(pk=deletion.id).exists():
        raise ValidationError("This slot is already on the agenda.", code="restored")
    slot = deletion.instance
    session.check_agenda(
        [s.as_times() for s in session.slots.only("title", "start", "end")] + [slot.as_times()]
    )
    # The deletion record has no people: they were unlinked before it was written.
    before = (
        AgendaSlot.history.filter(id=deletion.id, history_date__lt=deletion.history_date)
        .exclude(history_type="-")
        .order_by("-history_date")
        .first()
    )
    session.save()  # a new version: change forms opened before the restore are refused
    slot.save(force_insert=True)  # same id: its history carries on
    if before is not None:
        for relation in ("moderators", "speakers"):
            people = getattr(before, relation).values_list("speaker_id", flat=True)
            getattr(slot, relation).set(Speaker.objects.filter(pk__in=people))
    return slot


# Bookkeeping fields that change with every save and say nothing to an organiser.
_NOT_WORTH_TELLING = {"updated_at", "sequence", "published_at"}


def session_edit_conflict(*, session, opened):
    """Why saving a form opened at version `opened` would overwrite someone else's save.

    `opened` is the session's `updated_at` (ISO 8601) when the form was shown. Returns
    None when nobody saved in between, else a message that says who saved, when, and
    what they changed, from the change history. Locks the session row until the end
    of the transaction, so two saves cannot both pass this check.
    """
    current = (
        Session.objects.select_for_update()
        .filter(pk=session.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if current is None:
        return None  # deleted meanwhile: the admin says so itself
    try:
        opened_at = datetime.fromisoformat(opened)
    except ValueError:
        return (
            "This form does not say which version of the session it was opened at. "
            "Open the session again."
        )
    if current == opened_at:
        return None
    # History records carry the version (updated_at) they saved.
    saves = list(
        session.history.filter(updated_at__gt=opened_at)
        .select_related("history_user")
        .order_by("history_date")
    )
    who = and_join(sorted({str(r.history_user) for r in saves if r.history_user})) or "Someone"
    changes = []
    before = session.history.filter(updated_at=opened_at).order_by("-history_date").first()
    if before is not None and saves:
        for change in saves[-1].diff_against(before).changes:
            if change.field not in _NOT_WORTH_TELLING:
                label = Session._meta.get_field(change.field).verbose_name
                changes.append(f"{label} (was “{_short(change.old)}”, now “{_short(change.new)}”)")
    if saves:
        # The admin saves the session, then its slots: slot records from the first
        # later save of the session on belong to the saves made since.
        slots = sorted(
            set(
                AgendaSlot.history.filter(
                    session_id=session.pk, history_date__gte=saves[0].history_date
                ).values_list("title", flat=True)
            )
        )
        if slots:
            changes.append("the agenda slots " + and_join(f"“{title}”" for title in slots))
    what = "; ".join(changes) if changes else "nothing you can see here"
    return (
        f"{who} saved this session at {timezone.localtime(current):%H:%M:%S} while you were "
        f"editing it, and changed: {what}. Your changes have not been saved, so that theirs "
        "are not lost: keep this page open to copy what you typed, open the session again "
        "in a new tab to see their version, and make your changes there."
    )


def _short(value, length=60):
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"
