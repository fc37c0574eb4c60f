"""``Authorization: Bearer am_…``: the partner system's token, checked against its digest."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from partners.crypto import token_matches, token_prefix
from partners.models import ApiToken

LAST_USED_PRECISION = timedelta(minutes=1)


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        prefix = token_prefix(raw)
        token = (
            ApiToken.objects.select_related("partner__user").filter(prefix=prefix).first() if prefix else None
        )
        if token is None or not token_matches(raw, token.digest) or not token.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        user = token.partner.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "am_<prefix>_<secret>"}
