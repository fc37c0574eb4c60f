"""The second factor through the real pages (the test client's shortcut, force_login, is
not used here): who must give one, enrolment, verification, recovery codes, the admin."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY, demo_code, enrol_demo_users
from accounts.testing import current_code
from organisations.demo import DEMO_PASSWORD

PRIVILEGED = ["admin", "superviseur", "finances", "comite"]
OPTIONAL = ["agent", "cellule-voirie", "direction-voirie"]


def password_login(client: Client, username: str, follow: bool = False):
    return client.post("/connexion/", {"username": username, "password": DEMO_PASSWORD}, follow=follow)


def enrol(client: Client, username: str) -> list[str]:
    """Go through enrolment; the recovery codes shown."""
    page = client.get("/compte/double-authentification/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    shown = page.content.decode()
    assert "data:image/svg+xml" in shown  # the QR code, rendered on the server
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', shown).group(1)
    from base64 import b32decode

    assert b32decode(secret.replace(" ", "")) == device.bin_key  # the same secret, in text
    done = client.post("/compte/double-authentification/", {"token": current_code(device)})
    assert done.status_code == 200
    return re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())


@pytest.mark.parametrize("username", PRIVILEGED)
def test_privileged_roles_must_enrol_before_anything_else(users, username):
    client = Client()
    response = password_login(client, username)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.url.startswith("/compte/double-authentification/")
    codes = enrol(client, username)
    assert len(codes) == 10
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("username", OPTIONAL)
def test_other_roles_log_in_with_a_password_unless_the_setting_says_otherwise(users, settings, username):
    client = Client()
    password_login(client, username)
    assert client.get("/").status_code == 200
    settings.TWO_FACTOR_FOR_ALL = True
    client = Client()
    password_login(client, username)
    assert client.get("/").url.startswith("/compte/double-authentification/")


def test_an_agent_who_enrolled_of_their_own_accord_is_asked_for_a_code(users):
    client = Client()
    password_login(client, "agent")
    enrol(client, "agent")
    client = Client()
    password_login(client, "agent")
    assert client.get("/fiches/").url == "/compte/verification/?next=%2Ffiches%2F"


def test_verification_after_the_password(users):
    device = TOTPDevice.objects.create(user=users["superviseur"], name="phone", confirmed=True)
    client = Client()
    password_login(client, "superviseur")
    gated = client.get("/telephonie/")
    assert gated.url == "/compte/verification/?next=%2Ftelephonie%2F"
    wrong = client.post("/compte/verification/", {"token": "000000", "next": "/telephonie/"})
    assert wrong.status_code == 400 and "aria-invalid" in wrong.content.decode()
    assert client.get("/telephonie/").status_code == 302
    # django-otp throttles after a failure: wait it out as a person would.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    right = client.post("/compte/verification/", {"token": current_code(device), "next": "/telephonie/"})
    assert right.status_code == 302 and right.url == "/telephonie/"
    assert client.get("/telephonie/").status_code == 200


def test_next_never_leaves_the_site(users):
    device = TOTPDevice.objects.create(user=users["comite"], name="phone", confirmed=True)
    client = Client()
    password_login(client, "comite")
    right = client.post(
        "/compte/verification/", {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert right.url == "/"


def test_a_recovery_code_works_once(users):
    client = Client()
    password_login(client, "finances")
    codes = enrol(client, "finances")
    for attempt in range(2):
        client = Client()
        password_login(client, "finances")
        response = client.post("/compte/verification/", {"token": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get("/finances/").status_code == 200
        else:
            assert response.status_code == 400
    assert StaticToken.objects.filter(device__user=users["finances"]).count() == 9


def test_the_admin_requires_the_second_factor(users):
    client = Client()
    password_login(client, "admin")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/compte/double-authentification/")
    enrol(client, "admin")
    assert client.get("/admin/").status_code == 200


def test_htmx_requests_are_sent_to_the_verification_by_a_header(users):
    TOTPDevice.objects.create(user=users["superviseur"], name="phone", confirmed=True)
    client = Client()
    password_login(client, "superviseur")
    response = client.get("/fiches/nouvelle/types/?q=nid", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/compte/verification/"
    # a poll from the verification page itself (the screen pop in the layout) is stopped,
    # not sent to reload the page it is on, for ever
    poll = client.get(
        "/telephonie/direct/appel/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/compte/verification/?next=/"},
    )
    assert poll.status_code == 286 and "HX-Redirect" not in poll


def test_a_session_authenticated_otherwise_is_not_gated(users, rf):
    """Token-authenticated API requests carry no session login: the gate does not apply."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from accounts.middleware import SecondFactorMiddleware

    request = rf.get("/api/v1/fiches/")
    request.session = SessionStore()
    request.user = users["admin"]  # as an API token backend would set it
    assert SecondFactorMiddleware(lambda r: HttpResponse("ok"))(request).status_code == 200
    request.user = AnonymousUser()
    assert SecondFactorMiddleware(lambda r: HttpResponse("ok"))(request).status_code == 200


def test_recovery_codes_are_renewed_from_the_security_page(users):
    client = Client()
    password_login(client, "superviseur")
    old = enrol(client, "superviseur")
    page = client.get("/compte/")
    assert "10 codes de secours restants" in page.content.decode()
    renewed = client.post("/compte/codes-de-secours/")
    new = re.findall(r"<li>([a-z2-7]{8})</li>", renewed.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=users["superviseur"]).values_list("token", flat=True)
    ) == set(new)


def test_the_demo_authenticator(users):
    assert enrol_demo_users() == ["admin", "comite", "finances", "superviseur"]
    assert TOTPDevice.objects.get(user=users["admin"]).key == DEMO_TOTP_KEY
    client = Client()
    password_login(client, "admin")
    assert client.post("/compte/verification/", {"token": demo_code()}).status_code == 302
    assert client.get("/admin/").status_code == 200
