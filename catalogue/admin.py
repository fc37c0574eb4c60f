from django.contrib import admin
from django.http import HttpRequest

from catalogue.models import Family, RequestType, RequestTypeVersion


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "order", "duplicate_radius_m", "duplicate_window_days")
    list_editable = ("order", "duplicate_radius_m", "duplicate_window_days")
    search_fields = ("code", "label")


class VersionInline(admin.TabularInline):
    model = RequestTypeVersion
    fields = (
        "number",
        "status",
        "effective_from",
        "label",
        "directorate",
        "deadline_amount",
        "deadline_unit",
        "created_by",
        "reason",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    """Types are created and changed through the nomenclature pages (publish a version);
    here only the active flag can be switched."""

    list_display = ("code", "family", "active")
    list_filter = ("active", "family")
    search_fields = ("code",)
    readonly_fields = ("code", "family")
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RequestTypeVersion)
class RequestTypeVersionAdmin(admin.ModelAdmin):
    """Versions are never edited in place: read only."""

    list_display = ("request_type", "number", "label", "status", "effective_from", "body", "directorate",
                    "created_by")  # fmt: skip
    list_filter = ("status", "kind", "body", "request_type__family")
    search_fields = ("request_type__code", "label", "keywords")
    list_select_related = ("request_type", "body", "directorate", "created_by")
    date_hierarchy = "effective_from"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
