"""The compact slot editor on a session's change page: what keeps a long agenda
one line a slot, and its page's queries independent of the number of slots.

The inline itself (AgendaSlotInline) is in admin.py; this module holds its parts:
the formset additions (rows' ids read once, lengths and gaps) and the HH:MM time
fields.
"""

from datetime import date, datetime

from django import forms
from django.utils.functional import cached_property

from common.formatting import clock, duration, shorten

from .admin_forms import AgendaSlotFormSet

PEOPLE_FIELDS = ("moderators", "speakers")
# Behind each row's "Notes": the public description and the staff-only fields.
NOTES_FIELDS = ("description", "cue", "tech_notes", "responsible")
CLOCK = "%H:%M"


class ClockInput(forms.TimeInput):
    """A wall-clock time typed and shown as HH:MM, never with seconds."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "size": 5,
                "maxlength": 8,
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "HH:MM",
                "class": "slot-clock",
                **(attrs or {}),
            },
            format=CLOCK,
        )


class ClockField(forms.TimeField):
    """HH:MM, also 9:05, 0905 or 905 as people type in a hurry; seconds are accepted
    (an older form may send them) but never shown."""

    widget = ClockInput
    input_formats = [CLOCK, "%H:%M:%S", "%H%M", "%H.%M"]

    def to_python(self, value):
        value = value.strip() if isinstance(value, str) else value
        if isinstance(value, str) and value.isdigit() and len(value) == 3:
            value = "0" + value  # "905": 09:05
        return super().to_python(value)

    def strptime(self, value, format):
        return datetime.strptime(value, format).time()


class StoredRowField(forms.ModelChoiceField):
    """A row's hidden id, found among the session's slots the formset read once,
    instead of a query a row (Django's formset looks each one up)."""

    def __init__(self, rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.rows:
            return self.rows[str(value)]
        return super().to_python(value)


# SQLite and PostgreSQL keys are signed 64-bit: a longer run of digits is no key.
_LARGEST_KEY = 2**63 - 1


class SlotEditorFormSet(AgendaSlotFormSet):
    """The slot rows, with their lengths and gaps, and the rows' ids checked from one
    read on save. The people boxes come from AgendaSlotFormSet (admin_forms.py):
    the session's people first, labelled and checked from one read per page."""

    @cached_property
    def stored_rows(self):
        return {str(slot.pk): slot for slot in self.get_queryset()}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            form.fields[name] = StoredRowField(
                self.stored_rows,
                field.queryset,
                initial=field.initial,
                required=False,
                widget=field.widget,
            )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        _name_by_column(form)
        form.notes_fields = [form[name] for name in NOTES_FIELDS if name in form.fields]
        return form

    @cached_property
    def forms(self):
        forms = super().forms
        annotate_timing(forms)
        return forms

    @property
    def empty_form(self):
        form = _name_by_column(super().empty_form)
        form.notes_fields = [form[name] for name in NOTES_FIELDS if name in form.fields]
        return form


def _name_by_column(form):
    """The row's boxes have no label of their own: each is named by its column's
    heading (ids in slot_inline.html), as a screen reader announces a table cell."""
    for name in ("start", "end", "title", "kind"):
        if name in form.fields:
            form.fields[name].widget.attrs["aria-labelledby"] = f"slots-col-{name}"
    return form


def _clock_value(form, name):
    """The row's time as typed (bound) or stored (unbound); None when unreadable."""
    value = form[name].value()
    try:
        return ClockField(required=False).clean(value)
    except forms.ValidationError:
        return None


def _minutes_between(earlier, later):
    return datetime.combine(date.min, later) - datetime.combine(date.min, earlier)


def annotate_timing(forms):
    """Give each row its length, the gap (or overlap) after the row above, where a slot
    added after it starts, and a short reminder of its notes, for the editor's
    columns; static/js/slot-editor.js keeps them current as times are typed."""
    previous_end = None
    for form in forms:
        start, end = _clock_value(form, "start"), _clock_value(form, "end")
        form.slot_length = ""
        form.slot_gap = ""
        if start is not None and end is None:
            form.slot_length = "moment"
        elif start is not None and end is not None and end > start:
            form.slot_length = duration(_minutes_between(start, end))
        if start is not None and previous_end is not None:
            if start > previous_end:
                form.slot_gap = f"gap {duration(_minutes_between(previous_end, start))}"
            elif start < previous_end:
                form.slot_gap = f"overlap {duration(_minutes_between(start, previous_end))}"
        if start is not None:
            previous_end = max(previous_end or start, end or start)
        form.slot_after = clock(end or start)
        notes = [
            str(form[name].value() or "").strip() for name in NOTES_FIELDS if name in form.fields
        ]
        form.slot_notes = shorten(" · ".join(n for n in notes if n), 40)
