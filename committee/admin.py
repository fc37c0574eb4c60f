from django.contrib import admin

from committee.models import (
    ActivityReport,
    AgendaItem,
    Attendance,
    ChangeRequest,
    Meeting,
    MeetingRequest,
    Member,
    QuarterlyPack,
)
from committee.services import add_pending_items
from core.admin import ReadOnlyAdmin


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "function", "body", "email", "is_secretary", "active")
    list_filter = ("body", "active", "is_secretary")
    search_fields = ("name", "function", "email")
    autocomplete_fields = ("user",)


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = ("order", "title", "change_request")
    raw_id_fields = ("change_request",)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("member", "status", "represented_by")


@admin.register(MeetingRequest)
class MeetingRequestAdmin(ReadOnlyAdmin):
    """Read only: members ask on the committee's pages, the secretary convenes there."""

    list_display = ("__str__", "member", "requested_at", "meeting")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "starts_at", "place", "held")
    list_filter = ("kind", "held")
    inlines = [AgendaInline, AttendanceInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not form.instance.held:
            add_pending_items(form.instance)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    """Read only: change requests move through the committee's pages (services)."""

    list_display = ("__str__", "status", "effective_date", "proposed_by", "proposed_at", "decided_at")
    list_filter = ("status", "kind")


@admin.register(QuarterlyPack)
class QuarterlyPackAdmin(ReadOnlyAdmin):
    """Read only: packs are generated from the committee's pages."""

    list_display = ("__str__", "status", "requested_by", "requested_at", "total_seconds", "meeting")

    allow_delete = True


@admin.register(ActivityReport)
class ActivityReportAdmin(ReadOnlyAdmin):
    """Read only: reports are prepared and signed off on the committee's pages."""

    list_display = ("__str__", "start", "end", "generated_at", "signed_by", "signed_at")
