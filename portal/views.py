"""The public tracking page and satisfaction survey (no login), and the supervisors'
satisfaction figures."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import day_start
from core.parsing import parse_id
from fiches.models import Fiche
from organisations.access import scope_for
from places import selectors as places
from portal import links, ratelimit, selectors, submissions
from portal.forms import ReportForm, SatisfactionPeriodForm, SurveyForm, TrackForm
from portal.models import WebSubmission
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
    form = SatisfactionPeriodForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    chosen = form.cleaned_data if form.is_bound and valid else {}
    today = timezone.localdate()
    since, until = selectors.satisfaction_period(chosen.get("since"), chosen.get("until"), today)
    period = {"since": day_start(since), "until": day_start(until + timedelta(days=1))}
    tables = [
        ("type", _("By request type"), selectors.satisfaction_by("type", **period)),
        ("directorate", _("By directorate"), selectors.satisfaction_by("directorate", **period)),
        ("body", _("By body"), selectors.satisfaction_by("body", **period)),
    ]
    return render(
        request,
        "portal/satisfaction.html",
        {"tables": tables, "form": form, "since": since, "until": until},
        status=200 if valid else 400,
    )


def _contact_key(email: str, phone: str) -> str:
    return selectors.contact_key(email or phone)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The citizens' online form: no account; rate-limited per address and per contact."""
    versions = submissions.public_types()
    form = ReportForm(
        request.POST or None, request.FILES or None, type_choices=submissions.type_choices(versions)
    )
    limited = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ip = _client_ip(request)
        contact = _contact_key(data["email"], data["phone"])
        window = settings.PORTAL_SUBMISSION_WINDOW
        if ratelimit.exceeded(
            "submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP
        ) or ratelimit.exceeded("submit-contact", contact, limit=settings.PORTAL_SUBMISSIONS_PER_CONTACT):
            limited = True
        elif data["website"]:  # the hidden field: a robot. It is told nothing else.
            return redirect("report:received")
        else:
            try:
                photos = submissions.clean_photos(data["photos"])
                outcome = submissions.submit(submissions.WebRequest.from_form(data, photos))
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                ratelimit.record("submit-ip", ip, window=window)
                ratelimit.record("submit-contact", contact, window=window)
                if isinstance(outcome, Fiche):
                    return redirect("report:done", token=links.track_token(outcome.pk))
                return redirect("report:received")
    return render(
        request,
        "portal/report.html",
        {"form": form, "limited": limited},
        status=429 if limited else 200,
    )


@require_GET
def report_addresses(request: HttpRequest) -> HttpResponse:
    """The online form's address type-ahead: public (addresses are public data, the BAN), only
    the reference's addresses, and rate-limited per address (every search counts)."""
    ip = _client_ip(request)
    if ratelimit.exceeded("address-ip", ip, limit=settings.PORTAL_ADDRESS_SEARCHES_PER_IP):
        return HttpResponse(status=429)
    ratelimit.record("address-ip", ip, window=settings.PORTAL_ADDRESS_SEARCH_WINDOW)
    query = request.GET.get("address_query", "")[:200]
    return render(request, "places/_options.html", {"hits": places.search(query, 8), "query": query})


@never_cache
def report_done(request: HttpRequest, token: str) -> HttpResponse:
    pk = links.read_token(token, salt=links.TRACK_SALT, max_age=24 * 3600)
    fiche = Fiche.objects.select_related("request_type").filter(pk=pk, channel="web").first() if pk else None
    if fiche is None:
        return render(request, "portal/link_invalid.html", status=404)
    return render(request, "portal/report_done.html", {"fiche": fiche, "token": token})


def report_received(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/report_received.html")


MODERATION_PAGE = 50  # held requests shown at once, the oldest first


@login_required
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    """The call centre's look at online requests held as possible spam or abuse."""
    if not scope_for(request.user).is_call_centre:
        raise PermissionDenied
    if request.method == "POST":
        held = WebSubmission.objects.filter(pk=parse_id(request.POST.get("submission", ""))).first()
        if held is None:
            raise Http404
        try:
            if request.POST.get("decision") == "accept":
                fiche = submissions.accept(held, request.user)
                messages.success(
                    request, _("Fiche %(ref)s created from the online request.") % {"ref": fiche.reference}
                )
            elif request.POST.get("decision") == "reject":
                submissions.reject(held, request.user)
                messages.success(request, _("The online request was rejected and its content deleted."))
            else:
                return HttpResponseBadRequest()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("report:moderation")
    waiting = WebSubmission.objects.filter(status=WebSubmission.Status.PENDING)
    pending = list(waiting.order_by("created_at")[:MODERATION_PAGE])
    # the oldest first, each decided in turn: past a page, how many more wait is said
    count = len(pending) if len(pending) < MODERATION_PAGE else waiting.count()
    return render(request, "portal/moderation.html", {"pending": pending, "waiting": count})
