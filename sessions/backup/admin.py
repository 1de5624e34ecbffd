"""The event admin's backup: "Download as JSON backup" and the import page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from .export import event_export_json
from .importing import event_import_detailed
from .permissions import download_missing, import_missing
from .reading import event_file_load


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
        return event_file_load(content=upload.read())


class EventBackupMixin:
    """For EventAdmin: the download action and the import page."""

    @admin.action(description="Download as JSON backup", permissions=["view"])
    def download_backup(self, request, queryset):
        missing = download_missing(request.user)
        if missing:
            # The file holds every row and the staff's notes: seeing it needs what the
            # admin asks for each of them, or the download would go round the admin.
            self.message_user(
                request,
                "You may not download this backup: it needs permission to "
                + "; ".join(missing)
                + ".",
                messages.ERROR,
            )
            return None
        events = list(queryset[:2])
        if len(events) != 1:
            self.message_user(
                request, "Choose one event to download as a JSON backup.", messages.WARNING
            )
            return None
        event = events[0]
        filename = f"{event.slug}-{timezone.localdate():%Y-%m-%d}.json"
        return HttpResponse(
            event_export_json(event=event),
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
        return not import_missing(request.user)

    def import_view(self, request):
        """Upload a JSON backup: the event is created, or updated if this site has it."""
        missing = import_missing(request.user)
        if missing:
            return self._import_page(request, {"missing": missing}, status=403)
        form = EventImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
        if form.is_valid():
            try:
                result = event_import_detailed(data=form.cleaned_data["file"], user=request.user)
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
        return self._import_page(request, {"form": form})

    def _import_page(self, request, context, status=200):
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/import_event.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Import an event from a JSON backup",
                **context,
            },
            status=status,
        )
