"""Where Django looks for the app's models. They live in sessions/core/, one module each."""

from .core.change import AgendaChange
from .core.event import Event
from .core.mark import LiveMark
from .core.partner import EventPartner
from .core.renames import FormerSlug
from .core.role import SessionRole
from .core.session import RESERVED_SESSION_SLUGS, Session, validate_time_zone
from .core.slot import RUNNING_ORDER, AgendaSlot

__all__ = [
    "RESERVED_SESSION_SLUGS",
    "RUNNING_ORDER",
    "AgendaChange",
    "AgendaSlot",
    "Event",
    "EventPartner",
    "FormerSlug",
    "LiveMark",
    "Session",
    "SessionRole",
    "validate_time_zone",
]
