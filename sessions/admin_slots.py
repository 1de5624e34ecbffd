"""The compact slot editor on a session's change page: what keeps a long agenda
one line a slot, and its page's queries independent of the number of slots.

The inline itself (AgendaSlotInline) is in admin.py; this module holds its parts:
the formset additions, the people boxes that name their choices without a query a
row, and the HH:MM time fields.
"""

from datetime import date, datetime

from django import forms
from django.utils.functional import cached_property

from common.admin_guards import AutocompleteSelectMultiple, ModelMultipleChoiceField
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


class PeopleAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete box for people (with the project's guard against
    unreadable ids), naming the chosen people from labels its formset read once for
    all rows (`known`), instead of a query per row. A person not among them (chosen
    in a form sent back with errors) is looked up as Django does."""

    known = None  # {str(pk): label}, shared by every row's copy of the widget

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        known = self.known
        if known is None or any(pk not in known for pk in chosen):
            return super().optgroups(name, value, attr)
        options = [
            self.create_option(name, pk, known[pk], set(chosen), index)
            for index, pk in enumerate(chosen)
        ]
        return [(None, options, 0)]


class PeopleChoiceField(ModelMultipleChoiceField):
    """Who leads or is on stage: the people posted for every row are checked in one
    query by the formset (`known`); a value outside them is checked as Django does.
    The answer stays a lazy queryset, read only when a changed row is saved."""

    known = None  # {str(pk): person}, set on each row's copy by the formset

    def _check_values(self, value):
        wanted = {str(v) for v in value}
        if self.known is not None and wanted <= self.known.keys():
            return self.queryset.filter(pk__in=wanted)
        return super()._check_values(value)


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
    """The slot rows, with the people of every row named from one query, and the
    rows' ids and posted people checked from one read each on save."""

    @cached_property
    def stored_rows(self):
        return {str(slot.pk): slot for slot in self.get_queryset()}

    @cached_property
    def posted_people(self):
        """{str(pk): person} for every person any row posted: one query."""
        if not self.is_bound:
            return {}
        wanted = {
            value
            for key in self.data
            if key.startswith(f"{self.prefix}-") and key.endswith(PEOPLE_FIELDS)
            for value in self.data.getlist(key)
            if value.isdigit() and int(value) <= _LARGEST_KEY
        }
        queryset = self.form.base_fields["speakers"].queryset
        return {str(person.pk): person for person in queryset.filter(pk__in=wanted)}

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
        for people in PEOPLE_FIELDS:
            if isinstance(form.fields.get(people), PeopleChoiceField) and self.is_bound:
                form.fields[people].known = self.posted_people

    @cached_property
    def people_labels(self):
        labels = {}
        # The inline's queryset prefetches both relations: one query each for all rows.
        for slot in self.get_queryset():
            for field in PEOPLE_FIELDS:
                for person in getattr(slot, field).all():
                    labels[str(person.pk)] = self._label(field, person)
        return labels

    def _label(self, field, person):
        return self.form.base_fields[field].label_from_instance(person)

    def _share_labels(self, form):
        for field in PEOPLE_FIELDS:
            if field in form.fields:
                widget = form.fields[field].widget
                widget = getattr(widget, "widget", widget)  # inside the "add" wrapper
                if isinstance(widget, PeopleAutocomplete):
                    widget.known = self.people_labels
        return form

    def _construct_form(self, i, **kwargs):
        form = self._share_labels(super()._construct_form(i, **kwargs))
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
        form = _name_by_column(self._share_labels(super().empty_form))
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
