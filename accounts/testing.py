"""Test helpers for the second factor: an authenticator for a test user and its current
code, and a test client's session marked as verified (Client.force_login / login)."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.policy import REQUIRED_KEY, role_requires_second_factor


def authenticator_for(username: str) -> TOTPDevice | None:
    """The user's authenticator, set up if their role requires one and they have none."""
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None and role_requires_second_factor(user):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step's, or the next one's when the
    current one was already used (a second log-in within 30 seconds), waiting if needed."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    if step > totp.t() + device.tolerance:
        time.sleep(device.step)
        return current_code(device)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client, user: AbstractBaseUser) -> None:
    """After Client.force_login/login: the session has given a second factor if it needs one."""
    session = client.session
    if not session.get(REQUIRED_KEY):
        return
    device, _ = StaticDevice.objects.get_or_create(user=user, name="test-client")
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
