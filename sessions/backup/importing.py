"""Writing an imported backup, all or nothing, inside one transaction."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction

from common.caching import bump_content_version
from speakers.models import Affiliation, Organisation, Speaker

from ..models import RUNNING_ORDER, AgendaSlot, Event, Session, SessionRole
from .format import file_fields
from .permissions import import_missing
from .reading import parse


@dataclass
class ImportResult:
    event: Event
    counts: Counter = field(default_factory=Counter)  # (model's verbose name plural, action)

    def summary(self):
        """One line per kind of row: "sessions: 1 created, 1 updated"."""
        lines = []
        for model in (Event, Session, AgendaSlot, SessionRole, Speaker, Affiliation, Organisation):
            name = str(model._meta.verbose_name_plural)
            actions = [
                f"{self.counts[name, action]} {action}"
                for action in (
                    "created",
                    "updated",
                    "unchanged",
                    "removed",
                    "kept (not in the file)",
                )
                if self.counts[name, action]
            ]
            if actions:
                lines.append(f"{name}: {', '.join(actions)}")
        return lines


def event_import(*, data, **options) -> Event:
    """Create or update the event in `data` (see event_export); all or nothing."""
    return event_import_detailed(data=data, **options).event


def event_import_detailed(*, data, user=None) -> ImportResult:
    """As event_import(), with how many rows of each kind were created, updated, removed.

    `user`: the person importing (None for the management command, run by whoever
    runs the site): refused with PermissionDenied, before anything is read or
    written, unless they may write every kind of row the file holds.
    """
    if user is not None:
        missing = import_missing(user)
        if missing:
            raise PermissionDenied(
                "You may not import an event: it needs permission to " + "; ".join(missing) + "."
            )
    event, sessions, speakers, organisations = parse(data)
    with transaction.atomic():
        result = _write(event, sessions, speakers, organisations)
        # Signals have seen each save; one more stamp covers the whole import.
        bump_content_version()
    return result


class _Writer:
    def __init__(self):
        self.counts = Counter()
        self.refs = {Organisation: {}, Speaker: {}}

    def count(self, model, action, number=1):
        if number:
            self.counts[str(model._meta.verbose_name_plural), action] += number

    def upsert(self, row, lookup, **parent):
        """The row found by `lookup` (within `parent`), or a new one, holding the row's values."""
        obj = row.model._base_manager.filter(**lookup, **parent).first() or row.model(**parent)
        self.store(obj, row)
        return obj

    def store(self, obj, row, **overrides):
        """Write the row's values into `obj`, checked by full_clean(); saved only if changed."""
        created = obj.pk is None
        changed = False
        for name, value in (self.resolved(row) | overrides).items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        people = {
            f.name: [self.refs[f.related_model][name] for name in row.values[f.name]]
            for f in row.model._meta.many_to_many
        }
        for name, related in people.items():
            if not created and set(getattr(obj, name).all()) != set(related):
                changed = True
        if not (created or changed):
            self.count(row.model, "unchanged")
            return
        try:
            obj.full_clean()
        except ValidationError as error:
            raise _placed(error, row.path) from None
        obj.save()
        for name, related in people.items():
            getattr(obj, name).set(related)
        self.count(row.model, "created" if created else "updated")

    def resolved(self, row):
        """The row's values by attribute name, natural keys replaced by primary keys."""
        values = {}
        for f in file_fields(row.model):
            value = row.values[f.name]
            if f.is_relation:
                values[f.attname] = None if value is None else self.refs[f.related_model][value].pk
            else:
                values[f.attname] = value
        return values


