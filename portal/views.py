"""The public tracking page and satisfaction survey (no login), and the supervisors'
satisfaction figures."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from fiches.models import Fiche
from organisations.access import scope_for
from portal import links, ratelimit, selectors
from portal.forms import SurveyForm, TrackForm
from portal.services import AlreadyAnswered, record_answer


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: behind a reverse proxy, configure it to set REMOTE_ADDR (see docs).
    return request.META.get("REMOTE_ADDR", "")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, reference: str = "") -> HttpResponse:
    """Only failed look-ups count: per address (a scan of references or contacts from one place)
    and per reference + contact pair (the same guess replayed from many places). Nothing counts
    per reference alone, so strangers' wrong guesses never lock out the citizen's right contact."""
    form = TrackForm(request.POST or None, initial={"reference": reference})
    failed = limited = False
    if request.method == "POST":
        ip = _client_ip(request)
        if ratelimit.exceeded("ip", ip, limit=settings.PORTAL_RATE_FAILURES_PER_IP):
            limited = True
        elif form.is_valid():
            ref = selectors.normalise_reference(form.cleaned_data["reference"])
            pair = f"{ref} {selectors.contact_key(form.cleaned_data['contact'])}"
            if ratelimit.exceeded("pair", pair, limit=settings.PORTAL_RATE_FAILURES_PER_PAIR):
                limited = True
            else:
                fiche = selectors.find_for_citizen(ref, form.cleaned_data["contact"])
                if fiche is not None:
                    return redirect("portal:status", token=links.track_token(fiche.pk))
                ratelimit.record("ip", ip, window=settings.PORTAL_RATE_WINDOW)
                ratelimit.record("pair", pair, window=settings.PORTAL_RATE_WINDOW)
                failed = True
    status = 429 if limited else 200
    return render(
        request, "portal/track.html", {"form": form, "failed": failed, "limited": limited}, status=status
    )


@never_cache
def status(request: HttpRequest, token: str) -> HttpResponse:
    pk = links.read_token(token, salt=links.TRACK_SALT, max_age=links.TRACK_MAX_AGE)
    fiche = Fiche.objects.filter(pk=pk).first() if pk else None
    if fiche is None:
        return render(request, "portal/link_invalid.html", status=404)
    view = selectors.citizen_view(fiche)
    survey_url = ""
    if view.survey_open:
        survey_url = links.survey_signed_url(fiche.pk).removeprefix(settings.SITE_URL.rstrip("/"))
    return render(request, "portal/status.html", {"v": view, "survey_url": survey_url})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    pk = links.read_token(token, salt=links.SURVEY_SALT, max_age=links.SURVEY_MAX_AGE)
    fiche = Fiche.objects.filter(pk=pk).first() if pk else None
    if fiche is None:
        return render(request, "portal/link_invalid.html", status=404)
    context = {"reference": fiche.reference, "track_token": links.track_token(fiche.pk)}
    if fiche.status not in selectors.SURVEY_STATUSES:
        return render(request, "portal/survey_closed.html", {**context, "not_yet": True})
    if selectors.hasattr_answer(fiche):
        return render(request, "portal/survey_closed.html", {**context, "already": True})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_answer(fiche, int(form.cleaned_data["score"]), form.cleaned_data["comment"])
        except AlreadyAnswered:
            return render(request, "portal/survey_closed.html", {**context, "already": True})
        return render(request, "portal/survey_closed.html", {**context, "thanks": True})
    return render(request, "portal/survey.html", {**context, "form": form})


@login_required
def satisfaction(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_supervisor or scope.sees_all_service_figures):
        raise PermissionDenied
    tables = [
        ("type", _("By request type"), selectors.satisfaction_by("type")),
        ("directorate", _("By directorate"), selectors.satisfaction_by("directorate")),
        ("body", _("By body"), selectors.satisfaction_by("body")),
    ]
    return render(request, "portal/satisfaction.html", {"tables": tables})
