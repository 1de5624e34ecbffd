"""Paste agenda: slots from text pasted from an email or a document (paste_parser)."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from ..core import rules
from ..models import AgendaSlot, Session
from . import paste_parser
from .pages import two_step_view
from .two_step import TwoStepForm


@dataclass(frozen=True)
class PastePlan:
    parsed: paste_parser.Parsed
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
    parsed = paste_parser.parse(text)
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


class AgendaPasteForm(TwoStepForm):
    ADD, REPLACE = "add", "replace"
    TEXT_MAX_LENGTH = 20_000

    confirm_label = "Create the slots"

    text = forms.CharField(
        label="Agenda text",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        max_length=TEXT_MAX_LENGTH,
        help_text=(
            "Paste the agenda as it comes, one item per line: “11:30-11:45 Welcome”. "
            "Lines without a time under an item become its description."
        ),
        error_messages={
            "required": "Agenda text: paste the agenda, one item per line.",
            "max_length": (
                f"Agenda text: at most {TEXT_MAX_LENGTH:,} characters "
                "(it has %(show_value)d); paste a part at a time."
            ),
        },
    )
    mode = forms.ChoiceField(
        label="The pasted slots",
        choices=[(ADD, "Add to the agenda"), (REPLACE, "Replace the agenda")],
        initial=ADD,
        widget=forms.RadioSelect,
        help_text="Replacing deletes every slot now on the agenda, with its people and notes.",
    )

    def __init__(self, *args, session, **kwargs):
        # `session` is taken for a common signature with AgendaShiftForm; unused.
        super().__init__(*args, **kwargs)

    def service_arguments(self):
        return {
            "text": self.cleaned_data["text"],
            "replace": self.cleaned_data["mode"] == self.REPLACE,
        }


def paste_agenda_view(model_admin, request, object_id):
    return two_step_view(
        model_admin,
        request,
        object_id,
        form_class=AgendaPasteForm,
        preview=agenda_paste_preview,
        apply=agenda_paste,
        template="paste_agenda.html",
        title="Paste agenda",
        done="The pasted slots are now on the agenda of “{}”.",
    )
