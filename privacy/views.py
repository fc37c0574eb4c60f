"""The citizens' rights pages (supervisors of the call centre) and the public notice."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import log_access
from core.parsing import parse_id
from fiches.models import Requester
from organisations.access import scope_for
from privacy import rights, rules
from privacy.forms import EraseForm, RectifyForm, SearchForm
from privacy.models import RightsRequest


def _check(request: HttpRequest) -> None:
    scope = scope_for(request.user)
    if not (scope.is_supervisor and scope.everything):
        raise PermissionDenied


def _ids(values: list[str]) -> list[int]:
    ids = {parse_id(v) for v in values[: rights.MAX_PEOPLE]}
    ids.discard(None)
    return sorted(Requester.objects.filter(pk__in=ids).values_list("pk", flat=True))


def _person_url(ids: list[int]) -> str:
    return reverse("privacy:person") + "?" + urlencode({"ids": ids}, doseq=True)


@require_GET
@login_required
def people(request: HttpRequest) -> HttpResponse:
    _check(request)
    form = SearchForm(request.GET or None)
    found = list(rights.find_people(form.cleaned_data["q"])) if form.is_valid() else None
    return render(request, "privacy/people.html", {"form": form, "found": found})


def _person_page(request: HttpRequest, ids: list[int], **extra) -> HttpResponse:
    people = list(Requester.objects.filter(pk__in=ids).order_by("pk"))
    for shown in people:
        log_access(request.user, "caller", shown, request.path)
    own, followed = rights.their_fiches(ids)
    context = {
        "people": people,
        "ids": ids,
        "own": list(own.select_related("body")),
        "followed": list(followed.select_related("body")),
        "refusals": rights.erasure_refusals(ids) if ids else [],
        "erase_form": EraseForm(),
        "rectify_form": RectifyForm(instance=people[0], initial={"person": people[0].pk})
        if len(people) == 1
        else None,
        "query": urlencode({"ids": ids}, doseq=True),
        **extra,
    }
    return render(request, "privacy/person.html", context, status=400 if extra.get("invalid") else 200)


@require_GET
@login_required
def person(request: HttpRequest) -> HttpResponse:
    _check(request)
    return _person_page(request, _ids(request.GET.getlist("ids")))


@require_GET
@login_required
def access_file(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(request)
    if fmt not in ("pdf", "json"):
        raise Http404
    ids = _ids(request.GET.getlist("ids"))
    if not ids:
        raise Http404
    data = rights.access_data(ids)
    rights.record(
        request.user, RightsRequest.Kind.ACCESS, ids, len(data["fiches"]), detail=fmt, page=request.path
    )
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
    else:
        response = HttpResponse(rights.access_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles.{fmt}"'
    return response


@require_POST
@login_required
def rectify(request: HttpRequest) -> HttpResponse:
    _check(request)
    ids = _ids([request.POST.get("person", "")])
    if not ids:
        raise Http404
    subject = Requester.objects.get(pk=ids[0])
    form = RectifyForm(request.POST, instance=subject)
    if not form.is_valid():
        return _person_page(request, ids, rectify_form=form, invalid=True)
    rights.rectify(
        subject, {k: v for k, v in form.cleaned_data.items() if k != "person"}, request.user, request.path
    )
    messages.success(request, _("The person's details are corrected."))
    return redirect(_person_url(ids))


@require_POST
@login_required
def erase(request: HttpRequest) -> HttpResponse:
    _check(request)
    ids = _ids(request.POST.getlist("ids"))
    if not ids:
        raise Http404
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _person_page(request, ids, erase_form=form, invalid=True)
    refusals = rights.erase(ids, request.user, request.path)
    if refusals:
        messages.error(request, _("Erasure refused: nothing was erased."))
        return redirect(_person_url(ids))
    messages.success(
        request, _("The person's data is erased; their fiches are kept anonymised for the statistics.")
    )
    return redirect("privacy:people")


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The information notice for citizens (linked from letters and the public pages)."""
    return render(
        request,
        "privacy/notice.html",
        {"rules": rules.all_rules(), "contact": settings.PRIVACY_CONTACT},
    )
