"""The organiser tools on a session's admin page: their URLs and the duplicate action."""

from django.contrib import admin, messages
from django.db import transaction
from django.urls import path
from django.utils.html import format_html, format_html_join

from . import duplicate, paste, publication, restore, shift
from .pages import change_url

# (URL segment after the session's id, view): linked beside "History".
TOOLS = [
    ("duplicate", duplicate.duplicate_view),
    ("shift-agenda", shift.shift_agenda_view),
    ("paste-agenda", paste.paste_agenda_view),
    ("deleted-slots", restore.deleted_slots_view),
    ("publish", publication.publish_view),
    ("unpublish", publication.unpublish_view),
    ("cancel", publication.cancel_view),
    ("reinstate", publication.reinstate_view),
]


class OrganiserToolsMixin:
    """For SessionAdmin: one page per tool, each for one session."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def served(view):
            return self.admin_site.admin_view(
                lambda request, object_id: view(self, request, object_id)
            )

        return [
            path(
                f"<path:object_id>/{slug}/",
                served(view),
                name=f"{prefix}_{slug.replace('-', '_')}",
            )
            for slug, view in TOOLS
        ] + super().get_urls()

    @admin.action(description="Duplicate selected sessions as drafts", permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            copies = [duplicate.session_duplicate(session=s) for s in queryset.order_by("pk")]
        if len(copies) == 1:
            return duplicate.open_duplicate(self, request, copies[0])
        links = format_html_join(
            ", ", '<a href="{}">{}</a>', ((change_url(self, c), c.slug) for c in copies)
        )
        self.message_user(
            request, format_html("{} draft copies made: {}.", len(copies), links), messages.SUCCESS
        )
        return None
