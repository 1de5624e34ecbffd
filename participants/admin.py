"""The participants' admin: request settings per session, and the requests themselves.

Request settings have their own admin here rather than an inline pushed into
sessions' SessionAdmin: the sessions app stays unaware of participants (the
dependency runs one way), nothing depends on the order in which the two admin
modules are imported, and a later change to SessionAdmin.inlines on another
branch cannot silently drop it. Who may see participants' data is decided by
permissions on these models alone.
"""

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import ngettext

from common.admin_guards import AdminGuardsMixin

from .models import OutboxMessage, ParticipantRequest, RequestSettings
from .outbox import outbox_messages_resend
from .services import participant_requests_set_status

Status = ParticipantRequest.Status


def places_summary(selected, capacity_min, capacity_max):
    """ "Selected 31 of 25-30: 1 over the maximum"."""
    if capacity_max is None:
        return f"Selected {selected}" + (
            f" (at least {capacity_min} wanted)" if capacity_min is not None else ""
        )
    if capacity_min is not None and capacity_min != capacity_max:
        places = f"{capacity_min}-{capacity_max}"
    else:
        places = f"{capacity_max}"
    summary = f"Selected {selected} of {places}"
    if selected > capacity_max:
        return f"{summary}: {selected - capacity_max} over the maximum"
    if capacity_min is not None and selected < capacity_min:
        return f"{summary}: {capacity_min - selected} short of the minimum"
    return summary


def _places_html(selected, session):
    summary = places_summary(selected, session.capacity_min, session.capacity_max)
    if session.capacity_max is not None and selected > session.capacity_max:
        return format_html('<strong class="errornote">{}</strong>', summary)
    return summary


def selected_in_session():
    """A subquery: how many requests of the row's session are selected."""
    return Coalesce(
        Subquery(
            ParticipantRequest.objects.filter(session=OuterRef("session"), status=Status.SELECTED)
            .order_by()
            .values("session")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


@admin.register(RequestSettings)
class RequestSettingsAdmin(AdminGuardsMixin, admin.ModelAdmin):
    list_display = ["session", "event", "requests_open", "closes_on", "places", "requests_link"]
    list_editable = ["requests_open", "closes_on"]
    list_filter = ["requests_open", "session__event"]
    list_select_related = ("session__event",)
    search_fields = ["session__title", "session__label", "session__event__title"]
    autocomplete_fields = ["session"]
    readonly_fields = ["places", "created_at", "updated_at"]
    fields = ["session", "requests_open", "closes_on", "places", ("created_at", "updated_at")]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                selected=Count(
                    "session__participant_requests",
                    filter=Q(session__participant_requests__status=Status.SELECTED),
                )
            )
        )

    @admin.display(description="Event", ordering="session__event__title")
    def event(self, obj):
        return obj.session.event

    @admin.display(description="Places", ordering="selected")
    def places(self, obj):
        if obj.pk is None:
            return "-"
        return _places_html(obj.selected, obj.session)

    @admin.display(description="Requests")
    def requests_link(self, obj):
        url = reverse("admin:participants_participantrequest_changelist")
        return format_html(
            '<a href="{}?{}">Requests</a>', url, urlencode({"session__id__exact": obj.session_id})
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(AdminGuardsMixin, admin.ModelAdmin):
    """The email outbox: what was sent, what waits, what failed and why."""

    list_display = [
        "created_at",
        "recipient",
        "subject",
        "session",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "session", "kind"]
    list_select_related = ("session",)
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "participant_request",
        "session",
        "kind",
        "recipient",
        "subject",
        "body",
        ("status", "attempts"),
        ("created_at", "next_attempt_at", "attempted_at", "sent_at"),
        "last_error",
    ]
    readonly_fields = [
        "participant_request",
        "session",
        "kind",
        "recipient",
        "subject",
        "body",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "attempted_at",
        "sent_at",
        "last_error",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only page; the resend action asks for this permission (below).
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(
        description="Resend the selected failed (or long cut-off) emails", permissions=["resend"]
    )
    def resend(self, request, queryset):
        count = outbox_messages_resend(queryset=queryset)
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", count) % count,
            messages.SUCCESS,
        )
        skipped = queryset.count() - count
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d email was neither failed nor cut off and was left as it is.",
                    "%d emails were neither failed nor cut off and were left as they are.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    def has_resend_permission(self, request):
        return super().has_change_permission(request)


