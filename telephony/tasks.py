"""Background import of an uploaded call log (Django Tasks; progress saved on ImportRun)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(run_id: int) -> str:
    from telephony.models import ImportRun
    from telephony.services import import_db_csv, import_file

    run = ImportRun.objects.get(pk=run_id)
    if run.file_format == "db":
        run = import_db_csv(run.stored_path, run=run)
    else:
        run = import_file(run.stored_path, run=run, display_name=run.file_name, final=True)
    return run.status
