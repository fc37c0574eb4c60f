"""Login lockout: per account across addresses, per address for sprays, never an office."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from organisations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str, ip: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_one_account_tried_from_many_addresses_is_locked(client, users, settings):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        login(client, "agent", "Marseille2026", f"198.51.100.{n}")
    locked = login(client, "agent", DEMO_PASSWORD, "203.0.113.7")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Compte bloqué" in page and "30 minutes" in page and "Tentatives de connexion" in page
    assert login(client, "superviseur", DEMO_PASSWORD, "203.0.113.7").status_code == 302


def test_password_spray_from_one_address_is_stopped(client, users, settings):
    accounts = ["agent", "superviseur", "admin", "cellule-voirie", "cellule-eclairage"]
    assert settings.AXES_FAILURE_LIMIT > 3 and 3 * len(accounts) >= settings.AXES_IP_FAILURE_LIMIT
    for password in ("Marseille2026", "Azerty123!", "Soleil13"):
        for username in accounts:
            login(client, username, password, "192.0.2.66")
    # each account alone is under its limit, the address is over its own
    assert login(client, "comite", DEMO_PASSWORD, "192.0.2.66").status_code == 429
    assert login(client, "agent", DEMO_PASSWORD, "192.0.2.99").status_code == 302


def test_fifty_staff_behind_one_office_address_log_in(client, settings):
    User = get_user_model()
    names = [f"agent{n:02d}" for n in range(50)]
    User.objects.bulk_create(User(username=name, password="") for name in names)
    for user in User.objects.filter(username__in=names):
        user.set_password(DEMO_PASSWORD)
        user.save()
    for name in names:
        assert login(client, name, DEMO_PASSWORD + "x", "10.13.0.1").status_code == 200  # a typo
        assert login(client, name, DEMO_PASSWORD, "10.13.0.1").status_code == 302
        client.logout()
    assert not AccessAttempt.objects.exists()


def test_an_administrator_unlocks_an_account_in_the_admin(client, users, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "agent", "wrong", f"198.51.100.{n}")
    assert login(client, "agent", DEMO_PASSWORD, "198.51.100.1").status_code == 429
    admin = client.__class__()
    admin.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    changelist = admin.get("/admin/axes/accessattempt/", {"q": "agent"})
    assert changelist.status_code == 200 and "198.51.100.4" in changelist.content.decode()
    attempt = AccessAttempt.objects.filter(username="agent").first()
    assert admin.get(f"/admin/axes/accessattempt/{attempt.pk}/change/").status_code == 200
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="agent").values_list("pk", flat=True)]
    confirm = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert confirm.status_code == 302 and not AccessAttempt.objects.exists()
    assert login(client, "agent", DEMO_PASSWORD, "198.51.100.1").status_code == 302
