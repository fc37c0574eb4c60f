from django.contrib import admin

from core.admin import ReadOnlyAdmin
from finance.models import CostCategory, RevenueOrder


@admin.register(CostCategory)
class CostCategoryAdmin(admin.ModelAdmin):
    """The editable list of expense categories of the financial sheets."""

    list_display = ("name", "account", "order", "active")
    list_editable = ("order", "active")


@admin.register(RevenueOrder)
class RevenueOrderAdmin(ReadOnlyAdmin):
    """Read only: an order is issued, paid or cancelled on the finance pages, never edited."""

    list_display = ("number", "agreement", "year", "quarter", "amount", "issued_on", "status")
    list_filter = ("status", "kind")
