"""Nomenclature pages: the list and type history for all staff, changes for administrators."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.forms import ImportForm, ListFilterForm, NewTypeForm, VersionForm
from catalogue.importexport import export_nomenclature, import_nomenclature
from catalogue.models import RequestType, RequestTypeVersion
from catalogue.selectors import Filters, catalogue_list, keyset_page, type_history
from catalogue.services import latest_version, publish_version
from organisations.access import scope_for
from organisations.models import Role

PAGE_SIZE = 50


def is_catalogue_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or scope_for(user).has(Role.ADMINISTRATOR))


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_catalogue_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def type_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    filters = Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            query=data["q"],
            family=data["family"].pk if data["family"] else None,
            body=data["body"].pk if data["body"] else None,
            kind=data["kind"],
            inactive=data["inactive"],
        )
    page = keyset_page(catalogue_list(filters), request.GET.get("after"), PAGE_SIZE)
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "catalogue/type_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "is_admin": is_catalogue_admin(request.user),
        },
    )


@login_required
def type_detail(request: HttpRequest, code: str) -> HttpResponse:
    request_type = get_object_or_404(RequestType.objects.select_related("family"), code=code)
    history = type_history(request_type)
    current = next((entry.version for entry in history if entry.in_force), None)
    return render(
        request,
        "catalogue/type_detail.html",
        {
            "request_type": request_type,
            "history": history,
            "current": current,
            "is_admin": is_catalogue_admin(request.user),
        },
    )


def _publish(form: VersionForm, request: HttpRequest) -> RequestTypeVersion | None:
    """The version published from a valid form, or None with the reason on the form (invalid
    input, or a nomenclature that changes only through the committee)."""
    if not form.is_valid():
        return None
    try:
        return publish_version(
            form.data_ready,
            user=request.user,
            reason=form.cleaned_data["reason"],
            effective_from=form.effective_from,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@administrator_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, code: str) -> HttpResponse:
    request_type = get_object_or_404(RequestType.objects.select_related("family"), code=code)
    previous = latest_version(request_type)
    if previous is None:
        raise PermissionDenied
    if request.method == "POST":
        form = VersionForm(request.POST, previous=previous)
        version = _publish(form, request)
        if version is not None:
            messages.success(
                request,
                _("Version %(number)s of %(code)s published, effective %(date)s.")
                % {
                    "number": version.number,
                    "code": code,
                    "date": timezone.localtime(version.effective_from).strftime("%d/%m/%Y %H:%M"),
                },
            )
            return redirect("catalogue:detail", code=code)
    else:
        form = VersionForm(initial=VersionForm.initial_from(previous), previous=previous)
    return render(
        request,
        "catalogue/version_form.html",
        {"form": form, "request_type": request_type, "previous": previous},
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def new_type(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NewTypeForm(request.POST)
        version = _publish(form, request)
        if version is not None:
            messages.success(request, _("Type %(code)s created.") % {"code": version.request_type.code})
            return redirect("catalogue:detail", code=version.request_type.code)
    else:
        form = NewTypeForm()
    return render(request, "catalogue/version_form.html", {"form": form, "request_type": None})


@administrator_required
@require_POST
def toggle_active(request: HttpRequest, code: str) -> HttpResponse:
    request_type = get_object_or_404(RequestType, code=code)
    request_type.active = not request_type.active
    request_type.save(update_fields=["active"])
    if request_type.active:
        messages.success(request, _("Type %(code)s reactivated.") % {"code": code})
    else:
        messages.success(
            request, _("Type %(code)s deactivated: it can no longer be chosen.") % {"code": code}
        )
    return redirect("catalogue:detail", code=code)


@administrator_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_nomenclature(
                upload.read(),
                upload.name,
                user=request.user,
                reason=form.cleaned_data["reason"],
                effective_from=form.effective_from,
                dry_run=request.POST.get("action") != "import",
            )
            if report.ok and not report.dry_run:
                messages.success(request, report.summary())
    else:
        form = ImportForm()
    return render(request, "catalogue/import.html", {"form": form, "report": report})


@administrator_required
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    all_versions = request.GET.get("versions") == "all"
    content = export_nomenclature(fmt, all_versions=all_versions)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"nomenclature{'-historique' if all_versions else ''}-{stamp}.{fmt}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
