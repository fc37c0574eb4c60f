"""Planner statistics are gathered after migrations and bulk imports (core.database)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from core.database import refresh_statistics
from fiches.models import Fiche

pytestmark = pytest.mark.django_db


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchall():
                return set()
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        return {row[0] for row in cursor.fetchall()}


def migrated(**kwargs) -> None:
    core = apps.get_app_config("core")
    post_migrate.send(sender=core, app_config=core, using="default", **kwargs)


def test_statistics_are_refreshed_after_migrations_not_after_a_flush(make_fiche):
    make_fiche()
    migrated(plan=[("a migration", False)])
    assert Fiche._meta.db_table in analysed_tables()
    if connection.vendor == "sqlite":  # PostgreSQL keeps the time of its last ANALYZE
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
        migrated()  # a test's flush sends post_migrate without a plan
        migrated(plan=[])  # nothing to migrate
        assert analysed_tables() == set()
        refresh_statistics()  # what the imports call
        assert Fiche._meta.db_table in analysed_tables()
