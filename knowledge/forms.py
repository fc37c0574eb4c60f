from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import RequestTypeVersion
from core.forms import SHORT_TEXT, BoundedDateField, FastSelectMultiple, StyledFormMixin


class AnswerForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Answer"),
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the agent tells the caller; sent as is by e-mail or SMS if the caller asks."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=300,
        help_text=_("Words callers use, separated by spaces (accents do not matter)."),
    )
    valid_from = BoundedDateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = BoundedDateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    types = forms.MultipleChoiceField(
        label=_("Request types answered"),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (v.code, f"{v.code} · {v.label}")
            for v in RequestTypeVersion.objects.in_force().select_related("request_type").order_by("label")
        ]
        self.fields["types"].choices = choices
        self.fields["types"].widget = FastSelectMultiple(
            choices=choices, attrs={"class": "form-select", "size": 8}
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity comes before its start."))
        return data
