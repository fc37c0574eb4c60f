"""SMS gateway interface. Backends are chosen by settings.SMS_BACKEND (dotted path):

- ``correspondence.sms.ConsoleBackend`` (default): prints to standard output.
- ``correspondence.sms.FileBackend``: one JSON line per SMS in ``SMS_FILE_PATH``.
- ``correspondence.sms.LocmemBackend``: keeps messages in ``correspondence.sms.outbox`` (tests).
- ``correspondence.sms.HttpJsonBackend``: a provider reached by a JSON POST (see docs).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[SmsMessage] = []


class SmsError(Exception):
    """The gateway refused or could not be reached; the message is marked as failed."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sender: str = ""


class BaseBackend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, message: SmsMessage) -> str:
        """Send one SMS; return the provider's message id (or "")."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: SmsMessage) -> str:
        stream = self.options.get("stream") or sys.stdout
        stream.write(f"SMS to {message.to} from {message.sender}:\n{message.text}\n{'-' * 40}\n")
        return ""


class FileBackend(BaseBackend):
    def send(self, message: SmsMessage) -> str:
        path = Path(self.options.get("path") or settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "at": timezone.now().isoformat(),
            "to": message.to,
            "from": message.sender,
            "text": message.text,
        }
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return ""


class LocmemBackend(BaseBackend):
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return str(len(outbox))


Transport = Callable[[str, bytes, dict[str, str], float], tuple[int, bytes]]


def urllib_transport(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class HttpJsonBackend(BaseBackend):
    """A generic HTTPS provider: ``POST {url}`` with a bearer token and the JSON body
    ``{"from": sender, "to": "+336…", "text": "…"}``; a 2xx answer with ``{"id": "…"}``
    means accepted. Options (settings.SMS_OPTIONS): url, token, timeout. Most French
    providers (and GOV.UK Notify-like gateways) accept this shape or need only a small
    subclass overriding ``payload``/``message_id``."""

    def __init__(self, transport: Transport | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.transport = transport or urllib_transport

    def payload(self, message: SmsMessage) -> dict[str, Any]:
        return {"from": message.sender, "to": international(message.to), "text": message.text}

    def message_id(self, answer: bytes) -> str:
        try:
            return str(json.loads(answer or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            return ""

    def send(self, message: SmsMessage) -> str:
        url = self.options.get("url")
        if not url:
            raise SmsError("SMS_OPTIONS['url'] is not set")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.options.get("token"):
            headers["Authorization"] = f"Bearer {self.options['token']}"
        body = json.dumps(self.payload(message)).encode()
        try:
            status, answer = self.transport(url, body, headers, float(self.options.get("timeout", 10)))
        except OSError as exc:
            raise SmsError(f"gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")
        return self.message_id(answer)


def international(phone: str) -> str:
    """French national number to E.164 (06 12 34 56 78 → +33612345678)."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        return "+33" + digits[1:]
    return digits


def get_backend(**overrides: Any) -> BaseBackend:
    cls = import_string(settings.SMS_BACKEND)
    return cls(**{**getattr(settings, "SMS_OPTIONS", {}), **overrides})


def send_sms(to: str, text: str) -> str:
    return get_backend().send(SmsMessage(to=to, text=text, sender=settings.SMS_SENDER))
