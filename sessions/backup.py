"""A whole event as one JSON file: for backups, and for moving an event between sites.

The file holds the event, its sessions with their timed slots (and who leads
them and who is on stage, and the staff-only run-of-show notes) and roles, and
the people who appear in them with their affiliations and organisations
(parents included). Participants' requests are personal data and stay out.

Rows are named by natural keys, never by primary keys, so a file can be loaded
into another site: an event by its slug, a session by its slug within the
event, a person by slug, an organisation by name. Slots have no natural key: a
session's slots are the file's, in running order. Roles are keyed by (person,
role) within their session.

Field lists come from `Model._meta.concrete_fields` (less the primary key, the
automatic timestamps and the foreign key to the enclosing row), so a field
added to a model later is exported and imported without touching this module.
Foreign keys are written as the natural key of the row they point to; a new
foreign key to a model without one fails loudly (`NATURAL_KEYS`).

Import is all or nothing. Every value is checked before anything is written,
and each error names its place in the file ("sessions[0].slots[2].start:
'11:60' is not a time"); then every row is written through `full_clean()` and
the agenda through `Session.check_agenda()`, inside one transaction. Keys that
this site does not know are refused (they would be lost); keys that the file
lacks take the model's default when the model has one (a file written before a
field existed), and are refused otherwise.

Importing into a site that has the event updates it: rows found by natural key
are changed in place, a session's slots are rewritten row for row in running
order (an unchanged agenda records no change for participants; see
sessions/changes.py), roles and affiliations missing from the file are removed.
Sessions of the event that the file does not have are kept: deleting one would
delete its participants' requests.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import models, transaction

from speakers.models import Affiliation, Organisation, Speaker

from .caching import bump_content_version
from .models import RUNNING_ORDER, AgendaSlot, Event, Session, SessionRole

FORMAT = "eventsite-event"
VERSION = 1

# How a row is named when another row points at it.
NATURAL_KEYS = {Organisation: "name", Speaker: "slug"}

# The foreign key that nesting in the file implies, per model.
NESTED_UNDER = {
    Session: "event",
    AgendaSlot: "session",
    SessionRole: "session",
    Affiliation: "speaker",
}

TOP_LEVEL_KEYS = ("format", "version", "event", "sessions", "speakers", "organisations")


def _fields(model):
    """The concrete fields written to the file, in model order."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        and f.name != NESTED_UNDER.get(model)
    ]


def _natural_key_field(model):
    try:
        return NATURAL_KEYS[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no natural key for the event backup: add it to "
            "sessions.backup.NATURAL_KEYS."
        ) from None


# Export


def event_export(*, event) -> dict:
    """The event as a dict ready for json.dumps(): sessions, slots, roles, people."""
    sessions = list(
        event.sessions.order_by("order", "pk").prefetch_related(
            models.Prefetch(
                "slots",
                queryset=AgendaSlot.objects.for_agenda().prefetch_related("moderators", "speakers"),
            ),
            models.Prefetch(
                "roles",
                queryset=SessionRole.objects.select_related("speaker", "shown_as").order_by(
                    "role", "order", "pk"
                ),
            ),
        )
    )
    speakers = list(
        Session.objects.filter(event=event)
        .people()
        .distinct()
        .order_by("slug")
        .prefetch_related(
            models.Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organisation").order_by("order", "pk"),
            )
        )
    )
    organisations = _organisations_for(sessions, speakers)
    return {
        "format": FORMAT,
        "version": VERSION,
        "event": _row(event),
        "sessions": [
            _row(session)
            | {
                "slots": [_row(slot) for slot in session.slots.all()],
                "roles": [_row(role) for role in session.roles.all()],
            }
            for session in sessions
        ],
        "speakers": [
            _row(speaker) | {"affiliations": [_row(a) for a in speaker.affiliations.all()]}
            for speaker in speakers
        ],
        "organisations": [_row(organisation) for organisation in organisations],
    }


def event_export_json(*, event) -> str:
    return json.dumps(event_export(event=event), indent=2, ensure_ascii=False) + "\n"


def _organisations_for(sessions, speakers):
    """Every organisation the people or roles name, and the bodies above them."""
    wanted = {a.organisation_id for speaker in speakers for a in speaker.affiliations.all()}
    wanted |= {
        role.shown_as_id
        for session in sessions
        for role in session.roles.all()
        if role.shown_as_id is not None
    }
    found = {}
    while wanted:
        rows = Organisation.objects.filter(pk__in=wanted).select_related("parent")
        found |= {row.pk: row for row in rows}
        wanted = {row.parent_id for row in rows if row.parent_id is not None} - found.keys()
    return sorted(found.values(), key=lambda row: row.name)


