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


def forget_ended_sessions() -> int:
    """Delete the records of sessions that ended without a logout (expired, cleared, or of a
    store that forgot them); how many. With the database store (production): one query."""
    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        return UserSession.objects.exclude(session_key__in=live).delete()[0]
    keys = UserSession.objects.values_list("session_key", flat=True).iterator()
    ended = [key for key in keys if not engine.SessionStore().exists(key)]
    return UserSession.objects.filter(session_key__in=ended).delete()[0]


def end_all_sessions(user: AbstractBaseUser) -> int:
    """Delete every session the user opened (this one included); how many were open."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
