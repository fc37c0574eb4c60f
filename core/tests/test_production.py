"""The production path: a DEBUG=false start refuses unsafe settings, collectstatic works with the
manifest storage, gunicorn serves French pages, error pages, no-store, sessions and Argon2."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from allo_mairie.production import DEVELOPMENT_SECRET_KEY, production_problems
from organisations.demo import DEMO_PASSWORD

BASE = Path(settings.BASE_DIR)
STRONG_KEY = "k" * 20 + "-production-like-secret-key-0123456789-abcdefgh"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "EMAIL_URL": "smtp://127.0.0.1:2525",
    "SMS_BACKEND": "correspondence.sms.HttpJsonBackend",
    "SMS_HTTP_URL": "https://sms.example.org/send",
    "SECURE_SSL_REDIRECT": "false",
    "CACHE_URL": "locmemcache://",
}


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    dropped = ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    return {
        **inherited,
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        **overrides,
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, BASE / "manage.py", *args], env=env, capture_output=True, text=True, check=False,
        cwd=BASE, timeout=300,
    )  # fmt: skip


# --- what a production start refuses -------------------------------------------------------


def safe(**overrides):
    values = {
        "secret_key": STRONG_KEY,
        "email_backend": "django.core.mail.backends.smtp.EmailBackend",
        "sms_backend": "correspondence.sms.HttpJsonBackend",
        "allow_test_backends": False,
    }
    return production_problems(**{**values, **overrides})


def test_real_settings_have_no_problem():
    assert safe() == []


@pytest.mark.parametrize("key", ["", DEVELOPMENT_SECRET_KEY, "short-key", "a" * 60])
def test_missing_development_or_weak_secret_key_is_refused(key):
    (problem,) = safe(secret_key=key)
    assert "SECRET_KEY" in problem


@pytest.mark.parametrize("backend", ["console", "dummy", "locmem"])
def test_email_backends_that_do_not_send_are_refused(backend):
    (problem,) = safe(email_backend=f"django.core.mail.backends.{backend}.EmailBackend")
    assert "EMAIL_URL" in problem and "smtp" in problem


@pytest.mark.parametrize("backend", ["ConsoleBackend", "LocmemBackend"])
def test_sms_backends_that_do_not_send_are_refused(backend):
    (problem,) = safe(sms_backend=f"correspondence.sms.{backend}")
    assert "SMS_BACKEND" in problem and "HttpJsonBackend" in problem


def test_test_backends_can_be_allowed_explicitly_but_never_the_development_key():
    assert safe(email_backend="django.core.mail.backends.console.EmailBackend",
                sms_backend="correspondence.sms.ConsoleBackend", allow_test_backends=True) == []  # fmt: skip
    assert safe(secret_key="", allow_test_backends=True)


def test_debug_false_start_without_secret_key_stops_with_a_clear_message(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "cannot start in production" in result.stderr and "SECRET_KEY is not set" in result.stderr


def test_debug_false_start_with_console_backends_stops(tmp_path):
    result = manage(production_env(tmp_path, EMAIL_URL="consolemail://", SMS_BACKEND=""), "check")
    assert result.returncode != 0 and "EMAIL_URL" in result.stderr


def test_the_task_worker_does_not_start_with_console_backends(tmp_path):
    result = manage(production_env(tmp_path, EMAIL_URL="consolemail://"), "db_worker", "--batch")
    assert result.returncode != 0 and "allo_mairie.E001" in result.stderr and "EMAIL_URL" in result.stderr


def test_build_steps_need_no_production_secret(tmp_path):
    """An image is built (static files, catalogues) before its secrets are given at run time."""
    env = production_env(tmp_path, EMAIL_URL="consolemail://", SMS_BACKEND="")
    del env["SECRET_KEY"]
    for command in (
        ["collectstatic", "--noinput", "-v", "0"],
        ["compilemessages", "--ignore=.venv", "-v", "0"],
    ):
        result = manage(env, *command)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_the_system_check_reports_each_problem(settings):
    from allo_mairie.production import check_production

    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_KEY
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.SMS_BACKEND = "correspondence.sms.HttpJsonBackend"
    (error,) = check_production()
    assert error.id == "allo_mairie.E001" and "EMAIL_URL" in error.msg
    settings.ALLOW_TEST_BACKENDS = True
    assert check_production() == []
    settings.DEBUG = True
    settings.ALLOW_TEST_BACKENDS = False
    assert check_production() == []


def test_gunicorn_does_not_start_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "allo_mairie.wsgi", "--check-config"],
        env=env, capture_output=True, text=True, check=False, cwd=BASE, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stdout + result.stderr


# --- collectstatic, gunicorn, French pages ----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_collectstatic_then_gunicorn_serves_french_pages_with_debug_off(tmp_path):
    env = production_env(tmp_path)
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stdout + result.stderr
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "allo_mairie.wsgi", "--bind", f"127.0.0.1:{port}", "-w", "1"],
        env=env, cwd=BASE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        root = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, login_page, headers = fetch(f"{root}/connexion/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
        assert status == 200 and "Mot de passe" in login_page
        assert "private" in headers["Cache-Control"] and "no-store" in headers["Cache-Control"]
        css = re.search(r'href="(/static/vendor/bootstrap-5\.3\.9\.min\.[0-9a-f]{12}\.css)"', login_page)
        assert css, "pages link the hashed static files of the manifest"
        status, _, headers = fetch(root + css.group(1))
        assert status == 200 and "max-age" in headers["Cache-Control"]
        status, missing, _ = fetch(f"{root}/nulle-part/")
        assert status == 404 and "Page non trouvée" in missing and 'lang="fr"' in missing
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_vendored_files_reference_no_missing_source_map():
    for path in (BASE / "core" / "static" / "vendor").iterdir():
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path.name


# --- error pages ----------------------------------------------------------------------------

CODES = {
    404: "Page non trouvée",
    403: "Accès refusé",
}


def test_404_and_403_are_french_pages_in_the_site_layout(client, users, settings):
    settings.DEBUG = False
    client.force_login(users["comite"])
    not_found = client.get("/fiches/AM-2026-999999/")
    refused = client.get(reverse("fiches:intake"))
    for response, code in ((not_found, 404), (refused, 403)):
        page = response.content.decode()
        assert response.status_code == code
        assert CODES[code] in page and "Retour à l'accueil" in page and 'class="app-header"' in page


def test_400_and_csrf_failure_are_french(client, users, settings):
    from django.test import Client

    settings.DEBUG = False
    page = client.get("/", HTTP_HOST="attaquant.example").content.decode()
    assert "Demande incompréhensible" in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["agent"])
    expired = strict.post(reverse("fiches:intake"), {})
    assert expired.status_code == 403 and "Formulaire expiré" in expired.content.decode()


def test_500_page_renders_without_request_context_or_database(settings):
    settings.DEBUG = False  # no database fixture: any query would raise
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "Erreur du serveur" in page and 'lang="fr"' in page


def test_429_template_is_french(client, settings):
    from django.template.loader import render_to_string

    page = render_to_string("429.html", request=RequestFactory().get("/"))
    assert "Trop de tentatives" in page and "Patientez" in page


# --- no-store on every page and file with personal data ---------------------------------


def test_pages_and_exports_are_private_and_not_stored(client, users, make_fiche):
    fiche = make_fiche()
    client.force_login(users["agent"])
    for url in (
        reverse("fiches:detail", args=[fiche.reference]),
        reverse("fiches:export", args=["csv"]),
        reverse("portal:track"),
    ):
        control = client.get(url)["Cache-Control"]
        assert "private" in control and "no-store" in control, url


# --- sessions: a working day, renewed while active --------------------------------------


def test_active_session_is_renewed_at_most_every_renew_interval(client, users, settings, time_machine):
    time_machine.move_to("2026-03-02 07:55 +01:00", tick=False)
    settings.SESSION_RENEW_AFTER = 15 * 60
    settings.SESSION_IDLE_TIMEOUT = 12 * 3600  # the renewal alone (the idle end: accounts/tests)
    client.post(reverse("login"), {"username": "agent", "password": DEMO_PASSWORD})

    def expiry() -> str:
        stored = Session.objects.get(session_key=client.session.session_key).expire_date
        return timezone.localtime(stored).isoformat()[:16]

    assert expiry() == "2026-03-02T19:55"  # 12 hours after the login
    time_machine.move_to("2026-03-02 08:05 +01:00", tick=False)
    client.get("/")
    assert expiry() == "2026-03-02T19:55"  # 10 minutes later: no write
    time_machine.move_to("2026-03-02 17:00 +01:00", tick=False)
    client.get("/")
    assert expiry() == "2026-03-03T05:00"
    time_machine.move_to("2026-03-03 05:01 +01:00", tick=False)
    assert client.get("/").status_code == 302  # idle overnight: logged out


# --- Argon2 at OWASP's minimum, old hashes upgraded -------------------------------------


def test_argon2_uses_the_configured_cost_and_upgrades_old_hashes(settings, users, client):
    settings.PASSWORD_HASHERS = ["core.hashers.TunedArgon2PasswordHasher"]
    encoded = make_password("un-mot-de-passe")
    assert "$argon2id$" in encoded and "m=19456,t=2,p=1" in encoded
    assert check_password("un-mot-de-passe", encoded)
    assert identify_hasher(encoded).algorithm == "argon2"

    from django.contrib.auth.hashers import Argon2PasswordHasher

    agent = users["agent"]
    agent.password = Argon2PasswordHasher().encode(DEMO_PASSWORD, Argon2PasswordHasher().salt())
    agent.save(update_fields=["password"])
    assert "m=102400" in agent.password  # Django's default cost
    assert client.post(reverse("login"), {"username": "agent", "password": DEMO_PASSWORD}).status_code == 302
    agent.refresh_from_db()
    assert "m=19456,t=2,p=1" in agent.password
