"""The demonstration committee: one member per body (the `comite` login is its secretary) and
the quarterly meetings of the current year."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from committee.models import Member
from committee.services import schedule_quarterly
from organisations.models import Body


def create_demo_committee(bodies: dict[str, Body], today: date | None = None) -> int:
    """Members and this year's quarterly meetings (loading twice adds nothing); returns the
    number of meetings created."""
    secretary = get_user_model().objects.filter(username="comite").first()
    Member.objects.get_or_create(
        email="paul.arnaud@example.org",
        defaults={
            "body": bodies["metro"],
            "name": "Paul Arnaud",
            "function": "Directeur opérationnel, secrétaire du comité",
            "user": secretary,
            "is_secretary": True,
        },
    )
    Member.objects.get_or_create(
        email="anne.vidal@example.org",
        defaults={
            "body": bodies["city"],
            "name": "Anne Vidal",
            "function": "Directrice générale des services à la population",
        },
    )
    year = (today or date.today()).year
    return len(schedule_quarterly(date(year, 1, 15), date(year, 12, 31)))
