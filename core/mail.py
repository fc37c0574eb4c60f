"""Staff e-mails written in French from two templates (subject and body, plain text)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

from core.plaintext import render_text


def send(subject_template: str, body_template: str, context: dict, to: Iterable[str]) -> int:
    """Render and send one message in French; returns the number of messages sent."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    with translation.override("fr"):
        subject = " ".join(render_text(subject_template, context).split())
        body = render_text(body_template, context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return message.send()
