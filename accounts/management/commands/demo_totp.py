"""Print the demo's current second-factor code (the demo secret is public: README)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.demo import demo_code, demo_secret


class Command(BaseCommand):
    help = "Print the current code of the demonstration's authenticator (privileged demo users)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{demo_code()}  (secret {demo_secret()}, a new code every 30 seconds)")
