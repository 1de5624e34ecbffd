"""Who may take an event out of the site as a backup file, and who may bring one in.

The file holds every kind of row an event is made of, and the staff's
run-of-show notes. Taking it out must need no less than seeing each of those
rows in the admin; bringing one in must need no less than writing each of them
there. Otherwise the backup would be a way round the admin's permissions.
"""

from dataclasses import dataclass

from speakers.models import Affiliation, Organisation, Speaker

from ..models import AgendaSlot, Event, EventPartner, Session, SessionRole

# Every kind of row in the file (format.py).
FILE_MODELS = (
    Event,
    EventPartner,
    Session,
    AgendaSlot,
    SessionRole,
    Speaker,
    Affiliation,
    Organisation,
)

# The slots' cues, technical notes and who is responsible, and the session's
# online meeting link: what staff see on the run-of-show and the public never does.
RUN_OF_SHOW = "agenda.view_runofshow"

# What an import writes: rows of these kinds are created and changed...
IMPORT_ADDS_AND_CHANGES = FILE_MODELS
# ...and these are removed when the file no longer has them (importing.py).
# Events, sessions, people and organisations are never deleted by an import.
IMPORT_DELETES = (AgendaSlot, SessionRole, Affiliation, EventPartner)


@dataclass(frozen=True)
class Needed:
    """A permission, and how a person would say it."""

    codenames: tuple[str, ...]  # any one of them will do
    description: str

    def held_by(self, user):
        return any(user.has_perm(codename) for codename in self.codenames)

    def __str__(self):
        return f"{self.description} ({self.codenames[0]})"


def _codename(action, model):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _plural(model):
    return str(model._meta.verbose_name_plural)


def download_needs():
    # The admin lets a user who may change rows see them too; so does the download.
    needs = [
        Needed((_codename("view", model), _codename("change", model)), f"view {_plural(model)}")
        for model in FILE_MODELS
    ]
    return [*needs, Needed((RUN_OF_SHOW,), "view the run-of-show (cues, technical notes, link)")]


def import_needs():
    needs = [
        Needed((_codename(action, model),), f"{action} {_plural(model)}")
        for model in IMPORT_ADDS_AND_CHANGES
        for action in ("add", "change")
    ]
    needs += [
        Needed((_codename("delete", model),), f"delete {_plural(model)}")
        for model in IMPORT_DELETES
    ]
    # The file rewrites the run-of-show's notes, and the preview shows them.
    return [*needs, Needed((RUN_OF_SHOW,), "view the run-of-show (cues, technical notes, link)")]


def download_missing(user):
    """What `user` lacks to download an event's backup, in words; empty if nothing."""
    return [str(need) for need in download_needs() if not need.held_by(user)]


def import_missing(user):
    """What `user` lacks to import an event's backup, in words; empty if nothing."""
    return [str(need) for need in import_needs() if not need.held_by(user)]
