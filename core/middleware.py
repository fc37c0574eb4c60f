"""Refusing, in one place, input no page can use."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RejectNulMiddleware:
    """Answers 400 to a NUL character (raw or %00) in the path, the query string or a posted
    form field. No text of the application contains one, and PostgreSQL refuses it in any
    string, so every view given one would fail with a server error. Uploaded files are not
    read here: their content is binary. A form body over DATA_UPLOAD_MAX_MEMORY_SIZE is a
    400 here too (Django's RequestDataTooBig)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or _has_nul(request.GET):
            raise BadRequest("NUL character in the URL")
        if request.method == "POST" and _has_nul(request.POST):
            raise BadRequest("NUL character in a form field")
        return self.get_response(request)
