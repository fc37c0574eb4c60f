"""Enrolment of an authenticator (TOTP), recovery codes, and checking a code."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"
RECOVERY_CODES = 10


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being enrolled: the same secret until it is confirmed, so that
    reloading the page does not invalidate what was scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing it into an application."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as a QR code, an SVG data URI rendered on the server."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it shows; the new recovery codes, or
    None when the code is wrong. Another authenticator the user had is replaced."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def check(user: AbstractBaseUser, token: str) -> Device | None:
    """The device that accepts this code (authenticator or recovery code), if any."""
    token = token.strip().replace(" ", "").lower()
    return match_token(user, token) if token else None


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
