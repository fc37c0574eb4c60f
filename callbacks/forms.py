from django import forms
from django.utils.translation import gettext_lazy as _

from callbacks.services import RESULTS
from core.forms import SHORT_TEXT, StyledFormMixin


class AttemptForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result of the call"), choices=list(RESULTS.items()), widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note (internal)"), required=False, max_length=SHORT_TEXT)


class QueueFilterForm(forms.Form):
    outcome = forms.MultipleChoiceField(
        label=_("Callback outcome"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        choices=[],
    )
    after = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, **kwargs) -> None:
        from callbacks.models import Outcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Outcome.choices
