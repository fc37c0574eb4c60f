from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from correspondence import templating
from correspondence.models import Batch, LetterTemplate, Message


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["moment", "subject", "updated_at"]
    readonly_fields = ["available_fields", "updated_at"]
    fields = ["moment", "subject", "body", "sms", "available_fields", "updated_at"]

    @admin.display(description=_("Fields you may use"))
    def available_fields(self, obj=None):
        items = format_html_join("", "<li><code>{{{{ {} }}}}</code> : {}</li>", templating.FIELDS.items())
        return format_html(
            "<ul>{}</ul><p>{} <code>{{% if %}}</code> … <code>{{% elif %}}</code> … "
            "<code>{{% else %}}</code> … <code>{{% endif %}}</code>. {} {}.</p>",
            items,
            _("Tags:"),
            _("Filters:"),
            ", ".join(sorted(templating.FILTERS)),
        )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "fiche", "moment", "channel", "state", "batch"]
    list_filter = ["channel", "state", "moment"]
    search_fields = ["fiche__reference"]
    list_select_related = ["fiche", "batch"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "created_at", "letter_count", "page_count"]
    readonly_fields = ["created_at", "created_by", "letter_count", "page_count", "pdf"]

    def has_add_permission(self, request):
        return False
