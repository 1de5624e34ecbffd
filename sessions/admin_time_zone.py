"""The session's time zone in the admin: a text box with suggestions (an HTML
<datalist>, no script), the zones the site's sessions use most offered first, and
"To be confirmed" a choice the organiser makes rather than the box's default."""

import functools
import zoneinfo

from django import forms
from django.utils.html import format_html, format_html_join

from .models import validate_time_zone

TO_BE_CONFIRMED = "To be confirmed"


@functools.cache
def _zone_names():
    """IANA names by their case-folded form, so "europe/vienna" finds Europe/Vienna."""
    return {name.casefold(): name for name in sorted(zoneinfo.available_timezones())}


class TimeZoneInput(forms.TextInput):
    """A text box whose list of suggestions starts with `first` (the most used zones),
    then "To be confirmed", then every zone by name."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"size": 32, "autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        )
        self.first = []
        self.empty_is_confirmed = False  # an empty stored zone reads "To be confirmed"

    def format_value(self, value):
        if value in (None, "") and self.empty_is_confirmed:
            return TO_BE_CONFIRMED
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}_list"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', self.attrs.get('id', name))}_list"
        first = [zone for zone in self.first if zone in _zone_names().values()]
        rest = [zone for zone in _zone_names().values() if zone not in first]
        options = format_html_join(
            "",
            '<option value="{}"></option>',
            ((zone,) for zone in [*first, TO_BE_CONFIRMED, *rest]),
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class TimeZoneField(forms.CharField):
    """The zone's IANA name as typed in any case, or "" for "To be confirmed".

    `require_choice`: an empty box is refused, so that a zone still to be confirmed
    is a choice and not what the form happened to start with. A name that is not
    a zone is refused here, with the model's message, before the model reads it.
    """

    widget = TimeZoneInput

    def __init__(self, *, require_choice=True, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Type to search (“Vienna”, “Europe/London”), or choose “To be confirmed”.",
        )
        kwargs.setdefault("label", "Time zone")
        super().__init__(required=False, max_length=64, **kwargs)
        self.require_choice = require_choice

    def has_changed(self, initial, data):
        # Compared as stored: "To be confirmed", or "europe/vienna", sent back for a
        # stored "" or "Europe/Vienna" is no change.
        try:
            return (initial or "") != self.clean(data)
        except forms.ValidationError:
            return True

    def clean(self, value):
        text = (value or "").strip()
        if not text:
            if self.require_choice:
                raise forms.ValidationError(
                    "Choose the time zone, or “To be confirmed” while it is not known.",
                    code="required",
                )
            return ""
        if text.casefold() == TO_BE_CONFIRMED.casefold():
            return ""
        zone = _zone_names().get(text.casefold(), text)
        validate_time_zone(zone)
        return zone
