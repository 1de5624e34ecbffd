"""Three guards that Django's admin lacks, shared by every ModelAdmin of the project.

1. An autocomplete field that was sent a value which is not a key at all
   ("noon" for a numeric id) is refused by its form field ("Select a valid
   choice."), but when the form is shown again with that error, Django's
   autocomplete widget looks the value up in the database to label it, and the
   lookup raises ValueError: a 500 instead of the form. The widgets here leave
   out values that the key field cannot read, so the form comes back with its
   error and nothing chosen.
2. A many-to-many field sent an id too large for an integer column ("9" * 30)
   makes SQLite raise OverflowError when the form field checks the ids with
   one `__in` query (its single-id lookups are guarded, that one is not). The
   form field here refuses ids outside the key column's range first.
3. The search box splits its text into words and makes one condition per word
   and searched field; a pasted page of text (thousands of words) builds a
   query too deep for SQLite ("Expression tree is too large") and very slow
   elsewhere. Searches use their first MAX_SEARCH_WORDS words.
"""

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils.text import smart_split

MAX_SEARCH_WORDS = 10


class _ReadableValuesOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(remote.field_name) if hasattr(remote, "field_name") else opts.pk
        return super().optgroups(name, [v for v in value if _readable(key, v)], attr)


def _readable(key, value):
    try:
        key.run_validators(key.to_python(value))
    except ValidationError:
        return False
    return True


class AutocompleteSelect(_ReadableValuesOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ReadableValuesOnly, widgets.AutocompleteSelectMultiple):
    pass


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value:
            if not _readable(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class AdminGuardsMixin:
    """Put first among the bases of a ModelAdmin or an inline."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term))
        if len(words) > MAX_SEARCH_WORDS:
            search_term = " ".join(words[:MAX_SEARCH_WORDS])
        return super().get_search_results(request, queryset, search_term)
