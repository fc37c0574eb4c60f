from django.contrib import admin

from organisations.models import Body, Cell, ClosedDay, Directorate, Membership


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 1


class DirectorateInline(admin.TabularInline):
    model = Directorate
    extra = 0
    show_change_link = True


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "signatory_name")
    inlines = [ClosedDayInline, DirectorateInline]


class CellInline(admin.StackedInline):
    model = Cell
    extra = 0


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "body")
    list_filter = ("body",)
    search_fields = ("name", "code")
    inlines = [CellInline]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = ("name", "directorate", "email", "phone")
    list_filter = ("directorate__body",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "body", "directorate", "cell")
    list_filter = ("role", "body")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)
