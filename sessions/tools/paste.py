"""Paste agenda: slots from text pasted from an email or a document (paste_parser)."""

import dataclasses
import itertools
import re
from dataclasses import dataclass, field
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from common.formatting import and_join
from speakers.models import Speaker

from ..core import rules
from ..core.role import session_people_add_from_slots
from ..models import AgendaSlot, Session
from . import paste_parser, paste_words
from .pages import two_step_view
from .two_step import TwoStepForm


@dataclass(frozen=True)
class PastedPerson:
    """A name written in a pasted title, and the person in the database it names."""

    written: paste_words.WrittenName
    link: paste_words.Link  # the slot's moderators or speakers
    speaker: Speaker | None  # None: nobody, or more than one person, has this name
    namesakes: int = 0  # how many people have this name, when more than one


@dataclass(frozen=True)
class PlannedSlot:
    """A slot the paste would create, as the preview shows it."""

    line: int
    start: time
    end: time | None
    title: str  # without the names of the people it links
    description: str
    kind: str
    people: tuple[PastedPerson, ...]
    duplicate_of: AgendaSlot | None = None

    def linked(self, link):
        return [person.speaker for person in self.people if person.link == link and person.speaker]

    @property
    def moderators(self):
        return self.linked(paste_words.Link.MODERATORS)

    @property
    def speakers(self):
        return self.linked(paste_words.Link.SPEAKERS)

    @property
    def unknown(self):
        return [person for person in self.people if person.speaker is None]

    @property
    def kind_label(self):
        return AgendaSlot.Kind(self.kind).label

    def outcome(self):
        return (
            self.start,
            self.end,
            self.title,
            self.description,
            self.kind,
            tuple(speaker.pk for speaker in self.moderators),
            tuple(speaker.pk for speaker in self.speakers),
        )


@dataclass(frozen=True)
class PastePlan:
    parsed: paste_parser.Parsed
    replace: bool
    replaced: list[AgendaSlot]  # the slots that "replace the agenda" would delete
    problems: list[str]
    slots: list[PlannedSlot] = field(default_factory=list)  # every slot read, ends chosen
    open_ended: list[paste_parser.PastedSlot] = field(default_factory=list)
    add_duplicates: bool = False

    @property
    def duplicates(self):
        return [slot for slot in self.slots if slot.duplicate_of is not None]

    @property
    def to_create(self):
        if self.add_duplicates:
            return list(self.slots)
        return [slot for slot in self.slots if slot.duplicate_of is None]

    def outcome(self):
        """What would be stored: the fingerprint that a confirmation must match."""
        return (
            self.replace,
            tuple(slot.pk for slot in self.replaced),
            tuple(slot.outcome() for slot in self.to_create),
        )


def agenda_paste_preview(*, session, text, replace=False, open_ends="", add_duplicates=False):
    """What `agenda_paste` would create and every reason it would refuse; saves nothing.

    `open_ends` says where items given only a start end (paste_parser.OpenEnds);
    it must be chosen when the text is such a programme. In "Add" mode, pasted
    items already on the agenda at the same time with the same title are left
    out unless `add_duplicates`.
    """
    parsed = paste_parser.parse(text)
    existing = list(session.slots.all())
    problems = [
        f"Line {line.number}: please check: {'; '.join(line.reasons)}." for line in parsed.to_check
    ]
    if not parsed.slots and not problems:
        problems.append("No line starts with a time, so there is no slot to create.")
    slots = _plan_slots(parsed.slots, [] if replace else existing)
    # Items already on the agenda are left out (unless added again): no need to ask
    # where they end.
    left_out = {slot.line for slot in slots if slot.duplicate_of and not add_duplicates}
    open_ended = [slot for slot in parsed.open_ended if slot.line not in left_out]
    choice = open_ends if open_ends in paste_parser.OpenEnds else ""
    if open_ended and not choice:
        problems.append(
            f"{_lines(open_ended)} only a start: choose below whether each item ends "
            "where the next begins or stays a moment, then preview again."
        )
    elif choice == paste_parser.OpenEnds.NEXT_AND_SESSION_END and session.end_time is None:
        problems.append(
            "The session has no end time yet, so the last item cannot end with it: "
            "choose another way, or give the session its end time first."
        )
    ends = {
        slot.line: slot.end
        for slot in paste_parser.with_ends(
            parsed.slots, choice or paste_parser.OpenEnds.MOMENTS, session.end_time
        )
    }
    slots = [dataclasses.replace(slot, end=ends[slot.line]) for slot in slots]
    plan = PastePlan(
        parsed,
        replace,
        existing if replace else [],
        problems,
        slots,
        open_ended,
        add_duplicates,
    )
    if plan.slots and not plan.to_create and not problems:
        problems.append(
            "Every pasted item is already on the agenda at the same time with the same "
            "title: there is nothing to add. Tick “Add them again” to add them anyway."
        )
    if not problems:
        kept = [] if replace else [slot.as_times() for slot in existing]
        times = [
            rules.SlotTimes(title=slot.title, start=slot.start, end=slot.end)
            for slot in plan.to_create
        ]
        problems.extend(
            p.message
            for p in rules.agenda_problems(kept + times, session.start_time, session.end_time)
        )
    return plan


