"""The organisers' admin for events and sessions, with the slots and roles inline.

The session's change form lives in admin_forms.py; the organiser tools linked from
it in tools/; the event's backup download and import in backup/admin.py.
"""

from django import forms
from django.contrib import admin, messages
from django.db import router, transaction
from django.db.models import Count
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from common import admin_images
from common.admin_guards import AdminGuardsMixin

from .admin_forms import SessionAdminForm
from .admin_people import SessionPeopleAdminMixin
from .admin_slots import (
    PEOPLE_FIELDS,
    ClockField,
    ClockInput,
    SlotEditorFormSet,
)
from .backup.admin import EventBackupMixin
from .models import RUNNING_ORDER, AgendaSlot, Event, EventPartner, Session, SessionRole
from .tools.admin import OrganiserToolsMixin


class EventPartnerInline(AdminGuardsMixin, admin.TabularInline):
    model = EventPartner
    form = admin_images.ImagesStoredFirstForm
    fields = ["role", "order", "name", "link", "logo", "logo_preview"]
    readonly_fields = ["logo_preview"]
    formfield_overrides = admin_images.IMAGE_FIELDS
    extra = 1

    @admin.display(description="As shown")
    def logo_preview(self, obj):
        return admin_images.preview(obj.logo_variants, height=40, alt=obj.name)


@admin.register(Event)
class EventAdmin(EventBackupMixin, AdminGuardsMixin, SimpleHistoryAdmin):
    list_display = ["title", "organiser", "session_count", "updated_at"]
    search_fields = ["title", "description", "organiser"]
    # Explicit, not the model's Meta.ordering: the annotated count's GROUP BY drops
    # that, and the autocomplete boxes that use this admin would page unordered.
    ordering = ["title", "pk"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["download_backup"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "organiser"]}),
        (
            "The event's look",
            {
                "description": "Worn by every page of the event: its page, its sessions, "
                "the people seen from it, the request form, the run-of-show (on screen; "
                "printouts stay black on white).",
                "fields": [
                    "tagline",
                    "colour",
                    "colour_summary",
                    "logo",
                    "logo_alt",
                    "logo_preview",
                    "header_image",
                    "header_image_alt",
                    "header_image_preview",
                ],
            },
        ),
    ]
    form = admin_images.ImagesStoredFirstForm
    readonly_fields = ["colour_summary", "logo_preview", "header_image_preview"]
    formfield_overrides = admin_images.IMAGE_FIELDS
    inlines = [EventPartnerInline]

    @admin.display(description="On the pages")
    def colour_summary(self, obj):
        return admin_images.colour_summary(obj.colour)

    @admin.display(description="Logo as shown")
    def logo_preview(self, obj):
        return admin_images.preview(obj.logo_variants, height=56, alt=obj.logo_alt)

    @admin.display(description="Header image as shown")
    def header_image_preview(self, obj):
        return admin_images.preview(obj.header_image_variants, width=320, alt=obj.header_image_alt)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="Sessions", ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


class AgendaSlotInline(AdminGuardsMixin, admin.TabularInline):
    model = AgendaSlot
    formset = SlotEditorFormSet
    # One line a slot, its notes behind a disclosure; lengths and gaps kept current
    # as times are typed (admin_slots.py, static/js/slot-editor.js).
    template = "admin/agenda/session/slot_inline.html"
    fields = [
        "start",
        "end",
        "title",
        "kind",
        "description",
        "moderators",
        "speakers",
        "cue",
        "tech_notes",
        "responsible",
    ]
    autocomplete_fields = ["moderators", "speakers"]
    ordering = RUNNING_ORDER
    extra = 1
    formfield_overrides = {
        # Short boxes keep a row of the agenda on one screen line.
        AgendaSlot._meta.get_field("description").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 30})
        },
        # HH:MM, typed and shown without seconds or the admin's clock pop-up.
        AgendaSlot._meta.get_field("start").__class__: {
            "form_class": ClockField,
            "widget": ClockInput,
        },
    }

    class Media:
        css = {"all": ["css/slot-editor.css"]}
        js = ["js/slot-editor.js"]

    def get_queryset(self, request):
        # Every row's people in two queries, not two a row (see admin_slots.py).
        return super().get_queryset(request).prefetch_related(*PEOPLE_FIELDS)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No "add/change person" links in every row: they would widen each line and
        # weigh on a 300-slot page; people are added from their own admin.
        if db_field.name in PEOPLE_FIELDS and hasattr(formfield.widget, "widget"):
            formfield.widget = formfield.widget.widget
        return formfield


