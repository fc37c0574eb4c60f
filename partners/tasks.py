from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def drain_endpoint(endpoint_id: int) -> int:
    """Deliver an endpoint's due webhooks; if another drain holds it, try again shortly."""
    from partners.webhooks import _schedule, drain

    delivered = drain(endpoint_id)
    if delivered < 0:
        _schedule(endpoint_id, timezone.now() + timedelta(seconds=5))
    return delivered
