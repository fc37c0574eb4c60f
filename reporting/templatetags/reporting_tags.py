from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reporting.figures import Change

register = template.Library()


@register.filter
def figure(value: float | int | str | None, unit: str = "") -> str:
    """A figure with a decimal comma, or a dash when there is none; text (a label, a date in
    words) as it is."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        return value
    digits = 0 if isinstance(value, int) else 1
    return f"{number_format(value, digits)}{unit}"


@register.filter
def change(value: Change | None, kind: str = "count") -> str:
    """The change against an earlier figure, in words: "+12,5 %" for counts, "+3,0 points" for
    shares; "no earlier figure" when there is nothing to compare with."""
    if value is None or value.before is None or value.current is None:
        return _("no earlier figure")
    if kind == "share":
        delta = value.delta or 0.0
        return _("%(sign)s%(delta)s points") % {
            "sign": "+" if delta > 0 else "",
            "delta": number_format(delta, 1),
        }
    percent = value.percent
    if percent is None:
        return _("none before")
    return f"{'+' if percent > 0 else ''}{number_format(percent, 1)} %"
