"""The second factor in the browser: a supervisor enrols (QR code and secret), keeps the
recovery codes, logs out, logs in again with a code computed here; then the access log."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from core.testing import assert_accessible, log_in
from organisations.demo import DEMO_PASSWORD


def code_for(secret: str, last: str | None = None) -> str:
    """What an authenticator application shows for this secret (the next step's code when
    the current one was just used)."""
    import time

    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time()
    code = f"{totp.token():06d}"
    if code == last:
        totp.time += 30
        code = f"{totp.token():06d}"
    return code


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enrol_then_log_in_with_a_code(page, live_server, users):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "superviseur")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/compte/double-authentification/" in page.url
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    assert_accessible(page, "enrol")
    secret = page.inner_text("#totp-secret")
    page.get_by_label("Code affiché par l'application").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    assert page.get_by_text("Ce code ne correspond pas").is_visible()
    assert page.inner_text("#totp-secret") == secret  # the same secret until it is confirmed
    assert_accessible(page, "enrol-error")
    page.wait_for_timeout(1100)  # django-otp throttles a second try within a second of a wrong one
    first = code_for(secret)
    page.get_by_label("Code affiché par l'application").fill(first)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    codes = page.get_by_role("list", name="Codes de secours").locator("li").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "recovery-codes")
    with page.expect_navigation():
        page.get_by_role("link", name="Je les ai conservés, continuer").click()
    page.context.clear_cookies()  # a new day, a new session

    page.goto(f"{live_server.url}/telephonie/")
    page.fill("#id_username", "superviseur")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/compte/verification/" in page.url
    assert_accessible(page, "verify")
    page.get_by_label("Code").fill(code_for(secret, last=first))
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier").click()
    assert page.url.endswith("/telephonie/")

    page.goto(f"{live_server.url}/compte/")
    assert page.get_by_text("10 codes de secours restants").is_visible()
    assert_accessible(page, "security")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_access_log_page(page, live_server, users, make_fiche):
    fiche = make_fiche("VOI-NID")
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/{fiche.reference}/")
    page.context.clear_cookies()
    log_in(page, live_server, "admin")  # with its second factor, computed by core.testing
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Journal des accès").click()
    page.get_by_label("Agent (identifiant)").fill("agent")
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher").click()
    row = page.locator("tbody tr").first
    assert "Données personnelles d'une fiche" in row.inner_text() and fiche.reference in row.inner_text()
    assert_accessible(page, "access-log")
