"""Demonstration notices: the latest fiches' acknowledgements, so the post room, the mail
register and the fiche panels are alive on first run (the task worker sends them)."""

from __future__ import annotations

from correspondence.services import notify
from fiches.models import Event


def send_demo_notices(count: int = 40) -> int:
    """Queue the acknowledgement of the ``count`` latest fiches that have a requester."""
    events = (
        Event.objects.filter(action="transmit", from_status="new", fiche__requester__isnull=False)
        .select_related("fiche")
        .order_by("-at")[:count]
    )
    return sum(len(notify(event.fiche, event, "transmit")) for event in events)
