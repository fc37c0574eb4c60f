"""Play one call as the switch would report it: ``manage.py telephony_simulate --extension 1001``.

For the demonstration and for checking a set-up without a switch: the call joins a queue,
rings the extension and is connected (the agent's banner appears), then, with ``--talk``,
ends after that many seconds. It goes through the same door as the listener.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from cti import services
from cti.events import CallConnected, CallEnded, CallJoined, MemberState


class Command(BaseCommand):
    help = "Simulate one call connected to an extension (the agent's screen pop, the wallboard)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--extension", default="1001")
        parser.add_argument("--caller", default="06 12 34 56 78")
        parser.add_argument("--queue", default="info")
        parser.add_argument("--wait", type=int, default=12, help="seconds in the queue before the answer")
        parser.add_argument("--talk", type=int, default=0, help="end the call after this many seconds")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        callid = f"sim-{uuid.uuid4().hex[:12]}"
        queue, interface = options["queue"][:128], f"PJSIP/{options['extension']}"[:128]
        services.apply(
            MemberState(queue, interface, interface, "available", False, "", now - timedelta(hours=1))
        )
        services.apply(
            CallJoined(callid, queue, options["caller"][:40], now - timedelta(seconds=options["wait"]))
        )
        services.apply(CallConnected(callid, queue, interface, interface, now, options["wait"]))
        self.stdout.write(
            f"Call {callid} from {options['caller']} connected to {interface} in queue {queue}."
        )
        if options["talk"] > 0:
            time.sleep(options["talk"])
            services.apply(CallEnded(callid, timezone.now()))
            self.stdout.write("Call ended.")
