from django.conf import settings
from django.http import HttpRequest

from organisations.access import scope_for


def ui(request: HttpRequest) -> dict:
    """Values every page needs: the user's scope (for navigation) and the service's phone number."""
    return {
        "scope": scope_for(request.user) if hasattr(request, "user") else None,
        "service_phone": settings.LETTER_PHONE,
    }
