"""The session's change form in the admin: the slot rows checked together, the
slot's people offered with the session's own first, and the version the form
was opened at, so a stale save is refused."""

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.forms.models import BaseInlineFormSet
from django.urls import reverse

from common.admin_guards import AutocompleteSelectMultiple, ModelMultipleChoiceField
from common.formatting import full_name
from speakers.models import Speaker

from .admin_time_zone import TimeZoneField
from .core import rules
from .core.conflicts import session_edit_conflict
from .core.role import ROLE_WORDS
from .models import Session, SessionRole

IN_SESSION = "In this session"
EVERYONE_ELSE = "Everyone else"
SLOT_PEOPLE_HELP = (
    "The session's people are offered first. Someone from \u201cEveryone else\u201d is "
    "added to the session's people, as a speaker, when you save."
)
NOT_IN_SESSION = "{} (not in this session yet)"


def session_roles(session) -> dict[int, str]:
    """The session's people, by primary key, with their roles in words: "Chair",
    "Co-chair and speaker"; none for a session not saved yet."""
    roles = {}
    if session.pk:
        rows = SessionRole.objects.filter(session=session).order_by("role", "order", "pk")
        for person, role in rows.values_list("speaker_id", "role"):
            roles.setdefault(person, []).append(ROLE_WORDS[role].label)
    return {person: " and ".join(words) for person, words in roles.items()}


@dataclass
class SessionPeople:
    """Who the slot boxes offer, read once per change page however many slots it has:
    each person's label, and the session's people with their roles."""

    session_id: int | None
    labels: dict[int, str]  # everyone, by primary key
    roles: dict[int, str]  # the session's people: "Chair", "Co-chair and speaker"

    @classmethod
    def of(cls, session):
        people = Speaker.objects.order_by(Lower("name"), "pk").only(
            "honorific", "name", "post_nominals"
        )
        return cls(
            session_id=session.pk,
            labels={person.pk: full_name(person) for person in people},
            roles=session_roles(session),
        )

    def label(self, pk):
        """A chosen person as the box shows them: their role in the session, or a note
        that saving adds them to it."""
        if pk in self.roles:
            return f"{self.labels[pk]} ({self.roles[pk]})"
        return NOT_IN_SESSION.format(self.labels[pk])


class SessionPeopleWidget(AutocompleteSelectMultiple):
    """The admin's autocomplete box, asking the session's own people list (grouped:
    the session's people, then everyone else) and labelling what is chosen from
    the list read once per page, not with a query per row."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def get_url(self):
        return reverse(
            f"{self.admin_site.name}:agenda_session_people", args=[self.people.session_id or 0]
        )

    def optgroups(self, name, value, attr=None):
        chosen = []
        for index, pk in enumerate(_known(value, self.people.labels)):
            chosen.append(self.create_option(name, pk, self.people.label(pk), True, index))
        return [(None, chosen, 0)]


def _known(values, labels):
    """The values that name a person in `labels`, as keys; the rest left out."""
    known = []
    for value in values:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            continue
        if pk in labels:
            known.append(pk)
    return known


class SessionPeopleField(ModelMultipleChoiceField):
    """Checks the chosen people against the list read once per page."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def _check_values(self, value):
        known = _known(value, self.people.labels)
        for item in value:
            if str(item) not in {str(pk) for pk in known}:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        # Keys, which the many-to-many field's set() takes as they are.
        return list(dict.fromkeys(known))


def offer_session_people(form, people):
    """Turn a slot form's moderator and speaker boxes into ones that offer the
    session's people first (see SessionPeopleWidget)."""
    for name in ("moderators", "speakers"):
        old = form.fields.get(name)
        if old is None:
            continue
        wrapper = old.widget
        inner = getattr(wrapper, "widget", wrapper)
        widget = SessionPeopleWidget(
            inner.field, inner.admin_site, attrs=inner.attrs, using=inner.db, people=people
        )
        if wrapper is inner:
            wrapper = widget
        else:
            wrapper.widget = widget
        form.fields[name] = SessionPeopleField(
            queryset=old.queryset,
            required=old.required,
            label=old.label,
            help_text=SLOT_PEOPLE_HELP,
            widget=wrapper,
            people=people,
        )


class AgendaSlotFormSet(BaseInlineFormSet):
    """Checks the submitted slots together: overlaps and the session's window.

    Every problem names the rows involved, both at the top of the agenda and on
    the rows themselves; nothing is saved until all rows agree.
    """

    @cached_property
    def people(self):
        return SessionPeople.of(self.instance)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        offer_session_people(form, self.people)

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
