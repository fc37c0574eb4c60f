"""Sessions: log out everywhere, the end of an idle session, the password policy."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import UserSession
from organisations.demo import DEMO_PASSWORD


def logged_in(username: str) -> Client:
    client = Client()
    assert client.post("/connexion/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_log_out_everywhere_ends_every_session_of_the_user_only(users):
    office, home, laptop = logged_in("agent"), logged_in("agent"), logged_in("agent")
    colleague = logged_in("agent2")
    response = office.post("/compte/deconnexion-partout/", follow=True)
    assert response.redirect_chain[-1][0] == "/connexion/"
    assert "Vous êtes déconnecté partout (3 session(s) fermée(s))." in response.content.decode()
    for client in (office, home, laptop):
        assert client.get("/fiches/").status_code == 302
    assert colleague.get("/fiches/").status_code == 200
    assert not UserSession.objects.filter(user=users["agent"]).exists()
    assert logged_in("agent").get("/fiches/").status_code == 200  # logging in again works


def test_log_out_everywhere_is_a_post(users):
    client = logged_in("agent")
    assert client.get("/compte/deconnexion-partout/").status_code == 405
    assert client.get("/fiches/").status_code == 200


def test_logging_out_forgets_the_session(users):
    client = logged_in("agent")
    assert UserSession.objects.filter(user=users["agent"]).count() == 1
    client.post("/deconnexion/")
    assert not UserSession.objects.filter(user=users["agent"]).exists()


def test_an_idle_session_ends(users, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    settings.SESSION_RENEW_AFTER = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = logged_in("agent")
        for _ in range(6):  # active all afternoon: never logged out
            clock.shift(timedelta(minutes=50))
            assert client.get("/fiches/").status_code == 200
        clock.shift(timedelta(minutes=61))
        response = client.get("/fiches/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/connexion/")
        assert "après une période d&#x27;inactivité" in response.content.decode()


def test_password_policy():
    for weak in ("court", "password1234", "123456789012"):
        try:
            validate_password(weak)
        except ValidationError:
            continue
        raise AssertionError(f"{weak!r} was accepted")
    validate_password("rade-du-vieux-port-1664")


def test_the_password_change_page_refuses_a_common_password(users):
    client = logged_in("agent")
    response = client.post(
        "/mot-de-passe/",
        {"old_password": DEMO_PASSWORD, "new_password1": "marseille", "new_password2": "marseille"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in page


def test_after_a_password_change_log_out_everywhere_still_ends_this_session(users):
    office = logged_in("agent")
    response = office.post(
        "/mot-de-passe/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "rade-du-vieux-port-1664",
            "new_password2": "rade-du-vieux-port-1664",
        },
    )
    assert response.status_code == 302
    other = Client()
    other.post("/connexion/", {"username": "agent", "password": "rade-du-vieux-port-1664"})
    other.post("/compte/deconnexion-partout/")
    assert office.get("/fiches/").status_code == 302


def test_the_sweep_forgets_sessions_that_ended_without_a_logout(users):
    from io import StringIO

    from django.core.management import call_command

    logged_in("agent")
    call_command("sessions_sweep", stdout=StringIO())
    assert UserSession.objects.count() == 1  # still open
    with time_machine.travel(timezone.now() + timedelta(hours=11), tick=False):
        logged_in("agent2")
    # at 13 hours the first has expired unused (12 hours at most), the second is open
    with time_machine.travel(timezone.now() + timedelta(hours=13), tick=False):
        out = StringIO()
        call_command("sessions_sweep", stdout=out)
    assert "1 ended session record(s) forgotten" in out.getvalue()
    assert list(UserSession.objects.values_list("user__username", flat=True)) == ["agent2"]


def test_an_administrator_logs_a_user_out_everywhere(users, client):
    office, home = logged_in("agent"), logged_in("agent")
    colleague = logged_in("agent2")
    client.force_login(users["admin"])
    response = client.post(
        "/admin/auth/user/",
        {"action": "log_out_everywhere", "_selected_action": [users["agent"].pk]},
        follow=True,
    )
    assert response.status_code == 200 and "2 sessions fermées." in response.content.decode()
    assert office.get("/fiches/").status_code == 302 and home.get("/fiches/").status_code == 302
    assert colleague.get("/fiches/").status_code == 200
