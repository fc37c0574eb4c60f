"""Retention rules, legal holds and the elimination lists' visa in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.exports import csv_response
from privacy import documents, sweep
from privacy.models import AnonymisedFiche, EliminationList, LegalHold, RetentionRule, RightsRequest


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "months", "updated_at")


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ("fiche", "placed_at", "placed_by", "released_at")
    list_filter = ("released_at",)
    search_fields = ("fiche__reference",)
    autocomplete_fields = ("fiche",)
    fields = ("fiche", "reason", "placed_by", "placed_at", "released_at")
    readonly_fields = ("placed_by", "placed_at", "released_at")
    actions = ["release"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "fiche", "reason") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Release the selected holds"))
    def release(self, request, queryset) -> None:
        count = queryset.filter(released_at__isnull=True).update(released_at=timezone.now())
        self.message_user(request, _("%(count)d hold(s) released.") % {"count": count})


class VisaForm(forms.ModelForm):
    class Meta:
        model = EliminationList
        fields = ("visa_reference", "visa_date")

    def clean(self):
        data = super().clean()
        if not (data.get("visa_reference") or "").strip():
            self.add_error("visa_reference", _("Enter the reference of the archives service's visa."))
        if not data.get("visa_date"):
            self.add_error("visa_date", _("Enter the date of the visa."))
        elif data["visa_date"] > timezone.localdate():
            self.add_error("visa_date", _("The visa cannot be dated in the future."))
        return data


@admin.register(EliminationList)
class EliminationListAdmin(admin.ModelAdmin):
    """A proposed list takes the visa (reference and date); then it is read-only."""

    form = VisaForm
    list_display = ("__str__", "state", "cutoff", "total", "anonymised", "visa_reference", "visa_date")
    list_filter = ("state",)
    readonly = ("state", "created_at", "cutoff", "total", "documents", "approved_by", "approved_at",
                "executed_at", "anonymised")  # fmt: skip

    def get_fields(self, request, obj=None):
        return [*self.readonly, "visa_reference", "visa_date"]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.state == EliminationList.State.PROPOSED:
            return self.readonly
        return [*self.readonly, "visa_reference", "visa_date"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return bool(
            obj is None or obj.state == EliminationList.State.PROPOSED
        ) and super().has_delete_permission(request, obj)

    @admin.display(description=_("Documents"))
    def documents(self, obj: EliminationList) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">CSV</a>',
            reverse("admin:privacy_eliminationlist_file", args=[obj.pk, "pdf"]),
            reverse("admin:privacy_eliminationlist_file", args=[obj.pk, "csv"]),
        )

    def save_model(self, request, obj, form, change) -> None:
        try:
            sweep.approve(obj, request.user, obj.visa_reference, obj.visa_date)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        messages.info(request, _("Visa recorded: the next retention sweep anonymises these fiches."))

    def get_urls(self):
        return [
            path(
                "<int:pk>/file.<str:fmt>",
                self.admin_site.admin_view(self.file_view),
                name="privacy_eliminationlist_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        listing = get_object_or_404(EliminationList, pk=pk)
        name = f"elimination-{listing.pk}"
        if fmt == "csv":
            return csv_response(name, documents.header(), documents.rows(listing))
        if fmt != "pdf":
            return HttpResponse(status=404)
        response = HttpResponse(documents.pdf_bytes(listing), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


@admin.register(AnonymisedFiche)
class AnonymisedFicheAdmin(ReadOnlyAdmin):
    list_display = ("fiche", "at", "reason", "elimination_list")
    list_select_related = ("fiche",)
    list_filter = ("reason",)
    show_full_result_count = False


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "by", "fiche_count", "detail")
    list_filter = ("kind",)
