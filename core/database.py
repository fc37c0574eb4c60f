"""Planner statistics: the query planners choose their indexes from them.

PostgreSQL's autovacuum gathers them in the background; SQLite never does, and without
them it picks an index from its shape alone (on the SLA sweep, the fiche's ``status``
index instead of the due-date range: 6 to 8 times slower at a year of data). They are
refreshed after migrations (a ``post_migrate`` hook, see ``core.apps``) and after bulk
imports (the demo data, the queue_log import).
"""

from __future__ import annotations

from django.db import connections

# Rows SQLite reads per index to estimate it (PRAGMA analysis_limit): enough for the
# planner's choices, and ANALYZE stays well under a second at five years of data.
SQLITE_ANALYSIS_LIMIT = 2000


def refresh_statistics(using: str = "default") -> None:
    """ANALYZE the database (SQLite: sampled, then PRAGMA optimize)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def after_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    """Connected for this app only (post_migrate is sent once per app, after every
    migration ran). Not after a test's flush (no plan) nor when nothing was migrated."""
    if plan:
        refresh_statistics(using)
