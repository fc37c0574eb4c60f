from django.contrib import admin

from portal.models import SurveyAnswer


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ["fiche", "score", "answered_at"]
    list_filter = ["score"]
    search_fields = ["fiche__reference"]
    readonly_fields = ["fiche", "score", "comment", "answered_at"]

    def has_add_permission(self, request):
        return False
