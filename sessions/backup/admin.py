"""The event admin's backup: "Download as JSON backup" and the import page.

Import is in two steps, as the organiser tools are (tools/two_step.py): the
upload shows a preview of what would be created, changed and removed, and only
a confirmation of that same preview writes. Between the two steps the file
travels in the page, signed (django.core.signing, for this user, for an hour):
no temporary file on one worker's disk, which another worker behind the load
balancer could not read, and no file the browser could swap without the
signature failing.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from .export import event_export_json
from .importing import event_import_detailed
from .permissions import download_missing, import_missing
from .reading import event_file_load

# How long a preview may wait for its confirmation.
PREVIEW_MAX_AGE = 60 * 60


class EventImportForm(forms.Form):
    MAX_SIZE = 10 * 1024 * 1024  # a large event is well under 1 MB

    file = forms.FileField(
        label="JSON backup",
        required=False,
        help_text="A file made by “Download as JSON backup” or the export_event command.",
    )
    update_existing = forms.BooleanField(
        label="Update the existing event",
        required=False,
        help_text="Needed when this site already has the file's event (the same slug): "
        "the file then changes it.",
    )
    publish = forms.BooleanField(
        label="Publish as in the file",
        required=False,
        help_text="Sessions take the file's status, published or draft. Left unticked, "
        "sessions the file adds arrive as drafts and sessions this site has keep their status.",
    )
    # The previewed file, signed; and the fingerprint of the preview being confirmed.
    backup = forms.CharField(required=False, widget=forms.HiddenInput)
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.salt = f"{__name__}.backup:{user.pk}"
        self.signed_backup = ""

    def clean_file(self):
        """The file's content as a dict; the file itself is not kept."""
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(
                "The file has %(size)s bytes; a backup has at most %(limit)s.",
                params={"size": f"{upload.size:,}", "limit": f"{self.MAX_SIZE:,}"},
                code="too_large",
            )
        return event_file_load(content=upload.read())

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("file") is not None:  # a new file: it replaces any previewed one
            cleaned["data"] = cleaned["file"]
            self.signed_backup = signing.dumps(cleaned["data"], salt=self.salt, compress=True)
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and len(self.signed_backup) > limit // 2:
                self.signed_backup = ""
                raise forms.ValidationError(
                    "This file is too large to carry from the preview to the confirmation: "
                    "import it with the import_event command (see the README).",
                    code="too_large",
                )
        elif cleaned.get("backup"):
            try:
                cleaned["data"] = signing.loads(
                    cleaned["backup"], salt=self.salt, max_age=PREVIEW_MAX_AGE
                )
            except signing.SignatureExpired:
                self.add_error(
                    "file", "The preview is more than an hour old: choose the file again."
                )
            except signing.BadSignature:
                self.add_error(
                    "file", "The previewed file was changed on its way back: choose it again."
                )
            else:
                self.signed_backup = cleaned["backup"]
        else:
            self.add_error("file", "Choose a JSON backup to import.")
        return cleaned

    def import_options(self):
        return {
            "update_existing": self.cleaned_data["update_existing"],
            "publish": self.cleaned_data["publish"],
        }

    @property
    def wants_confirmation(self):
        return "_confirm" in self.data

    def is_confirmed(self, preview):
        """The organiser confirmed this very preview (same file, options and outcome)."""
        return self.wants_confirmation and constant_time_compare(
            self.cleaned_data.get("previewed", ""), fingerprint(preview, self.import_options())
        )


def fingerprint(preview, options):
    """The preview's outcome with the options it was made with: a box ticked after
    the preview changes what would be written even where the listed rows do not."""
    outcome = repr((sorted(options.items()), preview.outcome()))
    return salted_hmac(f"{__name__}.preview", outcome, algorithm="sha256").hexdigest()


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
        """Upload a JSON backup, see what it would change, confirm: then it is written."""
        missing = import_missing(request.user)
        if missing:
            return self._import_page(request, {"missing": missing}, status=403)
        form = EventImportForm(
            *((request.POST, request.FILES) if request.method == "POST" else ()),
            user=request.user,
        )
        preview = None
        if form.is_valid():
            data, options = form.cleaned_data["data"], form.import_options()
            try:
                preview = event_import_detailed(
                    data=data, user=request.user, dry_run=True, **options
                )
                if form.is_confirmed(preview):
                    result = event_import_detailed(data=data, user=request.user, **options)
                    return self._imported(request, result)
            except ValidationError as error:
                preview = None
                form.add_error("file", error)
            else:
                if form.wants_confirmation:
                    self.message_user(
                        request,
                        "The event or the options changed since the preview: "
                        "check this preview and confirm again.",
                        messages.WARNING,
                    )
        context = {
            "form": form,
            "preview": preview,
            "backup": form.signed_backup,
            "previewed": fingerprint(preview, form.import_options()) if preview else "",
            "options": form.import_options() if preview else {},
        }
        return self._import_page(request, context)

    def _imported(self, request, result):
        self.message_user(
            request,
            format_html(
                "The event “{}” was imported. {}.", result.event, "; ".join(result.summary())
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
