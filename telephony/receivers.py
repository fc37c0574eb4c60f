"""Opening hours changed → re-flag the imported passages and calls (after the commit, as a task);
an agent identifier declared the same person as another → move its imported rows there.

What was flagged with the old values is re-flagged too: a slot moved from Monday to Sunday
re-flags both days, an exception moved to another date both dates. The first weekly slot
replaces the default week (settings) and deleting the last one brings it back: every day then.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from telephony.models import Agent, OpeningException, OpeningHours


def _schedule(**bounds: str | int) -> None:
    from telephony.tasks import recompute_in_hours

    transaction.on_commit(lambda: recompute_in_hours.enqueue(**bounds))


@receiver(post_init, sender=OpeningHours, dispatch_uid="telephony-hours-loaded")
def remember_weekday(sender, instance: OpeningHours, **kwargs) -> None:
    instance._loaded_weekday = instance.weekday


@receiver(post_init, sender=OpeningException, dispatch_uid="telephony-exception-loaded")
def remember_date(sender, instance: OpeningException, **kwargs) -> None:
    instance._loaded_date = instance.date


@receiver(post_save, sender=OpeningHours, dispatch_uid="telephony-hours-saved")
@receiver(post_delete, sender=OpeningHours, dispatch_uid="telephony-hours-deleted")
def weekly_hours_changed(sender, instance: OpeningHours, created: bool = False, **kwargs) -> None:
    remaining = OpeningHours.objects.count()
    deleted = kwargs.get("signal") is post_delete
    if (created and remaining == 1) or (deleted and remaining == 0):
        _schedule()  # the whole week changed: the defaults gave way, or came back
        return
    weekdays = {instance.weekday, getattr(instance, "_loaded_weekday", None)} - {None}
    for weekday in sorted(weekdays):
        _schedule(weekday=weekday)
    instance._loaded_weekday = instance.weekday


@receiver(post_save, sender=OpeningException, dispatch_uid="telephony-exception-saved")
@receiver(post_delete, sender=OpeningException, dispatch_uid="telephony-exception-deleted")
def exception_changed(sender, instance: OpeningException, **kwargs) -> None:
    for day in sorted({instance.date, getattr(instance, "_loaded_date", None)} - {None}):
        _schedule(start=day.isoformat(), end=day.isoformat())
    instance._loaded_date = instance.date


@receiver(post_init, sender=Agent, dispatch_uid="telephony-agent-loaded")
def remember_same_as(sender, instance: Agent, **kwargs) -> None:
    instance._loaded_same_as = instance.same_as_id


@receiver(post_save, sender=Agent, dispatch_uid="telephony-agent-saved")
def agent_saved(sender, instance: Agent, **kwargs) -> None:
    if instance.same_as_id is not None and instance.same_as_id != getattr(instance, "_loaded_same_as", None):
        from telephony.tasks import merge_agent

        transaction.on_commit(lambda: merge_agent.enqueue(instance.pk))
    instance._loaded_same_as = instance.same_as_id
