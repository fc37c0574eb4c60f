"""Forms of the follow-up pages (thin: validation of input only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalogue.models import RequestTypeVersion
from core.forms import LONG_TEXT, SHORT_TEXT, BoundedDateField, StyledFormMixin
from fiches.models import Status
from followup.services import Outcome

# « Tous » (every status, type, arrondissement), not the admin's « Tout ».
ALL = pgettext_lazy("every value, masculine", "All")
STATUS_CHOICES = [
    ("", ALL),
    ("unacknowledged", _("Not acknowledged")),
    (Status.ACKNOWLEDGED, Status.ACKNOWLEDGED.label),
    (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
    (Status.WAITING, Status.WAITING.label),
]
DUE_CHOICES = [
    ("", _("Any")),
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("week", _("Due within 7 days")),
]
ARRONDISSEMENTS = [("", ALL)] + [(str(n), f"{n}{'er' if n == 1 else 'e'}") for n in range(1, 17)]
OUTCOMES = [
    (Outcome.FIXED, _("Fixed")),
    (Outcome.NOT_FIXABLE, _("Cannot be fixed (the citizen reads the reason)")),
    (Outcome.OUTSIDE, _("Outside our competence: send back for re-routing")),
]
BULK_OUTCOMES = OUTCOMES[:2]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class QueueFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    type = forms.ChoiceField(label=_("Request type"), choices=[], required=False)
    due = forms.ChoiceField(label=pgettext_lazy("due date", "Deadline"), choices=DUE_CHOICES, required=False)
    arrondissement = forms.TypedChoiceField(
        label=_("Arrondissement"), choices=ARRONDISSEMENTS, coerce=int, empty_value=None, required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=20, required=False)
    cell = forms.TypedChoiceField(label=_("Cell"), choices=[], coerce=int, empty_value=None, required=False)

    def __init__(self, *args, types=(), cells=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", ALL)] + [(code, f"{code} · {label}") for code, label in types]
        if cells is None:
            del self.fields["cell"]
        else:
            self.fields["cell"].choices = [("", _("Choose a cell"))] + [(c.pk, c.name) for c in cells]


class BulkForm(StyledFormMixin, forms.Form):
    ACTIONS = [
        ("acknowledge", _("Acknowledge")),
        ("resolve", _("Resolve")),
        ("schedule", _("Schedule an intervention")),
    ]
    action = forms.ChoiceField(label=_("Action on the selection"), choices=ACTIONS)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("result of the work on a fiche", "Outcome"), choices=BULK_OUTCOMES, required=False
    )
    text = forms.CharField(
        label=_("Message to the citizen (resolution)"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    planned_for = BoundedDateField(label=_("Intervention date"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("action") == "schedule" and not data.get("planned_for"):
            self.add_error("planned_for", _("Choose the intervention date."))
        if data.get("action") == "resolve" and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome."))
        return data


class ScheduleForm(StyledFormMixin, forms.Form):
    planned_for = BoundedDateField(label=_("Intervention date"), widget=DateInput())


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=LONG_TEXT
    )
    public = forms.BooleanField(label=_("Visible to the citizen"), required=False)


class HoldForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Waiting for (reason)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=SHORT_TEXT
    )
    expected_on = BoundedDateField(label=_("Expected date"), required=False, widget=DateInput())


class ResolveForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("result of the work on a fiche", "Outcome"),
        choices=OUTCOMES,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when it cannot be fixed (the citizen reads it) or when sending back (the reason)."
        ),
        max_length=LONG_TEXT,
    )


class RerouteForm(StyledFormMixin, forms.Form):
    new_type = forms.ModelChoiceField(label=_("New request type"), queryset=RequestTypeVersion.objects.none())
    comment = forms.CharField(
        label=_("Reason for the re-routing"), widget=forms.Textarea(attrs={"rows": 2}), max_length=SHORT_TEXT
    )

    def __init__(self, *args, queryset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["new_type"].queryset = queryset


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}), max_length=LONG_TEXT)


class SavedViewForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=80)
