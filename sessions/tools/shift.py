"""Shift agenda: move every slot, or a slot and all after it, by some minutes."""

from dataclasses import dataclass
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from common.formatting import clock, span

from ..core import rules
from ..core.slot import running_order
from ..models import RUNNING_ORDER, AgendaSlot, Session
from .pages import two_step_view
from .two_step import TwoStepForm


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
    slots = sorted(session.slots.all(), key=running_order)
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
                f"The session ({span(session.start_time, session.end_time)}) "
                f"would cross midnight when moved {minutes:+d} minutes."
            )
        elif window_end <= window_start:
            problems.append(
                f"The session would end at {clock(window_end)}, before it starts at "
                f"{clock(window_start)}."
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


class AgendaShiftForm(TwoStepForm):
    confirm_label = "Apply the shift"

    minutes = forms.IntegerField(
        label="Move by (minutes)",
        min_value=-720,
        max_value=720,
        help_text="Positive moves later, negative earlier: 15 or -10.",
        error_messages={
            "min_value": "Move by: at most 720 minutes (12 hours) earlier.",
            "max_value": "Move by: at most 720 minutes (12 hours) later.",
            "invalid": "Move by: enter a whole number of minutes, such as 15 or -10.",
            "required": "Move by: enter a number of minutes, such as 15 or -10.",
        },
    )
    from_slot = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="The whole agenda",
        label="Slots to move",
        help_text="Or a slot: it and every slot after it move, the ones before stay.",
    )
    move_session = forms.BooleanField(
        required=False,
        label="Also move the session's own times",
        help_text="Its end moves with the slots; its start too when the whole agenda moves.",
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        # The running order of agenda_shift_preview: a milestone before a span at its time.
        self.fields["from_slot"].queryset = session.slots.order_by(*RUNNING_ORDER)
        self.fields["from_slot"].label_from_instance = _slot_choice_label

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if minutes == 0:
            raise forms.ValidationError(
                "Move by: enter a number of minutes other than 0.", code="zero"
            )
        return minutes

    def service_arguments(self):
        return {
            "minutes": self.cleaned_data["minutes"],
            "from_slot": self.cleaned_data["from_slot"],
            "move_session": self.cleaned_data["move_session"],
        }


def _slot_choice_label(slot):
    return f"From {span(slot.start, slot.end)} {slot.title} on"


def shift_agenda_view(model_admin, request, object_id):
    return two_step_view(
        model_admin,
        request,
        object_id,
        form_class=AgendaShiftForm,
        preview=agenda_shift_preview,
        apply=agenda_shift,
        template="shift_agenda.html",
        title="Shift agenda",
        done="The agenda of “{}” was shifted.",
    )
