"""Post room and mail register (call-centre staff), letter and batch downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import log_access
from audit.models import AccessKind
from audit.services import origin
from core.parsing import parse_id, parse_moment
from correspondence import selectors, services
from correspondence.models import Batch, Channel, Message, Moment
from fiches.selectors import visible_fiches
from organisations.access import scope_for


def _call_centre(request: HttpRequest) -> None:
    if not scope_for(request.user).is_call_centre:
        raise PermissionDenied


def fiche_url(reference: str) -> str:
    try:
        return reverse("fiches:detail", args=[reference])
    except NoReverseMatch:
        return ""


@login_required
def post_room(request: HttpRequest) -> HttpResponse:
    _call_centre(request)
    return render(
        request,
        "correspondence/post_room.html",
        {"pending": services.pending_letters().count(), "batches": selectors.recent_batches()},
    )


@login_required
@require_POST
def create_batch(request: HttpRequest) -> HttpResponse:
    _call_centre(request)
    batch = services.build_batch(request.user)
    if batch is None:
        messages.info(request, _("No letter is waiting for the post."))
    else:
        messages.success(
            request,
            _("Batch %(n)s created: %(count)s letters.") % {"n": batch.pk, "count": batch.letter_count},
        )
    return redirect("correspondence:post_room")


@login_required
def batch_pdf(request: HttpRequest, pk: int) -> FileResponse:
    _call_centre(request)
    batch = get_object_or_404(Batch, pk=pk)
    if not batch.pdf:
        raise Http404
    log_access(request.user, AccessKind.LETTER_BATCH, batch, origin(request))
    return FileResponse(batch.pdf.open("rb"), content_type="application/pdf", filename=f"lot-{batch.pk}.pdf")


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    message = get_object_or_404(Message.objects.select_related("fiche"), pk=pk, channel=Channel.LETTER)
    if not visible_fiches(request.user).filter(pk=message.fiche_id).exists() or not message.pdf:
        raise Http404
    log_access(request.user, AccessKind.LETTER, message, origin(request))
    name = f"{message.fiche.reference}-{message.moment}.pdf"
    return FileResponse(message.pdf.open("rb"), content_type="application/pdf", filename=name)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    _call_centre(request)
    channel = request.GET.get("canal", "")
    if channel not in Channel.values:
        channel = ""
    at, pk = parse_moment(request.GET.get("avant")), parse_id(request.GET.get("id"))
    before = (at, pk) if at and pk else None
    rows, last = selectors.register_page(channel=channel, before=before)
    return render(
        request,
        "correspondence/register.html",
        {
            "rows": [(m, fiche_url(m.fiche.reference)) for m in rows],
            "last": last,
            "channel": channel,
            "channels": Channel.choices,
        },
    )


@login_required
@require_POST
def send_notice(request: HttpRequest, reference: str) -> HttpResponse:
    _call_centre(request)
    fiche = get_object_or_404(visible_fiches(request.user), reference=reference)
    moment = request.POST.get("moment", "")
    if moment not in Moment.values:
        messages.error(request, _("Choose the message to send."))
    else:
        with transaction.atomic():
            sent = services.send_manually(fiche, moment, request.user)
        messages.success(request, _("%(count)s message(s) prepared.") % {"count": len(sent)})
    return redirect(fiche_url(fiche.reference) or "correspondence:register")
