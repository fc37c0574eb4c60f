"""Gather the letters waiting for the post into one printable PDF (run daily by cron or a
systemd timer; idempotent: with nothing pending it does nothing)."""

from django.core.management.base import BaseCommand

from correspondence.services import build_batch


class Command(BaseCommand):
    help = "Build today's post-room batch of letters (one printable PDF) and mark them sent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many letters")

    def handle(self, *args, limit=None, **options) -> None:
        batch = build_batch(limit=limit)
        if batch is None:
            self.stdout.write("No letter waiting.")
        else:
            self.stdout.write(
                f"Batch {batch.pk}: {batch.letter_count} letters, {batch.page_count} pages, {batch.pdf.name}"
            )
