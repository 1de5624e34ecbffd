"""The session's change form in the admin: the slot rows checked together, and
the version the form was opened at, so a stale save is refused."""

from django import forms
from django.forms.models import BaseInlineFormSet

from .admin_time_zone import TimeZoneField
from .core import rules
from .core.conflicts import session_edit_conflict
from .models import Session


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


class SessionAdminForm(forms.ModelForm):
    time_zone = TimeZoneField()
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
        # A new session chooses its zone or "To be confirmed"; one stored without a
        # zone shows "To be confirmed" and may keep it.
        zone = self.fields["time_zone"]
        still_open = bool(self.instance.pk) and not self.instance.time_zone
        zone.require_choice = not still_open
        zone.widget.empty_is_confirmed = still_open
        zone.widget.first = Session.objects.most_used_zones()
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
            conflict = session_edit_conflict(session=self.instance, opened=opened)
            if conflict:
                raise forms.ValidationError(conflict, code="edit_conflict")
        return cleaned
