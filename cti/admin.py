from django.contrib import admin

from cti.models import Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("extension", "user", "agent_identifier")
    search_fields = ("extension", "agent_identifier", "user__username")
    autocomplete_fields = ("user",)
