"""The demonstration's second factor: the privileged demo users share one documented TOTP
secret (README, "Demo logins"), so that `make run` lets a demonstrator in with any
authenticator application, or with `manage.py demo_totp` which prints the current code."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.policy import role_requires_second_factor

# A demonstration secret, public by design: never give it to a real account.
DEMO_TOTP_KEY = "416c6c6f4d61697269652d64656d6f2d32303236"  # noqa: S105


def demo_secret() -> str:
    """The secret as an authenticator application takes it (base32)."""
    return b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


def demo_code() -> str:
    """The code an authenticator with the demo secret shows now."""
    return f"{TOTP(unhexlify(DEMO_TOTP_KEY)).token():06d}"


def enrol_demo_users() -> list[str]:
    """Give the demo users whose role requires a second factor the demo authenticator."""
    enrolled = []
    for user in get_user_model().objects.order_by("username"):
        if role_requires_second_factor(user):
            TOTPDevice.objects.update_or_create(
                user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
            )
            enrolled.append(user.username)
    return enrolled
