"""Knowledge base pages: supervisors write answers and read their use; agents search them
from intake, use one on the fiche and send it to the caller."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from catalogue.models import RequestType
from core.parsing import parse_id
from correspondence.models import Channel
from fiches.forms import IntakeForm
from fiches.selectors import visible_fiches
from knowledge import selectors, services
from knowledge.forms import AnswerForm
from knowledge.models import Answer, Use


def _writer(request: HttpRequest) -> None:
    if not services.can_write(request.user):
        raise PermissionDenied


def _agent(request: HttpRequest) -> None:
    if not services.can_use(request.user):
        raise PermissionDenied


@login_required
@require_GET
def answer_list(request: HttpRequest) -> HttpResponse:
    _writer(request)
    return render(
        request,
        "knowledge/list.html",
        {"answers": selectors.usage(), "missed": selectors.missed()},
    )


@login_required
def answer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _writer(request)
    answer = get_object_or_404(Answer, pk=pk) if pk else None
    initial = {}
    if answer:
        initial = {
            "title": answer.title,
            "text": answer.text,
            "keywords": answer.keywords,
            "valid_from": answer.valid_from,
            "valid_until": answer.valid_until,
            "types": list(answer.request_types.values_list("code", flat=True)),
        }
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        types = list(RequestType.objects.filter(code__in=form.cleaned_data["types"]))
        try:
            services.save_answer(answer, form.cleaned_data, types, request.user)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The answer is saved."))
            return redirect("knowledge:list")
    return render(request, "knowledge/edit.html", {"form": form, "answer": answer})


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The intake page's live search (type-ahead), also rendered with the page."""
    _agent(request)
    query = request.GET.get("knowledge_query", "")[:100]
    type_code = request.GET.get("request_type", "")[:30].strip().upper()
    return render(
        request,
        "knowledge/_results.html",
        {"answers": selectors.search_answers(query, type_code), "query": query},
    )


@login_required
@require_GET
def use(request: HttpRequest, pk: int) -> HttpResponse:
    """Puts the answer into the intake form's "answer given" field (an htmx swap)."""
    _agent(request)
    answer = get_object_or_404(selectors.in_force(), pk=pk)
    form = IntakeForm(initial={"outcome": answer.text})
    return render(request, "knowledge/_chosen.html", {"form": form, "chosen": answer})


@login_required
@require_POST
def send(request: HttpRequest, reference: str) -> HttpResponse:
    _agent(request)
    fiche = get_object_or_404(visible_fiches(request.user), reference=reference)
    used = get_object_or_404(
        Use.objects.select_related("fiche"), pk=parse_id(request.POST.get("use")) or 0, fiche=fiche
    )
    channel = request.POST.get("channel", "")
    if channel not in (Channel.EMAIL, Channel.SMS):
        messages.error(request, _("Choose e-mail or SMS."))
    else:
        count = services.send_answer(used, channel, request.user)
        if count:
            messages.success(
                request,
                ngettext("%(count)d message prepared.", "%(count)d messages prepared.", count)
                % {"count": count},
            )
        else:
            messages.error(request, _("The caller cannot be reached this way: check their contact details."))
    return redirect("fiches:detail", reference=fiche.reference)