class SessionRoleInline(AdminGuardsMixin, admin.TabularInline):
    model = SessionRole
    fields = ["speaker", "role", "order", "shown_as", "contribution", "contribution_order"]
    autocomplete_fields = ["speaker", "shown_as"]
    ordering = ["role", "order", "pk"]
    extra = 1
    formfield_overrides = AgendaSlotInline.formfield_overrides


@admin.register(Session)
class SessionAdmin(
    SessionPeopleAdminMixin, OrganiserToolsMixin, AdminGuardsMixin, SimpleHistoryAdmin
):
    form = SessionAdminForm
    list_display = [
        "__str__",
        "event",
        "date",
        "start_time",
        "time_zone",
        "status",
        "slot_count",
        "updated_at",
    ]
    list_display_links = ["__str__"]
    list_filter = ["status", "event", "house_rule", ("date", admin.EmptyFieldListFilter)]
    list_select_related = ("event",)
    search_fields = ["title", "label", "event__title", "venue"]
    # Explicit, not the model's Meta.ordering: the annotated count's GROUP BY drops
    # that, and the autocomplete boxes that use this admin would page unordered.
    ordering = ["event__title", "order", "pk"]
    date_hierarchy = "date"
    autocomplete_fields = ["event"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "sequence", "created_at", "updated_at"]
    actions = ["publish", "unpublish", "duplicate"]
    inlines = [AgendaSlotInline, SessionRoleInline]
    # The session's start and end as HH:MM too, like its slots.
    formfield_overrides = {
        Session._meta.get_field("start_time").__class__: {
            "form_class": ClockField,
            "widget": ClockInput,
        },
    }
    fieldsets = [
        (None, {"fields": ["event", ("order", "label"), "title", "slug", "opened_version"]}),
        (
            "When and where",
            {
                "fields": [
                    "date",
                    ("start_time", "end_time"),
                    "time_zone",
                    "online_url",
                ]
            },
        ),
        (
            "Venue",
            {
                "description": "Every part may stay empty while it is to be confirmed. "
                "The address and position go into calendars (with a map) and search results.",
                "fields": [
                    "venue",
                    "street_address",
                    ("postal_code", "city"),
                    "country",
                    ("latitude", "longitude"),
                ],
            },
        ),
        ("Content", {"fields": ["outline"]}),
        (
            "Audience",
            {
                "fields": [
                    ("capacity_min", "capacity_max"),
                    "participants_selected",
                    "fields_of_expertise",
                    "audience",
                    "house_rule",
                ]
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "allow_indexing",
                    "cancelled",
                    "sequence",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The event too: the change page's run-of-show links name it.
        return (
            super()
            .get_queryset(request)
            .select_related("event")
            .annotate(slot_count=Count("slots"))
        )

    @admin.display(description="Slots", ordering="slot_count")
    def slot_count(self, obj):
        return obj.slot_count

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's "Revert" form saves outside a transaction, unlike the
        # change form; the form's edit-conflict check locks the session row
        # (SELECT ... FOR UPDATE), which needs one, and the revert must be all or
        # nothing like any other save.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    # The actions save each session rather than update them in bulk: the change
    # history then says who published or unpublished, and a change form opened
    # before is refused instead of writing the old status back.

    @staticmethod
    def _locked(queryset):
        # By primary key: FOR UPDATE refuses the GROUP BY of the list's slot count.
        ids = list(queryset.values_list("pk", flat=True))
        return Session.objects.select_for_update().filter(pk__in=ids).order_by("pk")

    @admin.action(description="Publish selected sessions", permissions=["change"])
    @transaction.atomic
    def publish(self, request, queryset):
        sessions = list(self._locked(queryset).exclude(status=Session.Status.PUBLISHED))
        for session in sessions:
            session.publish()
            session.save()
        self.message_user(
            request,
            ngettext("%d session published.", "%d sessions published.", len(sessions))
            % len(sessions),
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected sessions (back to draft)", permissions=["change"])
    @transaction.atomic
    def unpublish(self, request, queryset):
        sessions = list(self._locked(queryset).filter(status=Session.Status.PUBLISHED))
        for session in sessions:
            session.status = Session.Status.DRAFT
            session.save()
        count = len(sessions)
        self.message_user(
            request,
            ngettext("%d session returned to draft.", "%d sessions returned to draft.", count)
            % count,
            messages.SUCCESS,
        )
