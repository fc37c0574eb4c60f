from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def travel():
    """travel(datetime) moves the clock (time_machine), tick=False; undone at the end."""
    import time_machine

    travellers = []

    def go(moment: datetime):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    while travellers:
        travellers.pop().stop()


@pytest.fixture
def catalogue_types(catalogue_types):
    """The test types, in force since 2020 so that tests can travel back in time."""
    from catalogue.models import RequestTypeVersion

    RequestTypeVersion.objects.update(effective_from=datetime(2020, 1, 1, tzinfo=PARIS))
    return {code: RequestTypeVersion.objects.get(pk=v.pk) for code, v in catalogue_types.items()}
