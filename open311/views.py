"""GeoReport v2 at /open311/v2/: thin views over ``selectors`` (reading) and ``services``
(filing). Every answer is XML or JSON by the path's suffix; errors in the spec's form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.parsing import parse_int
from fiches.models import Attachment, Fiche
from open311 import selectors
from open311.params import ParamError, many, parse_w3c
from open311.services import Problem, client_for_key, file_request, log_call, over_limit
from open311.spark import render

DEFAULT_DAYS = 90
PAGE_SIZE_MAX = 1000
PAGE_MAX = 10_000
FORMATS = ("xml", "json")


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    body, content_type = render(fmt, root, data)
    response = HttpResponse(body, content_type=content_type, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(fmt: str, problem: Problem) -> HttpResponse:
    errors = [{"code": code, "description": description} for code, description in problem.errors]
    return respond(fmt, "errors", errors, status=problem.status)


def api(method: str, *allowed: str) -> Callable:
    """Answer errors in the spec's form, check the jurisdiction, the key (POST) and its rate,
    and log the call (key, method, status; never the body)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return error_response("xml", Problem.one(404, _("Unknown format: use .xml or .json.")))
            params = merged(request)
            key = params.get("api_key", "").strip()
            client = client_for_key(key)
            try:
                if request.method not in allowed:
                    raise Problem.one(405, _("Method not allowed."))
                if request.method == "POST" and client is None:
                    raise Problem.one(403, _("api_key missing, unknown or revoked."))
                if client is not None and over_limit(client):
                    raise Problem.one(429, _("Too many requests with this api_key: try again in a minute."))
                given = params.get("jurisdiction_id", "").strip()
                if given and given != selectors.jurisdiction():
                    raise Problem.one(404, _("jurisdiction_id %(id)s not found.") % {"id": given[:50]})
                response = view(request, params, *args, fmt=fmt, client=client, **kwargs)
            except Problem as problem:
                response = error_response(fmt, problem)
            if request.method == "POST" or client is not None:
                name = "post_request" if request.method == "POST" else method
                log_call(client, name, request.method or "", response.status_code)
            if response.status_code == 405:
                response["Allow"] = ", ".join(allowed)
            return response

        return csrf_exempt(wrapper)

    return decorate


def merged(request: HttpRequest) -> QueryDict:
    """Query string and body together, the body winning (clients put api_key in either)."""
    params = request.GET.copy()
    for key in request.POST:
        params.setlist(key, request.POST.getlist(key))
    return params


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        return error_response("xml", Problem.one(404, _("Unknown format: use .xml or .json.")))
    changed = selectors.changeset() or timezone.now()
    data = {
        "changeset": changed,
        "contact": getattr(settings, "OPEN311_CONTACT", _("Allô Mairie, City of Marseille: 3013")),
        "key_service": getattr(
            settings, "OPEN311_KEY_SERVICE", _("Ask the Allô Mairie administrators for an API key.")
        ),
        "endpoints": [
            {
                "specification": selectors.SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": changed,
                "type": "test" if settings.DEBUG else "production",
                "formats": selectors.FORMATS,
            }
        ],
    }
    return respond(fmt, "discovery", data)


@api("services", "GET")
def services(request: HttpRequest, params: QueryDict, *, fmt: str, client) -> HttpResponse:
    return respond(fmt, "services", [selectors.service_row(v) for v in selectors.public_versions()])


@api("service_definition", "GET")
def service_definition(
    request: HttpRequest, params: QueryDict, code: str, *, fmt: str, client
) -> HttpResponse:
    version = selectors.public_version(code)
    if version is None:
        raise Problem.one(404, _("service_code %(code)s not found.") % {"code": code[:50]})
    return respond(fmt, "service_definition", selectors.service_definition(version))


@api("token", "GET")
def token(request: HttpRequest, params: QueryDict, token: str, *, fmt: str, client) -> HttpResponse:
    raise Problem.one(404, _("Token not found: every service answers a service_request_id at once."))


