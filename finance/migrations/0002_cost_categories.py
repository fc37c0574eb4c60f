from django.db import migrations

CATEGORIES = [
    ("Personnel", "012 · 6411, 6413, 645x"),
    ("Téléphonie et télécommunications", "6262"),
    ("Informatique", "6156, 6135"),
    ("Locaux", "6132, 614, 60612"),
    ("Fournitures et courrier", "6064, 6236, 6261"),
    ("Formation", "6184"),
    ("Renouvellement des équipements", "6811"),
    ("Frais de structure", ""),
]


def seed(apps, schema_editor):
    category = apps.get_model("finance", "CostCategory")
    for order, (name, account) in enumerate(CATEGORIES, start=1):
        category.objects.get_or_create(name=name, defaults={"account": account, "order": order})


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
