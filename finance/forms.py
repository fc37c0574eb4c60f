from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SHORT_TEXT, BoundedDateField, StyledFormMixin
from finance.counting import CountingRule
from finance.models import CostCategory

MAX_AMOUNT = Decimal("999999999999.99")


class EuroField(forms.DecimalField):
    """An amount in euros as the French write it: "1 234 567,89" (spaces, comma) or 1234567.89."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace("€", "").replace(",", ".")
        return super().to_python(value)


class SheetForm(StyledFormMixin, forms.Form):
    forecast = EuroField(
        label=_("Forecast of the year's expenses (annexed to the convention)"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class LineForm(StyledFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=CostCategory.objects.filter(active=True), required=False
    )
    label = forms.CharField(label=_("Detail"), max_length=200, required=False)
    amount = EuroField(label=_("Amount (€)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and not data.get("category"):
            self.add_error("category", _("Choose the category of this expense."))
        if data.get("category") and data.get("amount") is None:
            self.add_error("amount", _("Enter the amount of this expense."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=60, validate_max=True)


class RuleForm(StyledFormMixin, forms.Form):
    body = forms.ChoiceField(
        label=_("Body a fiche counts for"),
        choices=[
            ("final", _("The competent body after re-routing")),
            ("creation", _("The body at creation")),
        ],
    )
    duplicates = forms.BooleanField(label=_("Count duplicates"), required=False)
    information = forms.BooleanField(label=_("Count information requests answered at once"), required=False)
    rejected = forms.BooleanField(label=_("Count rejected fiches"), required=False)

    @classmethod
    def initial_for(cls, rule: CountingRule) -> dict:
        return rule.as_dict()

    def rule(self) -> CountingRule:
        return CountingRule(**self.cleaned_data)


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancellation"), max_length=500)
    reissue = forms.BooleanField(label=_("Issue the corrective order"), required=False, initial=True)


class PaidForm(StyledFormMixin, forms.Form):
    paid_on = BoundedDateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))


class DayForm(StyledFormMixin, forms.Form):
    day = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class RenewalAnswerForm(DayForm):
    answer = forms.ChoiceField(
        label=_("Partner's answer"), choices=[("accepted", _("Accepted")), ("refused", _("Refused"))]
    )


class NoticeForm(DayForm):
    served_by = forms.ChoiceField(label=_("Notice served by"), choices=[])

    def __init__(self, *args, agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_by"].choices = [
            (agreement.operator_id, agreement.operator.name),
            (agreement.partner_id, agreement.partner.name),
        ]