def _placed(error, path):
    """The model's validation error, each message prefixed with its place in the file."""
    if not hasattr(error, "error_dict"):
        return ValidationError([f"{path}: {message}" for message in error.messages])
    return ValidationError(
        [
            f"{path if name == NON_FIELD_ERRORS else f'{path}.{name}'}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    )


def _write(event_row, sessions, speakers, organisations):
    writer = _Writer()
    for row in organisations:
        writer.refs[Organisation][row.key] = writer.upsert(row, {"name": row.key})
    for row in speakers:
        speaker = writer.upsert(row, {"slug": row.key})
        writer.refs[Speaker][row.key] = speaker
        _write_affiliations(writer, speaker, row.children["affiliations"])
    event = writer.upsert(event_row, {"slug": event_row.key})
    for row in sessions:
        _write_session(writer, event, row)
    kept = event.sessions.exclude(slug__in=[row.key for row in sessions]).count()
    writer.count(Session, "kept (not in the file)", kept)
    return ImportResult(event=event, counts=writer.counts)


def _write_affiliations(writer, speaker, rows):
    """The person's affiliations become the file's: unchanged, or all replaced."""
    existing = list(speaker.affiliations.order_by("order", "pk"))
    wanted = [writer.resolved(row) for row in rows]
    names = [f.attname for f in file_fields(Affiliation)]
    stored = [{name: getattr(a, name) for name in names} for a in existing]
    if stored == wanted:
        writer.count(Affiliation, "unchanged", len(existing))
        return
    # Replaced rather than edited in place: a swap of two rows would break
    # the uniqueness of (person, position, unit, organisation) half way.
    speaker.affiliations.all().delete()
    writer.count(Affiliation, "removed", len(existing))
    for row in rows:
        writer.store(Affiliation(speaker=speaker), row)


def _write_session(writer, event, row):
    stored = Session.objects.filter(event=event, slug=row.key).first()
    session = stored or Session(event=event)
    # published_at is set only after the slots: on a session that was not
    # published on this site yet, its slots are not news for participants
    # (sessions/core/changes.py records slot changes of published sessions).
    # The calendar SEQUENCE never goes down, or calendars would ignore the update.
    overrides = {"published_at": session.published_at}
    if stored is not None:
        overrides["sequence"] = max(row.values["sequence"], stored.sequence)
    writer.store(session, row, **overrides)

    # The agenda becomes the file's, written over the stored slots rather than
    # deleted and made again: an unchanged agenda stays unchanged, and
    # participants are shown only real changes, not every slot removed and added.
    pairs, leftover = _pair_slots(
        list(session.slots.order_by(*RUNNING_ORDER)), row.children["slots"]
    )
    for slot_row, slot in pairs:
        writer.store(slot or AgendaSlot(session=session), slot_row)
    for slot in leftover:
        slot.delete()
    writer.count(AgendaSlot, "removed", len(leftover))
    try:
        session.check_agenda()
    except ValidationError as error:
        raise _placed(error, f"{row.path}.slots") from None

    kept = []
    for role_row in row.children["roles"]:
        speaker = writer.refs[Speaker][role_row.values["speaker"]]
        role = writer.upsert(
            role_row, {"speaker": speaker, "role": role_row.values["role"]}, session=session
        )
        kept.append(role.pk)
    removed, _ = session.roles.exclude(pk__in=kept).delete()
    writer.count(SessionRole, "removed", removed)

    if session.published_at != row.values["published_at"]:
        session.published_at = row.values["published_at"]
        session.save(update_fields=["published_at"])


def _pair_slots(existing, rows):
    """([(row, stored slot or None)], stored slots left over) for rewriting an agenda.

    A stored slot is paired with a row of the file with the same times and title,
    else the same title (it moved), else the same times (it was renamed), else
    the next free one in running order.
    """
    free = list(existing)
    paired = {}
    matches = (
        lambda slot, row: (
            (slot.start, slot.end, slot.title)
            == (row.values["start"], row.values["end"], row.values["title"])
        ),
        lambda slot, row: slot.title == row.values["title"],
        lambda slot, row: (slot.start, slot.end) == (row.values["start"], row.values["end"]),
        lambda slot, row: True,
    )
    for same in matches:
        for index, row in enumerate(rows):
            if index not in paired:
                slot = next((slot for slot in free if same(slot, row)), None)
                if slot is not None:
                    paired[index] = slot
                    free.remove(slot)
    return [(row, paired.get(index)) for index, row in enumerate(rows)], free