def _row(obj):
    data = {}
    for f in _fields(type(obj)):
        if f.is_relation:
            related = getattr(obj, f.name)
            data[f.name] = (
                None if related is None else getattr(related, _natural_key_field(f.related_model))
            )
        else:
            value = getattr(obj, f.attname)
            data[f.name] = value.isoformat() if isinstance(value, date | time) else value
    for f in type(obj)._meta.many_to_many:
        key = _natural_key_field(f.related_model)
        data[f.name] = sorted(getattr(related, key) for related in getattr(obj, f.name).all())
    return data


# Reading a file


def event_file_load(*, content) -> dict:
    """The dict in a backup file's bytes or text; ValidationError if it is not JSON."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        data = json.loads(text)
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text.", code="encoding") from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            "The file is not JSON: %(error)s.", params={"error": error}, code="json"
        ) from None
    except RecursionError:
        raise ValidationError("The file is nested too deeply to read.", code="json") from None
    return data


# Import


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


def event_import(*, data) -> Event:
    """Create or update the event in `data` (see event_export); all or nothing."""
    return event_import_detailed(data=data).event


def event_import_detailed(*, data) -> ImportResult:
    """As event_import(), with how many rows of each kind were created, updated, removed."""
    event, sessions, speakers, organisations = _parse(data)
    with transaction.atomic():
        result = _write(event, sessions, speakers, organisations)
        # Signals have seen each save; one more stamp covers the whole import.
        bump_content_version()
    return result


@dataclass
class _Row:
    """One row of the file, read: its place in the file, model and converted values."""

    path: str
    model: type
    values: dict
    children: dict = field(default_factory=dict)  # nested list name -> [_Row]

    @property
    def key(self):
        return self.values.get(_NATURAL_KEY_NAMES.get(self.model))


# The natural key of each kind of row that has one, within its enclosing row.
_NATURAL_KEY_NAMES = {Event: "slug", Session: "slug", **NATURAL_KEYS}
_NESTED = {
    Session: {"slots": AgendaSlot, "roles": SessionRole},
    Speaker: {"affiliations": Affiliation},
}


class _Errors:
    def __init__(self):
        self.messages = []

    def add(self, path, message):
        self.messages.append(f"{path}: {message}")

    def raise_if_any(self):
        if self.messages:
            raise ValidationError(self.messages, code="backup")


def _shown(value):
    """A value as the errors quote it: its repr, cut short (a hostile file can be long)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _parse(data):
    """The file checked and converted; ValidationError naming every problem, nothing written."""
    if not isinstance(data, dict):
        raise ValidationError("The file does not hold a JSON object.", code="backup")
    if data.get("format") != FORMAT:
        raise ValidationError(
            "format: %(value)s is not an event backup (expected %(expected)s).",
            params={"value": _shown(data.get("format")), "expected": repr(FORMAT)},
            code="format",
        )
    if data.get("version") != VERSION:
        raise ValidationError(
            "version: %(value)s is not a version this site reads (it reads %(expected)s).",
            params={"value": _shown(data.get("version")), "expected": VERSION},
            code="version",
        )
    errors = _Errors()
    for key in sorted(data.keys() - set(TOP_LEVEL_KEYS)):
        errors.add(_shown(key), "unknown key")
    if isinstance(data.get("event"), dict):
        event = _read_row(Event, data["event"], "event", errors)
    else:
        errors.add("event", "missing, or not an object")
        event = None
    lists = {
        name: [_read_row(model, raw, path, errors) for path, raw in _read_list(data, name, errors)]
        for name, model in (
            ("organisations", Organisation),
            ("speakers", Speaker),
            ("sessions", Session),
        )
    }
    for rows in lists.values():
        _check_unique(rows, errors)
    for session in lists["sessions"]:
        _check_unique(session.children.get("roles", []), errors, key=("speaker", "role"))
    known = {
        model: {row.key for row in lists[name]}
        for name, model in (("organisations", Organisation), ("speakers", Speaker))
    }
    for row in _walk([row for rows in lists.values() for row in rows]):
        _check_references(row, known, errors)
    organisations = _parents_first(lists["organisations"], errors)
    errors.raise_if_any()
    return event, lists["sessions"], lists["speakers"], organisations


def _walk(rows):
    for row in rows:
        yield row
        for children in row.children.values():
            yield from _walk(children)


def _read_list(data, key, errors, path=None):
    """[(path, item)] of the list under `key`; an error if it is missing or not a list."""
    where = f"{path}.{key}" if path else key
    value = data.get(key)
    if not isinstance(value, list):
        errors.add(where, "missing" if value is None else "not a list")
        return []
    return [(f"{where}[{index}]", item) for index, item in enumerate(value)]


