from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from partners.models import IdempotencyRecord
from partners.webhooks import sweep


class Command(BaseCommand):
    help = (
        "Queue a drain of every webhook endpoint with a due delivery, and forget the idempotency "
        "keys older than PARTNER_IDEMPOTENCY_DAYS (cron, every minute)."
    )

    def handle(self, *args, **options) -> None:
        count = sweep()
        limit = timezone.now() - timedelta(days=settings.PARTNER_IDEMPOTENCY_DAYS)
        forgotten, _by_model = IdempotencyRecord.objects.filter(created_at__lt=limit).delete()
        if options["verbosity"] > 1:
            self.stdout.write(f"{count} endpoint(s) woken, {forgotten} idempotency key(s) forgotten")
