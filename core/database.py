"""Planner statistics: the query planners choose their indexes and join order from them.

PostgreSQL: ``ANALYZE`` after migrations (a ``post_migrate`` hook, see ``core.apps``) and
after bulk imports (the demo data, the queue_log import), so that the planner knows the
new rows before autovacuum comes by.

SQLite: no statistics, on purpose. Measured at 1,000,000 fiches (issue 17), ``ANALYZE``
(sampled or not) made SQLite start the fiche list's joins from the small tables (bodies,
request types) and sort every fiche: 186 s instead of about 0.1 s. Without statistics it
reads the ``(-created_at, -id)`` index and stops after 51 rows. The SLA sweep, the reason
statistics were asked for, is steered by its SQL instead (``+status`` where a status
index would be the wrong choice, and the ``(status, request_type, due_at)`` index).
Statistics left by an earlier version are dropped.
"""

from __future__ import annotations

from django.db import connections


def refresh_statistics(using: str = "default") -> None:
    """PostgreSQL: ANALYZE. SQLite: make sure no statistics mislead the planner."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DROP TABLE sqlite_stat1")


def after_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    """Connected for this app only (post_migrate is sent once per app, after every
    migration ran). Not after a test's flush (no plan) nor when nothing was migrated."""
    if plan:
        refresh_statistics(using)
