"""Follow-up pages: the cell's work queue, per-fiche work, re-routing, thread, board."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from callbacks.selectors import counts as callback_counts
from catalogue.models import RequestTypeVersion
from catalogue.selectors import search_types
from core.forms import error_messages
from core.parsing import MAX_SMALL, parse_id, parse_int
from core.urls import url_base
from fiches.models import OPEN_STATUSES, Fiche
from fiches.selectors import MAP_LIMIT, located_points, map_points, neighbours, visible_fiches
from fiches.services import ConcurrentUpdate, allowed_actions, transition
from fiches.views.detail import refused_status, render_fiche_page
from followup import selectors, services
from followup.forms import (
    BulkForm,
    HoldForm,
    MessageForm,
    NoteForm,
    QueueFilterForm,
    RerouteForm,
    ResolveForm,
    SavedViewForm,
    ScheduleForm,
)
from followup.models import SavedView
from organisations.access import scope_for
from organisations.models import Cell

FILTER_KEYS = ("status", "type", "due", "arrondissement", "reference", "cell")


def fiche_detail_url(reference: str) -> str:
    try:
        return reverse("fiches:detail", args=[reference])
    except NoReverseMatch:
        return reverse("followup:work", args=[reference])


def _visible_fiche(request: HttpRequest, reference: str) -> Fiche:
    return get_object_or_404(
        visible_fiches(request.user).select_related("request_type", "body", "directorate", "cell"),
        reference=reference,
    )


def _back(request: HttpRequest, default: str) -> str:
    """The page to go back to: a path of this site only (``redirect`` would take anything
    else for the name of a view)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- the cell's work queue -----------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not selectors.can_use_queue(request.user):
        raise PermissionDenied
    scope = scope_for(request.user)
    now = timezone.now()
    cells = list(Cell.objects.order_by("name")) if scope.everything else None
    raw_cell = request.GET.get("cell") if scope.everything else None
    cell_id = parse_id(raw_cell)
    base = selectors.queue_base(request.user, cell_id)
    form = QueueFilterForm(
        request.GET or None, types=selectors.queue_types(request.user, cell_id), cells=cells
    )
    filters = selectors.QueueFilters(cell_id=cell_id)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            status=data["status"],
            type_code=data["type"],
            due=data["due"],
            arrondissement=data["arrondissement"],
            reference=data["reference"],
            cell_id=cell_id,
        )
    filtered = selectors.apply_filters(base, filters, now)
    page = selectors.queue_page(filtered, request.GET.get("after"))
    # URLs built once for the page, not with {% url %} on each row.
    work_base = url_base("followup:work")
    back = quote(request.get_full_path(), safe="")
    for fiche in page.items:
        fiche.work_url = f"{work_base}{quote(fiche.reference)}/"
        fiche.ack_url = f"{fiche.work_url}?next={back}"
        fiche.late = bool(fiche.due_at and fiche.due_at < now)
    querystring = urlencode([(k, request.GET[k]) for k in FILTER_KEYS if request.GET.get(k)])
    next_url = f"?{querystring}&after={page.next_cursor}" if page.next_cursor else None
    on_map = request.GET.get("vue") == "carte"
    return render(
        request,
        "followup/queue.html",
        {
            "on_map": on_map,
            "points": located_points(filtered, work_base) if on_map else [],
            "map_limit": MAP_LIMIT,
            "form": form,
            "page": page,
            "counters": selectors.queue_counters(base, now),
            "now": now,
            "querystring": querystring,
            "next_url": next_url,
            "saved_views": SavedView.objects.filter(user=request.user),
            "bulk_form": BulkForm(),
            "view_form": SavedViewForm(),
            "needs_cell": scope.everything and not cell_id,
            "counter_links": {
                "new": "?"
                + urlencode({"status": "unacknowledged", **({"cell": cell_id} if cell_id else {})}),
                "due_today": "?" + urlencode({"due": "today", **({"cell": cell_id} if cell_id else {})}),
                "overdue": "?" + urlencode({"due": "overdue", **({"cell": cell_id} if cell_id else {})}),
                "waiting": "?" + urlencode({"status": "waiting", **({"cell": cell_id} if cell_id else {})}),
            },
        },
    )


