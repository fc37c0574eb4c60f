"""Platform guarantees: deploy checks, argon2, login lockout, French pages, Paris time."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test.html import parse_html
from django.urls import reverse

import allo_mairie.settings as project_settings
from organisations.demo import DEMO_PASSWORD


def test_check_deploy_is_clean_when_debug_is_off():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "allo-mairie.example.org",
        "DATABASE_URL": "sqlite:////tmp/allo-mairie-check.sqlite3",
        "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
        "SMS_BACKEND": "correspondence.sms.HttpJsonBackend",
    }
    result = subprocess.run(
        [sys.executable, Path(settings.BASE_DIR) / "manage.py", "check", "--deploy", "--fail-level=WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_french_and_paris_time():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == ("fr", "Europe/Paris", True)


def test_login_page_in_french_and_login_works(client, users):
    page = client.get(reverse("login")).content.decode()
    assert "Identifiant" in page and "Mot de passe" in page
    response = client.post(reverse("login"), {"username": "agent", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Enregistrer un appel" in client.get("/").content.decode()


def test_repeated_failed_logins_lock_the_account(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "agent", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "agent", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Compte bloqué" in locked.content.decode()


def test_pages_need_login(client):
    for name in ("fiches:list", "fiches:intake", "core:home"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_password_change(client, users):
    client.force_login(users["agent"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Un-nouveau-mot-2026!",
            "new_password2": "Un-nouveau-mot-2026!",
        },
    )
    assert response.status_code == 302
    users["agent"].refresh_from_db()
    assert users["agent"].check_password("Un-nouveau-mot-2026!")


def test_logout_is_a_post(client, users):
    client.force_login(users["agent"])
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("fiches:list")).status_code == 302


def test_display_filters_show_paris_time():
    from datetime import UTC, datetime

    from core.templatetags.display import local_date, local_datetime

    summer = datetime(2026, 7, 13, 22, 30, tzinfo=UTC)  # 00:30 on the 14th in Paris
    assert local_datetime(summer) == "14/07/2026 00:30" and local_date(summer) == "14/07/2026"
    assert local_datetime(None) == "" and local_date(None) == ""


def test_fast_widgets_render_like_django():
    from django import forms

    from core.forms import StyledFormMixin

    class Plain(forms.Form):
        name = forms.CharField(max_length=5, help_text="aide")
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        kind = forms.ChoiceField(choices=[("a", "A<"), ("b", "B")])
        ok = forms.BooleanField(required=False)

    class Fast(StyledFormMixin, Plain):
        pass

    data = {"name": 'x"<y', "when": "2026-01-02", "kind": "b", "ok": "on"}
    plain, fast = Plain(data), Fast(data)
    for name in ("name", "when", "kind", "ok"):
        rendered = re.sub(r' class="[^"]*"', "", str(fast[name]))
        assert parse_html(rendered) == parse_html(str(plain[name])), name
