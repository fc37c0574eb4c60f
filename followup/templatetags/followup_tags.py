"""Template helpers of the follow-up: the fiche's message thread."""

from __future__ import annotations

from django import template

from fiches.selectors import actor_groups
from followup import selectors

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
        # none to read when the fiche page's query found none (``has_thread_messages``)
        "messages": selectors.thread(fiche) if getattr(fiche, "has_thread_messages", True) else [],
        "error": context.get("thread_error", ""),
    }
