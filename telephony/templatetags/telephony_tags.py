from __future__ import annotations

import re

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from telephony.queuelog import IMPORT_ERRORS, SKIP_REASONS

register = template.Library()

# each reason's English template as a pattern whose {fields} are named groups
_REASONS = [
    (re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.*)", re.escape(reason)) + r"\Z", re.S), reason)
    for reason in (*SKIP_REASONS, *IMPORT_ERRORS)
]


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


@register.filter
def import_message(reason: str) -> str:
    """An import's reason for skipping a line or refusing a file (stored in English), translated."""
    for pattern, english in _REASONS:
        match = pattern.match(reason)
        if match:
            return gettext(english).format(**match.groupdict())
    return reason


@register.inclusion_tag("telephony/_call_passages.html")
def call_passages(fiche) -> dict:
    """The passages of the fiche's call through the queues (supervisors, on the fiche page).

    Looked up on the day of the fiche and the day before (a call may start before midnight),
    so the query rests on the passages' date index.
    """
    from datetime import timedelta

    from telephony.models import QueuePassage
    from telephony.services import PARIS

    day = fiche.created_at.astimezone(PARIS).date()
    rows = (
        QueuePassage.objects.filter(local_date__range=(day - timedelta(days=1), day), callid=fiche.call_id)
        .select_related("queue", "agent")
        .order_by("entered_at")
    )
    return {"passages": list(rows[:20])}
