"""Who needs a second factor, and whether this session has given one.

Decided at login and kept in the session, so that a page costs no query for it: privileged
roles (administrators, supervisors, finance officers, committee members) and Django staff
always; everyone with TWO_FACTOR_FOR_ALL; and whoever enrolled a device of their own accord.
Only sessions are concerned: a request authenticated otherwise (an API token) never carries
these keys and is not gated here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

from organisations.access import scope_for
from organisations.models import Role

REQUIRED_KEY = "_second_factor_required"
STRONG_ROLES = (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.FINANCE, Role.COMMITTEE)


def role_requires_second_factor(user: AbstractBaseUser) -> bool:
    return bool(
        settings.TWO_FACTOR_FOR_ALL
        or user.is_staff
        or user.is_superuser
        or scope_for(user).has(*STRONG_ROLES)
    )


def needs_second_factor(user: AbstractBaseUser) -> bool:
    """The role requires one, or the user enrolled a device."""
    return role_requires_second_factor(user) or user_has_device(user, confirmed=True)


def is_verified(request: HttpRequest) -> bool:
    """This session gave a second factor (django_otp.login stored the device)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))
