"""Background sending through the Django Tasks API (database backend in production,
ImmediateBackend in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver(message_id: int) -> None:
    from correspondence.models import Message
    from correspondence.services import deliver_message

    message = Message.objects.filter(pk=message_id).first()
    if message is not None:
        deliver_message(message)


@task()
def build_daily_batch() -> int | None:
    from correspondence.services import build_batch

    batch = build_batch()
    return batch.pk if batch else None
