"""Forms of the organiser tools in the admin, rendered with crispy-forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Hidden, Submit
from django import forms
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

_PREVIEW_SALT = "sessions.forms.previewed"


class TwoStepForm(forms.Form):
    """Preview, then confirm: only the outcome that was previewed is applied.

    The preview carries a fingerprint of its outcome (what would be stored). A
    confirmation whose fingerprint no longer matches, because the organiser
    changed the form or someone changed the agenda meanwhile, shows the new
    preview instead of applying it.
    """

    confirm_label = "Confirm"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("_preview", "Preview", css_class="btn-secondary"))

    def offer_confirmation(self, plan):
        self.helper.add_input(Hidden("previewed", _fingerprint(plan)))
        self.helper.add_input(Submit("_confirm", self.confirm_label, css_class="default"))

    @property
    def wants_confirmation(self):
        return "_confirm" in self.data

    def is_confirmed(self, plan):
        return self.wants_confirmation and constant_time_compare(
            self.data.get("previewed", ""), _fingerprint(plan)
        )


def _fingerprint(plan):
    return salted_hmac(_PREVIEW_SALT, repr(plan.outcome()), algorithm="sha256").hexdigest()


class AgendaShiftForm(TwoStepForm):
    confirm_label = "Apply the shift"

    minutes = forms.IntegerField(
        label="Move by (minutes)",
        min_value=-720,
        max_value=720,
        help_text="Positive moves later, negative earlier: 15 or -10.",
        error_messages={
            "min_value": "Move by: at most 720 minutes (12 hours) earlier.",
            "max_value": "Move by: at most 720 minutes (12 hours) later.",
            "invalid": "Move by: enter a whole number of minutes, such as 15 or -10.",
            "required": "Move by: enter a number of minutes, such as 15 or -10.",
        },
    )
    from_slot = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="The whole agenda",
        label="Slots to move",
        help_text="Or a slot: it and every slot after it move, the ones before stay.",
    )
    move_session = forms.BooleanField(
        required=False,
        label="Also move the session's own times",
        help_text="Its end moves with the slots; its start too when the whole agenda moves.",
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        # The running order of agenda_shift_preview: a milestone before a span at its time.
        self.fields["from_slot"].queryset = session.slots.order_by(
            "start", F("end").asc(nulls_first=True), "pk"
        )
        self.fields["from_slot"].label_from_instance = _slot_choice_label

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if minutes == 0:
            raise forms.ValidationError(
                "Move by: enter a number of minutes other than 0.", code="zero"
            )
        return minutes

    def service_arguments(self):
        return {
            "minutes": self.cleaned_data["minutes"],
            "from_slot": self.cleaned_data["from_slot"],
            "move_session": self.cleaned_data["move_session"],
        }


def _slot_choice_label(slot):
    span = f"{slot.start:%H:%M}" if slot.end is None else f"{slot.start:%H:%M}-{slot.end:%H:%M}"
    return f"From {span} {slot.title} on"


class AgendaPasteForm(TwoStepForm):
    ADD, REPLACE = "add", "replace"
    TEXT_MAX_LENGTH = 20_000

    confirm_label = "Create the slots"

    text = forms.CharField(
        label="Agenda text",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        max_length=TEXT_MAX_LENGTH,
        help_text=(
            "Paste the agenda as it comes, one item per line: “11:30-11:45 Welcome”. "
            "Lines without a time under an item become its description."
        ),
        error_messages={
            "required": "Agenda text: paste the agenda, one item per line.",
            "max_length": (
                f"Agenda text: at most {TEXT_MAX_LENGTH:,} characters "
                "(it has %(show_value)d); paste a part at a time."
            ),
        },
    )
    mode = forms.ChoiceField(
        label="The pasted slots",
        choices=[(ADD, "Add to the agenda"), (REPLACE, "Replace the agenda")],
        initial=ADD,
        widget=forms.RadioSelect,
        help_text="Replacing deletes every slot now on the agenda, with its people and notes.",
    )

    def __init__(self, *args, session, **kwargs):
        # `session` is taken for a common signature with AgendaShiftForm; unused.
        super().__init__(*args, **kwargs)

    def service_arguments(self):
        return {
            "text": self.cleaned_data["text"],
            "replace": self.cleaned_data["mode"] == self.REPLACE,
        }
