"""The fiche page: all data, the timeline, and the actions the current user may take."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import BooleanField, CharField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import log_access
from audit.models import AccessKind
from audit.services import origin
from catalogue.models import RequestTypeVersion
from catalogue.services import current_version
from core.compiled import CompiledQuery
from core.forms import error_messages
from core.urls import url_base
from fiches.forms import ActionForm, AttachmentForm, NoteForm, PublicationForm
from fiches.models import Attachment, Event, Fiche
from fiches.selectors import (
    can_see_personal_data,
    fiches_in_scope,
    map_points,
    neighbours,
    visible_fiches,
)
from fiches.services import (
    ConcurrentUpdate,
    add_note,
    allowed_actions,
    attach,
    set_publishable,
    transition,
)
from fiches.workflow import REJECT_REASONS
from organisations.access import Scope, scope_for


def _has_any(relation: str) -> RawSQL:
    """Whether the fiche has rows in one of its relations (``attachments``, ``followers``…):
    an ``EXISTS`` on the relation's fiche column, written here as SQL. Django's ``Exists`` took
    a quarter of a millisecond each to build and compile, about what the query it spares costs."""
    field = Fiche._meta.get_field(relation)
    if field.many_to_many:
        table, column = field.remote_field.through._meta.db_table, field.m2m_column_name()
    else:
        table, column = field.related_model._meta.db_table, field.field.column
    quote = connection.ops.quote_name
    fiche_id = f"{quote(Fiche._meta.db_table)}.{quote(Fiche._meta.pk.column)}"
    exists = f"EXISTS (SELECT 1 FROM {quote(table)} WHERE {quote(column)} = {fiche_id})"  # noqa: S608 - names
    return RawSQL(exists, [], output_field=BooleanField())  # noqa: S611 - the models' own names, no input


def _column_of(relation: str, field: str) -> RawSQL:
    """A column of the row one of the fiche's foreign keys points to (``duplicate_of``'s
    reference, ``body``'s name…), written as a subquery: PostgreSQL planned the fiche's query
    of ten tables joined in 4 ms, for 0.2 ms of execution; a subquery is planned alone."""
    key = Fiche._meta.get_field(relation)
    model = key.related_model._meta
    quote = connection.ops.quote_name
    value, table, pk = quote(model.get_field(field).column), quote(model.db_table), quote(model.pk.column)
    fiche_key = f"{quote(Fiche._meta.db_table)}.{quote(key.column)}"
    sql = f"(SELECT r.{value} FROM {table} r WHERE r.{pk} = {fiche_key})"  # noqa: S608 - names
    return RawSQL(sql, [], output_field=CharField())  # noqa: S611 - the models' own names, no input


# What the actions need of the fiche's body, directorate and cell (the body's calendar, the
# notices' names): the page itself shows their names only (``_fiche``'s ``*_name``).
ACTING_RELATED = ("body", "directorate", "cell")


def _fiche_page_query(key: tuple[Scope, bool], reference: str) -> QuerySet[Fiche]:
    """The fiche by its reference among a scope's, for its page (``acting``: for an action)."""
    scope, acting = key
    related = ("request_type__request_type__family", "requester", "entered_by")
    return (
        fiches_in_scope(scope)
        .select_related(*related, *(ACTING_RELATED if acting else ()))
        .annotate(
            duplicate_reference=_column_of("duplicate_of", "reference"),
            body_name=_column_of("body", "name"),
            directorate_name=_column_of("directorate", "name"),
            cell_name=_column_of("cell", "name"),
            has_attachments=_has_any("attachments"),
            has_followers=_has_any("followers"),
            has_knowledge_uses=_has_any("knowledge_uses"),
            has_thread_messages=_has_any("messages"),
        )
        .filter(reference=reference)[:1]
    )


# compiled once per scope: Django built and compiled the query's hundred columns on every page
FICHE_PAGE_QUERY = CompiledQuery(_fiche_page_query)
TIMELINE_QUERY = CompiledQuery(
    lambda _, fiche_id: Event.objects.filter(fiche_id=fiche_id).select_related("actor")
)


def _fiche(request: HttpRequest, reference: str, *, acting: bool = True) -> Fiche:
    """The fiche if the user may see it; 404 otherwise (no hint that it exists).

    Whether its panels that most fiches leave empty have anything to show (attachments,
    followers, knowledge answers, the thread) comes with it (``_has_any``): their own queries
    run only when they do. The names of its body, directorate and cell and the reference of
    the fiche it duplicates come as subqueries (``_column_of``); the body, directorate and cell
    themselves only for an action (``acting``): joined, they made PostgreSQL's planning of
    the query most of its cost."""
    found = FICHE_PAGE_QUERY((scope_for(request.user), acting), reference)
    if not found:
        raise Http404
    return found[0]


def reroute_choices() -> list[tuple[str, str]]:
    """The types in force as (code, "family · label (body)"), for the re-routing select."""
    rows = (
        RequestTypeVersion.objects.in_force()
        .order_by("request_type__family__order", "label")
        .values_list("request_type__code", "request_type__family__label", "label", "body__short_name")
    )
    return [(code, f"{family} · {label} ({body})") for code, family, label, body in rows]


