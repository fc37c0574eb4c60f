"""A notice for a citizen who wants a phone reply becomes a callback in the queue."""

from __future__ import annotations

from callbacks import services
from correspondence.models import Channel, Message


def on_message_saved(sender, instance: Message, created: bool, **kwargs) -> None:
    if created and instance.channel == Channel.PHONE:
        services.open_callback(instance)