@api("requests", "GET", "POST")
def requests(request: HttpRequest, params: QueryDict, *, fmt: str, client) -> HttpResponse:
    if request.method == "POST":
        files = request.FILES.getlist("media") + request.FILES.getlist("media[]")
        fiche = file_request(client, params, files)
        notice = _("Reference %(reference)s. Expected within %(deadline)s.") % {
            "reference": fiche.reference,
            "deadline": fiche.request_type.deadline_display,
        }
        rows = [{"service_request_id": fiche.reference, "service_notice": notice, "account_id": None}]
        return respond(fmt, "service_requests", rows)
    try:
        fiches, next_page = _search(params)
    except ParamError as exc:
        raise Problem.one(400, str(exc)) from None
    response = respond(fmt, "service_requests", selectors.request_rows(fiches, _media_url(request)))
    if next_page:
        query = params.copy()
        query.pop("api_key", None)
        query["page"] = str(next_page)
        response["X-Next-Page-URL"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return response


def _search(params: QueryDict) -> tuple[list[Fiche], int | None]:
    fiches = selectors.public_fiches()
    ids = many(params, "service_request_id")
    page_size = _bounded(params, "page_size", PAGE_SIZE_MAX) or _bounded(
        params, "max_requests", PAGE_SIZE_MAX
    )
    page_size = page_size or PAGE_SIZE_MAX
    page = _bounded(params, "page", PAGE_MAX) or 1
    if ids:
        fiches = fiches.filter(reference__in=[i.upper() for i in ids[:PAGE_SIZE_MAX]])
    else:
        codes = many(params, "service_code")
        if codes:
            fiches = fiches.filter(request_type__request_type__code__in=codes[:200])
        statuses = many(params, "status")
        unknown = set(statuses) - {"open", "closed"}
        if unknown:
            raise ParamError(_("status: open or closed, not %(value)s.") % {"value": sorted(unknown)[0][:20]})
        if statuses:
            fiches = fiches.filter(selectors.status_filter(statuses))
        start, end = _moment(params, "start_date"), _moment(params, "end_date")
        if start is None and end is None:
            start = timezone.now() - timedelta(days=DEFAULT_DAYS)
        if start is not None:
            fiches = fiches.filter(created_at__gte=start)
        if end is not None:
            fiches = fiches.filter(created_at__lte=end)
        after, before = _moment(params, "updated_after"), _moment(params, "updated_before")
        if after is not None:
            fiches = fiches.filter(updated_at__gte=after)
        if before is not None:
            fiches = fiches.filter(updated_at__lte=before)
    offset = (page - 1) * page_size
    rows = list(
        selectors.with_request_columns(fiches).order_by("-created_at", "-id")[offset : offset + page_size + 1]
    )
    next_page = page + 1 if len(rows) > page_size and page < PAGE_MAX else None
    return rows[:page_size], next_page


def _bounded(params: QueryDict, name: str, maximum: int) -> int | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    value = parse_int(text, minimum=1, maximum=maximum)
    if value is None:
        raise ParamError(_("%(name)s: a whole number from 1 to %(max)s.") % {"name": name, "max": maximum})
    return value


def _moment(params: QueryDict, name: str) -> datetime | None:
    text = params.get(name, "").strip()
    return parse_w3c(name, text) if text else None


@api("request", "GET")
def request_detail(
    request: HttpRequest, params: QueryDict, request_id: str, *, fmt: str, client
) -> HttpResponse:
    fiches = selectors.with_request_columns(selectors.public_fiches().filter(reference=request_id.upper()))
    fiche = fiches.first()
    if fiche is None:
        raise Problem.one(404, _("service_request_id %(id)s not found.") % {"id": request_id[:50]})
    return respond(fmt, "service_requests", [selectors.request_row(fiche, _media_url(request))])


def _media_url(request: HttpRequest) -> Callable[[Fiche, int], str]:
    def url(fiche: Fiche, attachment_id: int) -> str:
        return request.build_absolute_uri(reverse("open311:media", args=[fiche.reference, attachment_id]))

    return url


def media(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A photo of a fiche whose photos are public (publishable type, checked fiche)."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("fiche__request_type"),
        pk=pk,
        fiche__reference=reference,
        fiche__request_type__public_channel=True,
        fiche__request_type__publishable=True,
        fiche__publishable=True,
        content_type__in=selectors.PUBLIC_IMAGE_TYPES,
    )
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="{attachment.pk}{attachment.file.name[-4:]}"'
    return response
