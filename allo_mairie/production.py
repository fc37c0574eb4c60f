"""What a production start (``DEBUG=false``) refuses: it stops with every reason at once.

Pure functions over plain values, called at the end of settings.py, so that gunicorn, the task
worker and every management command stop alike (system checks do not run under gunicorn)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32
MIN_SECRET_KEY_LENGTH = 50

# Backends that print, keep in memory or drop what they are given: fine on a laptop, a leak of
# callers' numbers and texts (or silently lost notices) in production.
TEST_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    }
)
TEST_SMS_BACKENDS = frozenset({"correspondence.sms.ConsoleBackend", "correspondence.sms.LocmemBackend"})


def production_problems(
    *, secret_key: str, email_backend: str, sms_backend: str, allow_test_backends: bool
) -> list[str]:
    """The reasons why these settings cannot serve production (empty when they can)."""
    problems = []
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY:
        problems.append(
            "SECRET_KEY is not set: with DEBUG=false a secret key of your own is required "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        problems.append(f"SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters.")
    if not allow_test_backends:
        if email_backend in TEST_EMAIL_BACKENDS:
            problems.append(
                f"EMAIL_URL gives {email_backend}, which does not send mail: set EMAIL_URL to your "
                "SMTP server (e.g. smtp+tls://user:password@smtp.example.org:587), or "
                "ALLOW_TEST_BACKENDS=true on a test platform."
            )
        if sms_backend in TEST_SMS_BACKENDS:
            problems.append(
                f"SMS_BACKEND is {sms_backend}, which does not send SMS: set "
                "SMS_BACKEND=correspondence.sms.HttpJsonBackend with SMS_HTTP_URL and SMS_HTTP_TOKEN "
                "(or correspondence.sms.FileBackend for a spooler), or ALLOW_TEST_BACKENDS=true on a "
                "test platform."
            )
    return problems


def refuse_unsafe_production(**settings_values: object) -> None:
    problems = production_problems(**settings_values)  # type: ignore[arg-type]
    if problems:
        raise ImproperlyConfigured(
            "Allô Mairie cannot start in production (DEBUG=false):\n- " + "\n- ".join(problems)
        )
