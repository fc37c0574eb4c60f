"""What a production start (``DEBUG=false``) refuses: it stops with every reason at once.

``production_problems`` is a pure function over plain values. It is asked twice: by a system
check (``check_production``, registered by core), which stops ``migrate``, ``runserver``, the task
worker and every command that runs the checks; and by ``allo_mairie/wsgi.py``, because gunicorn
runs no system check. Build steps that need no secret and send nothing (``collectstatic``,
``compilemessages``) run no such check, so an image can be built without the production
secrets."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
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


def current_problems() -> list[str]:
    """The problems of the running settings (none with DEBUG on)."""
    if settings.DEBUG:
        return []
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty key
        secret_key = ""
    return production_problems(
        secret_key=secret_key,
        email_backend=settings.EMAIL_BACKEND,
        sms_backend=settings.SMS_BACKEND,
        allow_test_backends=settings.ALLOW_TEST_BACKENDS,
    )


def check_production(app_configs=None, **kwargs) -> list[checks.Error]:
    prefix = "Allô Mairie cannot start in production (DEBUG=false): "
    return [checks.Error(prefix + problem, id="allo_mairie.E001") for problem in current_problems()]


def refuse_unsafe_production() -> None:
    """For the WSGI entry point: raise with every reason at once."""
    problems = current_problems()
    if problems:
        raise ImproperlyConfigured(
            "Allô Mairie cannot start in production (DEBUG=false):\n- " + "\n- ".join(problems)
        )
