from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from eventsite.admin_guards import AdminGuardsMixin

from . import backup, rules, services
from .caching import bump_content_version
from .forms import AgendaPasteForm, AgendaShiftForm
from .models import RUNNING_ORDER, AgendaSlot, Event, Session, SessionRole, time_zone_choices


class EventImportForm(forms.Form):
    MAX_SIZE = 10 * 1024 * 1024  # a large event is well under 1 MB

    file = forms.FileField(
        label="JSON backup",
        help_text="A file made by “Download as JSON backup” or the export_event command.",
    )

    def clean_file(self):
        """The file's content as a dict; the file itself is not kept."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(
                "The file has %(size)s bytes; a backup has at most %(limit)s.",
                params={"size": f"{upload.size:,}", "limit": f"{self.MAX_SIZE:,}"},
                code="too_large",
            )
        return backup.event_file_load(content=upload.read())


@admin.register(Event)
class EventAdmin(AdminGuardsMixin, SimpleHistoryAdmin):
    list_display = ["title", "organiser", "session_count", "updated_at"]
    search_fields = ["title", "description", "organiser"]
    # Explicit, not the model's Meta.ordering: the annotated count's GROUP BY drops
    # that, and the autocomplete boxes that use this admin would page unordered.
    ordering = ["title", "pk"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["download_backup"]

    # Importing creates and changes events and their sessions.
    IMPORT_PERMISSIONS = [
        f"agenda.{action}_{model}" for model in ("event", "session") for action in ("add", "change")
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="Sessions", ordering="session_count")
    def session_count(self, obj):
        return obj.session_count

    @admin.action(description="Download as JSON backup", permissions=["view"])
    def download_backup(self, request, queryset):
        events = list(queryset[:2])
        if len(events) != 1:
            self.message_user(
                request, "Choose one event to download as a JSON backup.", messages.WARNING
            )
            return None
        event = events[0]
        filename = f"{event.slug}-{timezone.localdate():%Y-%m-%d}.json"
        return HttpResponse(
            backup.event_export_json(event=event),
            content_type="application/json",
            headers={"Content-Disposition": content_disposition_header(True, filename)},
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=name),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"may_import": self._may_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def _may_import(self, request):
        return request.user.has_perms(self.IMPORT_PERMISSIONS)

    def import_view(self, request):
        """Upload a JSON backup: the event is created, or updated if this site has it."""
        if not self._may_import(request):
            raise PermissionDenied
        form = EventImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
        if form.is_valid():
            try:
                result = backup.event_import_detailed(data=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                self.message_user(
                    request,
                    format_html(
                        "The event “{}” was imported. {}.",
                        result.event,
                        "; ".join(result.summary()),
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[quote(result.event.pk)],
                        current_app=self.admin_site.name,
                    )
                )
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/import_event.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Import an event from a JSON backup",
                "form": form,
            },
        )


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


class AgendaSlotInline(AdminGuardsMixin, admin.TabularInline):
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


class SessionRoleInline(AdminGuardsMixin, admin.TabularInline):
    model = SessionRole
    fields = ["speaker", "role", "order", "shown_as", "contribution", "contribution_order"]
    autocomplete_fields = ["speaker", "shown_as"]
    ordering = ["role", "order", "pk"]
    extra = 1
    formfield_overrides = AgendaSlotInline.formfield_overrides


class SessionAdminForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, required=False)
    # The version of the session this form was opened at: a save is refused when
    # someone else saved the session (or its agenda) in between.
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        # The admin's fieldsets choose the fields; this form adds the zone menu
        # and the version it was opened at.
        fields = ["time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].required = True
            # From the stored row: the history view's "revert" form shows an old copy.
            stored = Session.objects.filter(pk=self.instance.pk).values_list(
                "updated_at", flat=True
            )
            self.initial["opened_version"] = stored.first().isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            opened = self.cleaned_data.get("opened_version") or ""
            conflict = services.session_edit_conflict(session=self.instance, opened=opened)
            if conflict:
                raise forms.ValidationError(conflict, code="edit_conflict")
        return cleaned


@admin.register(Session)
class SessionAdmin(AdminGuardsMixin, SimpleHistoryAdmin):
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
    fieldsets = [
        (None, {"fields": ["event", ("order", "label"), "title", "slug", "opened_version"]}),
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

    @admin.action(description="Publish selected sessions", permissions=["change"])
    def publish(self, request, queryset):
        sessions = list(queryset.exclude(status=Session.Status.PUBLISHED))
        for session in sessions:
            session.publish()
        Session.objects.bulk_update(sessions, ["status", "published_at", "updated_at"])
        bump_content_version()  # bulk_update sends no signals
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
        bump_content_version()  # update() sends no signals
        self.message_user(
            request,
            ngettext("%d session returned to draft.", "%d sessions returned to draft.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description="Duplicate selected sessions as drafts", permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            copies = [services.session_duplicate(session=s) for s in queryset.order_by("pk")]
        if len(copies) == 1:
            return self._open_duplicate(request, copies[0])
        links = format_html_join(
            ", ", '<a href="{}">{}</a>', ((self._change_url(c), c.slug) for c in copies)
        )
        self.message_user(
            request, format_html("{} draft copies made: {}.", len(copies), links), messages.SUCCESS
        )
        return None

    # Organiser tools: one session each, linked from its change page.

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        tools = [
            ("duplicate", self.duplicate_view),
            ("shift-agenda", self.shift_agenda_view),
            ("paste-agenda", self.paste_agenda_view),
            ("deleted-slots", self.deleted_slots_view),
        ]
        return [
            path(
                f"<path:object_id>/{slug}/",
                self.admin_site.admin_view(view),
                name=f"{prefix}_{slug.replace('-', '_')}",
            )
            for slug, view in tools
        ] + super().get_urls()

    def duplicate_view(self, request, object_id):
        session = self._tool_session(request, object_id)
        if not (self.has_add_permission(request) and self.has_view_permission(request, session)):
            raise PermissionDenied
        if request.method == "POST":
            return self._open_duplicate(request, services.session_duplicate(session=session))
        return self._tool_response(
            request, session, "duplicate_session.html", "Duplicate as draft", {}
        )

    def shift_agenda_view(self, request, object_id):
        return self._two_step_view(
            request,
            object_id,
            form_class=AgendaShiftForm,
            preview=services.agenda_shift_preview,
            apply=services.agenda_shift,
            template="shift_agenda.html",
            title="Shift agenda",
            done="The agenda of “{}” was shifted.",
        )

    def paste_agenda_view(self, request, object_id):
        return self._two_step_view(
            request,
            object_id,
            form_class=AgendaPasteForm,
            preview=services.agenda_paste_preview,
            apply=services.agenda_paste,
            template="paste_agenda.html",
            title="Paste agenda",
            done="The pasted slots are now on the agenda of “{}”.",
        )

    def _two_step_view(self, request, object_id, *, form_class, preview, apply, **page):
        """Preview on the first POST; apply on a confirmation of that same preview."""
        session = self._tool_session(request, object_id)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        form = form_class(request.POST or None, session=session)
        plan = None
        if form.is_valid():
            plan = preview(session=session, **form.service_arguments())
            if plan.problems:
                for problem in plan.problems:
                    form.add_error(None, problem)
            elif form.is_confirmed(plan):
                try:
                    apply(session=session, **form.service_arguments())
                except ValidationError as error:  # the agenda changed under our feet
                    form.add_error(None, error)
                else:
                    self.message_user(request, format_html(page["done"], session))
                    return HttpResponseRedirect(self._change_url(session))
            else:
                if form.wants_confirmation:
                    self.message_user(
                        request,
                        "The agenda or the form changed since the preview: "
                        "check this preview and confirm again.",
                        messages.WARNING,
                    )
                form.offer_confirmation(plan)
        return self._tool_response(
            request, session, page["template"], page["title"], {"form": form, "plan": plan}
        )

    def deleted_slots_view(self, request, object_id):
        """Slots deleted by mistake, each with a button that brings it back."""
        session = self._tool_session(request, object_id)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        if request.method == "POST":
            try:
                slot = services.slot_restore(
                    session=session, history_id=request.POST.get("history_id", "")
                )
            except (ValidationError, ValueError, AgendaSlot.history.model.DoesNotExist) as error:
                reason = "; ".join(getattr(error, "messages", ["No such deleted slot."]))
                self.message_user(request, f"The slot was not restored: {reason}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    format_html("“{}” is back on the agenda.", slot.title),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(session))
        return self._tool_response(
            request,
            session,
            "deleted_slots.html",
            "Deleted slots",
            {"deleted": services.slots_deleted(session=session)},
        )

    def _tool_session(self, request, object_id):
        session = self.get_object(request, unquote(object_id))
        if session is None:
            raise Http404("No session with this id.")
        return session

    def _tool_response(self, request, session, template, title, context):
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": session,
                "title": title,
                "subtitle": str(session),
                **context,
            },
        )

    def _open_duplicate(self, request, duplicate):
        self.message_user(
            request,
            format_html("Draft copy made: “{}”, now open for editing.", duplicate.slug),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(duplicate))

    def _change_url(self, session):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(session.pk)],
            current_app=self.admin_site.name,
        )
