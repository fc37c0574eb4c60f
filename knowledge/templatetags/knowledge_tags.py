from django import template

from knowledge.models import Use
from knowledge.selectors import uses_of

register = template.Library()


@register.simple_tag
def knowledge_uses(fiche) -> list[Use]:
    """The knowledge answers given on this fiche (for its page): none to read when the page's
    query of the fiche found none (``has_knowledge_uses``)."""
    return uses_of(fiche) if getattr(fiche, "has_knowledge_uses", True) else []
