"""Two organisers editing one session: a save made on a stale form is refused.

The session's change form carries the version (`updated_at`) it was opened at;
`session_edit_conflict` compares it with the stored row, under a row lock, and
says who saved in between and what they changed, from the change history.
"""

from datetime import datetime

from django.utils import timezone

from common.formatting import and_join, shorten

from .session import Session
from .slot import AgendaSlot

# Bookkeeping fields that change with every save and say nothing to an organiser.
_NOT_WORTH_TELLING = {"updated_at", "sequence", "published_at"}


def session_edit_conflict(*, session, opened):
    """Why saving a form opened at version `opened` would overwrite someone else's save.

    `opened` is the session's `updated_at` (ISO 8601) when the form was shown. Returns
    None when nobody saved in between, else a message that says who saved, when, and
    what they changed, from the change history. Locks the session row until the end
    of the transaction, so two saves cannot both pass this check.
    """
    current = (
        Session.objects.select_for_update()
        .filter(pk=session.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if current is None:
        return None  # deleted meanwhile: the admin says so itself
    try:
        opened_at = datetime.fromisoformat(opened)
    except ValueError:
        return (
            "This form does not say which version of the session it was opened at. "
            "Open the session again."
        )
    if current == opened_at:
        return None
    # History records carry the version (updated_at) they saved.
    saves = list(
        session.history.filter(updated_at__gt=opened_at)
        .select_related("history_user")
        .order_by("history_date")
    )
    who = and_join(sorted({str(r.history_user) for r in saves if r.history_user})) or "Someone"
    changes = []
    before = session.history.filter(updated_at=opened_at).order_by("-history_date").first()
    if before is not None and saves:
        for change in saves[-1].diff_against(before).changes:
            if change.field not in _NOT_WORTH_TELLING:
                label = Session._meta.get_field(change.field).verbose_name
                old, new = shorten(change.old), shorten(change.new)
                changes.append(f"{label} (was “{old}”, now “{new}”)")
    if saves:
        # The admin saves the session, then its slots: slot records from the first
        # later save of the session on belong to the saves made since.
        slots = sorted(
            set(
                AgendaSlot.history.filter(
                    session_id=session.pk, history_date__gte=saves[0].history_date
                ).values_list("title", flat=True)
            )
        )
        if slots:
            changes.append("the agenda slots " + and_join(f"“{title}”" for title in slots))
    what = "; ".join(changes) if changes else "nothing you can see here"
    return (
        f"{who} saved this session at {timezone.localtime(current):%H:%M:%S} while you were "
        f"editing it, and changed: {what}. Your changes have not been saved, so that theirs "
        "are not lost: keep this page open to copy what you typed, open the session again "
        "in a new tab to see their version, and make your changes there."
    )
