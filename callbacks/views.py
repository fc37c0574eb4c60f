"""The callback queue (call centre) and the form recording one call."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callbacks import selectors, services
from callbacks.forms import AttemptForm, QueueFilterForm
from callbacks.models import Outcome
from fiches.services import ConcurrentUpdate
from organisations.access import scope_for


def _call_centre(request: HttpRequest) -> None:
    if not scope_for(request.user).is_call_centre:
        raise PermissionDenied


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _call_centre(request)
    filters = QueueFilterForm(request.GET or None)
    outcomes = [Outcome.PENDING]
    cursor = ""
    if filters.is_valid():
        outcomes = filters.cleaned_data["outcome"] or outcomes
        cursor = filters.cleaned_data["after"]
    page = selectors.queue_page(request.user, outcomes, cursor)
    next_url = ""
    if page.next_cursor:
        next_url = "?" + urlencode([("outcome", o) for o in outcomes] + [("after", page.next_cursor)])
    return render(
        request,
        "callbacks/queue.html",
        {
            "page": page,
            "filters": filters if filters.is_bound else QueueFilterForm(initial={"outcome": outcomes}),
            "form": AttemptForm(),
            "next_url": next_url,
        },
    )


@login_required
@require_POST
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    _call_centre(request)
    callback = get_object_or_404(selectors.visible_callbacks(request.user), pk=pk)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result of the call."))
        return redirect("callbacks:queue")
    try:
        callback = services.record_attempt(
            callback, form.cleaned_data["result"], request.user, form.cleaned_data["note"]
        )
    except ConcurrentUpdate as exc:
        messages.error(request, str(exc))
        return redirect("callbacks:queue")
    messages.success(
        request,
        _("Callback for fiche %(ref)s recorded: %(outcome)s.")
        % {"ref": callback.fiche.reference, "outcome": callback.get_outcome_display()},
    )
    return redirect("callbacks:queue")
