"""Daily: delete expired sessions (Django's ``clearsessions``) and the records of sessions that
ended without a logout ("log out everywhere" keeps one per session)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.sessions import forget_ended_sessions


class Command(BaseCommand):
    help = "Delete expired sessions and the records of sessions that ended without a logout."

    def handle(self, *args, **options) -> None:
        call_command("clearsessions")
        forgotten = forget_ended_sessions()
        self.stdout.write(f"{forgotten} ended session record(s) forgotten")
