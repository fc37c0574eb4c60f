"""The index of the address keys behind the list's search by a word of the address, as it was
first built: pg_trgm's GIN index on the fiches' keys on PostgreSQL, an FTS5 table of the fiches'
keys' trigrams kept by triggers on SQLite. The SQLite table is replaced by the counts of 0013
(fiches.address_index), so this is written out here as it was."""

from django.db import migrations

FTS_TABLE = "fiches_fiche_address"
TRIGRAM_INDEX = "fiche_address_trgm"
_REMOVE_OLD = (
    "INSERT INTO fiches_fiche_address(fiches_fiche_address, rowid, address_key) "
    "VALUES ('delete', old.id, old.address_key);"
)
_ADD_NEW = "INSERT INTO fiches_fiche_address(rowid, address_key) VALUES (new.id, new.address_key);"
SQLITE_TRIGGERS = {
    "fiches_fiche_address_insert": f"AFTER INSERT ON fiches_fiche BEGIN {_ADD_NEW} END",
    "fiches_fiche_address_delete": f"AFTER DELETE ON fiches_fiche BEGIN {_REMOVE_OLD} END",
    "fiches_fiche_address_update": (
        "AFTER UPDATE OF address_key ON fiches_fiche WHEN old.address_key IS NOT new.address_key "
        f"BEGIN {_REMOVE_OLD} {_ADD_NEW} END"
    ),
}


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON fiches_fiche USING gin (address_key gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE fiches_fiche_address USING fts5(address_key, content='fiches_fiche', "
            "content_rowid='id', tokenize='trigram', columnsize=0)"
        )
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}")
        schema_editor.execute("INSERT INTO fiches_fiche_address(fiches_fiche_address) VALUES ('rebuild')")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0011_scope_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
