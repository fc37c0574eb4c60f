"""One row per queue passage (1/2): the call summary moves onto each call's first passage.

The ``Call`` table held a second row per call (~350,000 a year); its two figures still
used (passages of the call, answered) are copied onto the call's first passage before
the table is dropped. The answer and end times are derivable (entry + wait + talk); the
queue position on entry was shown nowhere. One secondary index and no database-level
foreign keys are left on passages (the bulk insert's cost, see the model).
The re-import's delete is bounded by a date (ImportSource.resume_date).
"""

from django.db import migrations, models


def copy_call_summaries(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    passage, call = quote("telephony_queuepassage"), quote("telephony_call")
    match = (
        f"c.{quote('source_id')} = {passage}.{quote('source_id')}"
        f" AND c.{quote('first_offset')} = {passage}.{quote('offset')}"
        f" AND c.{quote('callid')} = {passage}.{quote('callid')}"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"UPDATE {passage} SET {quote('call_passages')} = 0")  # noqa: S608
        cursor.execute(
            f"UPDATE {passage} SET "  # noqa: S608 - names quoted by the backend, no input
            f"{quote('call_passages')} = (SELECT c.{quote('passages')} FROM {call} c WHERE {match}), "
            f"{quote('call_answered')} = (SELECT c.{quote('answered')} FROM {call} c WHERE {match}) "
            f"WHERE EXISTS (SELECT 1 FROM {call} c WHERE {match})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0002_import_options_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="queuepassage",
            name="call_answered",
            field=models.BooleanField(
                default=False,
                help_text="On the first passage: the call's last passage was answered.",
                verbose_name="call answered",
            ),
        ),
        migrations.AddField(
            model_name="queuepassage",
            name="call_passages",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="On the first passage of a call: how many passages it has; 0 on the others.",
                verbose_name="queue passages of the call",
            ),
        ),
        migrations.RunPython(copy_call_summaries, migrations.RunPython.noop, elidable=True),
    ]
