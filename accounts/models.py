"""The sessions a staff member opened, so that "log out everywhere" can end them all,
whatever the session store (database, cache)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class UserSession(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
