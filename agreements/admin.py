from django.contrib import admin

from agreements.models import Agreement, Annex, Renewal


class AnnexInline(admin.TabularInline):
    model = Annex
    extra = 1
    readonly_fields = ("uploaded_at", "uploaded_by")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Parties, dates and annexes. Notice and renewals go through the convention's page
    (agreements.services), so their fields are read-only here."""

    list_display = ("reference", "title", "partner", "notified_on", "years_agreed", "ends_on")
    readonly_fields = ("years_agreed", "notice_served_on", "notice_served_by", "ends_on", "created_at")
    inlines = [AnnexInline]

    def save_formset(self, request, form, formset, change):
        for annex in formset.save(commit=False):
            annex.uploaded_by = annex.uploaded_by or request.user
            annex.save()
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(Renewal)
class RenewalAdmin(admin.ModelAdmin):
    list_display = ("agreement", "year", "letter_sent_on", "answer", "answered_on")
    readonly_fields = ("agreement", "year", "letter_sent_on", "answer", "answered_on")

    def has_add_permission(self, request) -> bool:
        return False
