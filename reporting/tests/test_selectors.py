"""The barometer's counts against hand-made fiches (see conftest.known_fiches)."""

from __future__ import annotations

from datetime import date

import pytest

from organisations.access import scope_for
from reporting.figures import Period
from reporting.selectors import DIMENSIONS, barometer
from reporting.tests.conftest import Q1_2026

pytestmark = pytest.mark.django_db


def test_totals_follow_the_counting_rules(known_fiches, users):
    result = barometer(scope_for(users["comite"]), Q1_2026, "body")
    counts = result.total.counts
    assert counts["received"] == 6  # f1–f6; f7, f8 and f9 are outside the quarter
    assert counts["duplicates"] == 1 and counts["rejected"] == 1
    assert counts["resolved"] == 2 and counts["on_time"] == 1  # f6 reopened: not resolved any more
    assert result.total.figures["compliance"] == 50.0
    assert counts["open"] == 2  # f3 and the reopened f6
    assert counts["reopened"] == 1 and counts["sent_back"] == 1
    assert counts["rerouted"] == 1 and counts["other_body"] == 1
    assert counts["answers"] == 2 and counts["satisfied"] == 1
    assert result.total.figures["average_score"] == 3.5
    assert result.total.figures["satisfied_share"] == 50.0


def test_rows_count_under_the_current_routing(known_fiches, users):
    result = barometer(scope_for(users["comite"]), Q1_2026, "body")
    rows = {row.label: row for row in result.rows}
    assert rows["Métropole"].counts["received"] == 3  # f1, f2, the duplicate f4
    assert rows["Ville"].counts["received"] == 3  # f3 after re-routing, f5, f6
    assert rows["Ville"].counts["other_body"] == 1
    assert rows["Métropole"].changes["received_previous"].before == 1  # f7
    assert rows["Métropole"].changes["received_year"].before == 1  # f8
    assert rows["Métropole"].changes["compliance_year"].before == 0.0  # f8 was late


def test_percentiles_in_working_hours(known_fiches, users):
    result = barometer(scope_for(users["comite"]), Q1_2026, "body")
    total = result.total.percentiles
    assert total["ack"] == {50: 4.0, 90: 24.0}  # f1 4 h; f2 24 h (Friday noon → Monday noon)
    assert total["resolution"] == {50: 24.0, 90: 720.0}  # f2: six weeks of working days
    assert total["delay_lost"] == {50: 48.0, 90: 48.0}  # f3 re-routed two days after creation
    rows = {row.label: row for row in result.rows}
    assert rows["Métropole"].percentiles["ack"] == {50: 4.0, 90: 24.0}
    assert "ack" not in rows["Ville"].percentiles


def test_backlog_at_the_end_of_the_period(known_fiches, users):
    result = barometer(scope_for(users["comite"]), Q1_2026, "body")
    assert result.total.backlog["backlog"] == 2  # f3 and f6; not the duplicate nor the rejected
    assert result.total.backlog["overdue"] == 2
    assert result.total.backlog["age_30"] == 2
    rows = {row.label: row for row in result.rows}
    assert rows["Ville"].backlog["backlog"] == 2 and rows["Métropole"].backlog == {}
    earlier = barometer(scope_for(users["comite"]), Period(date(2026, 1, 1), date(2026, 1, 12)), "body")
    assert earlier.total.backlog["backlog"] == 2  # f2 then unresolved, f3 created that day


def test_comparisons_with_the_previous_period_and_a_year_before(known_fiches, users):
    result = barometer(scope_for(users["comite"]), Q1_2026, "month")
    changes = result.total.changes
    assert changes["received_previous"].current == 6 and changes["received_previous"].before == 1
    assert changes["received_previous"].percent == 500.0
    assert changes["compliance_year"].before == 0.0 and changes["compliance_year"].delta == 50.0
    assert [(row.label, row.counts["received"]) for row in result.rows] == [
        ("janvier 2026", 3),
        ("février 2026", 3),
    ]
    assert result.rows[0].period == Period(date(2026, 1, 1), date(2026, 1, 31))


def test_arrondissements_always_sixteen(known_fiches, users):
    result = barometer(scope_for(users["comite"]), Q1_2026, "arrondissement")
    assert len(result.arrondissements) == 16
    by_number = {row.key: row.counts["received"] for row in result.arrondissements}
    assert by_number[1] == 5 and by_number[8] == 1 and by_number[16] == 0


@pytest.mark.parametrize("by", sorted(DIMENSIONS))
def test_every_dimension_adds_up(known_fiches, users, by):
    result = barometer(scope_for(users["comite"]), Q1_2026, by)
    assert sum(row.counts["received"] for row in result.rows) == 6


def test_a_directorate_manager_reads_their_scope_only(known_fiches, users):
    result = barometer(scope_for(users["direction-voirie"]), Q1_2026, "body")
    assert result.total.counts["received"] == 3  # the road fiches still with Métropole
    assert [row.label for row in result.rows] == ["Métropole"]


def test_constant_number_of_queries(known_fiches, users, django_assert_num_queries, make_fiche):
    scope = scope_for(users["comite"])
    with django_assert_num_queries(6) as small:
        barometer(scope, Q1_2026, "type")
    for postal_code in ("13002", "13003", "13013"):
        make_fiche("EV-BANC", created_at=known_fiches["f1"].created_at, postal_code=postal_code)
    with django_assert_num_queries(len(small.captured_queries)):
        barometer(scope, Q1_2026, "type")
