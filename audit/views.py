"""The access log page, for administrators. Reading it is itself an access, logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.forms import AccessFilterForm
from audit.models import AccessKind
from audit.services import AccessFilter, access_page, log_access
from core.parsing import parse_id, parse_moment
from organisations.access import scope_for
from organisations.models import Role


def may_read_access_log(user) -> bool:
    return user.is_superuser or scope_for(user).has(Role.ADMINISTRATOR)


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    if not may_read_access_log(request.user):
        raise PermissionDenied
    form = AccessFilterForm(request.GET or None)
    search = AccessFilter(**form.cleaned_data) if form.is_bound and form.is_valid() else AccessFilter()
    at, pk = parse_moment(request.GET.get("avant")), parse_id(request.GET.get("id"))
    rows, last = access_page(search, (at, pk) if at and pk else None)
    log_access(request.user, AccessKind.ACCESS_LOG, None, request.path, search=search.describe())
    query = request.GET.copy()
    query.pop("avant", None)
    query.pop("id", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "rows": rows, "last": last, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
