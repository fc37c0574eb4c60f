"""Background e-mails of the follow-up, through the Django Tasks API."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from fiches.models import OPEN_STATUSES
from followup import mail
from followup.models import Alert, AlertKind, Digest


@task()
def send_alerts(run: str, kind: str, cell_id: int) -> int:
    """One e-mail for the alerts of one kind about the fiches of one cell.

    Only the first lines are loaded (the e-mail lists at most ``MAX_LINES`` fiches and
    links to the queue for the rest), so a first sweep over a large backlog stays cheap.
    """
    pending = Alert.objects.filter(run=run, kind=kind, cell_id=cell_id, sent_at__isnull=True)
    alerts = list(
        pending.select_related("fiche__cell", "fiche__request_type").order_by("fiche__due_at", "fiche_id")[
            : mail.MAX_LINES
        ]
    )
    if not alerts:
        return 0
    count = pending.count() if len(alerts) == mail.MAX_LINES else len(alerts)
    kind = alerts[0].kind
    cell = alerts[0].fiche.cell
    to = [cell.email]
    if kind == AlertKind.OVERDUE:
        to += mail.manager_emails(cell.directorate_id)
    if kind == AlertKind.ESCALATION:
        to = mail.supervisor_emails() + mail.manager_emails(cell.directorate_id)
    lines = [
        {
            "reference": a.fiche.reference,
            "label": a.fiche.request_type.label,
            "address": a.fiche.address_display,
            "due_at": a.fiche.due_at,
            "url": mail.fiche_url(a.fiche.reference),
        }
        for a in alerts
    ]
    context = {
        "kind": kind,
        "cell": cell,
        "count": count,
        "lines": lines,
        "more": count - len(lines),
        "queue_url": mail.absolute("followup:queue"),
    }
    sent = mail.send("followup/email/alert_subject.txt", "followup/email/alert_body.txt", context, to)
    pending.update(sent_at=timezone.now())
    return sent


@task()
def send_digest(digest_id: int, counts: dict[str, int]) -> int:
    digest = Digest.objects.select_related("cell").get(pk=digest_id)
    if not any(counts.values()):
        return 0
    context = {
        "cell": digest.cell,
        "day": digest.day,
        "counts": counts,
        "queue_url": mail.absolute("followup:queue"),
        "open_statuses": OPEN_STATUSES,
    }
    return mail.send(
        "followup/email/digest_subject.txt", "followup/email/digest_body.txt", context, [digest.cell.email]
    )
