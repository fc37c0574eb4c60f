from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.urls import fixed_url
from followup import selectors


def nav(request: HttpRequest) -> dict:
    """The follow-up menu items the user gets: work queue, board, re-routing queue (their
    addresses reversed once: ``core.urls.fixed_url``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"followup_nav": []}
    items = []
    if selectors.can_use_queue(user):
        items.append({"url": fixed_url("followup:queue"), "label": _("My queue")})
    if selectors.can_see_board(user):
        items.append({"url": fixed_url("followup:board"), "label": _("Follow-up")})
    if selectors.can_reroute(user):
        items.append({"url": fixed_url("followup:reroute_list"), "label": _("To re-route")})
    return {"followup_nav": items}
