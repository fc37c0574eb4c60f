"""Listens to fiches.services.fiche_changed (sent once the change is committed)."""

from __future__ import annotations

import logging

from correspondence import services

logger = logging.getLogger(__name__)


def on_fiche_changed(sender, fiche, event, action, new: bool = False, **kwargs) -> None:
    # A notice that cannot be prepared must never undo or hide the fiche's change.
    try:
        services.notify(fiche, event, action, new=new)
    except Exception as exc:  # noqa: BLE001 - logged without personal data (no traceback text)
        logger.error("correspondence: notices for fiche %s not prepared (%s)", fiche.pk, type(exc).__name__)
