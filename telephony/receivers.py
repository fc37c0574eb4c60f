"""Opening hours changed → re-flag the imported passages and calls (after the commit, as a task)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from telephony.models import OpeningException, OpeningHours


def _schedule(**bounds: str) -> None:
    from telephony.tasks import recompute_in_hours

    transaction.on_commit(lambda: recompute_in_hours.enqueue(**bounds))


@receiver(post_save, sender=OpeningHours, dispatch_uid="telephony-hours-saved")
@receiver(post_delete, sender=OpeningHours, dispatch_uid="telephony-hours-deleted")
def weekly_hours_changed(sender, instance: OpeningHours, **kwargs) -> None:
    _schedule(weekday=instance.weekday)


@receiver(post_save, sender=OpeningException, dispatch_uid="telephony-exception-saved")
@receiver(post_delete, sender=OpeningException, dispatch_uid="telephony-exception-deleted")
def exception_changed(sender, instance: OpeningException, **kwargs) -> None:
    day = instance.date.isoformat()
    _schedule(start=day, end=day)
