"""Login lockout: per account whatever the address, and a higher bound per address.

``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`` makes django-axes count failures per
account (summed over every address) and per address, but against one limit: five failures
behind an office's shared address would lock the whole call centre. This handler gives each
its own limit, ``AXES_FAILURE_LIMIT`` per account and ``AXES_IP_FAILURE_LIMIT`` per address, and
a successful login clears its account's failures only (``AXES_RESET_ON_SUCCESS``): the typos of
staff who then log in vanish, while a password spray over many accounts, which never logs in,
adds up on its address and is stopped.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def standing_failures(request: HttpRequest, **where: str | None) -> int:
    """Failures matching ``where`` within the cool-off period."""
    attempts = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request), **where)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The account's failures; an address over its own limit counts as a locked account."""
        account = standing_failures(request, username=get_client_username(request, credentials))
        address = standing_failures(request, ip_address=request.axes_ip_address)
        if address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(account, get_failure_limit(request, credentials))
        return account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful login: the account's failures, from every address, not the address's."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
