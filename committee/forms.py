from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement
from committee.models import Attendance, ChangeRequest, ConsultationAnswer, Meeting, Member, QuarterlyPack
from core.dates import french_date
from core.forms import SHORT_TEXT, StyledFormMixin, validate_day_in_range

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MomentField(forms.DateTimeField):
    """A date and time typed in a ``datetime-local`` input, within the years the app accepts."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs) -> None:
        super().__init__(input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value) -> datetime | None:
        moment = super().to_python(value)
        if moment is not None:
            validate_day_in_range(moment.date())
        return moment


def convention_years() -> list[tuple[str, str]]:
    """Every year of every convention, « AM-2025 · année 2 (1er mars 2026 – 28 février 2027) »,
    as ``agreement-year`` values (``agreements.dates``)."""
    choices = []
    for agreement in Agreement.objects.select_related("partner").order_by("-notified_on", "reference"):
        for number in range(agreement.years_agreed, 0, -1):
            period = agreement.year(number)
            label = _("%(ref)s · year %(n)s (%(start)s – %(end)s)") % {
                "ref": agreement.reference,
                "n": number,
                "start": french_date(period.start),
                "end": french_date(period.end),
            }
            choices.append((f"{agreement.pk}-{number}", label))
    return choices


class ConventionYearField(forms.ChoiceField):
    """A convention and one of its years, cleaned to (Agreement, year number)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=convention_years, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        pk, number = value.split("-")
        return Agreement.objects.get(pk=int(pk)), int(number)


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
    convention_year = ConventionYearField(label=_("Convention year"))


class MeetingScheduleForm(StyledFormMixin, forms.Form):
    convention_year = ConventionYearField(label=_("Convention year"))


class MeetingRequestForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the committee should meet"),
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConveneRequestForm(StyledFormMixin, forms.Form):
    starts_at = MomentField(label=_("Date and time"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class ConveneForm(StyledFormMixin, forms.Form):
    starts_at = MomentField(label=_("Date and time"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    items = forms.CharField(
        label=_("Agenda items"),
        help_text=_("One item a line. The change requests awaiting the committee are added by themselves."),
        max_length=SHORT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    pack = forms.ModelChoiceField(
        QuarterlyPack.objects.filter(status=QuarterlyPack.Status.DONE),
        label=_("Quarterly pack attached to the invitations"),
        required=False,
        empty_label=pgettext_lazy("no quarterly pack", "None"),
    )

    def clean_items(self) -> list[str]:
        return [line.strip()[:300] for line in self.cleaned_data["items"].splitlines() if line.strip()]


class MinutesForm(StyledFormMixin, forms.Form):
    """The minutes: one attendance per active member, the text, the campaigns proposed (A7.6)
    and a decision for each change request on the agenda."""

    minutes = forms.CharField(
        label=_("Minutes"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    campaigns = forms.CharField(
        label=_("Awareness campaigns proposed"),
        help_text=_("Advertising or awareness campaigns (A7.6)."),
        max_length=SHORT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, members: list[Member], changes: list[ChangeRequest], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members, self.changes = members, changes
        for member in members:
            self.fields[f"attendance_{member.pk}"] = forms.ChoiceField(
                label=_("Attendance of %(name)s") % {"name": member.name},
                choices=Attendance.Status.choices,
                initial=Attendance.Status.PRESENT,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"proxy_{member.pk}"] = forms.CharField(
                label=_("Represented by"),
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        for change in changes:
            self.fields[f"decision_{change.pk}"] = forms.ChoiceField(
                label=str(change),
                choices=[
                    ("", _("Not decided at this meeting")),
                    ("approve", _("Approve")),
                    ("refuse", _("Refuse")),
                ],
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def attendance(self) -> dict[Member, tuple[str, str]]:
        data = self.cleaned_data
        return {m: (data[f"attendance_{m.pk}"], data[f"proxy_{m.pk}"]) for m in self.members}

    def decisions(self) -> dict[ChangeRequest, bool]:
        data = self.cleaned_data
        return {c: data[f"decision_{c.pk}"] == "approve" for c in self.changes if data[f"decision_{c.pk}"]}

    def member_rows(self) -> list[tuple[Member, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"attendance_{m.pk}"], self[f"proxy_{m.pk}"]) for m in self.members]

    def decision_rows(self) -> list[tuple[ChangeRequest, forms.BoundField]]:
        return [(c, self[f"decision_{c.pk}"]) for c in self.changes]


class TextsForm(StyledFormMixin, forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
