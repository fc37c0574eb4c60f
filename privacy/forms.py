"""Forms of the citizens' rights pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdField, StyledFormMixin
from fiches.models import Requester


class SearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Phone, e-mail or name of the person"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RectifyForm(StyledFormMixin, forms.ModelForm):
    person = IdField(widget=forms.HiddenInput)

    class Meta:
        model = Requester
        fields = ("civility", "last_name", "first_name", "phone", "email", "address", "postal_code", "city",
                  "preferred_channel")  # fmt: skip


class EraseForm(StyledFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("The person asked for the erasure of their data; I checked their identity."),
    )
