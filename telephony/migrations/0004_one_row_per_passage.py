"""One row per queue passage (2/2): the Call table and the derivable or unused columns go.

A separate migration from 0003 (which copies the data): on PostgreSQL a table cannot be
altered in the transaction that updated its rows while foreign-key checks are pending.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0003_call_summary_on_first_passage"),
    ]

    operations = [
        migrations.DeleteModel(name="Call"),
        migrations.RemoveIndex(model_name="queuepassage", name="telephony_q_entered_16a2b8_idx"),
        migrations.RemoveIndex(model_name="queuepassage", name="telephony_q_source__7aaf1c_idx"),
        migrations.AddField(
            model_name="importsource", name="resume_date", field=models.DateField(blank=True, null=True)
        ),
        migrations.RemoveField(model_name="queuepassage", name="connected_at"),
        migrations.RemoveField(model_name="queuepassage", name="ended_at"),
        migrations.RemoveField(model_name="queuepassage", name="position"),
        migrations.AlterField(
            model_name="queuepassage",
            name="agent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="telephony.agent",
                verbose_name="agent",
            ),
        ),
        migrations.AlterField(
            model_name="queuepassage",
            name="queue",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                to="telephony.queue",
                verbose_name="queue",
            ),
        ),
        migrations.AlterField(
            model_name="queuepassage",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="telephony.importsource",
            ),
        ),
    ]
