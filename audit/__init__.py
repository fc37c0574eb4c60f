"""Accountability: the field-level history of personal data and of settings that matter
(django-auditlog, personal values masked), and the access log of who opened personal data.

Other apps use two functions:

* ``audit.log_access(user, kind, obj, page)`` when a page, file or export shows a person's
  data (a caller's record, a fiche's personal data, a letter, an attachment, an access file);
* ``audit.track(model, personal=(...))`` in their ``AppConfig.ready`` to put a model's changes
  in the history, the listed fields masked.
"""

from __future__ import annotations

from typing import Any


def log_access(user: Any, kind: str, obj: Any, page: str) -> Any:
    """Record that ``user`` opened ``obj`` (an ``AccessKind``: "caller", "fiche", "letter",
    "letter_batch", "attachment", "citizen_file", "access_log") from ``page`` (a path; a
    query string is dropped). ``obj`` may be None (a search). Returns the ``AccessRecord``."""
    from audit.services import log_access as record

    return record(user, kind, obj, page)


def track(
    model: Any,
    *,
    personal: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    named: bool | None = None,
) -> None:
    """Keep the field-level history of ``model`` (``only`` these fields, or all but
    ``exclude``); ``personal`` fields are masked and, unless ``named``, the object is shown by
    its kind and number, not its text."""
    from audit.trail import track as register

    register(model, personal=personal, only=only, exclude=exclude, named=named)


def untracked() -> Any:
    """A context in which tracked models' saves leave no history entry: for a record whose
    creation is already told elsewhere (a new fiche has its "created" event)."""
    from auditlog.context import disable_auditlog

    return disable_auditlog()
