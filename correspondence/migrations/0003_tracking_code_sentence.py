"""The acknowledgement told citizens to track their request with an e-mail address or phone
number, which those writing by post never gave: it now gives the tracking code printed on
the letter (or the centre's phone). Only an unedited sentence is replaced."""

from django.db import migrations

from correspondence.defaults import OLD_TRACKING_SENTENCE, TRACKING_SENTENCE


def forward(apps, schema_editor):
    LetterTemplate = apps.get_model("correspondence", "LetterTemplate")
    for template in LetterTemplate.objects.filter(body__contains=OLD_TRACKING_SENTENCE):
        template.body = template.body.replace(OLD_TRACKING_SENTENCE, TRACKING_SENTENCE)
        template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0002_default_templates")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
