"""Partner systems, their tokens and webhooks are managed here by administrators."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin
from partners import services, webhooks
from partners.crypto import new_secret
from partners.models import ApiToken, PartnerSystem, WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(PartnerSystem)
class PartnerSystemAdmin(admin.ModelAdmin):
    list_display = ("name", "body", "directorate", "cell", "active", "created_at")
    list_filter = ("body", "active")
    search_fields = ("name",)
    actions = ["issue_token"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_partner(obj)

    @admin.action(description=_("Issue a new API token"))
    def issue_token(self, request, queryset) -> None:
        for partner in queryset:
            _token, clear = services.issue_token(partner, label=str(_("issued from the admin")))
            messages.warning(
                request,
                _("Token for %(partner)s (shown once, copy it now): %(token)s")
                % {"partner": partner, "token": clear},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("__str__", "partner", "label", "created_at", "last_used_at", "revoked_at")
    list_filter = ("partner", ("revoked_at", admin.EmptyFieldListFilter))
    fields = ("partner", "label")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        token, clear = services.issue_token(obj.partner, obj.label)
        obj.pk, obj.prefix, obj.digest = token.pk, token.prefix, token.digest
        messages.warning(request, _("The token (shown once, copy it now): %(token)s") % {"token": clear})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            services.revoke_token(token)
        messages.success(request, _("Tokens revoked."))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "partner", "active", "created_at")
    list_filter = ("partner", "active")
    fields = ("partner", "url", "active", "secret")
    readonly_fields = ("secret",)
    actions = ["rotate_secret"]

    @admin.action(description=_("Give a new signing secret"))
    def rotate_secret(self, request, queryset) -> None:
        for endpoint in queryset:
            endpoint.secret = new_secret()
            endpoint.save(update_fields=["secret"])
        messages.success(request, _("New secrets given: send them to the partners."))


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "uuid",
        "endpoint",
        "fiche",
        "action",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    )
    list_filter = ("status", "endpoint")
    search_fields = ("fiche__reference",)
    list_select_related = ("endpoint", "fiche")
    fields = list_display + ("last_error", "payload")
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["redeliver"]

    def has_change_permission(self, request, obj=None) -> bool:
        # the redeliver action needs the change permission; the form stays read-only
        return request.user.has_perm("partners.change_webhookdelivery")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        read_only = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **read_only})

    @admin.action(description=_("Redeliver the selected deliveries"))
    def redeliver(self, request, queryset) -> None:
        count = webhooks.redeliver(queryset)
        messages.success(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
        )
