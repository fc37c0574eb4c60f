"""Demonstration: the two demo agents' telephones (``telephony_simulate`` rings them)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cti.models import Station

DEMO_STATIONS = {"agent": "1001", "agent2": "1002"}


def create_demo_stations() -> int:
    users = get_user_model().objects.filter(username__in=DEMO_STATIONS)
    for user in users:
        Station.objects.get_or_create(user=user, defaults={"extension": DEMO_STATIONS[user.username]})
    return len(users)
