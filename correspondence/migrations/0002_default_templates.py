from django.db import migrations

from correspondence.defaults import DEFAULT_TEMPLATES


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("correspondence", "LetterTemplate")
    for moment, texts in DEFAULT_TEMPLATES.items():
        LetterTemplate.objects.get_or_create(moment=moment, defaults=texts)


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
