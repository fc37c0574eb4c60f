"""Request-wide rules that no single view should have to remember."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]


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
    request), so nobody logs in again during a shift and an idle session still ends overnight."""

    KEY = "_renewed_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.status_code < 500:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_RENEW_AFTER:
                request.session[self.KEY] = now
        return response
