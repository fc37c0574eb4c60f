"""The indexes the five-year volumes depend on (docs/performance.md). SQLite keeps no planner
statistics here, so what it reads is decided by the indexes alone: these tests check its plans
(PostgreSQL plans with its statistics and is left to choose)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fiches.selectors import neighbours

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL plans with its statistics"),
]


def plan(sql: str, params: tuple = ()) -> str:
    with connection.cursor() as cursor:
        return " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_a_status_in_one_arrondissement_reads_its_own_entries(client, users, make_fiche):
    """Listed and counted from (arrondissement, status, created): the arrondissement's own
    index would read every fiche it ever had (62,000 at five years for the 13th)."""
    make_fiche("VOI-NID", postal_code="13013")
    client.force_login(users["agent"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("fiches:list"), {"status": "transmitted", "arrondissement": "13"})
    assert response.status_code == 200
    reads = [q["sql"] for q in queries if '"fiches_fiche"."arrondissement" =' in q["sql"]]
    assert len(reads) >= 2  # the page and its count
    for sql in reads:
        assert "fiche_arr_status_created" in plan(sql), sql


def test_the_duplicates_around_a_point_read_the_open_fiches_of_a_band(users, make_fiche):
    """The bounding box reads (status, latitude, longitude): the open fiches of a band of
    latitude, not every fiche of the years kept in it."""
    fiche = make_fiche("VOI-NID", latitude=43.30158, longitude=5.38708)
    with CaptureQueriesContext(connection) as queries:
        neighbours(fiche, users["agent"])
    boxed = [q["sql"] for q in queries if '"fiches_fiche"."latitude" BETWEEN' in q["sql"]]
    assert len(boxed) == 1
    assert "fiche_status_point" in plan(boxed[0])


def test_one_request_type_over_a_period_reads_its_own_entries(make_fiche):
    """Open311's service filter: one type's fiches of the last 60 days, newest first, from
    (request_type, created): the type's own index would read every year's."""
    from datetime import timedelta

    from django.utils import timezone

    from fiches.models import Fiche

    fiche = make_fiche("VOI-NID")
    recent = Fiche.objects.filter(
        request_type__in=[fiche.request_type_id], created_at__gte=timezone.now() - timedelta(days=60)
    ).order_by("-created_at", "-id")[:100]
    assert "fiche_type_created" in plan(*recent.query.sql_with_params())
