from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StyledFormMixin
from reporting.figures import Period, quarter_of
from reporting.selectors import DIMENSIONS

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
MAX_DAYS = 731  # two years: the annual report compares a convention year with the one before
MAX_DAYS_BY_DAY = 92  # one row a day over more than a quarter is a table nobody reads
MAP_METRICS = [("received", _("Volume")), ("compliance", _("Share resolved within the deadline"))]


def last_quarter(today: date) -> Period:
    return quarter_of(quarter_of(today).start - timedelta(days=1))


class BarometerForm(StyledFormMixin, forms.Form):
    # ISO values: an <input type="date"> shows nothing for a localised date
    date_from = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end of a period", "To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    by = forms.ChoiceField(label=_("By"), choices=[(k, d.label) for k, d in DIMENSIONS.items()])
    map = forms.ChoiceField(label=_("Map shaded by"), choices=MAP_METRICS)

    def __init__(self, data=None, *, today: date | None = None, **kwargs):
        quarter = last_quarter(today or date.today())
        initial = {"date_from": quarter.start, "date_to": quarter.end, "by": "month", "map": "received"}
        if data is not None:
            data = {**initial, **{k: v for k, v in data.items() if v not in ("", None)}}
        super().__init__(data, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if not (start and end):
            return cleaned
        if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
            raise forms.ValidationError(_("Choose dates between 2000 and 2099."))
        if start > end:
            raise forms.ValidationError(_("The start date must be before the end date."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most two years."))
        if cleaned.get("by") == "day" and (end - start).days >= MAX_DAYS_BY_DAY:
            raise forms.ValidationError(
                _("One row a day covers at most %(days)s days: choose weeks or months for this period."),
                params={"days": MAX_DAYS_BY_DAY},
            )
        return cleaned

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