@admin.register(ParticipantRequest)
class ParticipantRequestAdmin(AdminGuardsMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "organisation",
        "expertise",
        "session",
        "status",
        "session_places",
        "created_at",
    ]
    list_filter = ["session", "status", "expertise"]
    list_select_related = ("session",)
    search_fields = ["name", "email", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = ["consent_at", "status_changed_at", "created_at", "updated_at", "emails"]
    fields = [
        "session",
        "name",
        "email",
        "organisation",
        "expertise",
        "motivation",
        "status",
        ("consent_at", "status_changed_at"),
        ("created_at", "updated_at"),
        "emails",
    ]
    autocomplete_fields = ["session"]
    actions = ["select", "waitlist", "decline"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_selected=selected_in_session())

    @admin.display(description="Emails")
    def emails(self, obj):
        """The request's emails and where each one is (a read-only list, not an
        inline: the change form posts no formset for it)."""
        if obj.pk is None:
            return "-"
        rows = [
            (
                reverse("admin:participants_outboxmessage_change", args=[message.pk]),
                message.subject,
                message.get_status_display(),
                message.attempts,
                f"{timezone.localtime(message.created_at):%Y-%m-%d %H:%M}",
                f", sent {timezone.localtime(message.sent_at):%Y-%m-%d %H:%M}"
                if message.sent_at
                else "",
                f": {message.last_error}" if message.last_error else "",
            )
            for message in obj.emails.order_by("created_at", "pk")
        ]
        if not rows:
            return "None yet"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: <strong>{}</strong> ({} attempts; queued {}{}){}</li>',
                rows,
            ),
        )

    @admin.display(description="Places in session", ordering="session_selected")
    def session_places(self, obj):
        return _places_html(obj.session_selected, obj.session)

    @admin.action(description="Select (email: you have a place)", permissions=["change"])
    def select(self, request, queryset):
        self._set_status(request, queryset, Status.SELECTED)

    @admin.action(description="Wait-list (email: on the waiting list)", permissions=["change"])
    def waitlist(self, request, queryset):
        self._set_status(request, queryset, Status.WAITLISTED)

    @admin.action(description="Decline (email: no place this time)", permissions=["change"])
    def decline(self, request, queryset):
        self._set_status(request, queryset, Status.DECLINED)

    def _set_status(self, request, queryset, status):
        sessions = {row.session for row in queryset.select_related("session")}
        changed, queued = participant_requests_set_status(queryset=queryset, status=status)
        label = Status(status).label.lower()
        outbox_url = reverse("admin:participants_outboxmessage_changelist")
        self.message_user(
            request,
            format_html(
                '{} {} <a href="{}">Email outbox</a>',
                ngettext(
                    "%(count)d request marked %(label)s.",
                    "%(count)d requests marked %(label)s.",
                    changed,
                )
                % {"count": changed, "label": label},
                ngettext(
                    "%d email queued; the worker sends it.",
                    "%d emails queued; the worker sends them.",
                    queued,
                )
                % queued,
                outbox_url,
            ),
            messages.SUCCESS,
        )
        self._warn_over_capacity(request, sessions)

    def _warn_over_capacity(self, request, sessions):
        counts = dict(
            ParticipantRequest.objects.selected()
            .filter(session__in=sessions)
            .values_list("session")
            .annotate(count=Count("pk"))
            .values_list("session", "count")
        )
        for session in sorted(sessions, key=lambda s: s.pk):
            selected = counts.get(session.pk, 0)
            if session.capacity_max is not None and selected > session.capacity_max:
                self.message_user(
                    request,
                    f"{session}: "
                    f"{places_summary(selected, session.capacity_min, session.capacity_max)}.",
                    messages.WARNING,
                )
