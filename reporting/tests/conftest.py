"""Hand-made fiches whose every barometer figure is known (docs/committee.md, counting rules)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reporting.figures import Period

PARIS = ZoneInfo("Europe/Paris")
Q1_2026 = Period(date(2026, 1, 1), date(2026, 3, 31))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)


@pytest.fixture
def known_fiches(make_fiche, users, catalogue_types):
    """Q1 2026 (Métropole road fiches and Ville lamp fiches), one fiche in the previous period,
    one a year before, one after.

    f1 Métropole, acknowledged after 4 working hours, resolved on time after 24, satisfied (5)
    f2 Métropole (8e), created on a Friday noon: acknowledged after 24 working hours (the
       weekend does not count), resolved late after 720, dissatisfied (2)
    f3 created for Métropole, sent back, re-routed to the Ville 48 h after creation, left open
    f4 duplicate of f1;  f5 Ville, rejected;  f6 Ville, resolved, closed, then reopened
    """
    from fiches.services import transition
    from portal.models import SurveyAnswer

    cell, ville, boss, agent = (
        users["cellule-voirie"],
        users["cellule-eclairage"],
        users["superviseur"],
        users["agent"],
    )
    f1 = make_fiche("VOI-NID", created_at=at(2026, 1, 5, 9))
    transition(f1, "acknowledge", cell, at=at(2026, 1, 5, 13))
    transition(f1, "resolve", cell, outcome="Rebouché", at=at(2026, 1, 6, 9))
    f2 = make_fiche("VOI-NID", created_at=at(2026, 1, 9, 12), postal_code="13008")
    transition(f2, "acknowledge", cell, at=at(2026, 1, 12, 12))
    transition(f2, "resolve", cell, outcome="Rebouché", at=at(2026, 2, 20, 12))
    f3 = make_fiche("VOI-NID", created_at=at(2026, 1, 12, 10))
    transition(f3, "send_back", cell, comment="Lampadaire", at=at(2026, 1, 13, 10))
    transition(
        f3, "reroute", boss, comment="Éclairage", new_type=catalogue_types["ECL-LAMP"], at=at(2026, 1, 14, 10)
    )
    f4 = make_fiche("VOI-NID", created_at=at(2026, 2, 2, 9))
    transition(f4, "mark_duplicate", agent, original=f1, at=at(2026, 2, 2, 10))
    f5 = make_fiche("ECL-LAMP", created_at=at(2026, 2, 3, 9))
    transition(f5, "reject", ville, outcome="Hors compétence", reason="not_fixable", at=at(2026, 2, 4, 9))
    f6 = make_fiche("ECL-LAMP", created_at=at(2026, 2, 5, 9))
    transition(f6, "resolve", ville, outcome="Remplacée", at=at(2026, 2, 5, 10))
    transition(f6, "close", agent, at=at(2026, 2, 6, 9))
    transition(f6, "reopen", agent, comment="Toujours éteint", at=at(2026, 2, 10, 9))
    f7 = make_fiche("VOI-NID", created_at=at(2025, 12, 15, 9))
    transition(f7, "resolve", cell, outcome="Rebouché", at=at(2025, 12, 16, 9))
    f8 = make_fiche("VOI-NID", created_at=at(2025, 2, 10, 9))
    transition(f8, "resolve", cell, outcome="Rebouché", at=at(2025, 3, 31, 9))
    f9 = make_fiche("VOI-NID", created_at=at(2026, 4, 10, 9))
    SurveyAnswer.objects.create(fiche=f1, score=5)
    SurveyAnswer.objects.create(fiche=f2, score=2)
    return {f"f{n}": f for n, f in enumerate((f1, f2, f3, f4, f5, f6, f7, f8, f9), start=1)}
