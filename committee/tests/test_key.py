"""The committee and the money count the allocation key the same way: the change request's
impact and the annual report use finance's counting (``finance.selectors.counted_fiches``,
``count_key``) with the rule stored on the convention's key, on the hand-made fiches of
finance's own test (re-routed both ways, a duplicate, a rejected fiche, an information request
answered at once, fiches a minute outside the year)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from committee import annual, services
from committee.tests.test_changes import road_to_city
from finance import services as finance
from finance.counting import CountingRule
from finance.tests.test_keys import agreement, year_two  # noqa: F401 - the shared hand-made fiches

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
DAY_AFTER_YEAR_TWO = datetime(2027, 3, 1, 8, tzinfo=PARIS)  # its 365 days before are year 2


def impact_now(users, catalogue_types) -> dict:
    return services.propose_change(
        users["direction-voirie"],
        kind="change",
        reason="Les trottoirs relèvent de la Ville",
        effective_date=date(2027, 4, 1),
        data=road_to_city(catalogue_types),
        now=DAY_AFTER_YEAR_TWO,
    ).impact


def test_impact_report_and_key_agree(agreement, year_two, users, members, catalogue_types):  # noqa: F811
    report = services.create_report(users["comite"], agreement, 2)
    assert (report.start, report.end) == (date(2026, 3, 1), date(2027, 2, 28))
    observed = annual.allocation_key(report)  # no key computed yet: counted now, default rule
    impact = impact_now(users, catalogue_types)
    assert (impact["since"], impact["until"]) == ("2026-03-01", "2027-02-28")
    key = finance.compute_key(agreement, 2)
    assert (key.numerator, key.denominator) == (4, 8)  # finance's own hand count
    assert (observed["partner"], observed["total"]) == (4, 8)
    assert (impact["partner"], impact["total"]) == (4, 8)
    stored = annual.allocation_key(report)
    assert (stored["partner"], stored["total"]) == (4, 8) and "pas encore validée" in stored["status"]

    # the finance officers count with another rule: the committee follows the stored rule
    rule = CountingRule(body="creation", duplicates=True)
    key = finance.compute_key(agreement, 2, rule)
    assert (key.numerator, key.denominator) == (5, 9)  # the duplicate counts; bodies at creation
    impact = impact_now(users, catalogue_types)
    assert impact["rule"] == rule.as_dict()
    assert (impact["partner"], impact["total"]) == (key.numerator, key.denominator)
    stored = annual.allocation_key(report)
    assert (stored["partner"], stored["total"]) == (5, 9)
    assert "Doublons\u202f: comptées." in stored["rule"]
