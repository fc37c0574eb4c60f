"""Live telephony pages: the agent's screen pop, the supervisor's wallboard, the generic entry."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cti import services
from cti.events import check_signature, from_generic
from organisations.access import scope_for
from telephony.views import statistics_access

# htmx stops polling on this status: the user has no telephone station.
STOP_POLLING = 286


@require_GET
@login_required
def pop(request: HttpRequest) -> HttpResponse:
    """The agent's banner, polled every second; 204 when nothing changed since ``shown``."""
    if not scope_for(request.user).is_call_centre:
        return HttpResponse(status=STOP_POLLING)
    from cti.models import Station

    if not Station.objects.filter(user=request.user).exists():
        return HttpResponse(status=STOP_POLLING)
    current = services.current_pop(request.user)
    key = current.call.callid if current else ""
    if request.GET.get("shown", "")[:80] == key:
        return HttpResponse(status=204)
    return render(request, "cti/_pop.html", {"pop": current, "shown": key})


@require_POST
@login_required
def dismiss(request: HttpRequest) -> HttpResponse:
    services.dismiss_pop(request.user, request.POST.get("callid", "")[:80])
    if request.htmx:
        return render(request, "cti/_pop.html", {"pop": None, "shown": ""})
    return redirect("fiches:intake")


@statistics_access(supervisors_only=True)
def wallboard(request: HttpRequest) -> HttpResponse:
    large = request.GET.get("grand") == "1"
    context = {"board": services.wallboard(), "large": large, "now": timezone.now()}
    if request.htmx:
        return render(request, "cti/_wallboard.html", context)
    return render(request, "cti/wallboard.html", context)


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"error": detail}, status=status)


@csrf_exempt
@require_POST
def notify(request: HttpRequest) -> HttpResponse:
    """The generic entry for switches other than Asterisk: signed JSON notices.

    Headers ``X-CTI-Timestamp`` (Unix seconds) and ``X-CTI-Signature``
    (``sha256=`` + HMAC-SHA256 of ``timestamp.body`` with CTI_HTTP_SECRET). A notice is taken
    once: the same signature again within the replay window is refused.
    """
    stamp = request.headers.get("X-CTI-Timestamp", "")
    given = request.headers.get("X-CTI-Signature", "")
    try:
        body = request.body
    except RawPostDataException:  # a form upload, already read: not a JSON notice
        return _problem(400, "the body must be a JSON object")
    refused = check_signature(
        settings.CTI_HTTP_SECRET, stamp, body, given, time.time(), settings.CTI_REPLAY_WINDOW
    )
    if refused:
        return _problem(403, refused)
    if not cache.add(f"cti-notice:{given}", 1, settings.CTI_REPLAY_WINDOW * 2):
        return _problem(409, "notice already received")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _problem(400, "the body is not JSON")
    if not isinstance(data, dict):
        return _problem(400, "the body must be a JSON object")
    events = from_generic(data, timezone.now())
    if not events:
        return _problem(400, "unknown event or missing callId")
    for event in events:
        services.apply(event)
    return JsonResponse({"status": "ok"}, status=202)
