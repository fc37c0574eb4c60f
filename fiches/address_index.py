"""The index of the fiches' address keys behind the list's search by a word of the address
(``?q=longchamp``: the fiches whose ``address_key`` holds the text). The database keeps it
itself, so that no writer of fiches has to remember it: the intake, the imports, the demo
generator, the benchmarks' ``INSERT … SELECT`` copies, the anonymisation that blanks the key.

PostgreSQL: ``pg_trgm``'s GIN index ``fiche_address_trgm`` on ``address_key``. The
``LIKE '%…%'`` Django writes for ``contains`` uses it; with its statistics the planner chooses
between it (a rare word) and reading the newest fiches first until the page is full (a word
found in half the addresses).

SQLite: the FTS5 table ``fiches_fiche_address`` of the keys' trigrams, over
``fiches_fiche(address_key)`` (external content: the keys are not stored twice), kept by
three triggers. SQLite keeps no planner statistics here (core.database), so the search
asks the index for the fiches first (``matching_ids``) and decides on their number.

Django alters a table on SQLite by copying it into a new one and dropping the old one, and
the triggers go with the old table: ``repair``, run after every ``migrate``, puts them back
and rebuilds the index when a migration that altered ``Fiche`` left it unkept.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

FTS_TABLE = "fiches_fiche_address"
TRIGRAM_INDEX = "fiche_address_trgm"
# A search text shorter than a trigram has no entry in either index: it reads the keys.
TRIGRAM = 3

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE fiches_fiche_address USING fts5(address_key, content='fiches_fiche', "
    "content_rowid='id', tokenize='trigram', columnsize=0)"
)
_REMOVE_OLD = (
    "INSERT INTO fiches_fiche_address(fiches_fiche_address, rowid, address_key) "
    "VALUES ('delete', old.id, old.address_key);"
)
_ADD_NEW = "INSERT INTO fiches_fiche_address(rowid, address_key) VALUES (new.id, new.address_key);"
SQLITE_TRIGGERS = {
    "fiches_fiche_address_insert": f"AFTER INSERT ON fiches_fiche BEGIN {_ADD_NEW} END",
    "fiches_fiche_address_delete": f"AFTER DELETE ON fiches_fiche BEGIN {_REMOVE_OLD} END",
    # every save of a fiche writes all its columns: only a changed key is indexed again
    "fiches_fiche_address_update": (
        "AFTER UPDATE OF address_key ON fiches_fiche WHEN old.address_key IS NOT new.address_key "
        f"BEGIN {_REMOVE_OLD} {_ADD_NEW} END"
    ),
}
REBUILD = "INSERT INTO fiches_fiche_address(fiches_fiche_address) VALUES ('rebuild')"


def create(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The index, built from the fiches already there (the migration's step)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON fiches_fiche USING gin (address_key gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}")
        schema_editor.execute(REBUILD)


def drop(schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def repair(database: BaseDatabaseWrapper) -> bool:
    """SQLite: the missing triggers created again and the index rebuilt from the fiches
    (nothing when the index is not there yet, or complete). Returns whether it was needed."""
    if database.vendor != "sqlite":
        return False
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND tbl_name = %s)",
            [FTS_TABLE, "fiches_fiche"],
        )
        found = {name for _kind, name in cursor.fetchall()}
        missing = [name for name in SQLITE_TRIGGERS if name not in found]
        if FTS_TABLE not in found or not missing:
            return False
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
        cursor.execute(REBUILD)
    return True


def after_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    """Connected for the fiches app (core.database's hook says why not after a flush)."""
    if plan:
        repair(connections[using])


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: its characters taken literally (``*``, ``:``, ``^``,
    brackets), a double quote doubled. With trigrams, a phrase matches the keys holding the
    text itself, as ``LIKE '%…%'`` does."""
    return '"' + text.replace('"', '""') + '"'


class Matches(NamedTuple):
    count: int
    ids: str  # a JSON array, written by SQLite: no Python object per id


# One fiche in ``share`` of the table (its highest id, near enough), or ``at_least``.
_LIMIT = "(SELECT MAX(COALESCE(MAX(id), 0) / %s, %s) FROM fiches_fiche)"


def matching_ids(text: str, share: int, at_least: int) -> Matches | None:
    """SQLite: the fiches whose key holds ``text`` (``TRIGRAM`` characters or more), read
    from the index; None when more than one fiche in ``share`` (and more than ``at_least``)
    holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), json_group_array(rowid), {_LIMIT} FROM (SELECT rowid "  # noqa: S608
            f"FROM fiches_fiche_address WHERE fiches_fiche_address MATCH %s LIMIT {_LIMIT} + 1) AS found",
            [share, at_least, fts_phrase(text), share, at_least],
        )
        count, ids, limit = cursor.fetchone()
    return Matches(count, ids) if count <= limit else None
