"""Background import of an uploaded call log (Django Tasks; progress saved on ImportRun)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django_tasks import task

if TYPE_CHECKING:
    from telephony.models import ImportRun


@task()
def run_import(run_id: int) -> str:
    """Import an uploaded file, then delete the uploaded copy: a call log holds the callers'
    numbers, and nothing reads the copy again (a longer log is uploaded anew).

    The upload is in the default storage (shared by every node, an object store maybe); the
    import reads a local temporary copy of it (it seeks, and reads a .gz twice)."""
    from django.core.files.storage import default_storage

    from telephony.models import ImportRun
    from telephony.services import ImportStopped, record_failure

    run = ImportRun.objects.get(pk=run_id)
    stored = run.stored_path
    try:
        if run.stop_requested:  # stopped before it started
            record_failure(run, ImportStopped())
        else:
            with tempfile.TemporaryDirectory(prefix="telephony-") as folder:
                local = Path(folder) / Path(stored).name
                try:
                    with default_storage.open(stored, "rb") as source, local.open("wb") as copy:
                        shutil.copyfileobj(source, copy, 1 << 20)
                except OSError as exc:  # the upload is gone from the storage, or the disk is full
                    record_failure(run, exc)
                    return run.status
                run = _import(run, local)
    finally:
        default_storage.delete(stored)
        ImportRun.objects.filter(pk=run_id).update(stored_path="")
    return run.status


def _import(run: ImportRun, path: Path) -> ImportRun:
    from telephony.models import ImportRun
    from telephony.services import import_db_csv, import_file, import_generic_csv_file

    try:
        if run.file_format == "csv":
            options = run.options or {}
            return import_generic_csv_file(
                path,
                options.get("mapping", {}),
                run=run,
                delimiter=options.get("delimiter", ","),
                display_name=run.file_name,
            )
        if run.file_format == "db":
            return import_db_csv(path, run=run)
        # not final: the calls still open at the end of the file are counted as incomplete
        # and re-read when a longer copy of the same log is uploaded, which completes them
        return import_file(path, run=run, display_name=run.file_name, final=False)
    except ValueError:  # a refused file or a stop: the run records why, for the page
        return ImportRun.objects.get(pk=run.pk)


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


@task()
def merge_agent(agent_id: int) -> int:
    """Move the rows imported under an identifier to the person's main one (Agent.same_as)."""
    from telephony.services import merge_agent as merge

    return merge(agent_id)
