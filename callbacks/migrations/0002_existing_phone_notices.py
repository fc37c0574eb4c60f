"""Phone notices prepared before the queue existed become pending callbacks, due at once."""

from django.db import migrations


def open_callbacks(apps, schema_editor):
    Message = apps.get_model("correspondence", "Message")
    Callback = apps.get_model("callbacks", "Callback")
    waiting = Message.objects.filter(channel="phone", state="not_sent", callback__isnull=True)
    Callback.objects.bulk_create(
        Callback(message_id=m.pk, fiche_id=m.fiche_id, due_at=m.created_at)
        for m in waiting.only("pk", "fiche_id", "created_at").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0001_initial")]
    operations = [migrations.RunPython(open_callbacks, migrations.RunPython.noop)]