def render_detail(
    request: HttpRequest,
    fiche: Fiche,
    *,
    posted=None,
    error=None,
    status: int = 200,
    extra: Mapping[str, object] | None = None,
) -> HttpResponse:
    """The fiche page; ``extra`` adds to its context what a panel another app includes in it
    reads (the thread's refused message, see ``render_fiche_page``)."""
    personal = can_see_personal_data(request.user, fiche)
    if personal and fiche.requester_id:
        log_access(request.user, AccessKind.FICHE, fiche, request.path)
    actions = allowed_actions(fiche, request.user)
    needs_types = any(a.name == "reroute" for a in actions)
    nearby = neighbours(fiche, request.user)
    return render(
        request,
        "fiches/detail.html",
        {
            "fiche": fiche,
            "personal": personal,
            "events": TIMELINE_QUERY(None, fiche.pk),
            "attachments": fiche.attachments.all() if fiche.has_attachments else [],
            "followers": fiche.followers.all() if personal and fiche.has_followers else [],
            "actions": actions,
            "reroute_types": reroute_choices() if needs_types else [],
            "note_form": NoteForm(initial={"expected_version": fiche.lock_version}),
            "attachment_form": AttachmentForm(),
            # nothing posted: every field the actions' forms read back is "" (a key missing
            # from a plain dict costs Django's lookup three exceptions, a dozen times a page)
            "posted": posted or defaultdict(str),
            "reject_reasons": REJECT_REASONS.items(),
            "action_error": error,
            "neighbours": nearby,
            "neighbour_points": map_points(nearby),
            # the thread's form comes back here, not to the URL a refused form was posted to
            "thread_next": f"{url_base('fiches:detail')}{fiche.reference}/",
            **(extra or {}),
        },
        status=status,
    )


def render_fiche_page(request: HttpRequest, reference: str, **kwargs) -> HttpResponse:
    """The fiche page as ``detail`` shows it, for a form of another app's panel on it that was
    refused (``render_detail``'s arguments): the page again, with the error and what was typed."""
    return render_detail(request, _fiche(request, reference, acting=False), **kwargs)


def refused_status(exc: Exception) -> int:
    """The status of a page shown again with a refusal: 409 when someone changed the fiche
    meanwhile, 403 when the user may not, 400 for what was typed."""
    if isinstance(exc, ConcurrentUpdate):
        return 409
    if isinstance(exc, PermissionDenied):
        return 403
    return 400


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_detail(request, _fiche(request, reference, acting=False))


@login_required
@require_POST
def act(request: HttpRequest, reference: str) -> HttpResponse:
    fiche = _fiche(request, reference)
    form = ActionForm(request.POST)
    if not form.is_valid():
        error = " ".join(error_messages(form))
        return render_detail(request, fiche, posted=request.POST, error=error, status=400)
    data = form.cleaned_data
    try:
        new_type = current_version(data["new_type"]) if data["new_type"] else None
        original = None
        if data["original"]:
            original = visible_fiches(request.user).filter(reference=data["original"].strip().upper()).first()
            if original is None:
                raise ValidationError(_("No fiche with this reference."))
        transition(
            fiche,
            data["action"],
            request.user,
            comment=data["comment"],
            outcome=data["outcome"],
            public=data["public"] if "public" in request.POST else None,
            expected_version=data["expected_version"],
            new_type=new_type,
            original=original,
            reason=data["reason"],
        )
    except (ValidationError, ConcurrentUpdate, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return render_detail(
            request,
            _fiche(request, reference),
            posted=request.POST,
            error=message,
            status=refused_status(exc),
        )
    messages.success(
        request, _("Done: the fiche is now “%(status)s”.") % {"status": fiche.get_status_display()}
    )
    if visible_fiches(request.user).filter(pk=fiche.pk).exists():
        return redirect("fiches:detail", reference=fiche.reference)
    return redirect("fiches:list")


@login_required
@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    fiche = _fiche(request, reference)
    form = NoteForm(request.POST)
    try:
        if form.has_error("comment", "required"):
            raise ValidationError(_("The note is empty."))
        if not form.is_valid():
            raise ValidationError(error_messages(form))
        add_note(
            fiche,
            request.user,
            form.cleaned_data["comment"],
            public=form.cleaned_data["public"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except (ValidationError, ConcurrentUpdate, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return render_detail(request, fiche, posted=request.POST, error=message, status=refused_status(exc))
    messages.success(request, _("Note added."))
    return redirect("fiches:detail", reference=fiche.reference)


@login_required
@require_POST
def publication(request: HttpRequest, reference: str) -> HttpResponse:
    """The cell or the call centre checked the description and photos for publication."""
    fiche = _fiche(request, reference)
    form = PublicationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_messages(form))
        set_publishable(
            fiche,
            request.user,
            form.cleaned_data["publishable"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except (ValidationError, ConcurrentUpdate, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return render_detail(request, _fiche(request, reference), error=message, status=refused_status(exc))
    if fiche.publishable:
        messages.success(request, _("The description and photos may now be published."))
    else:
        messages.success(request, _("The description and photos are no longer published."))
    return redirect("fiches:detail", reference=fiche.reference)


@login_required
@require_POST
def upload(request: HttpRequest, reference: str) -> HttpResponse:
    fiche = _fiche(request, reference)
    form = AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a file."))
        attach(fiche, form.cleaned_data["file"], request.user)
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return render_detail(request, fiche, error=message, status=400)
    messages.success(request, _("File added."))
    return redirect("fiches:detail", reference=fiche.reference)


@login_required
def download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    fiche = _fiche(request, reference)
    attachment = get_object_or_404(Attachment, fiche=fiche, pk=pk)
    attachment.fiche = fiche
    log_access(request.user, AccessKind.ATTACHMENT, attachment, origin(request))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
