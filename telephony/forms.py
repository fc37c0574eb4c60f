from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from telephony.models import Queue

INTERVAL_CHOICES = [
    ("15", _("15 minutes")),
    ("30", _("30 minutes")),
    ("60", _("Hour")),
    ("day", _("Day")),
    ("week", _("Week")),
    ("month", _("Month")),
]


class FilterForm(StyledFormMixin, forms.Form):
    queue = forms.ModelChoiceField(
        Queue.objects.all(), required=False, label=_("Queue"), empty_label=_("All queues")
    )
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    interval = forms.ChoiceField(choices=INTERVAL_CHOICES, label=_("Interval"), initial="day")
    in_hours = forms.BooleanField(required=False, label=_("Opening hours only"))

    def __init__(self, data=None, **kwargs):
        today = date.today()
        initial = {"date_from": today - timedelta(days=27), "date_to": today, "interval": "day"}
        if data is not None:
            data = {**initial, **{k: v for k, v in data.items() if v not in ("", None)}}
        super().__init__(data, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must be before the end date."))
        if start and end and (end - start).days > 400:
            raise forms.ValidationError(_("Choose a period of at most 400 days."))
        return cleaned


class UploadForm(StyledFormMixin, forms.Form):
    FORMATS = [("file", _("Asterisk queue_log file")), ("db", _("CSV export of the queue_log table"))]
    file = forms.FileField(label=_("Call log file"))
    file_format = forms.ChoiceField(choices=FORMATS, label=_("Format"), initial="file")


class StaffingForm(StyledFormMixin, forms.Form):
    weeks = forms.IntegerField(label=_("Weeks of history"), min_value=1, max_value=52, initial=8)
    target = forms.FloatField(label=_("Target service level (%)"), min_value=1, max_value=99, initial=80)
    shrinkage = forms.FloatField(label=_("Shrinkage (%)"), min_value=0, max_value=90, initial=30)
    patience = forms.IntegerField(
        label=_("Mean caller patience (s)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for Erlang C; fill to use Erlang A (callers who hang up)."),
    )
