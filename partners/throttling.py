"""Rate limit per API token (or per staff user on a session), in the shared cache."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from partners.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "partner"

    def get_rate(self) -> str:
        from django.conf import settings

        return settings.PARTNER_API_RATE

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
