"""Publish, unpublish, cancel and reinstate a session from its own admin page.

Each step is a page that says who will see what, and a POST that saves the session
(not a bulk update) under a row lock, so the change history names the organiser and
a change form opened before is refused instead of writing the old state back.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.html import format_html

from common.site_url import absolute_url

from ..models import Session
from .pages import change_url, tool_response, tool_session


@dataclass(frozen=True)
class Step:
    slug: str
    title: str  # the page's title and the link's text
    button: str
    done: str  # the message afterwards; {} is the session

    def applies_to(self, session):
        return STEP_APPLIES[self.slug](session)


STEPS = {
    step.slug: step
    for step in [
        Step("publish", "Publish", "Yes, publish", "“{}” is published."),
        Step("unpublish", "Unpublish", "Yes, back to draft", "“{}” is a draft again."),
        Step("cancel", "Cancel the meeting", "Yes, cancel the meeting", "“{}” is cancelled."),
        Step("reinstate", "Reinstate the meeting", "Yes, reinstate", "“{}” will take place."),
    ]
}
STEP_APPLIES = {
    "publish": lambda s: not s.is_published,
    "unpublish": lambda s: s.is_published,
    "cancel": lambda s: not s.cancelled,
    "reinstate": lambda s: s.cancelled,
}


def session_change_publication(*, session, step):
    """Apply `step` (a slug of STEPS) to the stored session; False if it no longer
    applies (someone else did it first), True once saved."""
    with transaction.atomic():
        stored = Session.objects.select_for_update().get(pk=session.pk)
        if not STEPS[step].applies_to(stored):
            return False
        if step == "publish":
            stored.publish()
        elif step == "unpublish":
            stored.status = Session.Status.DRAFT
        else:
            stored.cancelled = step == "cancel"
        stored.save()
        return True


def _view(step_slug):
    step = STEPS[step_slug]

    # Served through admin_view (tools/admin.py): staff login and CSRF protection.
    def view(model_admin, request, object_id):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        session = tool_session(model_admin, request, object_id)
        if not model_admin.has_change_permission(request, session):
            raise PermissionDenied
        if request.method == "POST":
            if session_change_publication(session=session, step=step.slug):
                model_admin.message_user(request, format_html(step.done, session), messages.SUCCESS)
            else:
                model_admin.message_user(
                    request,
                    format_html("Nothing to do: “{}” was already changed.", session),
                    messages.WARNING,
                )
            return HttpResponseRedirect(change_url(model_admin, session))
        return tool_response(
            model_admin,
            request,
            session,
            "publication.html",
            step.title,
            {
                "step": step,
                "applies": step.applies_to(session),
                "slot_count": session.slots.count(),
                "public_url": absolute_url(session.get_absolute_url()),
            },
        )

    return view


publish_view = _view("publish")
unpublish_view = _view("unpublish")
cancel_view = _view("cancel")
reinstate_view = _view("reinstate")
