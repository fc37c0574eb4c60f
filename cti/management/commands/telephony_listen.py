"""Listen to the telephone platform (AMI) and keep the live state: ``manage.py telephony_listen``.

Runs beside the task worker, for ever, reconnecting with a backoff. Settings: CTI_AMI_HOST,
CTI_AMI_PORT, CTI_AMI_USERNAME, CTI_AMI_SECRET (docs/telephony.md).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from cti import services
from cti.ami import AmiClient, Backoff
from cti.events import from_ami

log = logging.getLogger(__name__)
STATUS_EVERY = 5.0  # seconds between two "last heard" stamps


class Listener:
    """Turns AMI messages into events and applies them in order, on one database thread."""

    def __init__(self, name: str = "ami") -> None:
        self.name = name
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cti-db")
        self.applied = 0
        self._stamped = 0.0
        self._day = services.local_date(timezone.now())

    async def _db(self, function, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: function(*args, **kwargs))

    def _apply(self, message: dict[str, str]) -> None:
        event = from_ami(message, timezone.now())
        if event is None:
            return
        try:
            services.apply(event)
        except DatabaseError:
            log.exception("live state: event %s not applied", message.get("Event"))
            close_old_connections()
            return
        self.applied += 1

    async def on_event(self, message: dict[str, str]) -> None:
        await self._db(self._apply, message)
        if self._new_day():
            await self._db(services.purge)
        loop = asyncio.get_running_loop()
        if loop.time() - self._stamped > STATUS_EVERY:
            self._stamped = loop.time()
            await self._db(
                services.record_listener, self.name, connected=True, detail="connected", heard=True
            )

    async def on_status(self, connected: bool, detail: str) -> None:
        await self._db(services.record_listener, self.name, connected=connected, detail=detail)
        if connected:  # past days' live rows are forgotten at each (re)connection and each new day
            await self._db(services.purge)

    def _new_day(self) -> bool:
        today = services.local_date(timezone.now())
        changed, self._day = today != self._day, today
        return changed


class Command(BaseCommand):
    help = "Listen to the Asterisk Manager Interface and keep the live telephone state."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args, **options) -> None:
        host = options["host"] or settings.CTI_AMI_HOST
        port = options["port"] or settings.CTI_AMI_PORT
        if not host or not settings.CTI_AMI_USERNAME:
            raise CommandError("Set CTI_AMI_HOST, CTI_AMI_USERNAME and CTI_AMI_SECRET (docs/telephony.md).")
        asyncio.run(self.listen(host, port))

    async def listen(self, host: str, port: int) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        listener = Listener()
        client = AmiClient(
            host, port, settings.CTI_AMI_USERNAME, settings.CTI_AMI_SECRET,
            on_event=listener.on_event, on_status=listener.on_status, backoff=Backoff(1, 60),
        )  # fmt: skip
        self.stdout.write(f"Listening to {host}:{port} (Ctrl+C to stop)")
        await client.run(stop)
        await listener.on_status(False, "stopped")
        listener.executor.shutdown()
