from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def members(users, bodies):
    from committee.models import Member

    metro, city = bodies["metro"], bodies["city"]
    return {
        "secretary": Member.objects.create(
            body=metro, name="Paul Arnaud", function="Directeur opérationnel", email="p@example.org",
            user=users["comite"], is_secretary=True,
        ),
        "city": Member.objects.create(
            body=city, name="Anne Vidal", function="DGA services à la population", email="a@example.org"
        ),
    }  # fmt: skip


@pytest.fixture
def meeting(members):
    from committee.models import Meeting

    return Meeting.objects.create(starts_at=timezone.now() + timedelta(days=20), place="Hôtel de Ville")


from reporting.tests.conftest import known_fiches  # noqa: E402, F401 - the hand-made fiches, shared