def _lines(slots):
    numbers = [str(slot.line) for slot in slots]
    return f"Line {numbers[0]} gives" if len(numbers) == 1 else f"Lines {and_join(numbers)} give"


def _plan_slots(pasted, existing):
    people = _people_by_name(
        name.name
        for slot in pasted
        for phrase in [*slot.people, *(phrase for _, phrase in slot.description_people)]
        for name in phrase.names
    )
    on_agenda = {}
    for slot in existing:
        on_agenda.setdefault((slot.start, _same_title(slot.title)), slot)
    planned = []
    for slot in pasted:
        title, description, persons = _slot_without_linked_people(slot, people)
        duplicate = on_agenda.get((slot.start, _same_title(title))) or on_agenda.get(
            (slot.start, _same_title(slot.title))
        )
        planned.append(
            PlannedSlot(
                line=slot.line,
                start=slot.start,
                end=slot.end,
                title=title,
                description=description,
                kind=slot.kind.value,
                people=tuple(persons),
                duplicate_of=duplicate,
            )
        )
    return planned


def _same_title(title):
    return " ".join(title.casefold().split())


def _people_by_name(names):
    """{name_key: [speakers]} for the people the names may be; one query, or none."""
    wanted = {paste_words.name_key(name) for name in names}
    if not wanted:
        return {}
    found = {}
    for speaker in Speaker.objects.only("pk", "name", "honorific", "post_nominals", "slug"):
        # With and without the honorific and the post-nominals, as the site's own
        # pages print a name ("Dr Joyce Hakmeh OBE").
        keys = {
            paste_words.name_key(f"{honorific} {speaker.name} {letters}")
            for honorific in {"", speaker.honorific}
            for letters in {"", speaker.post_nominals}
        }
        for key in keys & wanted:
            found.setdefault(key, []).append(speaker)
    return found


def _without_linked_people(text, phrases, people):
    """The text without the names of the people it links (unknown names stay in
    it), and everyone it names, in the order of the text."""
    persons = []
    for phrase in reversed(phrases):  # from the last, so earlier offsets still hold
        known, unknown = [], []
        for written in phrase.names:
            matches = people.get(paste_words.name_key(written.name), [])
            speaker = matches[0] if len(matches) == 1 else None
            namesakes = len(matches) if len(matches) > 1 else 0
            persons.append((phrase.start, PastedPerson(written, phrase.link, speaker, namesakes)))
            (known if speaker else unknown).append(written)
        if known and not phrase.keep and (not unknown or _names_stand_apart(text, phrase)):
            words = phrase.lead + and_join(w.text for w in unknown) if unknown else ""
            text = text[: phrase.start] + words + text[phrase.end :]
    persons.sort(key=lambda item: item[0])  # stable: names of a phrase keep their order
    changed = any(person.speaker for _, person in persons) and not all(p.keep for p in phrases)
    return (_tidy(text) if changed else text), [person for _, person in persons]


def _names_stand_apart(text, phrase):
    """Whether some of the phrase's names can leave it and the rest still read as
    names: not when a bare comma follows a name without an organisation, as in
    "Joyce Hakmeh, Chatham House", where the second "name" may be her affiliation."""
    cursor = phrase.start
    for first, second in itertools.pairwise(phrase.names):
        cursor = text.find(first.text, cursor) + len(first.text)
        gap = text[cursor : text.find(second.text, cursor)]
        if gap.strip() == "," and not first.organisation:
            return False
    return True


