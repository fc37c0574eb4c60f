"""Planner statistics after migrations and bulk imports (core.database): gathered on
PostgreSQL, kept away on SQLite (they made the fiche list sort every fiche)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from core.database import refresh_statistics
from fiches.models import Fiche

pytestmark = pytest.mark.django_db


def sqlite_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        return cursor.fetchone() is not None


def migrated(**kwargs) -> None:
    core = apps.get_app_config("core")
    post_migrate.send(sender=core, app_config=core, using="default", **kwargs)


def test_postgresql_analyses_after_migrations(make_fiche):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    make_fiche()
    migrated(plan=[("a migration", False)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        assert Fiche._meta.db_table in {row[0] for row in cursor.fetchall()}


def test_sqlite_statistics_are_dropped_after_migrations_and_imports(make_fiche):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    make_fiche()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert sqlite_statistics()
    migrated()  # a test's flush: nothing done
    assert sqlite_statistics()
    migrated(plan=[("a migration", False)])
    assert not sqlite_statistics()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    refresh_statistics()  # what the imports call
    assert not sqlite_statistics()
