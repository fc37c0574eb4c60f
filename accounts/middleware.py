"""The second-factor gate: a session whose user needs a second factor reaches only the
verification and enrolment pages (and logging out) until it has given one."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlparse

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from accounts.policy import REQUIRED_KEY, is_verified, needs_second_factor

OPEN_URL_NAMES = ("accounts:verify", "accounts:enrol", "logout", "login")
STOP_POLLING = 286  # htmx stops polling an element on this status


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session and not is_verified(request):
            if REQUIRED_KEY not in session:  # a session opened before the gate existed
                session[REQUIRED_KEY] = request.user.is_authenticated and needs_second_factor(request.user)
            if session[REQUIRED_KEY] and request.path not in {reverse(n) for n in OPEN_URL_NAMES}:
                return self._redirect(request)
        return self.get_response(request)

    @staticmethod
    def _redirect(request: HttpRequest) -> HttpResponse:
        target = "accounts:verify" if user_has_device(request.user, confirmed=True) else "accounts:enrol"
        url = reverse(target)
        if request.headers.get("HX-Request"):  # a fragment: htmx loads the whole page instead
            current = urlparse(request.headers.get("HX-Current-URL", "")).path
            if current in {reverse(name) for name in OPEN_URL_NAMES}:
                # a poll from the verification page itself (the agents' screen pop): stop it,
                # rather than reload the page for ever
                return HttpResponse(status=STOP_POLLING)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)
