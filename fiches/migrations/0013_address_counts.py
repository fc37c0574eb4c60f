"""The fiches counted by address key and scope, and the index of those keys' trigrams
(fiches.address_index), in place of 0012's index of every fiche's key: a search by a word of
the address then reads a table that grows with the addresses, not with the years kept. On
SQLite, 0012's table of every fiche's trigrams goes; PostgreSQL keeps its trigram index on the
fiches, which serves the page's LIKE."""

from importlib import import_module

from django.db import migrations, models

from fiches import address_index

first_index = import_module("fiches.migrations.0012_address_index")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":  # PostgreSQL's trigram index serves the LIKE
        first_index.drop(apps, schema_editor)
    address_index.create(schema_editor)


def backwards(apps, schema_editor):
    address_index.drop(schema_editor)
    if schema_editor.connection.vendor == "sqlite":
        first_index.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0012_address_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="AddressCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=220)),
                ("body_id", models.IntegerField()),
                ("directorate_id", models.IntegerField()),
                ("cell_id", models.IntegerField()),
                ("fiches", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("key", "body_id", "directorate_id", "cell_id"), name="address_count_scope"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
