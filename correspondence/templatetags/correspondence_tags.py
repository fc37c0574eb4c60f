from django import template

from correspondence.selectors import messages_for_fiche

register = template.Library()


@register.simple_tag(takes_context=True)
def fiche_messages(context, fiche):
    """Messages sent (or due) for this fiche, if the current user may see the fiche."""
    request = context.get("request")
    if request is None or fiche is None:
        return []
    return messages_for_fiche(fiche, request.user)


@register.simple_tag
def notice_moments():
    from correspondence.models import Moment

    return Moment.choices
