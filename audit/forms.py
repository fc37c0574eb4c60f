from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AccessKind
from core.forms import BoundedDateField, StyledFormMixin


class AccessFilterForm(StyledFormMixin, forms.Form):
    user = forms.CharField(label=_("Staff member (login)"), max_length=150, required=False)
    kind = forms.ChoiceField(
        label=_("What was opened"), choices=[("", _("All")), *AccessKind.choices], required=False
    )
    reference = forms.CharField(label=_("Fiche reference"), max_length=20, required=False)
    since = BoundedDateField(
        label=_("Since (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = BoundedDateField(
        label=_("Until (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()

    def clean_user(self) -> str:
        return self.cleaned_data["user"].strip()