def _slot_without_linked_people(slot, people):
    """(title, description, persons) of a pasted slot once its people are linked."""
    title, persons = _without_linked_people(slot.title, slot.people, people)
    paragraphs = slot.description.split("\n\n") if slot.description else []
    for index, phrase in slot.description_people:
        paragraph, named = _without_linked_people(paragraphs[index], [phrase], people)
        paragraphs[index] = paragraph
        persons.extend(named)
    description = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    if not title:
        # The title was only a label and names ("Keynote speaker: Dr Jane Roe"): the
        # label is the title. Without one, the names stay: a slot needs a title.
        labels = [p.lead for p in slot.people if p.lead.rstrip().endswith(":")]
        title = _tidy(labels[0]) if labels else slot.title
    return title, description, persons


def _tidy(title):
    """A title after words were taken out of it: no separator or bracket left dangling."""
    title = re.sub(r"\(\s*\)|\[\s*\]", "", title)
    title = " ".join(title.split())
    title = re.sub(r"\s+([,;:.)])", r"\1", title)
    title = re.sub(r"([,;:])(?=[,;:.])", "", title)
    return title.strip(" ,;:" + paste_words.DASHES).rstrip(".")


@transaction.atomic
def agenda_paste(*, session, text, replace=False, open_ends="", add_duplicates=False):
    """Create the slots read from `text`, added to the agenda or replacing it.

    All or nothing: raises ValidationError with every reason (lines to check,
    ends to choose, overlaps, slots outside the session) and creates nothing.
    Each slot gets its kind and the people its title named who are in the
    database; those not yet among the session's people join them as speakers.
    Returns the new slots.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    plan = agenda_paste_preview(
        session=session,
        text=text,
        replace=replace,
        open_ends=open_ends,
        add_duplicates=add_duplicates,
    )
    if plan.problems:
        raise ValidationError(plan.problems, code="agenda")
    session.save()  # a new version: change forms opened before the paste are refused
    if replace:
        for slot in session.slots.all():
            slot.delete()
    # Created one by one, so each is recorded as added, in the history and the cache;
    # adding people records the slot again in its history, with them.
    created = []
    for planned in plan.to_create:
        slot = AgendaSlot.objects.create(
            session=session,
            start=planned.start,
            end=planned.end,
            title=planned.title,
            description=planned.description,
            kind=planned.kind,
        )
        if planned.moderators:
            slot.moderators.add(*planned.moderators)
        if planned.speakers:
            slot.speakers.add(*planned.speakers)
        created.append(slot)
    # As when an organiser picks them in a slot's box: whoever the paste put on
    # stage from outside the session joins its people, so its page lists them.
    session_people_add_from_slots(session=session)
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

    open_ends = forms.ChoiceField(
        label="Items given only a start",
        choices=[
            (
                paste_parser.OpenEnds.NEXT_AND_SESSION_END,
                "Each ends where the next begins; the last ends with the session",
            ),
            (
                paste_parser.OpenEnds.NEXT,
                "Each ends where the next begins; the last stays a moment",
            ),
            (paste_parser.OpenEnds.MOMENTS, "Each stays a moment, with no end"),
        ],
        required=False,
        help_text="The text gives some items a start but no end: choose where they end.",
    )
    add_duplicates = forms.BooleanField(
        label="Add them again",
        required=False,
        help_text="The items marked “already on the agenda” are left out unless this is ticked.",
    )

    def __init__(self, *args, session, **kwargs):
        # `session` is taken for a common signature with AgendaShiftForm; unused.
        super().__init__(*args, **kwargs)
        # Asked only when a preview needs the answer (show_plan); kept hidden till then.
        for name in ("open_ends", "add_duplicates"):
            self.fields[name].widget = forms.HiddenInput()

    def show_plan(self, plan):
        """Ask what this preview needs: where start-only items end, whether to add
        again the items already on the agenda."""
        if plan.open_ended:
            self.fields["open_ends"].widget = forms.RadioSelect(
                choices=self.fields["open_ends"].choices
            )
        if plan.duplicates:
            self.fields["add_duplicates"].widget = forms.CheckboxInput()

    def service_arguments(self):
        return {
            "text": self.cleaned_data["text"],
            "replace": self.cleaned_data["mode"] == self.REPLACE,
            "open_ends": self.cleaned_data["open_ends"],
            "add_duplicates": self.cleaned_data["add_duplicates"],
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
