"""Filing a request through Open311: the parameters of POST requests turned into a fiche
through the single door (``fiches.services.create_fiche``), channel "web"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.parsing import parse_float
from fiches.models import Channel, Fiche, Requester, digits_of
from fiches.services import FicheInput, create_fiche, save_requester
from open311.models import ApiClient, ApiRequestLog, Submission, hash_key
from open311.params import attributes, split_address
from open311.selectors import public_version

DESCRIPTION_MAX = 4000
MEDIA_URLS_MAX = 5
MEDIA_FILES_MAX = 3
URL_MAX = 500


@dataclass
class Problem(Exception):
    """One or several errors in the spec's form: HTTP status and (code, description) pairs."""

    status: int
    errors: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def one(cls, status: int, description: str) -> Problem:
        return cls(status, [(status, description)])


def client_for_key(key: str) -> ApiClient | None:
    """The active client holding this key, or None."""
    if not key:
        return None
    return (
        ApiClient.objects.select_related("account")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )


def over_limit(client: ApiClient) -> bool:
    """More calls in the last minute than the client may make."""
    since = timezone.now() - timedelta(minutes=1)
    return ApiRequestLog.objects.filter(client=client, at__gte=since).count() >= client.requests_per_minute


def log_call(client: ApiClient | None, method: str, http_method: str, status: int) -> None:
    ApiRequestLog.objects.create(client=client, method=method, http_method=http_method, status=status)


def _text(params: QueryDict, name: str, limit: int) -> str:
    value = params.get(name, "").strip()
    if len(value) > limit:
        raise Problem.one(400, _("%(name)s: at most %(max)s characters.") % {"name": name, "max": limit})
    return value


def _location(params: QueryDict) -> dict:
    lat_text, long_text = params.get("lat", "").strip(), params.get("long", "").strip()
    address_string = _text(params, "address_string", 250)
    if lat_text or long_text:
        latitude = parse_float(lat_text, minimum=-90, maximum=90)
        longitude = parse_float(long_text, minimum=-180, maximum=180)
        if latitude is None or longitude is None:
            raise Problem.one(400, _("lat and long: send both, as WGS84 decimal degrees."))
        location: dict = {"latitude": latitude, "longitude": longitude}
        if address_string:
            location.update(_address(address_string))
        return location
    if address_string:
        return _address(address_string)
    if params.get("address_id", "").strip():
        raise Problem.one(400, _("address_id is not supported yet: send lat and long, or address_string."))
    raise Problem.one(400, _("A location is required: lat and long, or address_string."))


def _address(text: str) -> dict:
    address = split_address(text)
    return {
        "street_number": address.street_number[:12],
        "street_name": address.street_name[:200],
        "postal_code": address.postal_code,
    }


def _answers(params: QueryDict, questions: list[dict]) -> tuple[dict[str, str], dict[str, list[str]]]:
    given = attributes(params)
    known = {q["key"] for q in questions}
    problems = []
    answers: dict[str, str] = {}
    for question in questions:
        values = given.get(question["key"], [])
        value = ", ".join(v.strip() for v in values)
        if len(value) > 1000:
            problems.append(
                (400, _("attribute[%(code)s]: at most 1000 characters.") % {"code": question["key"]})
            )
        elif question.get("required") and not value:
            problems.append((400, _("attribute[%(code)s] is required.") % {"code": question["key"]}))
        answers[question["key"]] = value
    if problems:
        raise Problem(400, problems)
    extra = {
        code: [v[:1000] for v in values[:20]]
        for code, values in list(given.items())[:30]
        if code not in known
    }
    return answers, extra


def _requester(params: QueryDict, anonymous_allowed: bool) -> Requester | None:
    last_name = _text(params, "last_name", 120)
    first_name = _text(params, "first_name", 120)
    email = _text(params, "email", 254)
    phone = _text(params, "phone", 30)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Problem.one(400, _("email: not a valid e-mail address.")) from None
    if phone and len(digits_of(phone)) < 10:
        raise Problem.one(400, _("phone: not a valid phone number."))
    if not (last_name or email or phone):
        if anonymous_allowed:
            return None
        raise Problem.one(400, _("last_name: this service needs the requester's name and a contact."))
    if not last_name:
        raise Problem.one(400, _("last_name: required with an e-mail address or a phone number."))
    channel = "email" if email else "sms" if digits_of(phone)[:2] in ("06", "07") else "phone"
    return save_requester(
        None,
        {
            "last_name": last_name,
            "first_name": first_name,
            "email": email,
            "phone": phone,
            "preferred_channel": channel,
        },
    )


def _media_urls(params: QueryDict) -> list[str]:
    urls = [u.strip() for u in params.getlist("media_url") if u.strip()]
    if len(urls) > MEDIA_URLS_MAX:
        raise Problem.one(400, _("media_url: at most %(max)s.") % {"max": MEDIA_URLS_MAX})
    check = URLValidator(schemes=["http", "https"])
    for url in urls:
        try:
            if len(url) > URL_MAX:
                raise ValidationError("too long")
            check(url)
        except ValidationError:
            raise Problem.one(400, _("media_url: not a valid http(s) address.")) from None
    return urls


@transaction.atomic
def file_request(client: ApiClient, params: QueryDict, files: list[UploadedFile]) -> Fiche:
    """Create the fiche a POST requests asks for, or raise ``Problem``."""
    code = params.get("service_code", "").strip()
    if not code:
        raise Problem.one(400, _("service_code is required."))
    version = public_version(code)
    if version is None:
        raise Problem.one(404, _("service_code %(code)s not found.") % {"code": code[:50]})
    description = params.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Problem.one(400, _("description: at most %(max)s characters.") % {"max": DESCRIPTION_MAX})
    if len(files) > MEDIA_FILES_MAX:
        raise Problem.one(400, _("media: at most %(max)s files.") % {"max": MEDIA_FILES_MAX})
    location = _location(params)
    answers, extra = _answers(params, version.questions)
    media_urls = _media_urls(params)
    requester = _requester(params, version.anonymous_allowed)
    data = FicheInput(
        request_type=version,
        channel=Channel.WEB,
        description=description,
        answers=answers,
        requester=requester,
        attachments=files,
        **location,
    )
    try:
        fiche = create_fiche(data, client.account)
    except ValidationError as exc:
        raise Problem(400, [(400, message) for message in exc.messages]) from None
    except PermissionDenied:
        raise Problem.one(403, _("This client's account may not file requests.")) from None
    Submission.objects.create(
        fiche=fiche,
        client=client,
        address_string=params.get("address_string", "").strip()[:250],
        media_urls=media_urls,
        extra_attributes=extra,
        device_id=params.get("device_id", "").strip()[:100],
        account_id=params.get("account_id", "").strip()[:100],
    )
    return fiche
