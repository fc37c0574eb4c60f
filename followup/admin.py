from django.contrib import admin

from followup.models import Alert, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ("body", "reminder_percent", "overdue_alert", "escalation_days", "unacknowledged_hours")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("fiche", "kind", "due_at", "created_at", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("fiche",)
    readonly_fields = ("fiche", "kind", "due_at", "run", "created_at", "sent_at")
