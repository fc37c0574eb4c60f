from django.contrib import admin

from core.admin import ReadOnlyAdmin
from knowledge.models import Answer, MissedSearch


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("title", "valid_from", "valid_until", "updated_at")
    search_fields = ("title",)


@admin.register(MissedSearch)
class MissedSearchAdmin(ReadOnlyAdmin):
    list_display = ("query", "count", "last_at")
    allow_delete = True
