from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.8123 -> '81,2 %'; None -> '–'."""
    if value is None:
        return "–"
    return f"{number_format(100 * value, 1)} %"


@register.filter
def secs(value) -> str:
    if value is None:
        return "–"
    return number_format(value, 1)


@register.filter
def hhmm(minute) -> str:
    minute = int(minute or 0)
    return f"{minute // 60:02d}:{minute % 60:02d}"


@register.filter
def duration(seconds) -> str:
    seconds = int(seconds or 0)
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
