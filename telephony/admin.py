"""Admin of the telephony reference data: opening hours (which re-flag the imported calls),
queues and agents (labels). Imported records are read through the pages, not here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from telephony import services
from telephony.models import Agent, ImportRun, OpeningException, OpeningHours, Queue


@admin.action(description=_("Recompute the 'within opening hours' flag of every imported call"))
def recompute_flags(modeladmin, request, queryset) -> None:
    changed = services.recompute_in_hours()
    modeladmin.message_user(
        request,
        ngettext("%(n)d queue passage re-flagged.", "%(n)d queue passages re-flagged.", changed)
        % {"n": changed},
        messages.SUCCESS,
    )


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("weekday", "opens", "closes")
    list_filter = ("weekday",)
    actions = [recompute_flags]


@admin.register(OpeningException)
class OpeningExceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "label", "closed", "opens", "closes")
    date_hierarchy = "date"
    search_fields = ("label",)
    actions = [recompute_flags]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("name", "label")
    search_fields = ("name", "label")


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("identifier", "label", "same_as")
    search_fields = ("identifier", "label")
    list_filter = (("same_as", admin.EmptyFieldListFilter),)
    fields = ("identifier", "label", "same_as")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "same_as":  # only main identifiers can be pointed to
            kwargs["queryset"] = Agent.objects.filter(same_as__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "file_format", "status", "created_at", "finished_at")
    list_filter = ("status", "file_format")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
