from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SHORT_TEXT, StyledFormMixin


class TrackForm(StyledFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("Reference of your request"),
        max_length=30,
        help_text=_("As given by Allô Mairie, for example AM-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact = forms.CharField(
        label=_(
            "E-mail address or phone number given with your request, or the tracking code of your letter"
        ),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


SCORES = [
    ("5", _("5 – Very satisfied")),
    ("4", _("4 – Satisfied")),
    ("3", _("3 – Neither satisfied nor dissatisfied")),
    ("2", _("2 – Dissatisfied")),
    ("1", _("1 – Very dissatisfied")),
]


class SurveyForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How satisfied are you with how your request was handled?"),
        choices=SCORES,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Please do not write personal information here."),
    )
