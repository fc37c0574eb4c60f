"""Changing fiches. This module is the single door for state changes: creation,
every status transition, notes, followers and attachments. Each runs in a transaction,
checks permission, records a timeline event and signals listeners once committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import django.dispatch
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import untracked
from catalogue.models import Kind, RequestTypeVersion
from fiches.geography import Place, place_for_postal_code
from fiches.models import Attachment, Event, Fiche, ReferenceCounter, Requester, Status
from fiches.selectors import actor_groups, address_key
from fiches.workflow import ACTIONS, CALL_CENTRE, CELL, REJECT_REASONS, SUPERVISOR, Action
from worktime import DeadlineUnit, add_deadline, working_seconds

# Sent after commit: (sender=Fiche, fiche, event, action, new). Correspondence listens to it.
# ``new``: the fiche was created in that transaction (so nobody follows it yet).
fiche_changed = django.dispatch.Signal()
# Sent within the change's transaction, same arguments: what must commit or roll back with the
# change (the webhooks' outbox) listens to it; a receiver protects the change from its own
# failures (a savepoint), and does no slow work there.
fiche_changing = django.dispatch.Signal()

ALLOWED_ATTACHMENT_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
# Files are stored under a random name with the extension of the detected type: never the
# client's name or extension (a "photo" named page.html stays a .png on disk and in downloads).
ATTACHMENT_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


class AlreadySubmitted(Exception):
    """The intake form was sent again (twice in a row, or twice at once): this is its fiche."""

    def __init__(self, fiche: Fiche) -> None:
        super().__init__(fiche.reference)
        self.fiche = fiche


class ConcurrentUpdate(Exception):
    """Someone else changed the fiche since the page was loaded."""


def local_year(moment: datetime) -> int:
    return timezone.localtime(moment).year


def reference_prefix(year: int) -> str:
    return f"{settings.FICHE_REFERENCE_PREFIX}-{year}-"


def format_reference(year: int, number: int) -> str:
    """AM-2026-004213: six digits, widening past 999,999 (AM-2026-1000000)."""
    return f"{reference_prefix(year)}{number:06d}"


def highest_number(year: int) -> int:
    """The highest fiche number used in this year's references (0 when none).

    References widen past 999,999, so the longest is the highest and, among equally long
    ones, the alphabetically last. Reads the year's slice of the reference index only."""
    prefix = reference_prefix(year)
    last = (
        Fiche.objects.filter(reference__gte=prefix, reference__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))
        .annotate(width=Length("reference"))
        .order_by("-width", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    digits = last[len(prefix) :] if last else ""
    return int(digits) if digits.isdigit() else 0


def catch_up_counter(year: int) -> int:
    """Bring the year's counter up to the highest number used (never down): after fiches
    were imported or restored behind its back. Returns the counter's value."""
    highest = highest_number(year)
    counter, _created = ReferenceCounter.objects.get_or_create(year=year, defaults={"last": highest})
    if counter.last < highest:
        ReferenceCounter.objects.filter(year=year, last__lt=highest).update(last=highest)
        counter.last = highest
    return counter.last


# Standard SQL quoting, the same on SQLite (3.35+) and PostgreSQL.
COUNTER_UPDATE = 'UPDATE "fiches_referencecounter" SET "last" = "last" + 1 WHERE "year" = %s RETURNING "last"'


def next_reference(moment: datetime) -> str:
    """A new reference such as AM-2026-004213; safe when many agents save at once.

    Must run inside the creating transaction: the counter row stays locked (PostgreSQL
    row lock, SQLite write lock) until the fiche is committed. One query (an UPDATE …
    RETURNING) except for the year's first fiche.
    """
    year = local_year(moment)
    with connection.cursor() as cursor:
        cursor.execute(COUNTER_UPDATE, [year])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another agent created this year's counter first
        return next_reference(moment)
    return format_reference(year, row[0])


def compute_due(version: RequestTypeVersion, start: datetime) -> datetime:
    """The due date from the type's deadline, on the competent body's working calendar."""
    return add_deadline(
        start, version.deadline_amount, DeadlineUnit(version.deadline_unit), version.body.calendar()
    )


@dataclass
class FicheInput:
    """What the intake form (or an import, or the API) hands over to create a fiche."""

    request_type: RequestTypeVersion
    channel: str
    description: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    street_number: str = ""
    street_name: str = ""
    postal_code: str = ""
    quartier: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address_verified: bool = False  # picked in the address reference (places)
    requester: Requester | None = None
    call_id: str = ""
    outcome: str = ""  # information requests answered at intake
    created_at: datetime | None = None
    attachments: list[UploadedFile] = field(default_factory=list)
    submission_token: str | None = None  # the intake form's: one fiche per form sent


def validate_input(data: FicheInput) -> None:
    version = data.request_type
    errors: dict[str, str] = {}
    if version.status != RequestTypeVersion.Status.PUBLISHED:
        errors["request_type"] = _("This request type is not published.")
    if data.requester is None and not version.anonymous_allowed:
        errors["requester"] = _("This request type needs the requester's identity.")
    if version.phone_only and data.channel != "phone":
        errors["channel"] = _("This request type can only be taken by phone.")
    if data.postal_code and place_for_postal_code(data.postal_code) is None:
        errors["postal_code"] = _("Enter a Marseille postal code, 13001 to 13016.")
    if version.kind == Kind.ANOMALY and not (data.street_name or data.latitude is not None):
        errors["street_name"] = _("An anomaly needs a location: a street or a point on the map.")
    for question in version.questions:
        if question.get("required") and not str(data.answers.get(question["key"], "")).strip():
            errors[f"q_{question['key']}"] = _("This answer is required.")
    if errors:
        raise ValidationError(errors)


def create_fiche(data: FicheInput, user) -> Fiche:
    """Record a citizen request, route it from its type, compute its due date, transmit it
    to the competent cell (or answer and close it at once for information requests).

    Everything that can refuse the request (the intake rules, the files, the first action's
    permission and fields) is checked before the first write, so that a refusal leaves a
    surrounding transaction usable. The fiche is then written once, in its transmitted (or
    answered) state, with its two timeline events: the same rows ``transition`` would write.

    A form sent again (same ``submission_token``, in a row or at the same time) raises
    ``AlreadySubmitted`` with the fiche the first one created: never two fiches, two notices.
    A reference already taken (the year's counter behind the table) is caught up and retried
    once, inside the transaction."""
    validate_input(data)
    for upload in data.attachments:
        check_upload(upload)
    version = data.request_type
    token = data.submission_token or None
    now = data.created_at or timezone.now()
    place = place_for_postal_code(data.postal_code) if data.postal_code else None
    fiche = _new_fiche(data, user, token, now, place)
    created = Event(
        fiche=fiche,
        at=now,
        actor=user,
        kind=Event.Kind.CREATED,
        to_status=Status.NEW,
        public=True,
        data={"type": version.code, "version": version.number, "body": version.body.short_name},
    )
    answered = version.kind == Kind.INFORMATION and bool(data.outcome)
    first = _apply(fiche, ACTIONS["answer" if answered else "transmit"], user, outcome=data.outcome, at=now)
    with transaction.atomic(savepoint=False):
        earlier = _insert(fiche, token)
        if earlier is None:
            Event.objects.bulk_create([created, first])
            _announce(fiche, created, "create", new=True)
            _announce(fiche, first, first.action, new=True)
            for upload in data.attachments:
                _store_attachment(fiche, upload, user)
    if earlier is not None:
        raise AlreadySubmitted(earlier)
    return fiche


def _insert(fiche: Fiche, token: str | None) -> Fiche | None:
    """Insert the new fiche under the next reference. Returns None, or the fiche this form
    already created (its ``submission_token`` is taken)."""
    retried = False
    while True:
        try:
            # its creation is the "created" event; the history keeps the later changes
            with transaction.atomic(), untracked():
                fiche.reference = next_reference(fiche.created_at)
                fiche.save(force_insert=True)
            return None
        except IntegrityError:
            # the same form sent at the same time: the other request committed its fiche first
            if token and (earlier := Fiche.objects.filter(submission_token=token).first()):
                return earlier
            if retried or not Fiche.objects.filter(reference=fiche.reference).exists():
                raise
            catch_up_counter(local_year(fiche.created_at))
            retried = True


def _new_fiche(data: FicheInput, user, token: str | None, now: datetime, place: Place | None) -> Fiche:
    version = data.request_type
    return Fiche(
        submission_token=token,
        channel=data.channel,
        kind=version.kind,
        request_type=version,
        description=data.description,
        answers={q["key"]: data.answers.get(q["key"], "") for q in version.questions},
        street_number=data.street_number,
        street_name=data.street_name,
        postal_code=data.postal_code,
        arrondissement=place.arrondissement if place else None,
        sector=place.sector if place else None,
        quartier=data.quartier,
        latitude=data.latitude,
        longitude=data.longitude,
        address_verified=data.address_verified,
        address_key=address_key(data.street_number, data.street_name, data.postal_code)
        if data.street_name
        else "",
        requester=data.requester,
        entered_by=user,
        call_id=data.call_id,
        priority=version.priority,
        body=version.body,
        directorate=version.directorate,
        cell=version.cell,
        original_body=version.body,
        status=Status.NEW,
        created_at=now,
        updated_at=now,
        due_at=compute_due(version, now),
        cycle_started_at=now,
    )


def allowed_actions(fiche: Fiche, user) -> list[Action]:
    groups = actor_groups(user, fiche)
    return [
        a for a in ACTIONS.values() if fiche.status in a.sources and a.actors & groups and _applies(a, fiche)
    ]


def _applies(action: Action, fiche: Fiche) -> bool:
    if action.name == "answer":
        return fiche.kind == Kind.INFORMATION
    return True


def _check_permission(fiche: Fiche, user, action: Action) -> None:
    groups = actor_groups(user, fiche)
    if not action.actors & groups:
        raise PermissionDenied(_("You may not do this on this fiche."))
    if fiche.status not in action.sources or not _applies(action, fiche):
        raise ValidationError(
            _("This action is not possible while the fiche is “%(status)s”.")
            % {"status": fiche.get_status_display()}
        )


@transaction.atomic
def transition(
    fiche: Fiche,
    action_name: str,
    user,
    *,
    comment: str = "",
    public: bool | None = None,
    outcome: str = "",
    expected_version: int | None = None,
    new_type: RequestTypeVersion | None = None,
    original: Fiche | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> Fiche:
    """Move a fiche along the lifecycle table. The only code that changes ``status``.

    ``reason`` (a key of ``REJECT_REASONS``) says why a fiche is rejected.
    """
    action = ACTIONS.get(action_name)
    if action is None:
        raise ValidationError(_("Unknown action."))
    locked = Fiche.objects.select_for_update().select_related("body", "request_type").get(pk=fiche.pk)
    if expected_version is not None and locked.lock_version != expected_version:
        raise ConcurrentUpdate(
            _("Someone else changed this fiche in the meantime. Reload it to see the change.")
        )
    event = _apply(
        locked,
        action,
        user,
        comment=comment,
        public=public,
        outcome=outcome,
        new_type=new_type,
        original=original,
        reason=reason,
        at=at,
    )
    locked.save()
    event.save()
    _announce(locked, event, action.name)
    fiche.__dict__.update(locked.__dict__)
    return locked


def _apply(
    fiche: Fiche,
    action: Action,
    user,
    *,
    comment: str = "",
    public: bool | None = None,
    outcome: str = "",
    new_type: RequestTypeVersion | None = None,
    original: Fiche | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> Event:
    """Check the action and change the fiche in memory; returns its timeline event, unsaved.
    The lifecycle table's one implementation, for ``transition`` and for ``create_fiche``."""
    _check_permission(fiche, user, action)
    if action.needs_comment and not comment.strip():
        raise ValidationError({"comment": _("A reason is required.")})
    if action.needs_outcome and not outcome.strip():
        raise ValidationError({"outcome": _("The outcome the citizen will read is required.")})
    now = at or timezone.now()
    previous = fiche.status
    data: dict[str, Any] = {}

    if action.name == "reroute":
        data = _reroute(fiche, new_type, now)
    if action.name == "mark_duplicate":
        _merge_into(fiche, original, user, now)
        data = {"original": original.reference}
    if action.name == "acknowledge":
        fiche.acknowledged_at = now
        fiche.ack_work_seconds = _work_seconds_since_cycle(fiche, now)
    if action.name in ("resolve", "answer", "reject"):
        fiche.outcome = outcome
    if action.name in ("resolve", "answer"):
        fiche.resolved_at = now
        fiche.was_late = bool(fiche.due_at and now > fiche.due_at)
        fiche.resolution_work_seconds = _work_seconds_since_cycle(fiche, now)
    if action.target == Status.CLOSED:
        fiche.closed_at = now
    if action.name == "reject":
        if reason not in REJECT_REASONS:
            raise ValidationError({"reason": _("Choose why the fiche is rejected.")})
        fiche.resolved_at, fiche.was_late = now, None
        data = {"reason": reason}
    if action.name == "reopen":
        # A reopened fiche gets a new deadline on the same type, counted from now.
        fiche.resolved_at = fiche.closed_at = fiche.was_late = None
        fiche.resolution_work_seconds = None
        fiche.due_at = compute_due(fiche.request_type, now)
        fiche.cycle_started_at = now
        data = {"due_at": fiche.due_at.isoformat()}

    fiche.status = action.target
    fiche.updated_at = now
    fiche.lock_version += 1
    return Event(
        fiche=fiche,
        at=now,
        actor=user,
        kind=Event.Kind.REROUTE if action.name == "reroute" else Event.Kind.TRANSITION,
        action=action.name,
        from_status=previous,
        to_status=fiche.status,
        comment=outcome or comment if action.needs_outcome else comment,
        public=action.public_by_default if public is None else public,
        data=data,
    )


def _work_seconds_since_cycle(fiche: Fiche, now: datetime) -> int:
    """The competent body's working time since the current deadline cycle started."""
    start = fiche.cycle_started_at or fiche.created_at
    return working_seconds(start, now, fiche.body.calendar())


def _reroute(fiche: Fiche, new_type: RequestTypeVersion | None, now: datetime) -> dict[str, Any]:
    if new_type is None:
        raise ValidationError({"request_type": _("Choose the request type to re-route to.")})
    before = {
        "type": fiche.request_type.code,
        "body": fiche.body.short_name,
        "directorate": fiche.directorate.code,
        "due_at": fiche.due_at.isoformat() if fiche.due_at else None,
    }
    fiche.request_type = new_type
    fiche.kind = new_type.kind
    fiche.body, fiche.directorate, fiche.cell = new_type.body, new_type.directorate, new_type.cell
    fiche.priority = new_type.priority
    fiche.due_at = compute_due(new_type, now)
    fiche.cycle_started_at = now
    fiche.acknowledged_at = fiche.ack_work_seconds = None
    fiche.reroute_count += 1
    return {
        "from": before,
        "to": {
            "type": new_type.code,
            "body": new_type.body.short_name,
            "directorate": new_type.directorate.code,
            "due_at": fiche.due_at.isoformat(),
        },
    }


def _merge_into(fiche: Fiche, original: Fiche | None, user, now: datetime) -> None:
    if original is None or original.pk == fiche.pk:
        raise ValidationError({"original": _("Choose the original fiche.")})
    if original.status == Status.DUPLICATE:
        raise ValidationError({"original": _("The original cannot itself be a duplicate.")})
    fiche.duplicate_of = original
    if fiche.requester_id:
        add_follower(original, fiche.requester, user, at=now)


@transaction.atomic
def add_note(fiche: Fiche, user, text: str, *, public: bool, expected_version: int | None = None) -> Event:
    """A progress note on the fiche's timeline, public (the citizen reads it) or internal."""
    locked = Fiche.objects.select_for_update().get(pk=fiche.pk)
    if expected_version is not None and locked.lock_version != expected_version:
        raise ConcurrentUpdate(
            _("Someone else changed this fiche in the meantime. Reload it to see the change.")
        )
    if not actor_groups(user, locked) & {CALL_CENTRE, CELL, SUPERVISOR}:
        raise PermissionDenied(_("You may not do this on this fiche."))
    if not text.strip():
        raise ValidationError({"comment": _("The note is empty.")})
    now = timezone.now()
    Fiche.objects.filter(pk=locked.pk).update(updated_at=now, lock_version=F("lock_version") + 1)
    locked.updated_at, locked.lock_version = now, locked.lock_version + 1  # as announced
    event = Event.objects.create(
        fiche=locked, at=now, actor=user, kind=Event.Kind.NOTE, comment=text, public=public
    )
    _announce(locked, event, "note")
    return event


@transaction.atomic
def set_publishable(fiche: Fiche, user, publishable: bool, *, expected_version: int | None = None) -> Event:
    """The cell or the call centre checked the description and photos: they may be shown
    publicly (Open311), or no longer. Only for types whose description is publishable."""
    locked = Fiche.objects.select_for_update().select_related("request_type").get(pk=fiche.pk)
    if expected_version is not None and locked.lock_version != expected_version:
        raise ConcurrentUpdate(
            _("Someone else changed this fiche in the meantime. Reload it to see the change.")
        )
    if not actor_groups(user, locked) & {CALL_CENTRE, CELL, SUPERVISOR}:
        raise PermissionDenied(_("You may not do this on this fiche."))
    if publishable and not locked.request_type.publishable:
        raise ValidationError(_("The description and photos of this request type are never published."))
    now = timezone.now()
    Fiche.objects.filter(pk=locked.pk).update(
        publishable=publishable, updated_at=now, lock_version=F("lock_version") + 1
    )
    event = Event.objects.create(
        fiche=locked,
        at=now,
        actor=user,
        kind=Event.Kind.PUBLICATION,
        comment=_("Description and photos checked: they may be published.")
        if publishable
        else _("Description and photos withdrawn from publication."),
        public=False,
        data={"publishable": publishable},
    )
    locked.refresh_from_db()
    fiche.__dict__.update(locked.__dict__)
    _announce(locked, event, "publication")
    return event


def add_follower(fiche: Fiche, requester: Requester, user, *, at: datetime | None = None) -> Event | None:
    """The caller joins an existing fiche: they will receive its notices."""
    if fiche.requester_id == requester.pk or fiche.followers.filter(pk=requester.pk).exists():
        return None
    fiche.followers.add(requester)
    return Event.objects.create(
        fiche=fiche,
        at=at or timezone.now(),
        actor=user,
        kind=Event.Kind.FOLLOWER,
        comment=_("Another caller reported the same problem."),
        public=False,
        data={"requester": requester.pk},
    )


def follow_existing(fiche: Fiche, requester: Requester, user) -> Event | None:
    """From intake: add this caller to an open fiche instead of creating a duplicate."""
    if CALL_CENTRE not in actor_groups(user, fiche):
        raise PermissionDenied(_("You may not do this on this fiche."))
    with transaction.atomic():
        return add_follower(fiche, requester, user)


def check_upload(upload: UploadedFile) -> str:
    """The upload's real content type, or a ValidationError (type and size checked)."""
    if upload.size > settings.MAX_ATTACHMENT_SIZE:
        raise ValidationError(
            _("The file is too large (%(max)s MB at most).")
            % {"max": settings.MAX_ATTACHMENT_SIZE // (1024 * 1024)}
        )
    head = upload.read(16)
    upload.seek(0)
    for content_type, signatures in ALLOWED_ATTACHMENT_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    raise ValidationError(_("Only photos (JPEG, PNG) and PDF documents are accepted."))


@transaction.atomic
def attach(fiche: Fiche, upload: UploadedFile, user) -> Attachment:
    """Add a photo or document to a fiche (type and size checked)."""
    if not actor_groups(user, fiche):
        raise PermissionDenied(_("You may not do this on this fiche."))
    attachment = _store_attachment(fiche, upload, user)
    _announce(fiche, attachment.event, "attach")
    return attachment


def _store_attachment(fiche: Fiche, upload: UploadedFile, user) -> Attachment:
    content_type = check_upload(upload)
    attachment = Attachment(
        fiche=fiche,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(uuid.uuid4().hex + ATTACHMENT_EXTENSIONS[content_type], upload, save=False)
    attachment.save()
    attachment.event = Event.objects.create(
        fiche=fiche, actor=user, kind=Event.Kind.ATTACHMENT, comment=attachment.original_name
    )
    return attachment


REQUESTER_FIELDS = (
    "civility",
    "last_name",
    "first_name",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
    "preferred_channel",
)


def save_requester(requester: Requester | None, values: dict[str, str]) -> Requester:
    """Create the caller, or update an existing caller's contact details with what was typed."""
    if requester is None:
        requester = Requester()
    changed = False
    for name in REQUESTER_FIELDS:
        value = values.get(name)
        if value not in (None, "") and getattr(requester, name) != value:
            setattr(requester, name, value)
            changed = True
    if not requester.last_name:
        raise ValidationError({"last_name": _("Enter the caller's name.")})
    if changed or requester.pk is None:
        requester.save()
    return requester


def _announce(fiche: Fiche, event: Event, action: str, *, new: bool = False) -> None:
    fiche_changing.send(sender=Fiche, fiche=fiche, event=event, action=action, new=new)
    transaction.on_commit(
        lambda: fiche_changed.send(sender=Fiche, fiche=fiche, event=event, action=action, new=new)
    )
