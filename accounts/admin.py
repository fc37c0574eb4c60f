"""The user accounts in the administration: Django's own page, with one more action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.sessions import end_all_sessions

User = get_user_model()


@admin.action(description=_("Log out everywhere (end every open session of the selected users)"))
def log_out_everywhere(modeladmin: admin.ModelAdmin, request, queryset) -> None:
    """A lost laptop, a departure: the selected users must log in again (with their second
    factor where required) on every device."""
    ended = sum(end_all_sessions(user) for user in queryset)
    messages.success(
        request,
        ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended) % {"count": ended},
    )


class AccountAdmin(UserAdmin):
    actions = [log_out_everywhere]


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
