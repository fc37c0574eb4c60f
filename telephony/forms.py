from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StyledFormMixin
from core.parsing import FIRST_DAY, LAST_DAY  # the days statistics can be asked for
from telephony import erlang
from telephony.models import Queue

INTERVAL_CHOICES = [
    ("15", _("15 minutes")),
    ("30", _("30 minutes")),
    ("60", _("Hour")),
    ("day", _("Day")),
    ("week", _("Week")),
    ("month", _("Month")),
    ("slot", _("Typical week (weekday and half-hour)")),
]
MAX_DAYS_BY_MINUTES = 62  # 15, 30 or 60 minutes over more days: a table too long to read


class FilterForm(StyledFormMixin, forms.Form):
    queue = forms.ModelChoiceField(
        Queue.objects.all(), required=False, label=_("Queue"), empty_label=_("All queues")
    )
    # ISO values: an <input type="date"> shows nothing for a localised date
    date_from = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end of a period", "To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    interval = forms.ChoiceField(choices=INTERVAL_CHOICES, label=_("Interval"), initial="day")
    # research §2.2/§2.4: the KPIs are over the calls within opening hours; the others are
    # counted apart (a closed centre's callers hear a message, they were not kept waiting)
    hours = forms.ChoiceField(
        choices=[("open", _("Within opening hours")), ("all", _("All calls"))],
        label=_("Calls"),
        initial="open",
    )

    def __init__(self, data=None, **kwargs):
        today = date.today()
        initial = {
            "date_from": today - timedelta(days=27),
            "date_to": today,
            "interval": "day",
            "hours": "open",
        }
        if data is not None:
            data = {**initial, **{k: v for k, v in data.items() if v not in ("", None)}}
        super().__init__(data, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must be before the end date."))
        if any(day and not FIRST_DAY <= day <= LAST_DAY for day in (start, end)):
            raise forms.ValidationError(_("Choose dates between 2000 and 2099."))
        if start and end and (end - start).days > 400:
            raise forms.ValidationError(_("Choose a period of at most 400 days."))
        minutes = cleaned.get("interval") in ("15", "30", "60")
        if start and end and minutes and (end - start).days >= MAX_DAYS_BY_MINUTES:
            raise forms.ValidationError(
                _(
                    "Intervals of minutes cover at most %(days)s days: choose a day, week, month "
                    "or typical-week interval for this period."
                ),
                params={"days": MAX_DAYS_BY_MINUTES},
            )
        return cleaned


class UploadForm(StyledFormMixin, forms.Form):
    FORMATS = [("file", _("Asterisk queue_log file")), ("db", _("CSV export of the queue_log table"))]
    file = forms.FileField(label=_("Call log file"))
    file_format = forms.ChoiceField(choices=FORMATS, label=_("Format"), initial="file")


class CsvImportForm(StyledFormMixin, forms.Form):
    """A call log from another platform: one CSV row per queue passage, columns named freely."""

    DELIMITERS = [(",", _("Comma (,)")), (";", _("Semicolon (;)")), ("tab", _("Tab"))]
    file = forms.FileField(label=_("CSV file"))
    delimiter = forms.ChoiceField(choices=DELIMITERS, label=_("Column separator"), initial=";")
    callid = forms.CharField(
        label=_("Column of the call id"),
        required=False,
        max_length=100,
        help_text=_("Rows with the same call id make one call through several queues. Optional."),
    )
    queue = forms.CharField(label=_("Column of the queue"), max_length=100, initial="queue")
    start = forms.CharField(
        label=_("Column of the start time"),
        max_length=100,
        initial="start",
        help_text=_("Local time: 2025-03-14 09:30:00, 14/03/2025 09:30 or a Unix epoch."),
    )
    wait = forms.CharField(
        label=_("Column of the wait"),
        max_length=100,
        initial="wait",
        help_text=_("Seconds (75) or minutes:seconds (01:15)."),
    )
    talk = forms.CharField(label=_("Column of the talk time"), required=False, max_length=100, initial="talk")
    outcome = forms.CharField(
        label=_("Column of the outcome"),
        max_length=100,
        initial="outcome",
        help_text=_(
            "Recognised values: answered/répondu, transfer/transféré, abandoned/abandonné, "
            "timeout/débordement; any other value counts as another exit."
        ),
    )
    agent = forms.CharField(label=_("Column of the agent"), required=False, max_length=100, initial="agent")

    def mapping(self) -> dict[str, str]:
        from telephony.services import CSV_FIELDS

        return {f: self.cleaned_data[f].strip() for f in CSV_FIELDS if self.cleaned_data.get(f, "").strip()}

    def separator(self) -> str:
        return "\t" if self.cleaned_data["delimiter"] == "tab" else self.cleaned_data["delimiter"]

    def clean(self):
        import csv
        import io

        from telephony.services import missing_csv_columns

        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None or self.errors:
            return cleaned
        head = upload.read(65536)
        upload.seek(0)
        first_line = head.decode("utf-8-sig", "replace").splitlines()[:1]
        header = (
            next(csv.reader(io.StringIO(first_line[0]), delimiter=self.separator()), []) if first_line else []
        )
        missing = missing_csv_columns(header, self.mapping())
        if missing:
            raise forms.ValidationError(
                _(
                    "These columns are not in the first line of the file: %(missing)s. "
                    "Columns found: %(found)s."
                )
                % {"missing": ", ".join(missing), "found": ", ".join(header) or "—"}
            )
        return cleaned


class StaffingForm(StyledFormMixin, forms.Form):
    weeks = forms.IntegerField(label=_("Weeks of history"), min_value=1, max_value=52, initial=8)
    # the bounds of erlang.check_parameters, in percent
    target = forms.FloatField(
        label=_("Target service level (%)"),
        min_value=round(100 * erlang.TARGET_MIN),
        max_value=round(100 * erlang.TARGET_MAX),
        initial=80,
    )
    shrinkage = forms.FloatField(
        label=_("Shrinkage (%)"), min_value=0, max_value=round(100 * erlang.SHRINKAGE_MAX), initial=30
    )
    patience = forms.IntegerField(
        label=_("Mean caller patience (s)"),
        min_value=erlang.PATIENCE_MIN,
        max_value=erlang.PATIENCE_MAX,
        required=False,
        help_text=_("Leave empty for Erlang C; fill to use Erlang A (callers who hang up)."),
    )
