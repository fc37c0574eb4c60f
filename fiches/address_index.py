"""The index behind the list's search by a word of the address (``?q=longchamp``: the fiches
whose ``address_key`` holds the text): the fiches counted by key and scope
(``fiches.models.AddressCount``) and an index of those keys' trigrams. Both grow with the
addresses of the city, not with the years of fiches kept: a search reads the keys holding the
text and their fiches' number in the user's scope, then the fiches at those keys
(fiches.selectors.address_search). The database keeps both itself, so that no writer of
fiches has to remember them: the intake, the imports, the demo generator, the benchmarks'
``INSERT … SELECT`` copies, a re-routing, the anonymisation that blanks the key.

PostgreSQL keeps, besides, 0012's trigram index on the fiches' keys, which serves the page's
``LIKE`` and which its planner weighs against the scope's newest fiches.

PostgreSQL: row triggers on the fiches calling ``fiches_address_count_add`` (a removal then an
addition, in the order of their rows so that two re-routings never wait on each other), and
``pg_trgm``'s GIN index ``address_count_trgm`` on the keys, which the ``LIKE '%…%'`` uses.

SQLite: the same triggers' statements, and the FTS5 table ``fiches_addresscount_trigrams`` of
the keys' trigrams over ``fiches_addresscount(key)`` (external content: the keys are not
stored twice), kept by two triggers on the counts.

Django alters a table on SQLite by copying it into a new one and dropping the old one, and
the triggers go with the old table: ``repair``, run after every ``migrate``, puts them back and
counts the fiches again when a migration that altered them left them uncounted.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Q

COUNTS = "fiches_addresscount"
FTS_TABLE = "fiches_addresscount_trigrams"
TRIGRAM_INDEX = "address_count_trgm"
# A search text shorter than a trigram has no entry in either index: it reads the fiches' keys.
TRIGRAM = 3

_SCOPE = ("body_id", "directorate_id", "cell_id")


def _row(row: str) -> str:
    """A fiche's key and scope (``new`` or ``old``), as the counts store them."""
    return ", ".join(f"{row}.{column}" for column in ("address_key", *_SCOPE))


_SAME_ROW = " AND ".join(["key = {row}.address_key", *(f"{column} = {{row}}.{column}" for column in _SCOPE)])
_COLUMNS = f"key, {', '.join(_SCOPE)}"
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in ("address_key", *_SCOPE))

# SQLite's triggers: each statement of a body runs; the conditions are in their WHERE.
_SQLITE_ADD = (
    f"INSERT INTO {COUNTS} ({_COLUMNS}, fiches) SELECT {_row('new')}, 1 WHERE new.address_key != '' "
    f"ON CONFLICT ({_COLUMNS}) DO UPDATE SET fiches = fiches + 1;"
)
_SQLITE_REMOVE = (
    f"UPDATE {COUNTS} SET fiches = fiches - 1 WHERE {_SAME_ROW.format(row='old')}; "
    f"DELETE FROM {COUNTS} WHERE {_SAME_ROW.format(row='old')} AND fiches <= 0;"
)
SQLITE_TRIGGERS = {
    "fiches_address_count_insert": f"AFTER INSERT ON fiches_fiche BEGIN {_SQLITE_ADD} END",
    "fiches_address_count_delete": f"AFTER DELETE ON fiches_fiche BEGIN {_SQLITE_REMOVE} END",
    # every save of a fiche writes all its columns: only a changed key or scope counts again
    "fiches_address_count_update": (
        f"AFTER UPDATE OF address_key, {', '.join(_SCOPE)} ON fiches_fiche WHEN {_CHANGED} "
        f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END"
    ),
    "fiches_addresscount_trigrams_insert": (
        f"AFTER INSERT ON {COUNTS} BEGIN INSERT INTO {FTS_TABLE}(rowid, key) VALUES (new.id, new.key); END"
    ),
    "fiches_addresscount_trigrams_delete": (
        f"AFTER DELETE ON {COUNTS} BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, key) "
        "VALUES ('delete', old.id, old.key); END"
    ),
}
SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(key, content='{COUNTS}', content_rowid='id', "
    "tokenize='trigram', columnsize=0)"
)

PG_FUNCTIONS = {
    # Add ``delta`` fiches to a key's count in a scope; the row gone when none is left.
    "fiches_address_count_add": (
        "(a_key text, a_body bigint, a_directorate bigint, a_cell bigint, a_delta integer) "
        "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
        "IF a_key = '' THEN RETURN; END IF; "
        f"INSERT INTO {COUNTS} AS counted ({_COLUMNS}, fiches) "
        "VALUES (a_key, a_body, a_directorate, a_cell, a_delta) "
        f"ON CONFLICT ({_COLUMNS}) DO UPDATE SET fiches = counted.fiches + a_delta; "
        f"IF a_delta < 0 THEN DELETE FROM {COUNTS} AS counted WHERE counted.key = a_key "
        "AND counted.body_id = a_body AND counted.directorate_id = a_directorate "
        "AND counted.cell_id = a_cell AND counted.fiches <= 0; END IF; "
        "END $$"
    ),
    "fiches_address_count": (
        "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        f"PERFORM fiches_address_count_add({_row('NEW')}, 1); "
        "ELSIF TG_OP = 'DELETE' THEN "
        f"PERFORM fiches_address_count_add({_row('OLD')}, -1); "
        # the two rows in one order whoever changes them, so that no two wait on each other
        f"ELSIF ({_row('OLD')}) < ({_row('NEW')}) THEN "
        f"PERFORM fiches_address_count_add({_row('OLD')}, -1); "
        f"PERFORM fiches_address_count_add({_row('NEW')}, 1); "
        "ELSE "
        f"PERFORM fiches_address_count_add({_row('NEW')}, 1); "
        f"PERFORM fiches_address_count_add({_row('OLD')}, -1); "
        "END IF; RETURN NULL; END $$"
    ),
}
_PG_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("address_key", *_SCOPE))
PG_TRIGGERS = {
    "fiches_address_count_insert": "AFTER INSERT ON fiches_fiche FOR EACH ROW",
    "fiches_address_count_delete": "AFTER DELETE ON fiches_fiche FOR EACH ROW",
    "fiches_address_count_update": (
        f"AFTER UPDATE OF address_key, {', '.join(_SCOPE)} ON fiches_fiche FOR EACH ROW WHEN ({_PG_CHANGED})"
    ),
}