@login_required
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    if not selectors.can_use_queue(request.user):
        raise PermissionDenied
    back = _back(request, reverse("followup:queue"))
    ids = [pk for pk in map(parse_id, request.POST.getlist("fiche")) if pk]
    form = BulkForm(request.POST)
    if not ids:
        messages.warning(request, _("Select at least one fiche."))
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    user = request.user

    def seen(fiche: Fiche) -> int | None:
        """The version of the fiche shown in the queue when the user ticked it."""
        return _version(request, f"version-{fiche.pk}")

    if data["action"] == "acknowledge":

        def operation(fiche):
            return transition(fiche, "acknowledge", user, expected_version=seen(fiche))
    elif data["action"] == "resolve":

        def operation(fiche):
            return services.resolve(fiche, user, data["outcome"], data["text"], expected_version=seen(fiche))
    else:

        def operation(fiche):
            return services.schedule_intervention(
                fiche, user, data["planned_for"], expected_version=seen(fiche)
            )

    report = services.bulk_apply(user, ids, operation)
    if report.done:
        messages.success(
            request,
            _("Done for %(count)s fiche(s): %(refs)s.")
            % {"count": len(report.done), "refs": ", ".join(report.done)},
        )
    for reference, reason in report.refused:
        messages.error(request, _("%(ref)s not done: %(reason)s") % {"ref": reference, "reason": reason})
    if report.missing:
        messages.error(
            request,
            ngettext(
                "%(count)s selected fiche is not in your scope and was left untouched.",
                "%(count)s selected fiches are not in your scope and were left untouched.",
                report.missing,
            )
            % {"count": report.missing},
        )
    return redirect(back)


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    querystring = request.POST.get("querystring", "")
    if form.is_valid():
        services.save_view(request.user, form.cleaned_data["name"], querystring)
        messages.success(request, _("View saved."))
    elif form.has_error("name", "required"):
        messages.error(request, _("Give the view a name."))
    else:
        for error in error_messages(form):
            messages.error(request, error)
    return redirect(reverse("followup:queue") + (f"?{querystring}" if querystring else ""))


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    SavedView.objects.filter(user=request.user, pk=pk).delete()
    messages.success(request, _("View deleted."))
    return redirect("followup:queue")


# --- one fiche -------------------------------------------------------------------------


WORK_FORMS = {
    "schedule": ScheduleForm,
    "note": NoteForm,
    "hold": HoldForm,
    "resolve": ResolveForm,
}


