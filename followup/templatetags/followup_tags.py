"""Template helpers of the follow-up: the fiche's message thread."""

from __future__ import annotations

from django import template

from fiches.selectors import actor_groups
from followup import selectors
from followup.forms import MessageForm

register = template.Library()


@register.simple_tag(takes_context=True)
def fiche_thread(context, fiche) -> dict:
    """The call centre ↔ cell thread of ``fiche`` for the current user (never the citizen)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not fiche or not actor_groups(user, fiche):
        return {"visible": False}
    return {
        "visible": True,
        "messages": selectors.thread(fiche),
        "form": context.get("thread_form") or MessageForm(),
        "error": context.get("thread_error", ""),
    }
