"""The fiche lifecycle as one explicit table: which action leads from which statuses to
which status, and who may take it. ``fiches.services.transition`` is the only caller."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fiches.models import Status as S

CALL_CENTRE = "call_centre"  # agents, supervisors, administrators of the operator
SUPERVISOR = "supervisor"  # call-centre supervisors and administrators
CELL = "cell"  # correspondents and directorate managers, within their scope

WORKING = (S.TRANSMITTED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING, S.REOPENED)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    actors: frozenset[str]
    needs_comment: bool = False
    needs_outcome: bool = False
    public_by_default: bool = True


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "transmit",
            pgettext_lazy("fiche action", "Transmit to the cell"),
            (S.NEW,),
            S.TRANSMITTED,
            frozenset({CALL_CENTRE}),
        ),
        Action(
            "acknowledge",
            pgettext_lazy("fiche action", "Acknowledge"),
            (S.TRANSMITTED, S.REOPENED),
            S.ACKNOWLEDGED,
            frozenset({CELL, SUPERVISOR}),
        ),
        Action(
            "start",
            pgettext_lazy("fiche action", "Start work"),
            (S.ACKNOWLEDGED, S.WAITING, S.REOPENED),
            S.IN_PROGRESS,
            frozenset({CELL, SUPERVISOR}),
        ),
        Action(
            "wait",
            pgettext_lazy("fiche action", "Put on hold"),
            (S.ACKNOWLEDGED, S.IN_PROGRESS),
            S.WAITING,
            frozenset({CELL, SUPERVISOR}),
            needs_comment=True,
        ),
        Action(
            "resolve",
            pgettext_lazy("fiche action", "Resolve"),
            WORKING,
            S.RESOLVED,
            frozenset({CELL, SUPERVISOR}),
            needs_outcome=True,
        ),
        Action(
            "close", pgettext_lazy("fiche action", "Close"), (S.RESOLVED,), S.CLOSED, frozenset({CALL_CENTRE})
        ),
        Action(
            "answer",
            pgettext_lazy("fiche action", "Answer and close"),
            (S.NEW,),
            S.CLOSED,
            frozenset({CALL_CENTRE}),
            needs_outcome=True,
        ),
        Action(
            "send_back",
            pgettext_lazy("fiche action", "Send back as misrouted"),
            WORKING,
            S.REROUTED,
            frozenset({CELL, SUPERVISOR}),
            needs_comment=True,
            public_by_default=False,
        ),
        Action(
            "reroute",
            pgettext_lazy("fiche action", "Re-route"),
            (S.NEW, S.REROUTED, *WORKING),
            S.TRANSMITTED,
            frozenset({SUPERVISOR}),
            needs_comment=True,
            public_by_default=False,
        ),
        Action(
            "reject",
            pgettext_lazy("fiche action", "Reject"),
            (S.NEW, S.REROUTED, *WORKING),
            S.REJECTED,
            frozenset({CELL, SUPERVISOR}),
            needs_outcome=True,
        ),
        Action(
            "mark_duplicate",
            pgettext_lazy("fiche action", "Mark as duplicate"),
            (S.NEW, S.TRANSMITTED, S.ACKNOWLEDGED, S.REROUTED),
            S.DUPLICATE,
            frozenset({CALL_CENTRE, CELL}),
        ),
        Action(
            "reopen",
            pgettext_lazy("fiche action", "Reopen"),
            (S.RESOLVED, S.CLOSED, S.REJECTED),
            S.REOPENED,
            frozenset({CALL_CENTRE}),
            needs_comment=True,
        ),
    )
}


# Why a fiche is rejected; the citizen's letter differs for each.
REJECT_REASONS = {
    "not_fixable": _("Not fixable"),
    "outside_competence": _("Outside the competence of the bodies"),
    "not_actionable": _("Not actionable (no problem found, not enough information)"),
}


def actions_from(status: str) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.sources]
