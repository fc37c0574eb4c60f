"""Requests citizens make themselves on the online form: the checks, the photos, the
moderation of what looks like spam or insults; then the single door (fiches.services.create_fiche)
with channel "web", like an agent's intake."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import RequestTypeVersion, normalise
from catalogue.selectors import public_versions
from catalogue.services import current_version
from fiches.models import Channel, Fiche
from fiches.services import FicheInput, create_fiche, save_requester
from organisations.models import Body, Membership, Role
from places import selectors as places
from portal.models import WebSubmission
from portal.photos import CleanPhoto, PhotoError, clean

# The account the online form acts as (never logs in): fiches show "entered by" it.
WEB_USERNAME = "formulaire-en-ligne"
URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def public_types() -> list[RequestTypeVersion]:
    """Types citizens may report online: those open to the public channel (the nomenclature
    says which), in the family order."""
    return list(public_versions())


def type_choices(versions: list[RequestTypeVersion]) -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for version in versions:
        groups.setdefault(version.request_type.family.label, []).append((version.code, version.label))
    return list(groups.items())


def web_user():
    """The online form's own account, in the operator body's call centre (created once)."""
    user, created = get_user_model().objects.get_or_create(
        username=WEB_USERNAME,
        defaults={"first_name": "Formulaire", "last_name": "en ligne"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, role=Role.AGENT, body=Body.objects.get(kind=Body.Kind.OPERATOR)
        )
    return user


def moderation_words() -> list[str]:
    return [normalise(word) for word in settings.PORTAL_MODERATION_WORDS if word.strip()]


def held_because(text: str) -> str:
    """Why a submission needs an agent's look before it becomes a fiche ('' when it need not)."""
    words = set(normalise(text).split())
    found = [word for word in moderation_words() if word in words]
    if found:
        return _("words from the moderation list")
    if len(URL.findall(text)) >= 2:
        return _("several links")
    return ""


@dataclass
class WebRequest:
    type_code: str
    description: str
    street_number: str
    street_name: str
    postal_code: str
    last_name: str
    first_name: str
    email: str
    phone: str
    preferred_channel: str
    use_photo_location: bool = False
    address_id: int | None = None
    photos: list[CleanPhoto] = field(default_factory=list)

    @classmethod
    def from_form(cls, data: dict, photos: list[CleanPhoto]) -> WebRequest:
        names = [name for name in cls.__dataclass_fields__ if name not in {"type_code", "photos"}]
        return cls(type_code=data["request_type"], photos=photos, **{name: data[name] for name in names})

    def as_data(self) -> dict:
        values = dict(self.__dict__)
        values.pop("photos")
        return values


def clean_photos(uploads) -> list[CleanPhoto]:
    photos = []
    for upload in uploads:
        if upload.size > settings.MAX_ATTACHMENT_SIZE:
            raise ValidationError({"photos": _("A photo is too large (%(max)s MB at most).") % {
                "max": settings.MAX_ATTACHMENT_SIZE // (1024 * 1024)}})  # fmt: skip
        try:
            photos.append(clean(upload.read()))
        except PhotoError as error:
            raise ValidationError({"photos": _("Only photos (JPEG, PNG) are accepted.")}) from error
    return photos


def _uploads(photos: list[CleanPhoto]) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"photo-{n}{photo.extension}", photo.content, content_type=photo.content_type)
        for n, photo in enumerate(photos, start=1)
    ]


def picked_address(request: WebRequest) -> places.Hit | None:
    """The address picked in the type-ahead, when the fields are still its own (not retyped)."""
    return places.picked(request.address_id, request.street_number, request.street_name, request.postal_code)


def _location(request: WebRequest, picked: places.Hit | None) -> tuple[float | None, float | None]:
    """The photo's position when the citizen asks for it, else the picked address's point."""
    located = [photo for photo in request.photos if photo.latitude is not None]
    if request.use_photo_location and located:
        return located[0].latitude, located[0].longitude
    return (picked.latitude, picked.longitude) if picked else (None, None)


def _create(request: WebRequest, photos: list[SimpleUploadedFile]) -> Fiche:
    version = current_version(request.type_code)
    if version is None or version.pk not in {public.pk for public in public_types()}:
        raise ValidationError({"request_type": _("Choose a request type from the list.")})
    picked = picked_address(request)
    latitude, longitude = _location(request, picked)
    if not request.street_name and latitude is None:
        raise ValidationError({"street_name": _("Give the street, or a photo with its location.")})
    requester = save_requester(
        None,
        {
            "last_name": request.last_name,
            "first_name": request.first_name,
            "email": request.email,
            "phone": request.phone,
            "preferred_channel": request.preferred_channel,
            "city": "Marseille",
        },
    )
    return create_fiche(
        FicheInput(
            request_type=version,
            channel=Channel.WEB,
            description=request.description,
            street_number=request.street_number,
            street_name=request.street_name,
            postal_code=request.postal_code,
            quartier=picked.quartier if picked else "",
            latitude=latitude,
            longitude=longitude,
            address_verified=picked is not None,
            requester=requester,
            attachments=photos,
        ),
        web_user(),
    )


@transaction.atomic
def submit(request: WebRequest) -> Fiche | WebSubmission:
    """A fiche, or a submission held for moderation when the text looks like spam or insults."""
    reason = held_because(f"{request.description} {request.last_name} {request.first_name}")
    if not reason:
        return _create(request, _uploads(request.photos))
    held = WebSubmission(reason=reason, data=request.as_data())
    for n, photo in enumerate(request.photos, start=1):
        getattr(held, f"photo_{n}").save(
            uuid.uuid4().hex + photo.extension, ContentFile(photo.content), save=False
        )
    held.save()
    return held


@transaction.atomic
def accept(held: WebSubmission, user) -> Fiche:
    """The agent lets a held submission through: the fiche is created as if just sent."""
    held = WebSubmission.objects.select_for_update().get(pk=held.pk)
    if held.status != WebSubmission.Status.PENDING:
        raise ValidationError(_("This request was already moderated."))
    photos = []
    for photo in held.photos():
        with photo.open("rb") as handle:
            data = handle.read()
        extension = "." + photo.name.rsplit(".", 1)[-1]
        photos.append(SimpleUploadedFile(f"photo{extension}", data))
    fiche = _create(WebRequest(**held.data), photos)
    _close(held, user, WebSubmission.Status.ACCEPTED, fiche)
    return fiche


@transaction.atomic
def reject(held: WebSubmission, user) -> None:
    """Spam or abuse: nothing of it is kept (text, contact, photos), only that it happened."""
    held = WebSubmission.objects.select_for_update().get(pk=held.pk)
    if held.status != WebSubmission.Status.PENDING:
        raise ValidationError(_("This request was already moderated."))
    held.data = {}
    _close(held, user, WebSubmission.Status.REJECTED, None)


def _close(held: WebSubmission, user, status: str, fiche: Fiche | None) -> None:
    for photo in held.photos():
        photo.delete(save=False)
    held.status, held.fiche, held.decided_by, held.decided_at = status, fiche, user, timezone.now()
    held.save()
