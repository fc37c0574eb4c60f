"""The allocation key's counting rule on hand-made fiches, its single query, and its freeze."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from fiches.services import transition
from finance import selectors, services
from finance.counting import CountingRule

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def agreement(bodies) -> Agreement:
    return Agreement.objects.get(partner=bodies["metro"])


@pytest.fixture
def year_two(make_fiche, users, catalogue_types):
    """Year 2 of the demo convention (1 March 2026 – 28 February 2027), by hand:

    partner (Métropole): 3 plain, 1 re-routed to the City, 1 duplicate, 1 rejected;
    operator (City): 2 plain, 1 re-routed to the Métropole, 1 information answered at once;
    outside the year: 1 on 28 February 2026 23:30 and 1 on 1 March 2027 00:00 (Paris).
    """
    made = {}
    for n in range(3):
        made[f"metro{n}"] = make_fiche("VOI-NID", created_at=at(2026, 3, 1 + n, 10))
    made["metro_rerouted"] = make_fiche("VOI-NID", created_at=at(2026, 4, 1, 9))
    transition(
        made["metro_rerouted"], "reroute", users["superviseur"], comment="éclairage",
        new_type=catalogue_types["ECL-LAMP"], at=at(2026, 4, 1, 11),
    )  # fmt: skip
    made["metro_duplicate"] = make_fiche("PRO-DEPOT", created_at=at(2026, 5, 1, 9))
    transition(made["metro_duplicate"], "mark_duplicate", users["agent"], original=made["metro0"])
    made["metro_rejected"] = make_fiche("VOI-NID", created_at=at(2026, 6, 1, 9))
    transition(
        made["metro_rejected"],
        "reject",
        users["cellule-voirie"],
        outcome="Rien constaté",
        reason="not_actionable",
    )
    for n in range(2):
        made[f"city{n}"] = make_fiche("ECL-LAMP", created_at=at(2026, 7, 1 + n, 10))
    made["city_rerouted"] = make_fiche("EV-BANC", created_at=at(2026, 8, 1, 9))
    transition(
        made["city_rerouted"], "reroute", users["superviseur"], comment="voirie",
        new_type=catalogue_types["VOI-NID"], at=at(2026, 8, 1, 11),
    )  # fmt: skip
    made["info"] = make_fiche(
        "INF-ETATCIVIL", created_at=at(2026, 9, 1, 9), outcome="Réponse donnée au téléphone"
    )
    make_fiche("VOI-NID", created_at=at(2026, 2, 28, 23, 30))
    make_fiche("VOI-NID", created_at=at(2027, 3, 1, 0, 0))
    return made


def count(agreement, **rule):
    return selectors.count_key(
        agreement.partner_id, date(2026, 3, 1), date(2027, 2, 28), CountingRule(**rule)
    )


def test_default_rule_counts_after_rerouting_without_duplicates_and_rejected(agreement, year_two):
    # partner: 3 plain + city_rerouted = 4; counted: 3 + 1 + 2 + 1 (+ rerouted metro) + info = 8
    assert count(agreement) == (4, 8)


def test_body_at_creation_uses_the_routing_snapshot(agreement, year_two):
    # partner at creation: 3 plain + metro_rerouted = 4 (city_rerouted counts for the City)
    assert count(agreement, body="creation") == (4, 8)
    assert count(agreement, body="creation", duplicates=True, rejected=True) == (6, 10)
    assert count(agreement, duplicates=True, rejected=True) == (6, 10)


def test_each_exclusion_is_a_switch(agreement, year_two):
    assert count(agreement, duplicates=True) == (5, 9)
    assert count(agreement, rejected=True) == (5, 9)
    assert count(agreement, information=False) == (4, 7)


def test_an_information_request_transmitted_to_a_cell_is_not_answered_at_once(agreement, make_fiche):
    make_fiche("INF-ETATCIVIL", created_at=at(2026, 9, 2, 9))  # no outcome: transmitted
    assert count(agreement, information=False) == (0, 1)


def test_the_key_is_one_query_and_is_stored_with_its_rule(agreement, year_two):
    with CaptureQueriesContext(connection) as queries:
        selectors.count_key(agreement.partner_id, date(2026, 3, 1), date(2027, 2, 28), CountingRule())
    assert len(queries) == 1
    key = services.compute_key(agreement, 2)
    assert (key.numerator, key.denominator) == (4, 8)
    assert key.rule == {"body": "final", "duplicates": False, "information": True, "rejected": False}
    assert (key.period_start, key.period_end) == (date(2026, 3, 1), date(2027, 2, 28))
    assert str(key.key.percent) == "50.00"


def test_the_key_reads_the_period_through_the_creation_index(agreement, year_two):
    """On SQLite, without planner statistics, "duplicate_of IS NULL" made the count read the
    duplicate_of index (every fiche that is no duplicate, of every year kept: the key took 5×
    longer at five years than at one); it reads the period's slice of created_at."""
    with CaptureQueriesContext(connection) as queries:
        selectors.count_key(agreement.partner_id, date(2026, 3, 1), date(2027, 2, 28), CountingRule())
    sql = queries[0]["sql"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            plan = " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "fiche_created" in plan and "duplicate_of" not in plan, plan


def test_a_validated_key_is_frozen(agreement, year_two, users, make_fiche):
    key = services.validate_key(services.compute_key(agreement, 2), users["finances"])
    make_fiche("VOI-NID", created_at=at(2026, 10, 1, 9))  # a late-registered fiche
    with pytest.raises(ValidationError):
        services.compute_key(agreement, 2)
    key.refresh_from_db()
    assert (key.numerator, key.denominator) == (4, 8)
    with pytest.raises(ValidationError):
        services.validate_key(key, users["finances"])


def test_an_empty_key_cannot_be_validated(agreement, users):
    key = services.compute_key(agreement, 1)
    assert key.denominator == 0
    with pytest.raises(ValidationError):
        services.validate_key(key, users["finances"])


def test_the_key_of_a_terminated_year_covers_the_partial_period(agreement, year_two, bodies):
    from agreements.services import serve_notice

    serve_notice(agreement, bodies["metro"], date(2026, 4, 15))  # ends 14 July 2026
    key = services.compute_key(agreement, 2)
    assert (key.period_start, key.period_end) == (date(2026, 3, 1), date(2026, 7, 14))
    # metro0-2, metro_rerouted (now City), city0-1 (1 and 2 July): 3 of 6
    assert (key.numerator, key.denominator) == (3, 6)
