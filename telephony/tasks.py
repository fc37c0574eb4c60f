"""Background import of an uploaded call log (Django Tasks; progress saved on ImportRun)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(run_id: int) -> str:
    from telephony.models import ImportRun
    from telephony.services import import_db_csv, import_file, import_generic_csv_file

    run = ImportRun.objects.get(pk=run_id)
    if run.file_format == "csv":
        options = run.options or {}
        try:
            run = import_generic_csv_file(
                run.stored_path,
                options.get("mapping", {}),
                run=run,
                delimiter=options.get("delimiter", ","),
                display_name=run.file_name,
            )
        except ValueError:
            run.refresh_from_db()  # failed run, error recorded for the page
    elif run.file_format == "db":
        try:
            run = import_db_csv(run.stored_path, run=run)
        except ValueError:
            run.refresh_from_db()  # failed run, error recorded for the page
    else:
        # not final: the calls still open at the end of the file are counted as incomplete
        # and re-read when a longer copy of the same log is uploaded, which completes them
        run = import_file(run.stored_path, run=run, display_name=run.file_name, final=False)
    return run.status


@task()
def recompute_in_hours(start: str = "", end: str = "", weekday: int | None = None) -> int:
    """Re-flag passages and calls after the opening hours changed (dates in ISO form)."""
    from datetime import date

    from telephony.services import recompute_in_hours as recompute

    return recompute(
        date.fromisoformat(start) if start else None,
        date.fromisoformat(end) if end else None,
        weekday=weekday,
    )
