from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from committee.models import ConsultationAnswer, Meeting, Member
from core.forms import StyledFormMixin


class WithdrawalForm(StyledFormMixin, forms.Form):
    effective_date = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)


class DecisionForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    meeting = forms.ModelChoiceField(
        Meeting.objects.all(),
        label=_("Meeting"),
        required=False,
        empty_label=_("None: written consultation (every member has answered)"),
    )
    note = forms.CharField(
        label=_("Decision as recorded"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(StyledFormMixin, forms.Form):
    member = forms.ModelChoiceField(
        Member.objects.filter(active=True).select_related("body"), label=_("Member")
    )
    answer = forms.ChoiceField(label=_("Answer"), choices=ConsultationAnswer.Answer.choices)


class EmergencyForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Why it cannot wait for the committee"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PackForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"T{q}") for q in range(1, 5)]
    )


class ReportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Convention year"), min_value=2000, max_value=2099)
    start = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and not (date(2000, 1, 1) <= start <= end <= date(2099, 12, 31)):
            raise forms.ValidationError(
                _("Choose a first and a last day between 2000 and 2099, in that order.")
            )
        return cleaned


class TextsForm(StyledFormMixin, forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
