"""Correspondence services: from a fiche event to notices for the requester and the
followers, through each person's preferred channel; letters batched for the post room."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.plaintext import render_text
from correspondence import branding, letters, smstext, templating
from correspondence.defaults import DEFAULT_TEMPLATES
from correspondence.models import Batch, Channel, LetterTemplate, Message, Moment
from fiches.contacts import is_french_mobile, postal_address_complete
from fiches.models import OPEN_STATUSES, Event, Fiche, Requester, Status
from organisations.models import Body
from portal import links

logger = logging.getLogger(__name__)

CLOSING_MOMENTS = frozenset({Moment.FIXED, Moment.NOT_FIXABLE, Moment.OUTSIDE, Moment.ANSWER})
GREETINGS = {"Mme": "Madame", "M.": "Monsieur"}


def moment_for(action: str, event: Event) -> str | None:
    """Which notice (if any) a fiche action sends to the citizen."""
    if action == "transmit":
        return Moment.ACKNOWLEDGEMENT if event.from_status == Status.NEW else None
    if action == "reject":
        outside = (event.data or {}).get("reason") == "outside_competence"
        return Moment.OUTSIDE if outside else Moment.NOT_FIXABLE
    return {
        "start": Moment.INTERVENTION,
        "wait": Moment.WAITING,
        "resolve": Moment.FIXED,
        "answer": Moment.ANSWER,
        "reroute": Moment.REROUTED,
    }.get(action)


def template_for(moment: str) -> LetterTemplate:
    """The moment's template, created from the French defaults the first time."""
    template = LetterTemplate.objects.filter(moment=moment).first()
    if template is None:
        try:
            with transaction.atomic():
                template = LetterTemplate.objects.create(moment=moment, **DEFAULT_TEMPLATES[moment])
        except IntegrityError:
            template = LetterTemplate.objects.get(moment=moment)
    return template


def seed_templates() -> None:
    for moment in Moment.values:
        template_for(moment)


def recipients(fiche: Fiche, *, followers: bool = True) -> list[Requester]:
    """The requester then the followers (a duplicate's requester follows the original);
    ``followers=False`` for a fiche just created, which nobody follows yet."""
    people = [fiche.requester] if fiche.requester_id else []
    if followers:
        people += [r for r in fiche.followers.order_by("pk") if r.pk != fiche.requester_id]
    return people


