"""Who leads and speaks in a slot, on the session's change page: the list the slot
boxes search (the session's people first, then everyone else) and, on save,
the session's people completed with anyone a slot names from outside it.

The boxes themselves (their labels, and the check of what is chosen) are in
admin_forms.py; the service that adds the people is core/role.py.
"""

from django.core.exceptions import PermissionDenied
from django.db.models.functions import Lower
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import ngettext

from common.formatting import and_join, full_name
from speakers.models import Speaker

from .admin_forms import EVERYONE_ELSE, IN_SESSION, session_roles
from .core.role import session_people_add_from_slots
from .models import Session

PAGE_SIZE = 20  # as Django's own autocomplete pages its answers


class SessionPeopleAdminMixin:
    """For SessionAdmin: the slot boxes' people list, and the people added on save."""

    def get_urls(self):
        people = path(
            "<int:session_id>/people/",
            self.admin_site.admin_view(self.people_view),
            name="agenda_session_people",
        )
        return [people, *super().get_urls()]

    def people_view(self, request, session_id):
        """select2's answer for a slot box: groups "In this session" and "Everyone
        else", narrowed by the search term as the people admin searches, the
        second group paged. Session 0 is a session not saved yet."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        session = Session.objects.filter(pk=session_id).first() if session_id else None
        roles = session_roles(session or Session())
        try:
            page = max(int(request.GET.get("page") or 1), 1)
        except ValueError:
            page = 1
        found, duplicates = self.admin_site.get_model_admin(Speaker).get_search_results(
            request, Speaker.objects.all(), request.GET.get("term", "")
        )
        if duplicates:
            found = found.distinct()
        found = found.order_by(Lower("name"), "pk").only("honorific", "name", "post_nominals")
        results = []
        if page == 1 and roles:
            ours = found.filter(pk__in=roles)
            children = [_option(person, roles[person.pk]) for person in ours]
            if children:
                results.append({"text": IN_SESSION, "children": children})
        start = (page - 1) * PAGE_SIZE
        others = list(found.exclude(pk__in=roles)[start : start + PAGE_SIZE + 1])
        if others[:PAGE_SIZE]:
            children = [_option(person) for person in others[:PAGE_SIZE]]
            results.append({"text": EVERYONE_ELSE, "children": children})
        return JsonResponse({"results": results, "pagination": {"more": len(others) > PAGE_SIZE}})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = session_people_add_from_slots(session=form.instance)
        if added:
            self.message_user(
                request,
                ngettext(
                    "%(names)s was added to the session's people, as a speaker, "
                    "because a slot names them.",
                    "%(names)s were added to the session's people, as speakers, "
                    "because a slot names them.",
                    len(added),
                )
                % {"names": and_join(full_name(person) for person in added)},
            )


def _option(person, role=""):
    name = full_name(person)
    return {"id": str(person.pk), "text": f"{name} ({role})" if role else name}
