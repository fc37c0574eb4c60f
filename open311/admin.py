from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open311.models import ApiClient, ApiRequestLog
from organisations.models import CALL_CENTRE_ROLES, Body


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "account", "requests_per_minute", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_prefix")
    readonly_fields = ("key_prefix", "created_at", "revoked_at")
    fields = ("name", "contact", "account", "requests_per_minute", "key_prefix", "created_at", "revoked_at")
    actions = ("revoke",)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "account":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    is_active=True,
                    memberships__role__in=CALL_CENTRE_ROLES,
                    memberships__body__kind=Body.Kind.OPERATOR,
                )
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiClient, form, change: bool) -> None:
        if not change:
            key = obj.new_key()
            messages.warning(
                request,
                _("The API key of %(name)s, shown only once: %(key)s") % {"name": obj.name, "key": key},
            )
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("%(count)s key(s) revoked.") % {"count": count})


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(admin.ModelAdmin):
    list_display = ("at", "client", "http_method", "method", "status")
    list_filter = ("method", "status")
    list_select_related = ("client",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
