from django import template

from knowledge.models import Use
from knowledge.selectors import uses_of

register = template.Library()


@register.simple_tag
def knowledge_uses(fiche) -> list[Use]:
    """The knowledge answers given on this fiche (for its page)."""
    return uses_of(fiche)
