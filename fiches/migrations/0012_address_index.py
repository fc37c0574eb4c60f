"""The index of the address keys behind the list's search by a word of the address
(fiches.address_index): pg_trgm's GIN index on PostgreSQL, an FTS5 table of trigrams kept by
triggers on SQLite, built from the fiches already there."""

from django.db import migrations

from fiches import address_index


def create(apps, schema_editor):
    address_index.create(schema_editor)


def drop(apps, schema_editor):
    address_index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0011_scope_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
