"""The call-centre agent's intake page and its live helpers (callers, types, duplicates)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import log_access
from audit.models import AccessKind
from audit.services import origin
from catalogue.models import RequestTypeVersion
from catalogue.selectors import search_types
from catalogue.services import current_version
from core.parsing import parse_float, parse_id
from fiches.forms import IntakeForm
from fiches.models import Fiche, Requester
from fiches.selectors import (
    address_key,
    find_requesters,
    nearby_open_fiches,
    requester_history,
    visible_fiches,
)
from fiches.services import AlreadySubmitted, FicheInput, create_fiche, follow_existing, save_requester
from knowledge import selectors as knowledge_selectors
from knowledge import services as knowledge_services
from knowledge.models import Answer
from organisations.access import scope_for
from places import selectors as places


def call_centre_only(user) -> None:
    if not scope_for(user).is_call_centre:
        raise PermissionDenied


def chosen_version(code: str | None) -> RequestTypeVersion | None:
    return current_version(code.strip().upper()) if code and code.strip() else None


def type_options(query: str, selected: RequestTypeVersion | None) -> list[RequestTypeVersion]:
    options = search_types(query) if query and len(query.strip()) >= 2 else []
    if selected and selected.pk not in {o.pk for o in options}:
        options.insert(0, selected)
    return options


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    call_centre_only(request.user)
    data = request.POST if request.method == "POST" else None
    version = chosen_version((data or request.GET).get("request_type"))
    initial = _initial(request) if data is None else None
    form = IntakeForm(data, request.FILES or None, version=version, initial=initial)
    if data is not None and "search_types" not in data and form.is_valid():
        try:
            fiche = _save(request, form, version)
        except ValidationError as error:
            _attach_errors(form, error)
        except AlreadySubmitted as repeat:
            messages.info(
                request,
                _("This call was already saved as fiche %(ref)s: it was not saved twice.")
                % {"ref": repeat.fiche.reference},
            )
            return redirect("fiches:created", reference=repeat.fiche.reference)
        else:
            if fiche is not None:
                if not request.POST.get("follow_fiche"):
                    _record_knowledge(request, form, fiche, version)
                if form.kept_invalid_email:
                    messages.warning(request, invalid_email_text(form.kept_invalid_email))
                return redirect("fiches:created", reference=fiche.reference)
    requester = _chosen_requester(form)
    return render(
        request,
        "fiches/intake.html",
        {
            "form": form,
            "version": version,
            "options": type_options(form["type_query"].value() or "", version),
            "requester": requester,
            "history": requester_history(requester, request.user) if requester else [],
            "duplicates": _duplicates(
                request,
                {name: form[name].value() for name in DUPLICATE_FIELDS},
                version.code if version else "",
            ),
            "knowledge": knowledge_selectors.search_answers(
                form["knowledge_query"].value() or "", version.code if version else ""
            )
            if data is not None
            else [],
            "chosen_answer": _chosen_answer(form),
        },
    )


def _chosen_answer(form: IntakeForm) -> Answer | None:
    pk = parse_id(str(form["knowledge_answer"].value() or ""))
    return knowledge_selectors.in_force().filter(pk=pk).first() if pk else None


def _record_knowledge(
    request: HttpRequest, form: IntakeForm, fiche: Fiche, version: RequestTypeVersion
) -> None:
    """The knowledge answer given on the call, or the search that found none."""
    answer = _chosen_answer(form)
    if answer is not None:
        knowledge_services.record_use(answer, fiche, request.user)
        return
    query = form.cleaned_data.get("knowledge_query") or ""
    if query and not knowledge_selectors.search_answers(query, version.code):
        knowledge_services.record_missed(query)


def invalid_email_text(email: str) -> str:
    return _(
        "The caller's stored e-mail address “%(email)s” is not valid: the call is saved, but no"
        " e-mail will be sent to it. Correct it with the caller's right address at their next call."
    ) % {"email": email}


def _initial(request: HttpRequest) -> dict:
    """A new form opened from the screen pop: the call id, and the caller chosen or their number."""
    initial = {"call_id": request.GET.get("call_id", "")[:64]}
    pk = parse_id(request.GET.get("requester", ""))
    requester = Requester.objects.filter(pk=pk).first() if pk else None
    if requester:
        initial |= requester_initial(requester)
    elif request.GET.get("phone"):
        initial["phone"] = request.GET["phone"][:30]
    return initial


def requester_initial(requester: Requester) -> dict:
    return {
        "requester_id": requester.pk,
        "civility": requester.civility,
        "last_name": requester.last_name,
        "first_name": requester.first_name,
        "phone": requester.phone,
        "email": requester.email,
        "address": requester.address,
        "requester_postal_code": requester.postal_code,
        "city": requester.city,
        "preferred_channel": requester.preferred_channel,
    }


def _chosen_requester(form: IntakeForm) -> Requester | None:
    pk = parse_id(str(form["requester_id"].value() or ""))
    return Requester.objects.filter(pk=pk).first() if pk else None


def _save(request: HttpRequest, form: IntakeForm, version: RequestTypeVersion) -> Fiche | None:
    data = form.cleaned_data
    with transaction.atomic():
        requester = None
        if not data["anonymous"] or data["requester_id"]:
            existing = (
                Requester.objects.filter(pk=data["requester_id"]).first() if data["requester_id"] else None
            )
            values = {name: data.get(name, "") for name in ("civility", "last_name", "first_name", "phone")}
            values |= {
                "email": data["email"],
                "address": data["address"],
                "postal_code": data["requester_postal_code"],
                "city": data["city"],
                "preferred_channel": data["preferred_channel"],
            }
            requester = save_requester(existing, values)
        follow = request.POST.get("follow_fiche")
        if follow:
            original = get_object_or_404(visible_fiches(request.user), reference=follow)
            if requester is None:
                raise ValidationError({"last_name": _("Enter the caller's name to add them to a fiche.")})
            follow_existing(original, requester, request.user)
            messages.success(
                request, _("The caller now follows fiche %(ref)s.") % {"ref": original.reference}
            )
            return original
        return create_fiche(
            FicheInput(
                request_type=version,
                channel=data["channel"],
                call_id=data["call_id"],
                description=data["description"],
                answers=form.answers(),
                street_number=data["street_number"],
                street_name=data["street_name"],
                postal_code=data["postal_code"],
                quartier=data["quartier"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                address_verified=address_verified(data),
                requester=requester,
                outcome=data["outcome"],
                attachments=data["attachments"],
                submission_token=data["submission_token"],
            ),
            request.user,
        )


def address_verified(data: dict) -> bool:
    """The address fields are those of the address picked in the reference (not retyped)."""
    fields = (data["street_number"], data["street_name"], data["postal_code"])
    return places.picked(data.get("address_id"), *fields) is not None


FIELD_ALIASES = {"requester": "last_name", "request_type": "type_query", "original": "type_query"}


def _attach_errors(form: IntakeForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        name = FIELD_ALIASES.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


DUPLICATE_FIELDS = ("street_number", "street_name", "postal_code", "latitude", "longitude")


def _duplicates(request: HttpRequest, values, type_code: str) -> list[Fiche]:
    """Possible duplicates of what the form holds (`values`: the form's or the query's)."""
    if not type_code:
        return []
    text = {name: str(values.get(name) or "")[:200] for name in DUPLICATE_FIELDS}
    key = (
        address_key(text["street_number"], text["street_name"], text["postal_code"])
        if text["street_name"]
        else ""
    )
    lat = parse_float(text["latitude"], minimum=-90, maximum=90)
    lon = parse_float(text["longitude"], minimum=-180, maximum=180)
    if not key and (lat is None or lon is None):
        return []
    return nearby_open_fiches(request.user, type_code=type_code, address=key, latitude=lat, longitude=lon)


@login_required
@require_GET
def intake_types(request: HttpRequest) -> HttpResponse:
    call_centre_only(request.user)
    query = request.GET.get("type_query", "")
    selected = chosen_version(request.GET.get("request_type"))
    return render(
        request,
        "fiches/_type_options.html",
        {"options": type_options(query, selected), "version": selected, "query": query},
    )


@login_required
@require_GET
def intake_type_info(request: HttpRequest) -> HttpResponse:
    call_centre_only(request.user)
    version = chosen_version(request.GET.get("request_type"))
    form = IntakeForm(version=version)
    return render(request, "fiches/_type_info.html", {"form": form, "version": version})


@login_required
@require_POST
def intake_callers(request: HttpRequest) -> HttpResponse:
    """Callers by phone or name. A POST, so that no name or number reaches an access log."""
    call_centre_only(request.user)
    query = request.POST.get("caller_query", "")
    return render(request, "fiches/_callers.html", {"callers": find_requesters(query), "query": query})


@login_required
@require_GET
def intake_caller(request: HttpRequest, pk: int) -> HttpResponse:
    call_centre_only(request.user)
    requester = get_object_or_404(Requester, pk=pk)
    log_access(request.user, AccessKind.CALLER, requester, origin(request))
    form = IntakeForm(initial=requester_initial(requester))
    return render(
        request,
        "fiches/_requester.html",
        {"form": form, "requester": requester, "history": requester_history(requester, request.user)},
    )


@login_required
@require_GET
def intake_duplicates(request: HttpRequest) -> HttpResponse:
    call_centre_only(request.user)
    code = (request.GET.get("request_type") or "").strip().upper()[:30]
    return render(request, "fiches/_duplicates.html", {"duplicates": _duplicates(request, request.GET, code)})


@login_required
def created(request: HttpRequest, reference: str) -> HttpResponse:
    fiche = get_object_or_404(
        visible_fiches(request.user).select_related("request_type", "body", "directorate"),
        reference=reference,
    )
    return render(request, "fiches/created.html", {"fiche": fiche})