def _usable(requester: Requester, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return requester.has_valid_email
    if channel == Channel.SMS:
        return is_french_mobile(requester.phone)
    if channel == Channel.LETTER:
        return postal_address_complete(requester.address, requester.postal_code, requester.city)
    return bool(requester.phone)


def channel_for(requester: Requester) -> str | None:
    """The preferred channel when it can be used, otherwise the first usable one."""
    if requester.preferred_channel in Channel.values and _usable(requester, requester.preferred_channel):
        return requester.preferred_channel
    for channel in (Channel.EMAIL, Channel.SMS, Channel.LETTER, Channel.PHONE):
        if _usable(requester, channel):
            return channel
    return None


def _local_day(moment) -> str:
    return letters.french_date(timezone.localtime(moment).date()) if moment else ""


def fields_for(fiche: Fiche, event: Event | None, requester: Requester | None, moment: str) -> dict[str, str]:
    """The documented template fields (see templating.FIELDS). Internal notes never enter:
    only a *public* event's comment is offered, and only the citizen-facing outcome."""
    previous = ""
    if event is not None and event.kind == Event.Kind.REROUTE:
        short = (event.data or {}).get("from", {}).get("body", "")
        body = Body.objects.filter(short_name=short).first()
        previous = body.name if body and body.pk != fiche.body_id else ""
    public_comment = ""
    if event is not None and event.public and event.kind != Event.Kind.NOTE and moment not in CLOSING_MOMENTS:
        public_comment = event.comment
    civility = requester.civility if requester else ""
    # Snapshot at the event, not at sending time: the fiche may have moved on since.
    still_open = event.to_status in OPEN_STATUSES if event is not None and event.to_status else fiche.is_open
    outcome = fiche.outcome
    if event is not None and event.action in ("resolve", "answer", "reject"):
        outcome = event.comment
    return {
        "reference": fiche.reference,
        "greeting": GREETINGS.get(civility, "Madame, Monsieur"),
        "requester_name": str(requester) if requester else "",
        "request_label": fiche.request_type.label,
        "location": fiche.address_display,
        "created_on": _local_day(fiche.created_at),
        "due_on": _local_day(fiche.due_at) if still_open else "",
        "body_name": fiche.body.name,
        "directorate_name": fiche.directorate.name,
        "previous_body_name": previous,
        "outcome": outcome if moment in CLOSING_MOMENTS else "",
        "public_comment": public_comment,
        "tracking_url": links.tracking_home_url(),
        "tracking_code": links.tracking_code(fiche.reference),
        "survey_url": links.tracking_home_url(),
        "today": _local_day(timezone.now()),
    }


def recipient_lines(requester: Requester) -> list[str]:
    """Postal address block (NF Z10-011 style: last line postal code + TOWN in capitals)."""
    lines = [str(requester)]
    lines += [line.strip() for line in requester.address.splitlines() if line.strip()]
    lines.append(f"{requester.postal_code} {requester.city.upper()}".strip())
    return lines


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str


def compose(template: LetterTemplate, fields: dict[str, str]) -> Notice:
    subject = " ".join(templating.render(template.subject, fields, html=False).split())
    return Notice(subject, templating.render(template.body, fields, html=False).strip())


def sms_text(template: LetterTemplate, fields: dict[str, str], reference: str) -> str:
    body = templating.render(template.sms, fields, html=False)
    suffix = f"Ref. {reference}. Suivi : {links.tracking_prefilled_url(reference)}"
    return smstext.fit(body, suffix, settings.SMS_MAX_SEGMENTS)


# --- from the fiche signal to messages ------------------------------------------------------


def notify(fiche: Fiche, event: Event, action: str, *, new: bool = False) -> list[Message]:
    """Create one message per recipient for this event (idempotent) and queue the sending.
    ``new``: the fiche was created with this event (no followers to look up)."""
    moment = moment_for(action, event)
    if moment is None:
        return []
    related = ("requester", "body", "directorate", "request_type")
    if not all(Fiche._meta.get_field(name).is_cached(fiche) for name in related):
        fiche = Fiche.objects.select_related(*related).get(pk=fiche.pk)
    created: list[Message] = []
    for requester in recipients(fiche, followers=not new):
        channel = channel_for(requester)
        if channel is None:
            continue
        message, new = Message.objects.get_or_create(
            event=event,
            requester=requester,
            channel=channel,
            defaults={
                "fiche": fiche,
                "moment": moment,
                "recipient": str(requester),
                "state": Message.State.NOT_SENT if channel == Channel.PHONE else Message.State.PENDING,
            },
        )
        if new:
            created.append(message)
    from correspondence.tasks import deliver

    for message in created:
        if message.channel != Channel.PHONE:
            deliver.enqueue(message.pk)
    return created


def deliver_message(message: Message) -> Message:
    """Render and send (e-mail, SMS) or prepare for the post batch (letter)."""
    if message.state not in (Message.State.PENDING, Message.State.FAILED):
        return message
    fiche = Fiche.objects.select_related("body", "directorate", "request_type").get(pk=message.fiche_id)
    requester = message.requester
    event = message.event
    template = template_for(message.moment)
    fields = fields_for(fiche, event, requester, message.moment)
    try:
        if message.channel == Channel.LETTER:
            _prepare_letter(message, fiche, requester, template, fields)
        elif message.channel == Channel.EMAIL:
            _send_email(message, fiche, requester, template, fields)
        elif message.channel == Channel.SMS:
            _send_sms(message, fiche, requester, template, fields)
    except Exception as exc:  # noqa: BLE001 - recorded on the message; no personal data logged
        logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
        message.state = Message.State.FAILED
        message.error = f"{type(exc).__name__}: {exc}"[:250]
        message.save(update_fields=["state", "error"])
    return message


def letter_content(
    message: Message, fiche: Fiche, requester: Requester, notice: Notice
) -> letters.LetterContent:
    return letters.LetterContent(
        reference=fiche.reference,
        subject=notice.subject,
        text=notice.text,
        recipient_lines=recipient_lines(requester),
        signers=branding.letterhead_for(fiche),
        day=timezone.localtime(message.created_at).date(),
        tracking_url=links.tracking_home_url(),
        tracking_code=links.tracking_code(fiche.reference),
    )


def _prepare_letter(message, fiche, requester, template, fields) -> None:
    notice = compose(template, fields)
    content = letter_content(message, fiche, requester, notice)
    html = letters.letter_html(content)
    pdf = letters.html_to_pdf(html, archive=True)
    message.subject, message.text = notice.subject, notice.text
    message.address = "\n".join(content.recipient_lines[1:])
    message.html = html
    message.signer_ids = [s.body.pk for s in content.signers]
    message.pdf.save(f"{fiche.reference}-{message.moment}-{message.pk}.pdf", ContentFile(pdf), save=False)
    message.state = Message.State.QUEUED
    message.save()


def _send_email(message, fiche, requester, template, fields) -> None:
    notice = compose(template, fields)
    closing = message.moment in CLOSING_MOMENTS
    context = {
        "subject": notice.subject,
        "paragraphs": letters.paragraphs(notice.text),
        "text": notice.text,
        "reference": fiche.reference,
        "tracking_url": links.tracking_signed_url(fiche.pk),
        "survey_url": links.survey_signed_url(fiche.pk) if closing else "",
        "signers": branding.letterhead_for(fiche),
    }
    text = render_text("correspondence/email/notice.txt", context)
    html = render_to_string("correspondence/email/notice.html", context)
    email = EmailMultiAlternatives(notice.subject, text, settings.DEFAULT_FROM_EMAIL, [requester.email])
    email.attach_alternative(html, "text/html")
    email.send()
    message.subject, message.text, message.address = notice.subject, text, requester.email
    message.state, message.sent_at = Message.State.SENT, timezone.now()
    message.save()


def _send_sms(message, fiche, requester, template, fields) -> None:
    from correspondence.sms import send_sms

    text = sms_text(template, fields, fiche.reference)
    message.text, message.address = text, requester.phone
    send_sms(requester.phone, text)
    message.state, message.sent_at = Message.State.SENT, timezone.now()
    message.save()


# --- the post room ------------------------------------------------------------------------------


def pending_letters():
    return Message.objects.filter(channel=Channel.LETTER, state=Message.State.QUEUED, batch__isnull=True)


def build_batch(user=None, *, limit: int | None = None) -> Batch | None:
    """Gather every letter waiting for the post into one printable PDF; mark them sent."""
    with transaction.atomic():
        ids = list(pending_letters().order_by("created_at", "id").values_list("pk", flat=True)[:limit])
        if not ids:
            return None
        batch = Batch.objects.create(created_by=user)
        claimed = pending_letters().filter(pk__in=ids).update(batch=batch)
        if claimed == 0:
            batch.delete()
            return None
    letters_in_batch = list(batch.letters.order_by("fiche__postal_code", "created_at", "id").only("html"))
    pdf, pages = letters.batch_pdf([m.html for m in letters_in_batch])
    batch.pdf.save(
        f"lot-{batch.pk}-{timezone.localtime(batch.created_at):%Y%m%d}.pdf", ContentFile(pdf), save=False
    )
    batch.letter_count, batch.page_count = len(letters_in_batch), pages
    batch.save()
    batch.letters.update(state=Message.State.SENT, sent_at=timezone.now())
    return batch


def usable_channels(requester: Requester) -> set[str]:
    """The channels that can reach this person."""
    return {c for c in (Channel.EMAIL, Channel.SMS, Channel.LETTER, Channel.PHONE) if _usable(requester, c)}


def send_manually(
    fiche: Fiche, moment: str, user, *, channel: str | None = None, requester_only: bool = False
) -> list[Message]:
    """A call-centre agent sends a notice by hand (e.g. "outside our competence" after a
    rejection, or a copy after the citizen's contact details were corrected), through each
    person's preferred channel, or through ``channel`` to those it can reach (e.g. an
    information answer the caller asked for by e-mail or SMS)."""
    if moment not in Moment.values:
        raise ValueError("unknown moment")
    fiche = Fiche.objects.select_related("requester", "body", "directorate", "request_type").get(pk=fiche.pk)
    people = recipients(fiche)
    if requester_only:
        people = people[:1] if fiche.requester_id else []
    created = []
    for requester in people:
        if channel is None:
            chosen = channel_for(requester)
        else:
            chosen = channel if channel in usable_channels(requester) else None
        if chosen is None:
            continue
        channel_used = chosen
        created.append(
            Message.objects.create(
                fiche=fiche,
                event=None,
                requester=requester,
                moment=moment,
                channel=channel_used,
                recipient=str(requester),
                state=Message.State.NOT_SENT if channel_used == Channel.PHONE else Message.State.PENDING,
            )
        )
    from correspondence.tasks import deliver

    for message in created:
        if message.channel != Channel.PHONE:
            transaction.on_commit(lambda pk=message.pk: deliver.enqueue(pk))
    return created
