"""Reading conventions: the question every other app asks, and what a user may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from agreements.models import Agreement
from organisations.access import Scope
from organisations.models import Body


def convention_in_force(partner: Body, on: date) -> bool:
    """Is a convention in force with this partner on this date? (co-branding, routing)."""
    return Agreement.objects.in_force(on).filter(partner=partner).exists()


def visible_agreements(scope: Scope) -> QuerySet[Agreement]:
    """The conventions of the user's bodies, for finance officers and committee members."""
    if not scope.sees_finance:
        return Agreement.objects.none()
    return Agreement.objects.filter(
        Q(operator_id__in=scope.member_body_ids) | Q(partner_id__in=scope.member_body_ids)
    ).select_related("operator", "partner")
