"""The indexes the five-year volumes depend on (docs/performance.md). SQLite keeps no planner
statistics here, so what it reads is decided by the indexes alone: these tests check its plans
(PostgreSQL plans with its statistics and is left to choose)."""

from __future__ import annotations

import re

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


@pytest.mark.parametrize("username", ["agent", "cellule-voirie"])
def test_the_duplicates_around_a_point_read_the_open_fiches_of_a_band(users, make_fiche, username):
    """The bounding box reads (status, latitude, longitude): the open fiches of a band of
    latitude, not every fiche of the years kept in it; the same address reads (address,
    status). For a cell too: given with the place, its scope had SQLite read every fiche the
    cell ever had through the cell's index."""
    fiche = make_fiche("VOI-NID", latitude=43.30158, longitude=5.38708, street_number="3",
                       street_name="rue de Rome", postal_code="13006")  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        neighbours(fiche, users[username])
    boxed = [q["sql"] for q in queries if '"latitude" BETWEEN' in q["sql"]]
    by_address = [q["sql"] for q in queries if '"address_key" =' in q["sql"]]
    assert len(boxed) == 1 and len(by_address) == 1
    assert "fiche_status_point" in plan(boxed[0])
    assert "fiche_address" in plan(by_address[0])


def reads(client, url: str, marker: str, params: dict | None = None) -> list[str]:
    """The plans of the page's queries whose SQL holds ``marker``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [plan(q["sql"]) for q in queries if marker in q["sql"]]


def test_a_cells_list_reads_its_own_newest_entries(client, users, make_fiche):
    """(cell, created): the cell's plain index made SQLite sort every fiche it ever had."""
    make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    plans = reads(client, reverse("fiches:list"), '"fiches_fiche"."cell_id" IN')
    assert plans and all("fiche_cell_created" in p for p in plans), plans


def test_a_directorates_open_fiches_are_read_by_status(client, users, make_fiche):
    """The home counters and the queue of a directorate read (directorate, status, due): its
    plain index read every fiche it ever had."""
    make_fiche("VOI-NID")
    client.force_login(users["direction-voirie"])
    for url in (reverse("core:home"), reverse("followup:queue")):
        plans = reads(client, url, '"fiches_fiche"."directorate_id" IN')
        assert plans and all("fiche_dir_queue (directorate_id=? AND status=?" in p for p in plans), plans


def test_the_supervisors_home_reads_the_open_fiches_only(client, users, make_fiche):
    """Its counters count open fiches: read by status, not a scan of every year kept; the
    overdue ones from (status, due)."""
    make_fiche("VOI-NID")
    client.force_login(users["superviseur"])
    plans = reads(client, reverse("core:home"), '"fiches_fiche"."status" IN')
    assert len(plans) == 2 and not any("SCAN" in p for p in plans), plans
    assert "status=?" in plans[0] and "fiche_status_due (status=? AND due_at<?)" in plans[1], plans


@pytest.mark.parametrize(
    ("username", "index"),
    [("direction-voirie", "fiche_dir_{0} (directorate_id=? AND {0}_at>? AND {0}_at<?)"),
     ("superviseur", "fiche_{0} ({0}_at>? AND {0}_at<?)")],
)  # fmt: skip
def test_the_boards_trend_reads_each_week_from_its_own_index_entries(users, make_fiche, username, index):
    """The board's weekly counts, received and resolved, in one statement: for each week, a
    range of the index of each date (a directorate's: directorate first)."""
    from django.utils import timezone

    from followup.selectors import board_key, weekly_trend

    make_fiche("VOI-NID")
    key = board_key(users[username])
    with CaptureQueriesContext(connection) as queries:
        weekly_trend(key, timezone.now(), 8)
    (statement,) = [q["sql"] for q in queries]
    steps = plan(statement)
    assert "CORRELATED SCALAR SUBQUERY" in steps and "SCAN 8 CONSTANT ROWS" in steps, steps
    assert steps.count(index.format("created")) == 1 and steps.count(index.format("resolved")) == 1, steps
    assert "SCAN fiches_fiche" not in steps, steps


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


def test_a_reference_prefix_reads_the_references_index(client, users, make_fiche):
    """SQLite's LIKE ignores case and cannot use the unique index: it read every reference."""
    make_fiche("VOI-NID")
    client.force_login(users["agent"])
    plans = reads(client, reverse("fiches:list"), '"fiches_fiche"."reference" >=', {"q": "am-2026-00"})
    assert len(plans) == 2 and all(
        "sqlite_autoindex_fiches_fiche" in p and "reference>?" in p for p in plans
    ), plans


FICHE_SCAN = re.compile(r"SCAN fiches_fiche\b")


@pytest.mark.parametrize("username", ["agent", "cellule-voirie"])
def test_an_address_search_reads_the_counts_then_the_fiches_at_their_keys(
    client, users, make_fiche, username
):
    """A word of the address: its keys and their fiches' number read from the counts' index
    of trigrams (a table of the addresses, not of the years of fiches), then the page read at
    those keys through (address_key, status), a cell's scope checked on each fiche found (not
    every entry the cell ever had in its index). The number shown is the counts': no count of
    the fiches."""
    from fiches import address_index

    make_fiche("VOI-NID", street_name="rue Paradis")
    client.force_login(users[username])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("fiches:list"), {"q": "Paradis"})
    assert response.status_code == 200 and len(response.context["page"].items) == 1
    assert response.context["total"] == 1
    counts = [plan(q["sql"]) for q in queries if f"{address_index.FTS_TABLE} MATCH" in q["sql"]]
    assert len(counts) == 1 and f"SCAN {address_index.FTS_TABLE} VIRTUAL TABLE" in counts[0], counts
    assert "SCAN fiches_addresscount " not in counts[0] + " ", counts[0]
    pages = [plan(q["sql"]) for q in queries if '"address_key" IN' in q["sql"]]
    assert len(pages) == 1  # the page, not counted
    assert not FICHE_SCAN.search(pages[0]) and "USING INDEX fiche_address (address_key=?)" in pages[0], pages[
        0
    ]
    assert "fiche_cell_created" not in pages[0], pages[0]


@pytest.mark.parametrize(
    "username, index", [("agent", "fiche_created"), ("cellule-voirie", "fiche_cell_created")]
)
def test_a_common_word_reads_the_newest_fiches_first(client, users, make_fiche, monkeypatch, username, index):
    """A word in more fiches than its share of the table: the ``LIKE``, the newest first
    through (-created, -id) or the cell's own, which a common word fills at once (no sort of
    all its fiches), and its number the counts' (no scan of the table to count them)."""
    from fiches import selectors

    monkeypatch.setattr(selectors, "FEW_ADDRESS_FICHES", 0)
    monkeypatch.setattr(selectors, "ADDRESS_SHARE", 10**9)
    make_fiche("VOI-NID", street_name="rue Paradis")
    client.force_login(users[username])
    pages = reads(client, reverse("fiches:list"), '"address_key" LIKE', {"q": "rue"})
    assert len(pages) == 1  # the page, not counted
    assert index in pages[0] and "TEMP B-TREE" not in pages[0], pages[0]
