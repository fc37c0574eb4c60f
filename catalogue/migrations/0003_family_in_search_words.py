from django.db import migrations


def refill(apps, schema_editor):
    from catalogue.models import search_words

    version_model = apps.get_model("catalogue", "RequestTypeVersion")
    versions = list(version_model.objects.select_related("request_type__family"))
    for version in versions:
        version.word_text = search_words(version.request_type, version.label, version.keywords)
    version_model.objects.bulk_update(versions, ["word_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_search_words")]
    operations = [migrations.RunPython(refill, migrations.RunPython.noop)]
