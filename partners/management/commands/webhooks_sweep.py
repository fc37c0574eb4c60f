from django.core.management.base import BaseCommand

from partners.webhooks import sweep


class Command(BaseCommand):
    help = "Queue a drain of every webhook endpoint with a due delivery (cron, every minute)."

    def handle(self, *args, **options) -> None:
        count = sweep()
        if options["verbosity"] > 1:
            self.stdout.write(f"{count} endpoint(s) woken")
