from django.db import migrations, models


def fill_words(apps, schema_editor):
    from catalogue.models import label_words

    version_model = apps.get_model("catalogue", "RequestTypeVersion")
    for version in version_model.objects.select_related("request_type"):
        code = version.request_type.code
        version.label_text = label_words(f"{code} {version.label}")
        version.word_text = label_words(f"{code} {version.label} {version.keywords}")
        version.save(update_fields=["label_text", "word_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="requesttypeversion",
            name="label_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="requesttypeversion",
            name="word_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_words, migrations.RunPython.noop),
    ]
