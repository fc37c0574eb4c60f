"""Queries compiled once per key (core.compiled): the same rows as their querysets, new values
put in the right places, and a builder whose SQL its values change is refused."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.compiled import CompiledQuery
from fiches.models import Fiche
from fiches.selectors import fiches_in_scope
from organisations.access import scope_for

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "reference", "status", "created_at", "request_type_id", "cell_id")


def rows(fiches) -> list[tuple]:
    return [tuple(getattr(f, name) for name in FIELDS) for f in fiches]


def by_reference(scope, reference: str):
    return (
        fiches_in_scope(scope)
        .select_related("request_type__request_type", "requester")
        .filter(reference=reference)
    )


@pytest.fixture
def fiches(make_fiche):
    return [
        make_fiche("VOI-NID"),
        make_fiche("VOI-NID", street_number="3"),
        make_fiche("ECL-LAMP"),  # the City's lighting cell, not the Métropole's roads
    ]


def test_each_run_gives_the_rows_of_its_own_values_with_their_related_objects(fiches, users):
    query = CompiledQuery(by_reference)
    scope = scope_for(users["agent"])
    for fiche in [*fiches, fiches[0]]:
        found = query(scope, fiche.reference)
        assert rows(found) == rows(by_reference(scope, fiche.reference))
        assert found[0].request_type.request_type.code == fiche.request_type.request_type.code
        assert found[0].requester.last_name == "Durand"
    assert query(scope, "AM-1999-000001") == []


def test_sql_is_compiled_once_per_key_and_runs_in_one_query(fiches, users):
    query = CompiledQuery(by_reference)
    scope = scope_for(users["agent"])
    query(scope, fiches[0].reference)  # compiled: with the value, then with it changed
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiling:
        with CaptureQueriesContext(connection) as queries:
            assert rows(query(scope, fiches[1].reference)) == rows([fiches[1]])
        assert compiling.call_count == 0
        assert len(queries) == 1
        query(scope_for(users["cellule-voirie"]), fiches[1].reference)  # a new key: compiled
        assert compiling.call_count > 0


def test_the_key_carries_the_scope_a_cell_never_reaches_another_cells_fiche(fiches, users):
    query = CompiledQuery(by_reference)
    roads, lighting = scope_for(users["cellule-voirie"]), scope_for(users["cellule-eclairage"])
    assert rows(query(roads, fiches[0].reference)) == rows([fiches[0]])
    assert query(roads, fiches[2].reference) == []
    assert rows(query(lighting, fiches[2].reference)) == rows([fiches[2]])
    assert query(lighting, fiches[0].reference) == []


def test_a_scope_that_reaches_nothing_runs_no_query(fiches, users):
    query = CompiledQuery(by_reference)
    nobody = scope_for(users["comite"])  # figures, no fiche
    with CaptureQueriesContext(connection) as queries:
        assert query(nobody, fiches[0].reference) == []
        assert query(nobody, fiches[1].reference) == []
    assert len(queries) == 0


def test_datetimes_and_numbers_are_values_too_and_values_list_gives_tuples(fiches, users):
    def since(_, moment, fiche_id):
        return (
            Fiche.objects.filter(created_at__gte=moment)
            .exclude(pk=fiche_id)
            .values_list("reference", flat=True)
        )

    query = CompiledQuery(since)
    now = timezone.now()
    everything = sorted(f.reference for f in fiches)
    assert sorted(query(None, now - timedelta(hours=1), 0)) == everything
    assert query(None, now + timedelta(hours=1), 0) == []
    assert sorted(query(None, now - timedelta(hours=1), fiches[0].pk)) == everything[1:]


def test_a_statement_is_the_sql_with_its_own_values_to_run_inside_another(fiches, users):
    query = CompiledQuery(lambda scope, reference: by_reference(scope, reference).values("pk"))
    agent, nobody = scope_for(users["agent"]), scope_for(users["comite"])
    parts, params = [], []
    for fiche in fiches:
        sql, values = query.statement(agent, fiche.reference)
        parts.append(f"({sql})")
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        assert cursor.fetchone() == tuple(f.pk for f in fiches)
    assert query.statement(nobody, fiches[0].reference) is None  # can match nothing


def test_a_value_that_changes_the_sql_or_is_transformed_is_refused(fiches):
    def shaped(_, reference):
        return Fiche.objects.filter(reference=reference) if len(reference) > 2 else Fiche.objects.all()

    def searched(_, word):
        return Fiche.objects.filter(description__icontains=word)  # the SQL gets %word%

    def fixed(_, reference):
        return Fiche.objects.filter(reference="AM-2026-000001")  # the value is not in the SQL

    for build, value in ((shaped, "AM"), (searched, "trou"), (fixed, "AM-2026-000002")):
        with pytest.raises(ImproperlyConfigured):
            CompiledQuery(build)(None, value)
    with pytest.raises(ImproperlyConfigured):
        CompiledQuery(lambda _, flag: Fiche.objects.filter(was_late=flag))(None, True)


def test_past_its_size_the_keys_are_compiled_again(fiches, users):
    query = CompiledQuery(by_reference, size=2)
    scopes = [scope_for(users[name]) for name in ("agent", "cellule-voirie", "cellule-eclairage")]
    for scope in scopes:
        query(scope, fiches[0].reference)
    assert len(query._compiled) == 1  # dropped at the third, which was kept
    assert rows(query(scopes[0], fiches[0].reference)) == rows([fiches[0]])


@pytest.mark.django_db(transaction=True)
def test_a_thread_runs_the_sql_on_its_own_connection(fiches, users):
    query = CompiledQuery(by_reference)
    scope = scope_for(users["agent"])
    query(scope, fiches[0].reference)  # compiled on this thread's connection
    seen: dict[str, object] = {}

    def other_thread():
        try:
            with CaptureQueriesContext(connections["default"]) as queries:
                seen["rows"] = rows(query(scope, fiches[1].reference))
            seen["queries"] = len(queries)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == {"rows": rows([fiches[1]]), "queries": 1}
