"""Plain-text templates (e-mail bodies and subjects) rendered without HTML escaping."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.template.loader import get_template


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """Render a ``.txt`` template as text: « l'Éclairage < 5 » stays as is, never ``l&#x27;…``."""
    return get_template(template_name).template.render(Context(context, autoescape=False))
