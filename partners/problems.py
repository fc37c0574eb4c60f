"""Every API error as RFC 7807 ``application/problem+json``: ``type`` (a stable URN naming
the problem), ``title``, ``status``, ``detail`` and, for invalid input, ``errors`` per field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from fiches.services import ConcurrentUpdate

PROBLEM_CONTENT_TYPE = "application/problem+json"


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency-key-reused"


SLUGS = {
    400: "invalid-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "stale-version",
    413: "too-large",
    415: "unsupported-media-type",
    422: "idempotency-key-reused",
    429: "too-many-requests",
}


def problem(
    status_code: int, detail: str, *, slug: str | None = None, errors: dict | None = None, headers=None
):
    body = {
        "type": f"urn:allo-mairie:problem:{slug or SLUGS.get(status_code, 'error')}",
        "title": titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def titles() -> dict[int, str]:
    """Translated at call time, in the request's language."""
    return {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        422: _("Idempotency key reused"),
        429: _("Too many requests"),
    }


def _messages(detail) -> dict | list | str:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, dict | list) else _messages(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER for the partner API (partners.views.ApiView)."""
    if isinstance(exc, ConcurrentUpdate):
        return problem(409, str(exc), slug="stale-version")
    if isinstance(exc, Http404):
        return problem(404, _("No such fiche, or not yours."))
    if isinstance(exc, DjangoPermissionDenied):
        return problem(403, str(exc) or _("You may not do this."))
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return problem(400, _("The request is not valid."), errors=errors)
    if isinstance(exc, exceptions.ValidationError):
        errors = _messages(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        return problem(400, _("The request is not valid."), errors=errors)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        return problem(exc.status_code, str(exc.detail), headers=headers)
    return None
