"""The error pages, as a citizen or an agent meets them, are accessible (axe-core)."""

import pytest
from django.urls import reverse

from core.testing import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_error_pages_are_accessible(page, live_server, users):
    response = page.goto(f"{live_server.url}/nulle-part/")
    assert response.status == 404 and "Page non trouvée" in page.inner_text("h1")
    assert_accessible(page, "error-404-anonymous")
    log_in(page, live_server, "comite")
    response = page.goto(live_server.url + reverse("fiches:intake"))
    assert response.status == 403 and "Accès refusé" in page.inner_text("h1")
    assert_accessible(page, "error-403")
