"""Rules that span several agenda slots, shared by every entry point.

They work on plain rows so that the admin can check the rows an organiser
submitted before any of them is saved, services can check an agenda they are
about to write (a shift, a paste), and `Session.check_agenda()` can check what
is stored with a single query.
"""

from dataclasses import dataclass, field
from datetime import time
from typing import Any

from common.formatting import span


@dataclass(frozen=True, eq=False)
class SlotTimes:
    title: str
    start: time
    end: time | None  # None: a milestone, a moment rather than a span
    key: Any = field(default=None)  # whatever lets the caller find the row again

    @property
    def is_milestone(self):
        return self.end is None

    def describe(self):
        return f"“{self.title}” ({span(self.start, self.end)})"


@dataclass(frozen=True)
class Problem:
    slots: tuple[SlotTimes, ...]
    message: str


def agenda_problems(slots, window_start=None, window_end=None):
    """Every overlap between two slots and every slot outside the session's window.

    Milestones never overlap anything; touching ends (11:30-11:45 then 11:45-12:20)
    are not an overlap.
    """
    problems = []
    spans = sorted((s for s in slots if not s.is_milestone), key=lambda s: (s.start, s.end))
    for index, first in enumerate(spans):
        for second in spans[index + 1 :]:
            if second.start >= first.end:
                break
            problems.append(
                Problem((first, second), f"{first.describe()} overlaps {second.describe()}.")
            )
    if window_start is not None and window_end is not None:
        for slot in slots:
            ends = slot.start if slot.end is None else slot.end
            if slot.start < window_start or ends > window_end:
                problems.append(
                    Problem(
                        (slot,),
                        f"{slot.describe()} lies outside the session, which runs "
                        f"{span(window_start, window_end)}.",
                    )
                )
    return problems
