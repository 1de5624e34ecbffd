"""Writing an imported backup, all or nothing, inside one transaction."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction

from common import images
from common.caching import bump_content_version
from common.formatting import span
from speakers.models import Affiliation, Organisation, Speaker

from ..models import RUNNING_ORDER, AgendaSlot, Event, EventPartner, Session, SessionRole
from .format import file_fields
from .permissions import FILE_MODELS, import_missing
from .reading import ImageContent, parse

# How many of each kind of row, in this order, with these actions.
# Every kind of row in the file, in the order the summary lists them.
_SUMMARY_MODELS = FILE_MODELS
_SUMMARY_ACTIONS = ("created", "updated", "unchanged", "removed", "kept (not in the file)")


@dataclass(frozen=True)
class RowChange:
    """One row the import creates, changes or removes, as the preview lists it."""

    kind: str  # the model's verbose name: "agenda slot"
    name: str  # how the row reads: "Welcome (11:30–11:45)"
    action: str  # "created", "updated", "removed", "replaced"
    fields: tuple = ()  # (field, before, after) of each value that changes

    def __str__(self):
        text = f"{self.kind} “{self.name}”: {self.action}"
        changes = "; ".join(f"{name}: {before} → {after}" for name, before, after in self.fields)
        return f"{text} ({changes})" if changes else text


@dataclass
class ChangeGroup:
    """The changes of one event, one of its sessions, one person, or the organisations."""

    heading: str
    section: int = 0  # the event and its sessions, then people, then organisations
    changes: list = field(default_factory=list)


@dataclass
class ImportResult:
    event: Event
    counts: Counter = field(default_factory=Counter)  # (model's verbose name plural, action)
    groups: list = field(default_factory=list)  # [ChangeGroup], those with changes
    updates_existing: bool = False  # the site had the event: the file updates it
    dry_run: bool = False  # nothing was written

    def summary(self):
        """One line per kind of row: "sessions: 1 created, 1 updated"."""
        lines = []
        for model in _SUMMARY_MODELS:
            name = str(model._meta.verbose_name_plural)
            actions = [
                f"{self.counts[name, action]} {action}"
                for action in _SUMMARY_ACTIONS
                if self.counts[name, action]
            ]
            if actions:
                lines.append(f"{name}: {', '.join(actions)}")
        return lines

    def preview_lines(self):
        """The preview as plain text, for the management command."""
        lines = []
        for group in self.groups:
            lines.append(group.heading)
            lines += [f"  {change}" for change in group.changes]
        return lines

    def outcome(self):
        """What applying would do: equal outcomes, equal previews (see admin.py)."""
        return (self.updates_existing, tuple((g.heading, tuple(g.changes)) for g in self.groups))


class _DryRun(Exception):
    def __init__(self, result):
        self.result = result


def event_import(*, data, **options) -> Event:
    """Create or update the event in `data` (see event_export); all or nothing."""
    return event_import_detailed(data=data, **options).event


def event_import_detailed(
    *, data, user=None, update_existing=False, publish=False, dry_run=False
) -> ImportResult:
    """As event_import(), with what was (or would be) created, changed and removed.

    `user`: the person importing (None for the management command, run by whoever
    runs the site): refused with PermissionDenied, before anything is read or
    written, unless they may write every kind of row the file holds.

    `update_existing`: a file whose event this site already has (the same slug)
    is refused unless this is set, so a file never overwrites an event silently.

    `publish`: sessions take the publication status of the file. Otherwise a
    session the file adds arrives as a draft, and a session this site has keeps
    its own status.

    `dry_run`: everything is written and checked as for real, inside a
    transaction that is then rolled back; the result is the preview.
    """
    if user is not None:
        missing = import_missing(user)
        if missing:
            raise PermissionDenied(
                "You may not import an event: it needs permission to " + "; ".join(missing) + "."
            )
    event, sessions, speakers, organisations = parse(data)
    existing = Event.objects.filter(slug=event.key).first()
    if existing is not None and not update_existing:
        raise ValidationError(
            "This site already has the event “%(title)s” (slug “%(slug)s”): this file would "
            "update it. Choose “update the existing event” to see what would change, or give "
            "the event another slug in the file to import it as a new event.",
            params={"title": existing.title, "slug": existing.slug},
            code="event_exists",
        )
    # Images stored on the way stay only if the import commits: a dry run or a
    # refusal rolls the rows back, and the files with them.
    with images.removed_unless_kept() as keep:
        try:
            with transaction.atomic():
                result = _write(event, sessions, speakers, organisations, publish=publish)
                result.updates_existing = existing is not None
                if dry_run:
                    result.dry_run = True
                    raise _DryRun(result)
                # Signals have seen each save; one more stamp covers the whole import.
                bump_content_version()
        except _DryRun as rolled_back:
            return rolled_back.result
        keep()
    return result


def _shown(value):
    """A value as the preview shows it: short, and saying what an empty one is."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, date | time):
        value = value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _row_name(obj):
    if isinstance(obj, AgendaSlot):
        return f"{obj.title} ({span(obj.start, obj.end)})"
    return str(obj)


