"""The API documentation pages render offline (vendored Swagger UI and Redoc, under the CSP)."""

from __future__ import annotations

import os

import pytest

from core.testing import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_documentation_renders_offline(page, live_server, users):
    def offline(route) -> None:  # nothing from outside the application: the docs work offline
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", offline)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, "cellule-voirie")
    page.goto(f"{live_server.url}/api/v1/docs/")
    try:
        page.wait_for_selector(".opblock-summary-path", timeout=15000)
    except Exception:
        raise AssertionError(errors) from None
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/fiches/{reference}/actions/" in paths
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/api-swagger.png", full_page=True)
    page.goto(f"{live_server.url}/api/v1/redoc/")
    try:
        page.locator("#redoc-container h2", has_text="newest first").first.wait_for(timeout=15000)
    except Exception:
        raise AssertionError(errors) from None
    if folder:
        page.screenshot(path=f"{folder}/api-redoc.png", full_page=True)
    assert page.get_by_text("Take a lifecycle action", exact=False).count() > 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_delivery_log_and_redeliver_in_the_admin(page, live_server, users, make_fiche):
    from partners.models import PartnerSystem, WebhookAttempt, WebhookDelivery, WebhookEndpoint
    from partners.services import save_partner

    partner = save_partner(PartnerSystem(name="SIG Voirie", body=make_fiche("VOI-NID").body))
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url="https://sig.example.org/hooks", active=False
    )
    fiche = make_fiche("VOI-NID")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, fiche=fiche, action="transmit", payload={"id": "x"}, status="failed", attempts=2
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=503, duration_ms=12)
    WebhookAttempt.objects.create(delivery=delivery, error="ConnectionRefusedError", duration_ms=3)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/partners/webhookdelivery/")
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/api-admin-deliveries.png", full_page=True)
    assert page.locator("select[name=action] option[value=redeliver]").count() == 1
    page.goto(f"{live_server.url}/admin/partners/webhookdelivery/{delivery.pk}/change/")
    assert "ConnectionRefusedError" in page.content() and "503" in page.content()
    if folder:
        page.screenshot(path=f"{folder}/api-admin-delivery.png", full_page=True)
