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


# The value a field had when the instance was loaded, to know what a save changed.
TRACKED = {OpeningHours: "weekday", OpeningException: "date", Agent: "same_as_id"}


def _remember(sender, instance, **kwargs) -> None:
    instance._loaded_value = getattr(instance, TRACKED[sender])


for _model in TRACKED:
    post_init.connect(_remember, sender=_model, dispatch_uid=f"telephony-{_model.__name__}-loaded")


def _before_and_now(instance) -> tuple:
    """(value when loaded, value now) of the instance's tracked field; now becomes the loaded one."""
    now = getattr(instance, TRACKED[type(instance)])
    before, instance._loaded_value = getattr(instance, "_loaded_value", None), now
    return before, now


@receiver(post_save, sender=OpeningHours, dispatch_uid="telephony-hours-saved")
@receiver(post_delete, sender=OpeningHours, dispatch_uid="telephony-hours-deleted")
def weekly_hours_changed(sender, instance: OpeningHours, created: bool = False, **kwargs) -> None:
    before, now = _before_and_now(instance)
    remaining = OpeningHours.objects.count()
    deleted = kwargs.get("signal") is post_delete
    if (created and remaining == 1) or (deleted and remaining == 0):
        _schedule()  # the whole week changed: the defaults gave way, or came back
        return
    for weekday in sorted({before, now} - {None}):
        _schedule(weekday=weekday)


@receiver(post_save, sender=OpeningException, dispatch_uid="telephony-exception-saved")
@receiver(post_delete, sender=OpeningException, dispatch_uid="telephony-exception-deleted")
def exception_changed(sender, instance: OpeningException, **kwargs) -> None:
    for day in sorted(set(_before_and_now(instance)) - {None}):
        _schedule(start=day.isoformat(), end=day.isoformat())


@receiver(post_save, sender=Agent, dispatch_uid="telephony-agent-saved")
def agent_saved(sender, instance: Agent, **kwargs) -> None:
    before, now = _before_and_now(instance)
    if now is not None and now != before:
        from telephony.tasks import merge_agent

        transaction.on_commit(lambda: merge_agent.enqueue(instance.pk))
