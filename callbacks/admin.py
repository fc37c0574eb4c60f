from django.contrib import admin

from callbacks.models import Callback
from core.admin import ReadOnlyAdmin


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = ("fiche", "due_at", "attempts", "outcome")
    list_filter = ("outcome",)
