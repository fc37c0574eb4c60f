from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin


class CodeForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits shown by your authenticator application, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class EnrolForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Code shown by the application"),
        max_length=20,
        help_text=_("6 digits."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
