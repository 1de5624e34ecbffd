"""Reading a backup file: every value checked and converted before anything is written."""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models

from common import images
from speakers.models import Affiliation, Organisation, Speaker

from ..models import AgendaSlot, Event, EventPartner, Session, SessionRole
from .format import FORMAT, NATURAL_KEYS, READS_VERSIONS, TOP_LEVEL_KEYS, file_fields


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


@dataclass
class _Row:
    """One row of the file, read: its place in the file, model and converted values."""

    path: str
    model: type
    values: dict
    children: dict = field(default_factory=dict)  # nested list name -> [_Row], or None
    # Fields the file does not have (written before they existed): a new row takes
    # their defaults, a row the site has keeps its own values.
    absent: set = field(default_factory=set)

    @property
    def key(self):
        return self.values.get(_NATURAL_KEY_NAMES.get(self.model))


# Lists a file of an older version does not have.
_SINCE_VERSION_4 = {"partners"}
# The natural key of each kind of row that has one, within its enclosing row.
_NATURAL_KEY_NAMES = {Event: "slug", Session: "slug", **NATURAL_KEYS}
_NESTED = {
    Event: {"partners": EventPartner},
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


def parse(data):
    """The file checked and converted; ValidationError naming every problem, nothing written."""
    if not isinstance(data, dict):
        raise ValidationError("The file does not hold a JSON object.", code="backup")
    if data.get("format") != FORMAT:
        raise ValidationError(
            "format: %(value)s is not an event backup (expected %(expected)s).",
            params={"value": _shown(data.get("format")), "expected": repr(FORMAT)},
            code="format",
        )
    version = data.get("version")
    if isinstance(version, bool) or version not in READS_VERSIONS:
        raise ValidationError(
            "version: %(value)s is not a version this site reads (it reads %(expected)s).",
            params={
                "value": _shown(version),
                "expected": " and ".join(map(str, READS_VERSIONS)),
            },
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
    if event is not None:
        _check_unique(event.children.get("partners") or [], errors, key=("role", "name"))
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
            yield from _walk(children or [])


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
    fields = file_fields(model)
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
            row.absent.add(f.name)
    for f in m2m:
        value = raw.get(f.name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.add(f"{path}.{f.name}", f"{_shown(value)} is not a list of names")
        else:
            row.values[f.name] = value
    for name, child_model in nested.items():
        if name in _SINCE_VERSION_4 and name not in raw:
            row.children[name] = None  # a file written before the list existed
            continue
        row.children[name] = [
            _read_row(child_model, item, sub, errors)
            for sub, item in _read_list(raw, name, errors, path)
        ]
    return row


def _value(f, value):
    """The Python value of a field from its JSON value; ValueError saying what is wrong."""
    if isinstance(f, models.FileField):
        return _image(value)
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
    if isinstance(value, str):
        # The field's own rules (length, one line, a slug, a URL), here rather than
        # only in full_clean() while writing: every row's problems are named at once.
        try:
            f.run_validators(value)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
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
    for f in [*file_fields(row.model), *row.model._meta.many_to_many]:
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


class ImageContent(ContentFile):
    """An image from the file, checked as an upload is; `sha256` tells it from the
    image a row already has, so an unchanged image is not stored again."""

    def __init__(self, content, name):
        super().__init__(content, name=name)
        self.sha256 = hashlib.sha256(content).hexdigest()


def _image(value):
    if value is None:
        return ""
    if not isinstance(value, dict) or not isinstance(value.get("base64"), str):
        raise ValueError(f"{_shown(value)} is not an image: an object with its base64")
    name = value.get("name")
    if not isinstance(name, str) or "." not in name:
        name = "image.bin"
    try:
        content = base64.b64decode(value["base64"], validate=True)
    except binascii.Error:
        raise ValueError("the image's base64 is damaged") from None
    try:
        images.check_bytes(content)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return ImageContent(content, name=name.rsplit("/", 1)[-1])