@login_required
def work(request: HttpRequest, reference: str) -> HttpResponse:
    """The cell's actions on one fiche: acknowledge, schedule, note, hold, resolve."""
    fiche = _visible_fiche(request, reference)
    actions = {a.name for a in allowed_actions(fiche, request.user)}
    forms = {name: form_class(prefix=name) for name, form_class in WORK_FORMS.items()}
    status = 200
    if request.method == "POST":
        action = request.POST.get("do", "")
        try:
            if action in ("acknowledge", "start"):
                # from this page's form, or from a row's button in the queue's bulk form
                field = "expected_version" if "expected_version" in request.POST else f"version-{fiche.pk}"
                transition(fiche, action, request.user, expected_version=_version(request, field))
            elif action in WORK_FORMS:
                form = WORK_FORMS[action](request.POST, prefix=action)
                forms[action] = form
                if not form.is_valid():
                    raise ValidationError(_("Check the form."))
                _apply(action, fiche, request, form.cleaned_data)
            else:
                raise ValidationError(_("Unknown action."))
        except (PermissionDenied, ValidationError, ConcurrentUpdate) as exc:
            status = refused_status(exc)
            messages.error(request, services.error_text(exc))
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") and action in forms:
                for field, errors in exc.message_dict.items():
                    forms[action].add_error(field if field in forms[action].fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect(_back(request, reverse("followup:work", args=[fiche.reference])))
    nearby = neighbours(fiche, request.user)
    return render(
        request,
        "followup/work.html",
        {
            "fiche": fiche,
            "now": timezone.now(),
            "actions": actions,
            "forms": forms,
            "detail_url": fiche_detail_url(fiche.reference),
            "interventions": fiche.interventions.all()[:5],
            "holds": fiche.holds.all()[:5],
            "neighbours": nearby,
            "neighbour_points": map_points(nearby),
        },
        status=status,
    )


def _version(request: HttpRequest, field: str = "expected_version") -> int | None:
    """The fiche's version the page was shown with; None when the form sent none (nothing to
    compare). A garbled value is refused: ignoring it would let a stale page overwrite what
    someone else changed meanwhile."""
    value = request.POST.get(field)
    if value is None or not value.strip():
        return None
    version = parse_int(value, maximum=MAX_SMALL)
    if version is None:
        raise ValidationError(_("The page sent a fiche version that is not valid: reload the page."))
    return version


def _apply(action: str, fiche: Fiche, request: HttpRequest, data: dict) -> None:
    user = request.user
    if action == "schedule":
        services.schedule_intervention(fiche, user, data["planned_for"], expected_version=_version(request))
    elif action == "note":
        from fiches.services import add_note

        add_note(fiche, user, data["text"], public=data["public"], expected_version=_version(request))
    elif action == "hold":
        services.put_on_hold(
            fiche, user, data["reason"], data["expected_on"], expected_version=_version(request)
        )
    elif action == "resolve":
        services.resolve(fiche, user, data["outcome"], data["text"], expected_version=_version(request))


@login_required
@require_POST
def thread_post(request: HttpRequest, reference: str) -> HttpResponse:
    fiche = _visible_fiche(request, reference)
    form = MessageForm(request.POST)
    error = ""
    denied = False
    if form.is_valid():
        try:
            services.post_message(fiche, request.user, form.cleaned_data["body"])
        except (PermissionDenied, ValidationError) as exc:
            error = services.error_text(exc)
            denied = isinstance(exc, PermissionDenied)
    elif form.has_error("body", "required"):
        error = _("The message is empty.")
    else:
        error = " ".join(error_messages(form))
    # refused, the message typed comes back in its box
    typed = error and form.data.get("body", "")
    if request.htmx:
        # htmx swaps 2xx answers only (its default responseHandling, which base.html keeps), so a
        # refusal answers 200 with its error in the box htmx puts in place of the thread's, as a
        # refused message always did; someone no longer allowed gets the error alone, without
        # the thread they may no longer read. Without htmx, the fiche page answers 400 or 403.
        return render(
            request,
            "followup/_fiche_thread.html",
            {"fiche": fiche, "thread_error": error, "thread_body": typed, "thread_denied": denied},
        )
    back = _back(request, fiche_detail_url(fiche.reference))
    if not error:
        return redirect(back + "#thread")
    # without JavaScript, the fiche page again; its thread's form goes back where it came from.
    # Someone no longer allowed has no thread on it: the error is the page's.
    return render_fiche_page(
        request,
        fiche.reference,
        error=error if denied else None,
        extra={"thread_error": error, "thread_body": typed, "thread_next": back},
        status=403 if denied else 400,
    )


# --- re-routing ------------------------------------------------------------------------


@login_required
def reroute_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_reroute(request.user):
        raise PermissionDenied
    page = selectors.reroute_page(request.user, request.GET.get("after"))
    return render(
        request,
        "followup/reroute_list.html",
        {
            "page": page,
            "waiting": selectors.reroute_queue(request.user).count(),
            "next_url": f"?after={page.next_cursor}" if page.next_cursor else None,
            "misrouting": selectors.misrouting_stats(request.user),
        },
    )


def type_choices(query: str):
    """Request types in force, those the search finds if searched (catalogue.selectors'
    search_types, as at intake), in the families' order for the select."""
    versions = RequestTypeVersion.objects.in_force().select_related(
        "request_type__family", "body", "directorate"
    )
    if query:
        versions = versions.filter(pk__in=[version.pk for version in search_types(query)])
    return versions.order_by(
        "request_type__family__order", "request_type__family__label", "request_type__code"
    )


@login_required
def reroute_fiche(request: HttpRequest, reference: str) -> HttpResponse:
    if not selectors.can_reroute(request.user):
        raise PermissionDenied
    fiche = _visible_fiche(request, reference)
    query = request.GET.get("q", "").strip()
    versions = type_choices(query)
    form = RerouteForm(request.POST or None, queryset=type_choices(""))
    status = 400 if form.is_bound and not form.is_valid() else 200
    if status == 200 and form.is_bound:
        try:
            transition(
                fiche,
                "reroute",
                request.user,
                comment=form.cleaned_data["comment"],
                new_type=form.cleaned_data["new_type"],
                expected_version=_version(request),
            )
        except (PermissionDenied, ValidationError, ConcurrentUpdate) as exc:
            status = refused_status(exc)
            messages.error(request, services.error_text(exc))
        else:
            messages.success(
                request,
                _("%(ref)s re-routed to %(cell)s.") % {"ref": fiche.reference, "cell": fiche.cell.name},
            )
            return redirect("followup:reroute_list")
    groups = [
        (family, list(items))
        for family, items in groupby(list(versions), key=lambda v: v.request_type.family.label)
    ]
    last = fiche.events.filter(action="send_back").order_by("-at", "-id").first()
    return render(
        request,
        "followup/reroute_form.html",
        {
            "fiche": fiche,
            "form": form,
            "groups": groups,
            "query": query,
            "send_back": last,
            "detail_url": fiche_detail_url(fiche.reference),
        },
        status=status,
    )


# --- board -----------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_board(request.user):
        raise PermissionDenied
    data = selectors.board(request.user)
    chart = {
        "labels": [w["week"].strftime("%d/%m") for w in data["trend"]],
        "created": [w["created"] for w in data["trend"]],
        "resolved": [w["resolved"] for w in data["trend"]],
        "created_label": pgettext("fiches per week", "Received"),
        "resolved_label": pgettext("fiches per week", "Resolved"),
    }
    age_links = _age_links(data["now"])
    ageing = [
        (label, data["totals"][key], age_links[key])
        for key, label in (
            ("d0_2", _("Less than 2 days")),
            ("d2_7", _("2 to 7 days")),
            ("d7_30", _("7 to 30 days")),
            ("d30", _("More than 30 days")),
        )
    ]
    return render(
        request,
        "followup/board.html",
        {
            **data,
            "chart": chart,
            "ageing": ageing,
            "list_url": _list_url(),
            "open_qs": urlencode([("status", s) for s in sorted(OPEN_STATUSES)]),
            "unack_qs": urlencode([("status", s) for s in selectors.UNACKNOWLEDGED]),
            "can_reroute": selectors.can_reroute(request.user),
            "figures_only": selectors.board_figures_only(request.user),
            "callbacks": callback_counts(request.user) if scope_for(request.user).is_call_centre else None,
        },
    )


def _list_url() -> str:
    try:
        return reverse("fiches:list")
    except NoReverseMatch as exc:  # pragma: no cover - the fiche list always exists
        raise Http404 from exc


def _age_links(now) -> dict[str, str]:
    """Query strings for the fiche list, by creation date bucket (local dates)."""
    from datetime import timedelta

    def day(days: int) -> str:
        return timezone.localtime(now - timedelta(days=days)).date().isoformat()

    return {
        "d0_2": urlencode({"date_from": day(2)}),
        "d2_7": urlencode({"date_from": day(7), "date_to": day(2)}),
        "d7_30": urlencode({"date_from": day(30), "date_to": day(7)}),
        "d30": urlencode({"date_to": day(30)}),
    }