class _Writer:
    def __init__(self):
        self.counts = Counter()
        self.refs = {Organisation: {}, Speaker: {}}
        self.groups = []

    def count(self, model, action, number=1):
        if number:
            self.counts[str(model._meta.verbose_name_plural), action] += number

    def begin(self, heading, section):
        """Changes recorded from now on are listed under `heading`."""
        self.groups.append(ChangeGroup(heading, section))

    def record(self, obj, action, fields=()):
        kind = str(obj._meta.verbose_name)
        self.groups[-1].changes.append(RowChange(kind, _row_name(obj), action, tuple(fields)))

    def upsert(self, row, lookup, **parent):
        """The row found by `lookup` (within `parent`), or a new one, holding the row's values."""
        obj = row.model._base_manager.filter(**lookup, **parent).first() or row.model(**parent)
        self.store(obj, row)
        return obj

    def store(self, obj, row, record=True, **overrides):
        """Write the row's values into `obj`, checked by full_clean(); saved only if changed."""
        created = obj.pk is None
        changed = []
        by_attname = {f.attname: f for f in obj._meta.concrete_fields}
        for name, value in (self.resolved(row) | overrides).items():
            if not created and by_attname[name].name in row.absent:
                continue  # a file from before the field existed leaves it as it is
            if _same_image(getattr(obj, name), value):
                continue
            if getattr(obj, name) != value:
                f = by_attname[name]
                if not created:
                    before = getattr(obj, f.name) if f.is_relation else getattr(obj, name)
                    after = row.values[f.name] if f.is_relation else value
                    changed.append((str(f.verbose_name), _shown(before), _shown(after)))
                setattr(obj, name, value)
        people = {
            f: [self.refs[f.related_model][name] for name in row.values[f.name]]
            for f in row.model._meta.many_to_many
        }
        if not created:
            for f, related in people.items():
                stored = list(getattr(obj, f.name).all())
                if set(stored) != set(related):
                    before = ", ".join(sorted(str(person) for person in stored))
                    after = ", ".join(sorted(str(person) for person in related))
                    changed.append((str(f.verbose_name), _shown(before), _shown(after)))
        if not (created or changed):
            self.count(row.model, "unchanged")
            return
        try:
            obj.full_clean()
        except ValidationError as error:
            raise _placed(error, row.path) from None
        obj.save()
        for f, related in people.items():
            getattr(obj, f.name).set(related)
        action = "created" if created else "updated"
        self.count(row.model, action)
        if record:
            self.record(obj, action, changed)

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


def _write(event_row, sessions, speakers, organisations, *, publish):
    writer = _Writer()
    writer.begin("Organisations", section=2)
    for row in organisations:
        writer.refs[Organisation][row.key] = writer.upsert(row, {"name": row.key})
    for row in speakers:
        writer.begin(f"Person “{row.values.get('name')}” ({row.key})", section=1)
        speaker = writer.upsert(row, {"slug": row.key})
        writer.refs[Speaker][row.key] = speaker
        _write_affiliations(writer, speaker, row.children["affiliations"])
    writer.begin(f"Event “{event_row.values.get('title')}” ({event_row.key})", section=0)
    event = writer.upsert(event_row, {"slug": event_row.key})
    if event_row.children["partners"] is not None:  # None: a file from before they existed
        _write_partners(writer, event, event_row.children["partners"])
    kept = list(event.sessions.exclude(slug__in=[row.key for row in sessions]))
    for session in kept:
        writer.record(session, "kept (not in the file)")
    writer.count(Session, "kept (not in the file)", len(kept))
    for row in sessions:
        _write_session(writer, event, row, publish=publish)
    groups = sorted((g for g in writer.groups if g.changes), key=lambda g: g.section)
    return ImportResult(event=event, counts=writer.counts, groups=groups)


def _write_partners(writer, event, rows):
    """The event's organisers and partners become the file's, found by role and name;
    those the file does not name are removed."""
    kept = []
    for row in rows:
        lookup = {"role": row.values["role"], "name": row.values["name"]}
        kept.append(writer.upsert(row, lookup, event=event).pk)
    gone = list(event.partners.exclude(pk__in=kept))
    for partner in gone:
        writer.record(partner, "removed")
        partner.delete()
    if gone:
        writer.count(EventPartner, "removed", len(gone))


def _same_image(current, value):
    """An image from the file that the row already has, byte for byte."""
    if not isinstance(value, ImageContent) or not current:
        return False
    try:
        with current.storage.open(current.name) as stored:
            return hashlib.sha256(stored.read()).hexdigest() == value.sha256
    except OSError:
        return False


def _write_affiliations(writer, speaker, rows):
    """The person's affiliations become the file's: unchanged, or all replaced."""
    existing = list(speaker.affiliations.order_by("order", "pk").select_related("organisation"))
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
    made = []
    for row in rows:
        affiliation = Affiliation(speaker=speaker)
        writer.store(affiliation, row, record=False)
        made.append(affiliation)
    if existing:
        before = "; ".join(str(a) for a in existing)
        after = "; ".join(str(a) for a in made)
        writer.record(speaker, "affiliations replaced", [("affiliations", before, after)])
    else:
        for affiliation in made:
            writer.record(affiliation, "created")


def _write_session(writer, event, row, *, publish):
    stored = Session.objects.filter(event=event, slug=row.key).first()
    session = stored or Session(event=event)
    label, title = row.values.get("label"), row.values.get("title")
    writer.begin(f"Session “{label}: {title}”" if label else f"Session “{title}”", section=0)
    # Published as in the file only when the organiser chose so; otherwise a new
    # session arrives as a draft and a stored one keeps its own status.
    if publish:
        status, published_at = row.values["status"], row.values["published_at"]
    else:
        status, published_at = session.status, session.published_at
    # published_at is set only after the slots: on a session that was not
    # published on this site yet, its slots are not news for participants
    # (sessions/core/changes.py records slot changes of published sessions).
    # The calendar SEQUENCE never goes down, or calendars would ignore the update.
    overrides = {"published_at": session.published_at, "status": status}
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
        writer.record(slot, "removed")
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
    removed = list(session.roles.exclude(pk__in=kept).select_related("speaker"))
    for role in removed:
        writer.record(role, "removed")
        role.delete()
    writer.count(SessionRole, "removed", len(removed))

    if session.published_at != published_at:
        session.published_at = published_at
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
