from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from .models import MOTIVATION_MAX_LENGTH, OTHER_EXPERTISE, ParticipantRequest

# Named for people, not robots: a bot that fills every field fills this one too.
HONEYPOT_FIELD = "website"


def _required(label):
    return f"{label} is required."


def _too_long(label):
    return f"{label}: at most %(limit_value)d characters (it has %(show_value)d)."


class ParticipantRequestForm(forms.ModelForm):
    """The public request for a place. Every message names its field and the rule."""

    expertise = forms.ChoiceField(
        label="Field of expertise",
        error_messages={
            "required": "Field of expertise: choose one from the list.",
            "invalid_choice": "Field of expertise: “%(value)s” is not one of the choices.",
        },
    )
    consent = forms.BooleanField(
        error_messages={
            "required": "Consent: tick the box to agree to the processing of your data; "
            "without it we cannot consider your request.",
        },
    )
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ParticipantRequest
        fields = ["name", "email", "organisation", "expertise", "motivation"]
        labels = {"name": "Name", "email": "Email", "organisation": "Organisation"}
        help_texts = {
            "organisation": "Write “Independent” if you take part on your own behalf.",
            "motivation": f"Why you would like to take part. Up to {MOTIVATION_MAX_LENGTH} "
            "characters.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "motivation": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "name": {"required": _required("Name"), "max_length": _too_long("Name")},
            "email": {
                "required": _required("Email"),
                "invalid": "Email: enter a valid address such as name@example.org.",
                "max_length": _too_long("Email"),
            },
            "organisation": {
                "required": _required("Organisation"),
                "max_length": _too_long("Organisation"),
            },
            "motivation": {
                "required": _required("Motivation"),
                "max_length": _too_long("Motivation"),
            },
        }

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        choices = [(item, item) for item in session.expertise_list if item != OTHER_EXPERTISE]
        self.fields["expertise"].choices = [
            ("", "Choose a field"),
            *choices,
            (OTHER_EXPERTISE, OTHER_EXPERTISE),
        ]
        self.fields["consent"].label = format_html(
            "I agree that the organisers store and use these details to consider my request, "
            'as the <a href="{}">privacy notice</a> describes.',
            reverse("privacy"),
        )
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "request-form"
        self.helper.layout = Layout(
            "name",
            "email",
            "organisation",
            "expertise",
            Field("motivation", maxlength=MOTIVATION_MAX_LENGTH),
            "consent",
            # Hidden by the form-trap rule in static/css/forms.css; people never see it.
            Div(HONEYPOT_FIELD, css_class="form-trap", aria_hidden="true"),
            Submit("submit", "Request a place"),
        )

    @property
    def is_from_a_bot(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class ParticipantRequestChangeForm(forms.ModelForm):
    """What the holder of a request's link may change (participants/links.py)."""

    class Meta:
        model = ParticipantRequest
        fields = ["name", "organisation"]
        labels = ParticipantRequestForm.Meta.labels
        help_texts = {"organisation": ParticipantRequestForm.Meta.help_texts["organisation"]}
        widgets = {
            field: ParticipantRequestForm.Meta.widgets[field] for field in ("name", "organisation")
        }
        error_messages = {
            field: ParticipantRequestForm.Meta.error_messages[field]
            for field in ("name", "organisation")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "change-form"
        self.helper.layout = Layout("name", "organisation", Submit("save", "Save changes"))
