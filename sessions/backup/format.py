"""A whole event as one JSON file: for backups, and for moving an event between sites.

The file holds the event, its sessions with their timed slots (and who leads
them and who is on stage, and the staff-only run-of-show notes) and roles, and
the people who appear in them with their affiliations and organisations
(parents included), the event's identity (colour, logo, header image, organisers
and partners) and people's photos: each image as its stored bytes in base64,
checked on import as an upload is (common/images.py) and its sizes made again.
Participants' requests are personal data and stay out.

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
this site does not know are refused (they would be lost); a key that the file
lacks (a file written before the field existed) leaves a row this site has as it
is and gives a new row the model's default, when the model has one, and is
refused otherwise. So does a list the file's version lacks (an event's partners).

A file whose event this site already has (the same slug) is refused unless the
importer chooses to update it (`update_existing`); sessions the file adds arrive
as drafts unless the importer chooses to publish as in the file (`publish`), and
a dry run (`dry_run`, the admin's preview) writes everything and rolls it back.
Who may download and import: permissions.py.

Importing into a site that has the event updates it: rows found by natural key
are changed in place, a session's slots are rewritten row for row in running
order (an unchanged agenda records no change for participants; see
sessions/core/changes.py), roles and affiliations missing from the file are removed.
Sessions of the event that the file does not have are kept: deleting one would
delete its participants' requests.
"""

from django.core.exceptions import ImproperlyConfigured

from speakers.models import Affiliation, Organisation, Speaker

from ..models import AgendaSlot, EventPartner, Session, SessionRole

FORMAT = "eventsite-event"
# Version 2 added a person's post-nominals and the chair and host roles; version 3
# a session's venue address and position; version 4 the event's identity, its
# organisers and partners, and people's photos. An older file reads as it is (its
# people have no post-nominals, its venues no address, its event no logo); a site
# that reads only older versions refuses a newer file by its version, before any row.
VERSION = 4
READS_VERSIONS = (1, 2, 3, 4)

# How a row is named when another row points at it.
NATURAL_KEYS = {Organisation: "name", Speaker: "slug"}

# The foreign key that nesting in the file implies, per model.
NESTED_UNDER = {
    Session: "event",
    EventPartner: "event",
    AgendaSlot: "session",
    SessionRole: "session",
    Affiliation: "speaker",
}

TOP_LEVEL_KEYS = ("format", "version", "event", "sessions", "speakers", "organisations")


def file_fields(model):
    """The concrete fields written to the file, in model order."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        and f.name != NESTED_UNDER.get(model)
        # An image's sizes: made again from the image on import.
        and not f.name.endswith("_variants")
    ]


def natural_key_field(model):
    try:
        return NATURAL_KEYS[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no natural key for the event backup: add it to "
            "sessions.backup.format.NATURAL_KEYS."
        ) from None
