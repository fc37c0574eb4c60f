"""Request-wide rules that no single view should have to remember: input no page can use is
refused in one place, responses are never stored, staff sessions slide."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

NUL = "\x00"


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RejectNulMiddleware:
    """Answers 400 to a NUL character (raw or %00) in the path, the query string or a posted
    form field. No text of the application contains one, and PostgreSQL refuses it in any
    string, so every view given one would fail with a server error. Uploaded files are not
    read here: their content is binary. A form body over DATA_UPLOAD_MAX_MEMORY_SIZE is a
    400 here too (Django's RequestDataTooBig)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or _has_nul(request.GET):
            raise BadRequest("NUL character in the URL")
        if request.method == "POST" and _has_nul(request.POST):
            raise BadRequest("NUL character in a form field")
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page and file the application answers (fiches, attachments, letters, exports, the
    citizen's tracking page) may carry personal data: no browser or proxy keeps a copy. Static
    files are served before this (WhiteNoise) and stay cacheable. A view that sets its own
    Cache-Control keeps it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SlidingSessionMiddleware:
    """A staff session lasts SESSION_COOKIE_AGE (a working day) after the last activity: an
    active session is renewed at most every SESSION_RENEW_AFTER seconds (one write, not one per
    request), so nobody logs in again during a shift and an idle session still ends overnight.
    A session left idle SESSION_IDLE_TIMEOUT seconds ends at its next request (logged out,
    sent to the login page): the renewal time stands for the last activity, so the session ends
    between SESSION_IDLE_TIMEOUT - SESSION_RENEW_AFTER and SESSION_IDLE_TIMEOUT after it."""

    KEY = "_renewed_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        renewed = request.session.get(self.KEY)
        if renewed is not None and int(time.time()) - renewed > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(request, _("Your session ended after a period of inactivity: please log in again."))
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # only a session login (an API token's request has no session to renew, nor creates one)
        signed_in = user is not None and user.is_authenticated and request.session.session_key is not None
        if signed_in and response.status_code < 500:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_RENEW_AFTER:
                request.session[self.KEY] = now
        return response
