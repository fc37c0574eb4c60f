"""Fast display filters for long lists (Django's |date is slow when called 100 times a page)."""

from collections.abc import Iterable
from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from core.dates import french_date, french_datetime

register = template.Library()


@register.filter
def local_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy hh:mm in the current time zone (Europe/Paris)."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


@register.filter
def local_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


@register.filter
def long_date(value) -> str:
    """« 31 mars 2026 » (dates, datetimes in Paris time, ISO texts of the JSON snapshots)."""
    return french_date(value)


@register.filter
def long_datetime(value) -> str:
    """« 31 mars 2026, 10 h 00 » in Paris time."""
    return french_datetime(value)


@register.simple_tag
def select_options(choices: Iterable[tuple[str, str]], selected: object = None) -> str:
    """The ``<option>`` elements of (value, text) pairs, ``selected`` chosen: a long list (the
    nomenclature's 220 types) costs a tenth of the template loop writing it."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == chosen else "", text) for value, text in choices),  # noqa: S308
    )
