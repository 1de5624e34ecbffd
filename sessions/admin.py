from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import ngettext

from . import rules
from .models import RUNNING_ORDER, AgendaSlot, Event, Session, SessionRole, time_zone_choices


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "session_count", "updated_at"]
    search_fields = ["title", "description", "organiser"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="Sessions", ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


class AgendaSlotFormSet(BaseInlineFormSet):
    """Checks the submitted slots together: overlaps and the session's window.

    Every problem names the rows involved, both at the top of the agenda and on
    the rows themselves; nothing is saved until all rows agree.
    """

    def clean(self):
        super().clean()
        rows = []
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", {})
            if self._should_delete_form(form) or not data:
                continue  # deleted, or an extra row left empty
            if form.errors or data.get("start") is None:
                continue  # the row's own errors come first
            rows.append(
                rules.SlotTimes(
                    title=data.get("title", ""),
                    start=data["start"],
                    end=data.get("end"),
                    key=(number, form),
                )
            )
        session = self.instance
        problems = rules.agenda_problems(rows, session.start_time, session.end_time)
        summary = []
        for problem in problems:
            numbers = [slot.key[0] for slot in problem.slots]
            for slot in problem.slots:
                slot.key[1].add_error(None, problem.message)
            summary.append(
                f"{'Rows' if len(numbers) > 1 else 'Row'} "
                f"{' and '.join(map(str, numbers))}: {problem.message}"
            )
        if summary:
            raise forms.ValidationError(summary, code="agenda")


class AgendaSlotInline(admin.TabularInline):
    model = AgendaSlot
    formset = AgendaSlotFormSet
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
    }


class SessionRoleInline(admin.TabularInline):
    model = SessionRole
    fields = ["speaker", "role", "order", "shown_as", "contribution", "contribution_order"]
    autocomplete_fields = ["speaker", "shown_as"]
    ordering = ["role", "order", "pk"]
    extra = 1
    formfield_overrides = AgendaSlotInline.formfield_overrides


class SessionAdminForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, required=False)

    class Meta:
        model = Session
        # The admin's fieldsets choose the fields; this form only adds the zone menu.
        fields = ["time_zone"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
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
    date_hierarchy = "date"
    autocomplete_fields = ["event"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "sequence", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    inlines = [AgendaSlotInline, SessionRoleInline]
    fieldsets = [
        (None, {"fields": ["event", ("order", "label"), "title", "slug"]}),
        (
            "When and where",
            {
                "fields": [
                    "date",
                    ("start_time", "end_time"),
                    "time_zone",
                    "venue",
                    "online_url",
                ]
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
        return super().get_queryset(request).annotate(slot_count=Count("slots"))

    @admin.display(description="Slots", ordering="slot_count")
    def slot_count(self, obj):
        return obj.slot_count

    @admin.action(description="Publish selected sessions", permissions=["change"])
    def publish(self, request, queryset):
        sessions = list(queryset.exclude(status=Session.Status.PUBLISHED))
        for session in sessions:
            session.publish()
        Session.objects.bulk_update(sessions, ["status", "published_at", "updated_at"])
        self.message_user(
            request,
            ngettext("%d session published.", "%d sessions published.", len(sessions))
            % len(sessions),
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected sessions (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Session.Status.PUBLISHED).update(
            status=Session.Status.DRAFT, updated_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%d session returned to draft.", "%d sessions returned to draft.", count)
            % count,
            messages.SUCCESS,
        )
