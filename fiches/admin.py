"""Fiches are read-only in the admin: every change goes through fiches.services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from fiches.models import Event, Fiche


class EventInline(admin.TabularInline):
    model = Event
    fields = ("at", "actor", "kind", "action", "from_status", "to_status", "public", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Fiche)
class FicheAdmin(ReadOnlyAdmin):
    list_display = ("reference", "created_at", "status", "body", "directorate", "due_at")
    list_filter = ("status", "body", "channel")
    search_fields = ("reference",)
    exclude = ("requester", "followers")
    readonly_fields = [f.name for f in Fiche._meta.fields if f.name not in ("requester",)]
    inlines = [EventInline]
    show_full_result_count = False