def _read_row(model, raw, path, errors):
    """The row's values, converted; an error for each missing, unknown or bad value."""
    row = _Row(path, model, {})
    if not isinstance(raw, dict):
        errors.add(path, "not an object")
        return row
    fields = _fields(model)
    m2m = model._meta.many_to_many
    nested = _NESTED.get(model, {})
    known = {f.name for f in [*fields, *m2m]} | nested.keys()
    for key in sorted(raw.keys() - known, key=str):
        errors.add(f"{path}.{key}", "unknown key")
    for f in fields:
        if f.name in raw:
            try:
                row.values[f.name] = _value(f, raw[f.name])
            except ValueError as error:
                errors.add(f"{path}.{f.name}", str(error))
        elif f.name == _NATURAL_KEY_NAMES.get(model) or not (f.has_default() or f.blank):
            errors.add(f"{path}.{f.name}", "missing")
        else:  # written before the field existed: what the model gives a new row
            row.values[f.name] = f.get_default()
    for f in m2m:
        value = raw.get(f.name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.add(f"{path}.{f.name}", f"{_shown(value)} is not a list of names")
        else:
            row.values[f.name] = value
    for name, child_model in nested.items():
        row.children[name] = [
            _read_row(child_model, item, sub, errors)
            for sub, item in _read_list(raw, name, errors, path)
        ]
    return row


def _value(f, value):
    """The Python value of a field from its JSON value; ValueError saying what is wrong."""
    if value is None:
        if f.null:
            return None
        raise ValueError("may not be null")
    if f.is_relation:
        kind, ok = "a name", isinstance(value, str)
    elif isinstance(f, models.BooleanField):
        kind, ok = "true or false", isinstance(value, bool)
    elif isinstance(f, models.IntegerField):
        kind, ok = "a whole number", isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(f, models.DateTimeField):
        return _parsed(datetime, value, "a date and time with a UTC offset", aware=True)
    elif isinstance(f, models.DateField):
        return _parsed(date, value, "a date")
    elif isinstance(f, models.TimeField):
        return _parsed(time, value, "a time", aware=False)
    elif isinstance(f, models.CharField | models.TextField):
        kind, ok = "text", isinstance(value, str)
    else:  # a field type this module does not know yet: Django reads it
        try:
            return f.to_python(value)
        except ValidationError as error:
            raise ValueError(f"{_shown(value)}: {' '.join(error.messages)}") from None
    if not ok:
        raise ValueError(f"{_shown(value)} is not {kind}")
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL refuses it in any text column; Django's forms give the same message.
        raise ValueError("Null characters are not allowed.")
    return value


def _parsed(kind, value, description, aware=None):
    try:
        parsed = kind.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or (aware is not None and (parsed.tzinfo is not None) != aware):
        raise ValueError(f"{_shown(value)} is not {description}")
    return parsed


def _check_unique(rows, errors, key=None):
    seen = set()
    for row in rows:
        value = row.key if key is None else tuple(row.values.get(name) for name in key)
        if value is None or (isinstance(value, tuple) and None in value):
            continue  # missing or bad: already reported
        if value in seen:
            errors.add(row.path, f"{_shown(value)} appears more than once")
        seen.add(value)


def _check_references(row, known, errors):
    for f in [*_fields(row.model), *row.model._meta.many_to_many]:
        if f.related_model not in known or row.values.get(f.name) is None:
            continue
        names = row.values[f.name] if f.many_to_many else [row.values[f.name]]
        plural = f.related_model._meta.verbose_name_plural
        for name in names:
            if name not in known[f.related_model]:
                errors.add(
                    f"{row.path}.{f.name}", f"{_shown(name)} is not among the file's {plural}"
                )


def _parents_first(rows, errors):
    """Organisations ordered so that each is written after its parent; cycles refused."""
    by_name = {row.key: row for row in rows if row.key is not None}
    ordered, done, visiting = [], set(), set()

    def visit(name):
        if name in done or name not in by_name:
            return
        row = by_name[name]
        if name in visiting:
            errors.add(f"{row.path}.parent", f"{_shown(name)} would be a unit of itself")
            return
        visiting.add(name)
        visit(row.values.get("parent"))
        visiting.discard(name)
        done.add(name)
        ordered.append(row)

    for name in by_name:
        visit(name)
    return ordered


# Writing, inside the import's transaction


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
        for f in _fields(row.model):
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
    names = [f.attname for f in _fields(Affiliation)]
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
    # (sessions/changes.py records slot changes of published sessions).
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
