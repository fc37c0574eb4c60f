"""Background e-mails of the follow-up, through the Django Tasks API."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from core.mail import send as send_mail
from fiches.models import OPEN_STATUSES
from followup import mail
from followup.models import Alert, AlertKind, Digest, Message
from organisations.models import Cell

KIND_ORDER = (AlertKind.ESCALATION, AlertKind.OVERDUE, AlertKind.REMINDER, AlertKind.UNACKNOWLEDGED)


@task()
def send_cell_alerts(run: str, cell_id: int) -> int:
    """The alerts of one sweep about the fiches of one cell: one task, one e-mail per kind
    (each kind has its own recipients). Returns the number of e-mails sent.

    Only the first lines of each kind are loaded (the e-mail lists at most ``MAX_LINES``
    fiches and links to the queue for the rest), so a first sweep over a large backlog
    stays cheap: one query for the counts, one per kind for the lines.
    """
    pending = Alert.objects.filter(run=run, cell_id=cell_id, sent_at__isnull=True)
    counts = dict(pending.order_by().values_list("kind").annotate(count=Count("id")))
    if not counts:
        return 0
    cell = Cell.objects.get(pk=cell_id)
    sent = 0
    for kind in KIND_ORDER:
        if not counts.get(kind):
            continue
        alerts = list(
            pending.filter(kind=kind)
            .select_related("fiche__request_type")
            .order_by("fiche__due_at", "fiche_id")[: mail.MAX_LINES]
        )
        sent += _send_kind(kind, cell, alerts, counts[kind])
    pending.update(sent_at=timezone.now())
    return sent


@task()
def send_alerts(run: str, kind: str, cell_id: int) -> int:
    """Compatibility with tasks enqueued by older sweeps: the whole cell at once."""
    return send_cell_alerts.call(run, cell_id)


def _send_kind(kind: str, cell: Cell, alerts: list[Alert], count: int) -> int:
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
    return send_mail("followup/email/alert_subject.txt", "followup/email/alert_body.txt", context, to)


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
    return send_mail(
        "followup/email/digest_subject.txt", "followup/email/digest_body.txt", context, [digest.cell.email]
    )


@task()
def notify_message(message_id: int) -> int:
    """Tell the other side that a message was posted in a fiche's thread.

    The call centre writes: the cell's contact e-mail. The cell writes: the call-centre
    supervisors. The author never gets their own message; the e-mail carries the link to
    the fiche, not the text (it may quote what the citizen said).
    """
    from organisations.access import scope_for

    message = (
        Message.objects.select_related("fiche__cell", "fiche__request_type", "author")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    fiche = message.fiche
    from_call_centre = scope_for(message.author).everything
    to = [fiche.cell.email] if from_call_centre else mail.supervisor_emails()
    to = [address for address in to if address and address != message.author.email]
    context = {
        "fiche": fiche,
        "label": fiche.request_type.label,
        "author": message.author.get_full_name() or message.author.get_username(),
        "from_call_centre": from_call_centre,
        "at": message.at,
        "url": mail.fiche_url(fiche.reference) + "#thread",
    }
    return send_mail("followup/email/message_subject.txt", "followup/email/message_body.txt", context, to)
