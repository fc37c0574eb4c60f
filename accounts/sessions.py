"""Session bookkeeping: the second-factor decision at login, the record of each session for
"log out everywhere"."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from accounts.models import UserSession
from accounts.policy import REQUIRED_KEY, needs_second_factor


def on_login(sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    request.session[REQUIRED_KEY] = needs_second_factor(user)
    remember_session(request, user)


def remember_session(request: HttpRequest, user: AbstractBaseUser | None = None) -> None:
    """Record the session's current key (after a login or a key change)."""
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user or request.user}
    )


def on_logout(sender: Any, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def end_all_sessions(user: AbstractBaseUser) -> int:
    """Delete every session the user opened (this one included); how many were open."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
