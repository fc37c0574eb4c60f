"""Partner systems, their service users and tokens. The service user gets one membership, so
``organisations.access.scope_for`` gives it exactly the scope of a staff member of the same
body, directorate or cell: the API needs no permission system of its own."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from organisations.models import Membership, Role
from partners.crypto import new_token
from partners.models import ApiToken, PartnerSystem


@transaction.atomic
def save_partner(partner: PartnerSystem) -> PartnerSystem:
    """Create or update a partner system and keep its service user's membership in line."""
    if partner.cell_id and partner.directorate_id is None:
        partner.directorate = partner.cell.directorate
    if partner.user_id is None:
        user = get_user_model().objects.create(username=f"api-{timezone.now():%Y%m%d%H%M%S%f}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        partner.user = user
    partner.save()
    user = partner.user
    username = f"api-{partner.pk}"
    if user.username != username or user.is_active != partner.active:
        user.username, user.is_active = username, partner.active
        user.save(update_fields=["username", "is_active"])
    Membership.objects.filter(user=user).delete()
    # A body-wide membership reads like a staff member's of the whole body (scope_for).
    Membership.objects.create(
        user=user,
        role=Role.CORRESPONDENT if partner.cell_id else Role.MANAGER,
        body=partner.body,
        directorate=partner.directorate,
        cell=partner.cell,
    )
    return partner


def issue_token(partner: PartnerSystem, label: str = "") -> tuple[ApiToken, str]:
    """A new token; the clear value is returned once and never stored."""
    token, prefix, digest = new_token()
    return ApiToken.objects.create(partner=partner, label=label, prefix=prefix, digest=digest), token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
