from django.db import migrations

from finance.defaults import ensure_categories


def seed(apps, schema_editor):
    ensure_categories(apps.get_model("finance", "CostCategory"))


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
