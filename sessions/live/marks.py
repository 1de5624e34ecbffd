"""Marking the meeting as it runs: started, ended, skipped; undone; read back.

Every path that marks goes through mark() and undo(): they check the mark makes
sense, write it with who made it, and keep two staff pressing the same button at
the same moment to one mark (the slot's row is locked while marking, and a
constraint holds where the database ignores the lock).
"""

from dataclasses import dataclass
from datetime import UTC, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import StringAgg
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.caching import bump_content_version

from ..core.mark import LiveMark
from ..core.slot import AgendaSlot
from .expected import Marked

# A typed time may be this far ahead of the server's clock (phones' clocks drift).
CLOCK_SLACK = timedelta(minutes=1)


@dataclass(frozen=True)
class Marking:
    mark: LiveMark
    created: bool  # False: the same mark was already there (made by someone else, or twice)


def mark(slot, kind, *, by, at=None) -> Marking:
    """Mark `slot` started, ended or skipped (LiveMark.Kind) at `at` (an aware
    datetime; now when not given), made by the user `by`.

    Marking what is already marked so returns the standing mark unchanged. Refused
    with a ValidationError: a time in the future; an end before the item's start;
    skipping an item already started or ended, or starting or ending a skipped one.
    """
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_SLACK:
        raise ValidationError("A mark cannot be in the future.", code="future")
    with transaction.atomic():
        # One marking of a slot at a time (PostgreSQL); SQLite writes one at a time anyway.
        AgendaSlot.objects.select_for_update().filter(pk=slot.pk).first()
        standing = {m.kind: m for m in LiveMark.objects.standing().filter(slot=slot)}
        if kind in standing:
            return Marking(standing[kind], created=False)
        _check(kind, at, standing)
        try:
            with transaction.atomic():
                made = LiveMark.objects.create(slot=slot, kind=kind, at=at, made_by=by)
        except IntegrityError:
            # Someone else's identical mark committed first (the constraint held).
            return Marking(LiveMark.objects.standing().get(slot=slot, kind=kind), created=False)
    return Marking(made, created=True)


def _check(kind, at, standing):
    started = standing.get(LiveMark.Kind.STARTED)
    if kind == LiveMark.Kind.SKIPPED and (started or LiveMark.Kind.ENDED in standing):
        raise ValidationError(
            "This item has already started: undo its start to mark it skipped.", code="started"
        )
    if kind != LiveMark.Kind.SKIPPED and LiveMark.Kind.SKIPPED in standing:
        raise ValidationError("This item is marked skipped: undo that first.", code="skipped")
    ended = standing.get(LiveMark.Kind.ENDED)
    if kind == LiveMark.Kind.STARTED and ended and at > ended.at:
        raise ValidationError(
            f"The start cannot be after the end ({timezone.localtime(ended.at):%H:%M}).",
            code="start_after_end",
        )
    if kind == LiveMark.Kind.ENDED and started and at < started.at:
        raise ValidationError(
            f"The end cannot be before the start ({timezone.localtime(started.at):%H:%M}).",
            code="end_before_start",
        )


def undo(live_mark, *, by) -> bool:
    """Take back a standing mark (it stays in the history, undone by `by`); False when
    it was already undone: two staff undoing at once undo it once (one UPDATE that
    only a standing mark matches)."""
    undone = (
        LiveMark.objects.standing()
        .filter(pk=live_mark.pk)
        .update(undone_at=timezone.now(), undone_by=by)
    )
    if undone:
        bump_content_version()  # update() sends no signal; the live pages change now
    return bool(undone)


def marks_of(session) -> dict:
    """{slot pk: Marked} of the session's standing marks, in one query."""
    rows = LiveMark.objects.standing().filter(slot__session=session)
    return _marked_by_slot((m.slot_id, m.kind, m.at) for m in rows)


def _marked_by_slot(marks):
    """{slot pk: Marked} from (slot pk, kind, instant) of standing marks."""
    found = {}
    for slot, kind, at in marks:
        marked = found.get(slot, Marked())
        if kind == LiveMark.Kind.STARTED:
            marked = Marked(at, marked.ended_at, marked.skipped)
        elif kind == LiveMark.Kind.ENDED:
            marked = Marked(marked.started_at, at, marked.skipped)
        else:
            marked = Marked(marked.started_at, marked.ended_at, True)
        found[slot] = marked
    return found


def standing_marks_text():
    """The standing marks of a session as one text ("slot kind instant;..."): a
    subquery for the session's own query, so a page that shows the live run reads
    its marks without a query of its own. marks_from_text() reads it back."""
    standing = LiveMark.objects.standing().filter(slot__session=models.OuterRef("pk"))
    text = StringAgg(
        Concat(
            Cast("slot_id", models.TextField()),
            models.Value(" "),
            "kind",
            models.Value(" "),
            Cast("at", models.TextField()),
            output_field=models.TextField(),
        ),
        models.Value(";"),
    )
    by_session = standing.values("slot__session").annotate(text=text).values("text")
    return models.Subquery(by_session, output_field=models.TextField())


def marks_from_text(text) -> dict:
    """{slot pk: Marked} from standing_marks_text(): the instants as the database
    wrote them (SQLite: UTC without an offset; PostgreSQL: with one)."""
    return _marked_by_slot(_read(entry) for entry in (text or "").split(";") if entry)


def _read(entry):
    slot, kind, written = entry.split(" ", 2)
    at = parse_datetime(written)
    return int(slot), kind, timezone.make_aware(at, UTC) if timezone.is_naive(at) else at