RECOUNT = (
    f"INSERT INTO {COUNTS} ({_COLUMNS}, fiches) SELECT address_key, {', '.join(_SCOPE)}, COUNT(*) "
    f"FROM fiches_fiche WHERE address_key != '' GROUP BY address_key, {', '.join(_SCOPE)}"
)
REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"


def create(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The index and its triggers, the fiches already there counted (the migration's step)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON {COUNTS} USING gin (key gin_trgm_ops)")
        for name, body in PG_FUNCTIONS.items():
            schema_editor.execute(f"CREATE FUNCTION {name}{body}")
        schema_editor.execute(RECOUNT)
        for name, events in PG_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {events} EXECUTE FUNCTION fiches_address_count()")
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        _count_again(schema_editor.connection)


def drop(schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in PG_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON fiches_fiche")
        for name in PG_FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _count_again(database: BaseDatabaseWrapper) -> None:
    """SQLite: the triggers dropped, the fiches counted again, the trigrams rebuilt from the
    counts and the triggers created again."""
    with database.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(RECOUNT)
        cursor.execute(REBUILD)
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER {name} {body}")


def repair(database: BaseDatabaseWrapper) -> bool:
    """SQLite: when a trigger is missing, the fiches counted again (nothing when the index is
    not there yet, or complete). Returns whether it was needed."""
    if database.vendor != "sqlite":
        return False
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name = %s OR type = 'trigger'", [FTS_TABLE]
        )
        found = {name for _kind, name in cursor.fetchall()}
    if FTS_TABLE not in found or all(name in found for name in SQLITE_TRIGGERS):
        return False
    _count_again(database)
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
    fiches: int  # the fiches whose key holds the text, in every scope
    in_scope: int  # those the scope reaches
    keys: list[str] | None  # their keys, when ``fiches`` is within the limit


# Over the keys found: their fiches in every scope and in the scope, and the keys themselves
# when those fiches are within the limit (one in ``share`` of the table, its highest id near
# enough, or ``at_least``), read again from the index only then. (A common table expression
# of the keys found, read twice, took SQLite four times as long for "rue".)
MATCHES = (
    "SELECT total, in_scope, CASE WHEN total <= "
    "(SELECT {greatest}(COALESCE(MAX(id), 0) / %s, %s) FROM fiches_fiche) "
    "THEN (SELECT {keys} FROM {found}) END "
    "FROM (SELECT COALESCE(SUM(fiches), 0) AS total, "
    "COALESCE(SUM(CASE WHEN {scope} THEN fiches ELSE 0 END), 0) AS in_scope FROM {found}) AS sums"
)
_PG_FOUND = f"{COUNTS} WHERE {COUNTS}.key LIKE %s"
_SQLITE_FOUND = f"{FTS_TABLE} JOIN {COUNTS} ON {COUNTS}.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s"


def matches(text: str, scope: Q | None, share: int, at_least: int) -> Matches:
    """The keys holding ``text`` (``TRIGRAM`` characters or more) read from the index, with
    their fiches' number in every scope and in ``scope`` (None: every fiche), and the keys
    themselves when few fiches have them: one statement, whatever the years kept."""
    from fiches.models import AddressCount

    seen, seen_params = "1 = 1", []
    if scope is not None:
        query = AddressCount.objects.filter(scope).query
        try:
            seen, seen_params = query.get_compiler(connection=connection).compile(query.where)
        except EmptyResultSet:
            seen = "1 = 0"
        except FullResultSet:
            pass
    if connection.vendor == "sqlite":
        found, pattern = _SQLITE_FOUND, fts_phrase(text)
        greatest, keys = "MAX", f"json_group_array(DISTINCT {COUNTS}.key)"
    else:
        found, pattern = _PG_FOUND, "%" + connection.ops.prep_for_like_query(text) + "%"
        greatest, keys = "GREATEST", f"array_agg(DISTINCT {COUNTS}.key)"
    sql = MATCHES.format(greatest=greatest, keys=keys, found=found, scope=seen)
    with connection.cursor() as cursor:
        cursor.execute(sql, [share, at_least, pattern, *seen_params, pattern])
        total, in_scope, keys = cursor.fetchone()
    return Matches(total, in_scope, json.loads(keys) if isinstance(keys, str) else keys)
