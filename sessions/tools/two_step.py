"""The preview-then-confirm form that the shift and paste tools share (crispy-forms)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Hidden, Submit
from django import forms
from django.utils.crypto import constant_time_compare, salted_hmac

# Kept from the module this lived in first: a preview open in a browser still confirms.
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

    def show_plan(self, plan):
        """Called with each preview, before the page is drawn: a form may ask more."""

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
